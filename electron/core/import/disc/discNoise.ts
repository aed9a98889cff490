import { dirname, extname } from 'node:path';
import { isDicomdirName } from '../dicom/dicomdir';
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
  // A folder holding a program is the viewer's, and everything in it and below belongs to it —
  // unless it is the disc's root (where the DICOMDIR is), which may hold an autorun viewer.
  // Absolute paths: the folders of a disc may have been chosen one by one.
  const roots = new Set(files.filter((file) => isDicomdirName(file.path)).map((file) => dirname(file.path)));
  const viewerFolders = new Set(
    files
      .filter((file) => PROGRAM_EXTENSIONS.has(extension(file.path)) && !roots.has(dirname(file.path)))
      .map((file) => dirname(file.path)),
  );
  const inViewer = (path: string) => {
    for (let folder = dirname(path); folder !== dirname(folder); folder = dirname(folder)) {
      if (viewerFolders.has(folder)) return true;
    }
    return false;
  };
  return new Set(files.filter((file) => NOISE_EXTENSIONS.has(extension(file.path)) || inViewer(file.path)));
}

function extension(path: string): string {
  return extname(path).toLowerCase().replace(/;\d+$/, '');
}
