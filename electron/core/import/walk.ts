import { lstat, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import type { ImportFailure } from '../../../shared/imports';
import { describeIoError } from '../errors';
import { openArchive, openArchiveFrom } from './archive/archives';
import { isArchiveName } from './archive/nesting';
import { isSystemFile } from './systemFiles';
import type { FoundFile } from './types';

export interface WalkResult {
  files: FoundFile[];
  failed: ImportFailure[];
  skipped: number;
  /** Closes the zip archives the files are read from; call when the import is over. */
  close(): Promise<void>;
}

/**
 * Lists every file under the given paths, in a stable order. Folder symlinks are not followed
 * (a disc can loop); file symlinks are. Unreadable folders are reported, not fatal.
 */
export async function walkSources(paths: readonly string[], signal?: AbortSignal): Promise<WalkResult> {
  const archives: { close(): Promise<void> }[] = [];
  const result: WalkResult = {
    files: [],
    failed: [],
    skipped: 0,
    close: async () => {
      await Promise.all(archives.map((archive) => archive.close()));
    },
  };
  const seen = new Set<string>();
  for (const given of paths) {
    const root = resolve(given);
    let info;
    try {
      info = await stat(root);
    } catch (error) {
      result.failed.push({ path: root, reason: describeIoError(error, 'this path').message });
      continue;
    }
    if (info.isDirectory()) await walkFolder(root, root, result, seen, signal);
    else addFile(root, basename(root), info.size, result, seen);
  }
  result.files = await expandArchives(result.files, result, archives);
  return result;
}

/**
 * A zip (a zipped disc, a portal download) or a disc image stands for the files inside it,
 * those of the archives inside it included — on disk, or dropped on the window (read in place,
 * still encrypted). The archives opened are added to `archives`, to close when the import ends.
 */
export async function expandArchives(
  files: readonly FoundFile[],
  result: Pick<WalkResult, 'failed' | 'skipped'>,
  archives: { close(): Promise<void> }[],
): Promise<FoundFile[]> {
  const expanded: FoundFile[] = [];
  for (const file of files) {
    const randomAccess = file.content?.randomAccess;
    if (!isArchiveName(file.path) || (file.content && !randomAccess)) {
      expanded.push(file);
      continue;
    }
    const archive = randomAccess
      ? await openArchiveFrom(() => randomAccess.call(file.content), file.path, file.relativePath)
      : await openArchive(file.path, file.relativePath);
    archives.push(archive);
    expanded.push(...archive.files);
    result.failed.push(...archive.failed);
    result.skipped += archive.skipped;
  }
  return expanded;
}

async function walkFolder(root: string, folder: string, result: WalkResult, seen: Set<string>, signal?: AbortSignal) {
  signal?.throwIfAborted();
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    result.failed.push({ path: folder, reason: describeIoError(error, 'this folder').message });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(folder, entry.name);
    if (isSystemFile(entry.name)) {
      result.skipped++;
      continue;
    }
    try {
      const link = await lstat(full);
      if (link.isDirectory()) {
        await walkFolder(root, full, result, seen, signal);
        continue;
      }
      const info = link.isSymbolicLink() ? await stat(full) : link;
      if (info.isDirectory()) {
        result.skipped++; // a folder link: not followed
      } else if (info.isFile()) {
        addFile(full, relative(root, full) || basename(full), info.size, result, seen);
      } else {
        result.skipped++; // sockets, devices, pipes
      }
    } catch (error) {
      result.failed.push({ path: full, reason: describeIoError(error, 'this file').message });
    }
  }
}

function addFile(path: string, relativePath: string, bytes: number, result: WalkResult, seen: Set<string>) {
  if (seen.has(path)) return; // the same file given twice, e.g. a folder and a file inside it
  seen.add(path);
  result.files.push({ path, relativePath, bytes });
}
