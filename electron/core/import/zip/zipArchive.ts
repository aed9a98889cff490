import { basename } from 'node:path';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { isSystemFile } from '../systemFiles';
import {
  NESTING_LIMITS,
  NestedListing,
  isArchiveName,
  tooDeep,
  type ArchiveListing,
  type ArchiveScope,
} from '../archive/nesting';
import { YauzlAccessReader, bufferAccess, sliceAccess, type RandomAccess } from '../archive/randomAccess';

/**
 * Limits that keep a hostile archive (a "zip bomb") from filling the disk or the memory. The
 * totals count the archive given and every archive inside it together.
 */
export const ZIP_LIMITS = {
  entries: 200_000,
  /** An entry that claims to inflate beyond this ratio, past a small size, is refused. */
  ratio: 200,
  ratioFloorBytes: 64 * 1024 * 1024,
  entryBytes: 8 * 1024 ** 3,
  totalBytes: 64 * 1024 ** 3,
};

/**
 * Lists a zip (a zipped disc, a portal download) as files to import; each is read from the
 * archive when its turn comes, never extracted to disk. A zip or disc image inside it is listed
 * the same way (see `NESTING_LIMITS`). yauzl refuses names that climb out of the archive, and
 * stops a stream whose data inflates beyond the size its entry declared; the declared sizes
 * themselves are checked here.
 */
export async function listZip(
  access: RandomAccess,
  zipPath: string,
  relativeBase: string,
  scope: ArchiveScope,
): Promise<ArchiveListing> {
  let zip: ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(new YauzlAccessReader(access), access.size, {
      autoClose: false,
      strictFileNames: false,
      validateEntrySizes: true,
    });
  } catch {
    return {
      files: [],
      failed: [{ path: zipPath, reason: 'The zip file is damaged and cannot be opened.' }],
      skipped: 0,
      close: async () => {},
    };
  }
  // The reader closes once the last entry stream is done; the access is its owner's to close.
  const listing = new NestedListing(async () => zip.close());
  const budget = scope.budget;
  try {
    for await (const entry of zip.eachEntry()) {
      if (++budget.entries > ZIP_LIMITS.entries) {
        listing.failed.push({
          path: zipPath,
          reason: `The zip holds more than ${ZIP_LIMITS.entries} files; the rest were not read.`,
        });
        break;
      }
      if (entry.fileName.endsWith('/')) continue; // a folder
      const path = `${zipPath}/${entry.fileName}`;
      if (entry.fileName.split('/').some((part) => isSystemFile(part) || part === '__MACOSX')) {
        listing.skipped++;
        continue;
      }
      const refusal = refuse(entry, budget.bytes);
      if (refusal) {
        listing.failed.push({ path, reason: refusal });
        continue;
      }
      const relativePath = `${relativeBase}/${entry.fileName}`;
      if (isArchiveName(entry.fileName)) {
        const opened = await openInner(zip, access, entry, path, relativePath, scope);
        if (typeof opened === 'string') listing.failed.push({ path, reason: opened });
        else listing.add(opened);
        continue;
      }
      budget.bytes += entry.uncompressedSize;
      listing.files.push({
        path,
        relativePath,
        bytes: entry.uncompressedSize,
        content: { chunks: () => readEntry(zip, entry) },
      });
    }
  } catch (error) {
    listing.failed.push({
      path: zipPath,
      reason: `The zip file is damaged or unsafe (${String((error as Error)?.message ?? error).slice(0, 120)}); what could be listed before that was imported.`,
    });
  }
  return listing;
}

/**
 * An archive inside the zip, listed in place: one stored uncompressed is read where it lies in
 * the outer bytes; a compressed one is inflated into memory, within `NESTING_LIMITS.inMemoryBytes`
 * and counted against the zip-bomb total. Returns why it was not opened otherwise.
 */
async function openInner(
  zip: ZipFile,
  access: RandomAccess,
  entry: Entry,
  path: string,
  relativePath: string,
  scope: ArchiveScope,
): Promise<ArchiveListing | string> {
  const deep = tooDeep(scope, path);
  if (deep) return deep;
  const noun = /\.zip$/i.test(path) ? 'zip' : 'disc image';
  let innerAccess: RandomAccess;
  try {
    if (entry.compressionMethod === 0) {
      if (entry.compressedSize !== entry.uncompressedSize) throw new Error('its sizes disagree');
      const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
      innerAccess = sliceAccess(access, fileDataStart, entry.compressedSize);
    } else {
      const size = entry.uncompressedSize;
      if (scope.budget.inMemory + size > NESTING_LIMITS.inMemoryBytes) {
        return `This ${noun} is compressed inside the zip and, with the others like it, larger than ${NESTING_LIMITS.inMemoryBytes / 1024 ** 2} MiB, which Medvault does not unpack in memory; it was not opened.`;
      }
      scope.budget.inMemory += size;
      scope.budget.bytes += size;
      const parts: Buffer[] = [];
      for await (const part of readEntry(zip, entry)) parts.push(part);
      innerAccess = bufferAccess(Buffer.concat(parts));
    }
  } catch (error) {
    return `This ${noun} inside the zip could not be read (${String((error as Error)?.message ?? error).slice(0, 120)}).`;
  }
  return scope.openInner(innerAccess, path, relativePath);
}

function refuse(entry: Entry, totalSoFar: number): string | null {
  if (entry.isEncrypted()) return 'This file in the zip is encrypted with a password; Medvault cannot open it.';
  const size = entry.uncompressedSize;
  if (size > ZIP_LIMITS.entryBytes) return 'This file in the zip is implausibly large; it was not extracted.';
  if (size > ZIP_LIMITS.ratioFloorBytes && size > entry.compressedSize * ZIP_LIMITS.ratio) {
    return 'This file in the zip would inflate more than two hundredfold (a "zip bomb"); it was not extracted.';
  }
  if (totalSoFar + size > ZIP_LIMITS.totalBytes)
    return 'The zip would unpack to more than 64 GiB; this file was not extracted.';
  return null;
}

async function* readEntry(zip: ZipFile, entry: Entry): AsyncGenerator<Buffer> {
  const stream = await zip.openReadStreamPromise(entry);
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    throw new Error(`the zipped file ${basename(entry.fileName)} is damaged (${(error as Error).message})`, {
      cause: error,
    });
  } finally {
    stream.destroy();
  }
}
