import { open, type FileHandle } from 'node:fs/promises';
import type { ImportFailure } from '../../../../shared/imports';
import type { FoundFile } from '../types';
import { isSystemFile } from '../systemFiles';

/**
 * An ISO 9660 disc image (what a CD is, copied to a file) read in place: its directory tree is
 * listed and each file read from its extent when its turn comes. Joliet names (long, mixed case)
 * are used when the image has them, else the primary names without their `;1` version.
 * Every extent must lie inside the image; loops and absurd trees are refused.
 */
const SECTOR = 2048;
const MAX_ENTRIES = 200_000;
const MAX_DEPTH = 64;
const READ_CHUNK = 1024 * 1024;

export interface IsoListing {
  files: FoundFile[];
  failed: ImportFailure[];
  skipped: number;
  close(): Promise<void>;
}

export function isIsoName(path: string): boolean {
  return /\.iso$/i.test(path);
}

interface Directory {
  extent: number;
  length: number;
}

export async function listIso(isoPath: string, relativeBase: string): Promise<IsoListing> {
  const damaged = (detail: string): IsoListing => ({
    files: [],
    failed: [{ path: isoPath, reason: `The disc image is damaged or not an ISO 9660 image (${detail}).` }],
    skipped: 0,
    close: async () => {},
  });
  let handle: FileHandle;
  try {
    handle = await open(isoPath, 'r');
  } catch {
    return damaged('it cannot be opened');
  }
  const size = (await handle.stat()).size;
  const readAt = async (offset: number, length: number): Promise<Buffer> => {
    if (offset < 0 || length < 0 || offset + length > size) throw new Error('a directory points outside the image');
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    if (bytesRead !== length) throw new Error('the image is cut short');
    return buffer;
  };
  const listing: IsoListing = { files: [], failed: [], skipped: 0, close: () => handle.close() };

  try {
    let primary: Directory | null = null;
    let joliet: Directory | null = null;
    for (let sector = 16; sector < 16 + 64; sector++) {
      const descriptor = await readAt(sector * SECTOR, SECTOR);
      if (descriptor.toString('latin1', 1, 6) !== 'CD001') throw new Error('no volume descriptor');
      const type = descriptor[0];
      if (type === 255) break;
      const root = { extent: descriptor.readUInt32LE(156 + 2), length: descriptor.readUInt32LE(156 + 10) };
      if (type === 1) primary = root;
      const escape = descriptor.toString('latin1', 88, 91);
      if (type === 2 && (escape === '%/@' || escape === '%/C' || escape === '%/E')) joliet = root;
    }
    const root = joliet ?? primary;
    if (!root) throw new Error('no primary volume descriptor');
    const names = joliet ? 'joliet' : 'primary';
    const visited = new Set<number>();
    let count = 0;

    const walk = async (directory: Directory, path: string[], depth: number): Promise<void> => {
      if (depth > MAX_DEPTH) throw new Error('the folders nest too deep');
      if (visited.has(directory.extent)) throw new Error('a folder loops back on itself');
      visited.add(directory.extent);
      const data = await readAt(directory.extent * SECTOR, directory.length);
      let offset = 0;
      while (offset < data.length) {
        const recordLength = data[offset]!;
        if (recordLength === 0) {
          offset = (Math.floor(offset / SECTOR) + 1) * SECTOR; // records do not cross sectors
          continue;
        }
        if (recordLength < 34 || offset + recordLength > data.length) throw new Error('a directory record is damaged');
        const record = data.subarray(offset, offset + recordLength);
        offset += recordLength;
        const nameLength = record[32]!;
        const rawName = record.subarray(33, 33 + nameLength);
        if (nameLength === 1 && (rawName[0] === 0 || rawName[0] === 1)) continue; // . and ..
        if (++count > MAX_ENTRIES) throw new Error(`it lists more than ${MAX_ENTRIES} files`);
        const name = decodeName(rawName, names);
        if (!name || name === '.' || name === '..' || /[/\\\0]/.test(name)) throw new Error('a file name is invalid');
        const entry = { extent: record.readUInt32LE(2), length: record.readUInt32LE(10) };
        const flags = record[25]!;
        if (flags & 0x02) {
          await walk(entry, [...path, name], depth + 1);
        } else if (flags & 0x80) {
          listing.failed.push({
            path: [isoPath, ...path, name].join('/'),
            reason: 'This file spans several extents of the disc image, which Medvault does not read.',
          });
        } else {
          const inside = [...path, name].join('/');
          if ([...path, name].some((part) => isSystemFile(part))) {
            listing.skipped++;
            continue;
          }
          listing.files.push({
            path: `${isoPath}/${inside}`,
            relativePath: `${relativeBase}/${inside}`,
            bytes: entry.length,
            content: { chunks: () => readExtent(handle, entry) },
          });
        }
      }
    };
    await walk(root, [], 0);
  } catch (error) {
    if (listing.files.length === 0) {
      await handle.close();
      return damaged((error as Error).message);
    }
    listing.failed.push({
      path: isoPath,
      reason: `Part of the disc image could not be read (${(error as Error).message}); the files listed before that were imported.`,
    });
  }
  return listing;
}

function decodeName(raw: Buffer, names: 'joliet' | 'primary'): string {
  if (names === 'joliet') {
    let name = '';
    for (let i = 0; i + 1 < raw.length; i += 2) name += String.fromCharCode(raw.readUInt16BE(i));
    return name.replace(/;\d+$/, '');
  }
  return raw.toString('latin1').replace(/;\d+$/, '').replace(/\.$/, '');
}

async function* readExtent(handle: FileHandle, entry: Directory): AsyncGenerator<Buffer> {
  let done = 0;
  while (done < entry.length) {
    const length = Math.min(READ_CHUNK, entry.length - done);
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(buffer, 0, length, entry.extent * SECTOR + done);
    // A file past the end of a cut-short image fails when read, with the others still imported.
    if (bytesRead === 0) throw new Error('the disc image is cut short');
    done += bytesRead;
    yield bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
  }
}
