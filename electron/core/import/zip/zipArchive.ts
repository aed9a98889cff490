import { basename } from 'node:path';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { ImportFailure } from '../../../../shared/imports';
import type { FoundFile } from '../types';
import { isSystemFile } from '../systemFiles';

/** Limits that keep a hostile archive (a "zip bomb") from filling the disk or the memory. */
export const ZIP_LIMITS = {
  entries: 200_000,
  /** An entry that claims to inflate beyond this ratio, past a small size, is refused. */
  ratio: 200,
  ratioFloorBytes: 64 * 1024 * 1024,
  entryBytes: 8 * 1024 ** 3,
  totalBytes: 64 * 1024 ** 3,
};

export interface ZipListing {
  files: FoundFile[];
  failed: ImportFailure[];
  skipped: number;
  close(): Promise<void>;
}

/**
 * Lists a zip (a zipped disc, a portal download) as files to import; each is read from the
 * archive when its turn comes, never extracted to disk. yauzl refuses names that climb out of
 * the archive, and stops a stream whose data inflates beyond the size its entry declared; the
 * declared sizes themselves are checked here.
 */
export async function listZip(zipPath: string, relativeBase: string): Promise<ZipListing> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { autoClose: false, strictFileNames: false, validateEntrySizes: true });
  } catch {
    return {
      files: [],
      failed: [{ path: zipPath, reason: 'The zip file is damaged and cannot be opened.' }],
      skipped: 0,
      close: async () => {},
    };
  }
  const listing: ZipListing = {
    files: [],
    failed: [],
    skipped: 0,
    close: async () => zip.close(), // the file closes once the last entry stream is done
  };
  let total = 0;
  let count = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      if (++count > ZIP_LIMITS.entries) {
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
      const refusal = refuse(entry, total);
      if (refusal) {
        listing.failed.push({ path, reason: refusal });
        continue;
      }
      total += entry.uncompressedSize;
      listing.files.push({
        path,
        relativePath: `${relativeBase}/${entry.fileName}`,
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

export function isZipName(path: string): boolean {
  return /\.zip$/i.test(path);
}
