import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import dicomParser from 'dicom-parser';
import type { ImportFailure } from '../../../../shared/imports';
import type { FoundFile } from '../types';

/** `DICOMDIR`, as a disc shows it: any case, maybe with an ISO 9660 version suffix. */
export function isDicomdirName(path: string): boolean {
  return /^dicomdir\.?(;1)?$/i.test(basename(path));
}

const MAX_DICOMDIR_BYTES = 64 * 1024 * 1024;

export interface DicomdirReading {
  /** The files the DICOMDIR lists that are on the disc. */
  referenced: FoundFile[];
  /** Files listed but missing, references that point outside the disc, a damaged DICOMDIR. */
  problems: ImportFailure[];
}

/** A path as a disc may show it in any mount: lower case, without `;1` or a trailing dot. */
function comparable(path: string): string {
  return path
    .split(/[\\/]/)
    .map((part) =>
      part
        .toLowerCase()
        .replace(/\.?;\d+$/, '')
        .replace(/\.$/, ''),
    )
    .join('/');
}

/**
 * Reads a DICOMDIR and resolves the files it lists among the files found next to it (on disk
 * or in a zip) — case-insensitively and with or without `;1`, which is how ISO 9660 discs mount.
 * A reference that climbs out of the disc (`..`) or carries a separator is refused; nothing is
 * ever opened by a path taken from the DICOMDIR.
 */
export async function readDicomdir(dicomdir: FoundFile, files: readonly FoundFile[]): Promise<DicomdirReading> {
  const reading: DicomdirReading = { referenced: [], problems: [] };
  const fallback = (reason: string) => {
    reading.problems.push({ path: dicomdir.path, reason: `${reason}; the disc was searched file by file instead.` });
    return reading;
  };
  if (dicomdir.bytes > MAX_DICOMDIR_BYTES) return fallback('The DICOMDIR is implausibly large');
  let bytes: Buffer;
  try {
    bytes = dicomdir.content ? Buffer.concat(await collect(dicomdir.content.chunks())) : await readFile(dicomdir.path);
  } catch {
    return fallback('The DICOMDIR could not be read');
  }
  let records;
  try {
    records = dicomParser.parseDicom(bytes).elements.x00041220?.items ?? [];
  } catch {
    return fallback('The DICOMDIR is damaged');
  }
  const root = dirname(dicomdir.path);
  const byPath = new Map(files.map((file) => [comparable(file.path), file]));
  const seen = new Set<string>();
  for (const record of records) {
    let id: string | undefined;
    try {
      id = record.dataSet?.string('x00041500');
    } catch {
      id = undefined;
    }
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
        path: dicomdir.path,
        reason: `The DICOMDIR lists "${shown.slice(0, 120)}", which points outside the disc; it was not followed.`,
      });
      continue;
    }
    const file = byPath.get(comparable(join(root, ...components)));
    if (file) reading.referenced.push(file);
    else
      reading.problems.push({
        path: `${root}/${shown}`,
        reason: 'The DICOMDIR lists this file, but it is missing from the disc.',
      });
  }
  return reading;
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return parts;
}
