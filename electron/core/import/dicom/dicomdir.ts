import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import dicomParser from 'dicom-parser';
import type { ImportFailure } from '../../../../shared/imports';

/** `DICOMDIR`, as a disc shows it: any case, maybe with an ISO 9660 version suffix. */
export function isDicomdirName(path: string): boolean {
  return /^dicomdir\.?(;1)?$/i.test(basename(path));
}

const MAX_DICOMDIR_BYTES = 64 * 1024 * 1024;

export interface DicomdirReading {
  /** Absolute paths of the files the DICOMDIR lists that exist on the disc. */
  referenced: string[];
  /** Files listed but missing, and references that point outside the disc. */
  problems: ImportFailure[];
}

/**
 * Reads a DICOMDIR and resolves the files it lists against the folder it sits in. Names are
 * matched case-insensitively and with or without `;1` (how ISO 9660 discs mount on Linux and
 * Windows); a component that climbs out of the folder (`..`) or carries a separator is refused,
 * never followed. Nothing is read from outside the disc.
 */
export async function readDicomdir(path: string): Promise<DicomdirReading> {
  const reading: DicomdirReading = { referenced: [], problems: [] };
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    reading.problems.push({
      path,
      reason: 'The DICOMDIR could not be read; the disc was searched file by file instead.',
    });
    return reading;
  }
  if (bytes.length > MAX_DICOMDIR_BYTES) {
    reading.problems.push({
      path,
      reason: 'The DICOMDIR is implausibly large; the disc was searched file by file instead.',
    });
    return reading;
  }
  let records;
  try {
    records = dicomParser.parseDicom(bytes).elements.x00041220?.items ?? [];
  } catch {
    reading.problems.push({ path, reason: 'The DICOMDIR is damaged; the disc was searched file by file instead.' });
    return reading;
  }
  const root = dirname(path);
  const listings = new Map<string, Promise<string[]>>();
  const list = (folder: string) => {
    if (!listings.has(folder))
      listings.set(
        folder,
        readdir(folder).catch(() => []),
      );
    return listings.get(folder)!;
  };
  const seen = new Set<string>();
  for (const record of records) {
    const id = record.dataSet?.string('x00041500');
    if (!id) continue;
    const components = id
      .replace(/\0/g, '')
      .trim()
      .split('\\')
      .map((part) => part.trim());
    const shown = components.join('/');
    if (seen.has(shown)) continue;
    seen.add(shown);
    if (components.some((part) => !part || part === '.' || part === '..' || /[/:\0]/.test(part))) {
      reading.problems.push({
        path: join(root, 'DICOMDIR'),
        reason: `The DICOMDIR lists "${shown.slice(0, 120)}", which points outside the disc; it was not followed.`,
      });
      continue;
    }
    let folder = root;
    let found: string | null = root;
    for (const part of components) {
      const names = await list(folder);
      const wanted = part.toLowerCase();
      const match = names.find((name) => name.toLowerCase().replace(/\.?;\d+$/, '') === wanted);
      if (!match) {
        found = null;
        break;
      }
      folder = join(folder, match);
      found = folder;
    }
    if (found) reading.referenced.push(found);
    else {
      reading.problems.push({
        path: join(root, ...components),
        reason: 'The DICOMDIR lists this file, but it is missing from the disc.',
      });
    }
  }
  return reading;
}
