import type { ImportFailure } from '../../../../shared/imports';
import type { FoundFile } from '../types';
import type { RandomAccess } from './randomAccess';

/** Limits on archives inside archives (a portal's "download everything" zip holding an XDM zip). */
export const NESTING_LIMITS = {
  /** Archives inside the one given that are opened: an archive in an archive in it, no deeper. */
  depth: 2,
  /** A compressed archive inside a zip is inflated into memory (never to disk), up to this much in all. */
  inMemoryBytes: 256 * 1024 * 1024,
};

export interface ArchiveListing {
  files: FoundFile[];
  failed: ImportFailure[];
  skipped: number;
  close(): Promise<void>;
}

/** What the archive given and every archive inside it share: the zip-bomb limits hold across them all. */
export interface ArchiveBudget {
  /** Uncompressed bytes listed (or inflated into memory) so far. */
  bytes: number;
  entries: number;
  inMemory: number;
}

export interface ArchiveScope {
  /** How many archives this one lies inside (0: the archive given). */
  depth: number;
  budget: ArchiveBudget;
  /** Lists an archive found inside this one; the caller has checked the depth. */
  openInner(access: RandomAccess, path: string, relativeBase: string): Promise<ArchiveListing>;
}

export function isZipName(path: string): boolean {
  return /\.zip$/i.test(path);
}

export function isIsoName(path: string): boolean {
  return /\.iso$/i.test(path);
}

export function isArchiveName(path: string): boolean {
  return isZipName(path) || isIsoName(path);
}

/** Why an archive this far down was not opened, or null if it may be. */
export function tooDeep(scope: ArchiveScope, path: string): string | null {
  if (scope.depth + 1 <= NESTING_LIMITS.depth) return null;
  const noun = isZipName(path) ? 'zip' : 'disc image';
  return `This ${noun} is nested more than ${NESTING_LIMITS.depth} archives deep; it was not opened.`;
}

/** An archive's listing that takes in the archives found inside it, and closes them with it. */
export class NestedListing implements ArchiveListing {
  readonly files: FoundFile[] = [];
  readonly failed: ImportFailure[] = [];
  skipped = 0;
  private readonly inner: ArchiveListing[] = [];

  constructor(private readonly closeOwn: () => Promise<void> = async () => {}) {}

  add(opened: ArchiveListing): void {
    this.inner.push(opened);
    this.files.push(...opened.files);
    this.failed.push(...opened.failed);
    this.skipped += opened.skipped;
  }

  async close(): Promise<void> {
    for (const archive of this.inner) await archive.close();
    await this.closeOwn();
  }
}
