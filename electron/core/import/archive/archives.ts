import { listIso } from '../iso/isoImage';
import { listZip } from '../zip/zipArchive';
import { isZipName, type ArchiveBudget, type ArchiveListing, type ArchiveScope } from './nesting';
import { openFileAccess, type RandomAccess } from './randomAccess';

/** Lists a zip or disc image on disk, and the archives inside it, as files to import. */
export function openArchive(path: string, relativeBase: string): Promise<ArchiveListing> {
  return openArchiveFrom(() => openFileAccess(path), path, relativeBase);
}

/** The same for an archive read through `open` (a file dropped on the window, kept encrypted). */
export async function openArchiveFrom(
  open: () => Promise<RandomAccess>,
  path: string,
  relativeBase: string,
): Promise<ArchiveListing> {
  let access: RandomAccess;
  try {
    access = await open();
  } catch {
    const reason = isZipName(path)
      ? 'The zip file is damaged and cannot be opened.'
      : 'The disc image is damaged or not an ISO 9660 image (it cannot be opened).';
    return { files: [], failed: [{ path, reason }], skipped: 0, close: async () => {} };
  }
  const budget: ArchiveBudget = { bytes: 0, entries: 0, inMemory: 0 };
  const listing = await listArchive(access, path, relativeBase, 0, budget).catch(async (error: unknown) => {
    await access.close();
    throw error;
  });
  return {
    ...listing,
    close: async () => {
      await listing.close();
      await access.close();
    },
  };
}

function listArchive(
  access: RandomAccess,
  path: string,
  relativeBase: string,
  depth: number,
  budget: ArchiveBudget,
): Promise<ArchiveListing> {
  const scope: ArchiveScope = {
    depth,
    budget,
    openInner: (inner, innerPath, innerBase) => listArchive(inner, innerPath, innerBase, depth + 1, budget),
  };
  return isZipName(path) ? listZip(access, path, relativeBase, scope) : listIso(access, path, relativeBase, scope);
}
