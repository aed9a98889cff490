import type { RandomAccess } from './archive/randomAccess';
import type { DocumentSourceKind } from '../../../shared/documents';
import type { ImportFailure } from '../../../shared/imports';
import type { Queryable } from '../db/Database';
import type { NewDocument, DocumentSuggestion } from '../documents/repository';
import type { WrittenBlob } from '../vault/blobStore';

/** A scanned paper document asked for in an import: its pages, in order, become one PDF (`scan/`). */
export interface ScanRequest {
  title?: string;
  pages: ScanPageSource[];
}

/** One page image of a scan, and the clockwise turn that makes it upright (none: turned by itself). */
export interface ScanPageSource {
  file: FoundFile;
  rotate?: 0 | 90 | 180 | 270;
}

/** A file found under the paths given to an import. */
export interface FoundFile {
  /** Absolute path on the patient's disk (or disc). */
  path: string;
  /** Path relative to the root it was found under, for reports and titles. */
  relativePath: string;
  bytes: number;
  /** Where the bytes come from when not from `path` on disk (e.g. a file uploaded in browser mode). */
  content?: FileContent;
  /** Set when this "file" stands for a scanned paper document: its page images, in order (scan/). */
  scan?: ScanRequest;
}

/** A readable source of a file's bytes other than the disk. */
export interface FileContent {
  chunks(): AsyncIterable<Buffer>;
  /** Reading at any offset, where the source allows it: lets a dropped zip be opened like one on disk. */
  randomAccess?(): Promise<RandomAccess>;
}

/** A file whose bytes have been encrypted into the vault's incoming area, not yet committed. */
export interface StagedFile {
  blob: WrittenBlob;
  /** The plaintext, when the importer asked to keep it (small enough) for parsing. */
  bytes: Buffer | null;
  /** The first 256 KiB and the last 64 bytes, kept in any case (enough to check an image's structure). */
  head: Buffer;
  tail: Buffer;
  /** Set when identical content is already in the vault: nothing new was stored. */
  existing: { blobId: string; documentId: string | null } | null;
}

export interface ImportContext {
  readonly runId: string;
  readonly sourceKind: DocumentSourceKind;
  readonly signal: AbortSignal;
  /**
   * Encrypts the file into the vault while hashing it; keeps the plaintext in memory if it is at
   * most `keepBytesUpTo` long. Call `commitDocument` or `discard` afterwards. `findDuplicate:
   * false` skips looking for identical content (an importer that dedupes its own way, and whose
   * commit still checks for twins).
   */
  stage(
    file: FoundFile,
    options?: {
      keepBytesUpTo?: number;
      findDuplicate?: boolean;
      /** The file of the run this staging is part of, when not `file` itself (a scan's pages). */
      countAs?: FoundFile;
    },
  ): Promise<StagedFile>;
  /**
   * Moves the staged blob into place and records the document, atomically as seen by readers.
   * If identical content was committed meanwhile (a twin file in flight), it is a duplicate instead.
   */
  commitDocument(
    staged: StagedFile,
    document: Omit<NewDocument, 'runId' | 'files' | 'bytes'> & {
      files?: NewDocument['files'];
    },
  ): Promise<FileOutcome>;
  /**
   * Commits several staged files as one unit: moves their blobs into place, records them, and
   * runs `write` in the same transaction to record the documents they belong to. `blobIdOf`
   * gives the blob each staged file ended up as (an identical one already stored is reused).
   */
  commitFiles<T>(
    staged: readonly StagedFile[],
    write: (tx: Queryable, blobIdOf: (file: StagedFile) => string) => Promise<T>,
  ): Promise<T>;
  /** The whole plaintext of a staged file, read back (decrypted) from the vault's incoming area. */
  readStaged(staged: StagedFile): Promise<Buffer>;
  /** Keeps a staged file for a later commit (after the file itself is done), e.g. until `finish`. */
  hold(staged: StagedFile): void;
  /** Fills in what an existing document does not know yet (never what the patient edited). */
  suggestFor(documentId: string, suggestion: DocumentSuggestion): Promise<void>;
  discard(staged: StagedFile): Promise<void>;
  warn(file: FoundFile, reason: string): void;
  /** Records whose records these are (DICOM patient name and id), for the report. */
  notePatient(name: string | null, id: string | null): void;
  /** Runs a read on the vault's database (between transactions). */
  read<T>(work: (q: Queryable) => Promise<T>): Promise<T>;
}

/** What an importer's first look at all the files decides (e.g. from a DICOMDIR). */
export interface ImportPlan {
  /** Files not to offer to any importer; counted as skipped. */
  skip: FoundFile[];
  failed: ImportFailure[];
  /** The files look like a hospital disc: its viewer software and other noise are skipped. */
  disc: boolean;
  /** What a package's own metadata (IHE XDM) says of a file, by path: it goes before what the file says. */
  suggestions?: Map<string, Partial<DocumentSuggestion>>;
}

/** What an importer that gathers files (into studies) adds up to when all were offered. */
export interface GatheredResult {
  documents: string[];
  duplicates: number;
  /** Files held for `finish` that could not be stored after all, and why. */
  failed?: ImportFailure[];
}

export type FileOutcome =
  | { kind: 'imported'; documentId: string }
  | { kind: 'duplicate'; documentId: string | null }
  /** Held for `finish`, which reports what it became. */
  | { kind: 'gathered' }
  /** Not a record (a copy of a disc's index, say): counted as skipped, the reason noted. */
  | { kind: 'skipped'; reason: string };

/** Thrown by an importer for a file it cannot read; the sentence goes into the import report. */
export class UnreadableFileError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UnreadableFileError';
  }
}

/**
 * One kind of source Medvault reads. Importers sit side by side (files/, later dicom/, ccda/,
 * fhir/…); the first one that accepts a file imports it.
 */
export interface Importer {
  readonly name: string;
  /** Judged by the file's first bytes (up to 4 KiB) and name, never by the name alone when content tells. */
  accepts(file: FoundFile, head: Buffer): boolean;
  /** A first look at all the files before any is offered (e.g. to read a DICOMDIR). */
  plan?(files: readonly FoundFile[]): Promise<ImportPlan>;
  importFile(file: FoundFile, head: Buffer, context: ImportContext): Promise<FileOutcome>;
  /** Called once after every file was offered, e.g. to group parts into documents. */
  finish?(context: ImportContext): Promise<GatheredResult>;
  /** Releases what the importer holds (workers, caches). */
  close?(): Promise<void>;
}
