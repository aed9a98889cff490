import type { DocumentSourceKind } from '../../../shared/documents';
import type { NewDocument, DocumentSuggestion } from '../documents/repository';
import type { WrittenBlob } from '../vault/blobStore';

/** A file found under the paths given to an import. */
export interface FoundFile {
  /** Absolute path on the patient's disk (or disc). */
  path: string;
  /** Path relative to the root it was found under, for reports and titles. */
  relativePath: string;
  bytes: number;
  /** Where the bytes come from when not from `path` on disk (e.g. a file uploaded in browser mode). */
  content?: FileContent;
}

/** A readable source of a file's bytes other than the disk. */
export interface FileContent {
  chunks(): AsyncIterable<Buffer>;
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
   * most `keepBytesUpTo` long. Call `commitDocument` or `discard` afterwards.
   */
  stage(file: FoundFile, options?: { keepBytesUpTo?: number }): Promise<StagedFile>;
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
  /** Fills in what an existing document does not know yet (never what the patient edited). */
  suggestFor(documentId: string, suggestion: DocumentSuggestion): Promise<void>;
  discard(staged: StagedFile): Promise<void>;
  warn(file: FoundFile, reason: string): void;
}

export type FileOutcome = { kind: 'imported'; documentId: string } | { kind: 'duplicate'; documentId: string | null };

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
  importFile(file: FoundFile, head: Buffer, context: ImportContext): Promise<FileOutcome>;
  /** Called once after every file was offered, e.g. to group parts into documents. */
  finish?(context: ImportContext): Promise<void>;
  /** Releases what the importer holds (workers, caches). */
  close?(): Promise<void>;
}
