/** A folder on this computer as browser mode's import dialog and folder chooser list it. */
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import type { FolderEntry, FolderListing } from '../../../shared/api';
import { MedvaultError } from '../errors';
import { isSystemFile } from '../import/systemFiles';
import type { FoundFile } from '../import/types';

/** Folders first, then files, by name; hidden and system files left out. */
export async function listFolder(path: string | null): Promise<FolderListing> {
  const folder = resolve(path ?? homedir());
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    throw new MedvaultError('not-found', `The folder ${folder} cannot be opened.`);
  }
  const listed: FolderEntry[] = [];
  for (const entry of entries) {
    if (isSystemFile(entry.name)) continue;
    const full = join(folder, entry.name);
    const info = await stat(full).catch(() => null);
    if (!info) continue;
    if (info.isDirectory()) listed.push({ name: entry.name, path: full, kind: 'folder', bytes: null });
    else if (info.isFile()) listed.push({ name: entry.name, path: full, kind: 'file', bytes: info.size });
  }
  listed.sort((a, b) =>
    a.kind === b.kind ? a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) : a.kind === 'folder' ? -1 : 1,
  );
  const parent = dirname(folder);
  return {
    path: folder,
    parent: parent === folder || folder === parse(folder).root ? null : parent,
    entries: listed,
  };
}

/** A scanned page given by path: it must be a file. */
export async function pageOnDisk(path: string): Promise<FoundFile> {
  const full = resolve(path);
  const info = await stat(full).catch(() => null);
  if (!info?.isFile()) throw new MedvaultError('not-found', `The scanned page ${full} is not a file.`);
  return { path: full, relativePath: full.split(/[\\/]/).pop() ?? full, bytes: info.size };
}
