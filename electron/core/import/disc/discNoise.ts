import { dirname, extname } from 'node:path';
import type { FoundFile } from '../types';

/**
 * What hospital discs carry besides the records: a viewer program and its files, autorun,
 * HTML indexes. None of it is imported; it is counted as skipped.
 */
const NOISE_EXTENSIONS = new Set(
  [
    'exe',
    'dll',
    'inf',
    'ini',
    'htm',
    'html',
    'js',
    'css',
    'ico',
    'jar',
    'class',
    'cab',
    'msi',
    'sys',
    'ocx',
    'bat',
    'cmd',
    'sh',
    'dylib',
    'so',
    'lnk',
    'url',
    'plist',
    'icns',
    'gif',
    'swf',
    'cfg',
    'manifest',
    'config',
    'pak',
    'dat',
    'chm',
    'hlp',
    'tlb',
    'lic',
    'xsl',
    'xslt',
    'woff',
    'woff2',
    'ttf',
  ].map((ext) => `.${ext}`),
);
const PROGRAM_EXTENSIONS = new Set(['.exe', '.dll', '.jar', '.dylib', '.so', '.app', '.ocx', '.msi']);

/** The files of `files` that are disc noise: noise by kind, or anything inside a viewer's folder. */
export function findDiscNoise(files: readonly FoundFile[]): Set<FoundFile> {
  // A folder holding a program is the viewer's; everything in it and below belongs to it.
  const viewerFolders = new Set<string>();
  for (const file of files) {
    const folder = dirname(file.relativePath);
    if (PROGRAM_EXTENSIONS.has(extname(file.path).toLowerCase()) && folder !== '.') viewerFolders.add(folder);
  }
  const inViewer = (relative: string) => {
    for (let folder = dirname(relative); folder !== '.' && folder !== '/'; folder = dirname(folder)) {
      if (viewerFolders.has(folder)) return true;
    }
    return false;
  };
  return new Set(
    files.filter(
      (file) =>
        NOISE_EXTENSIONS.has(extname(file.path).toLowerCase().replace(/;\d+$/, '')) || inViewer(file.relativePath),
    ),
  );
}
