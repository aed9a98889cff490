import { isSystemFile } from '../systemFiles';
import { NestedListing, isArchiveName, tooDeep, type ArchiveListing, type ArchiveScope } from '../archive/nesting';
import { sliceAccess, type RandomAccess } from '../archive/randomAccess';

/**
 * An ISO 9660 disc image (what a CD is, copied to a file) read in place: its directory tree is
 * listed and each file read from its extent when its turn comes. Joliet names (long, mixed case)
 * are used when the image has them, else the primary names without their `;1` version.
 * Every extent must lie inside the image; loops and absurd trees are refused. A zip or disc
 * image on it is listed in place too (see `NESTING_LIMITS`).
 */
const SECTOR = 2048;
const MAX_ENTRIES = 200_000;
const MAX_DEPTH = 64;
const READ_CHUNK = 1024 * 1024;

interface Directory {
  extent: number;
  length: number;
}

export async function listIso(
  access: RandomAccess,
  isoPath: string,
  relativeBase: string,
  scope: ArchiveScope,
): Promise<ArchiveListing> {
  const damaged = (detail: string): ArchiveListing => ({
    files: [],
    failed: [{ path: isoPath, reason: `The disc image is damaged or not an ISO 9660 image (${detail}).` }],
    skipped: 0,
    close: async () => {},
  });
  const size = access.size;
  const readAt = async (offset: number, length: number): Promise<Buffer> => {
    if (offset < 0 || length < 0 || offset + length > size) throw new Error('a directory points outside the image');
    const buffer = await access.read(offset, length);
    if (buffer.length !== length) throw new Error('the image is cut short');
    return buffer;
  };
  const listing = new NestedListing();

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
          if (isArchiveName(name)) {
            const innerPath = `${isoPath}/${inside}`;
            const refusal = tooDeep(scope, innerPath);
            if (refusal) {
              listing.failed.push({ path: innerPath, reason: refusal });
              continue;
            }
            if (entry.extent * SECTOR + entry.length > size) {
              listing.failed.push({ path: innerPath, reason: 'This archive lies past the end of the disc image.' });
              continue;
            }
            const opened = await scope.openInner(
              sliceAccess(access, entry.extent * SECTOR, entry.length),
              innerPath,
              `${relativeBase}/${inside}`,
            );
            listing.add(opened);
            continue;
          }
          listing.files.push({
            path: `${isoPath}/${inside}`,
            relativePath: `${relativeBase}/${inside}`,
            bytes: entry.length,
            content: { chunks: () => readExtent(access, entry) },
          });
        }
      }
    };
    await walk(root, [], 0);
  } catch (error) {
    if (listing.files.length === 0) {
      await listing.close();
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

async function* readExtent(access: RandomAccess, entry: Directory): AsyncGenerator<Buffer> {
  let done = 0;
  while (done < entry.length) {
    const length = Math.min(READ_CHUNK, entry.length - done);
    const start = entry.extent * SECTOR + done;
    const buffer = start < access.size ? await access.read(start, length) : Buffer.alloc(0);
    // A file past the end of a cut-short image fails when read, with the others still imported.
    if (buffer.length === 0) throw new Error('the disc image is cut short');
    done += buffer.length;
    yield buffer;
  }
}
