/**
 * What importers use to store files and documents during one run (`ImportContext`): files are
 * staged (encrypted into the vault's incoming area as they are read), then committed as documents
 * or discarded; blobs are synced in the background and together at the end, since the run, not
 * the document, is what survives a power cut.
 */
import { open } from 'node:fs/promises';
import type { DocumentSourceKind } from '../../../shared/documents';
import type { ImportFailure } from '../../../shared/imports';
import { decideSuggestion } from '../classify/textSuggestion';
import type { Queryable } from '../db/Database';
import { insertDocument, type DocumentSuggestion } from '../documents/repository';
import { MedvaultError, describeIoError } from '../errors';
import { blobIdsBySha256, blobOwner, insertBlobRow, insertBlobRows, type BlobRow } from '../vault/blobRows';
import type { BlobWriter } from '../vault/blobStore';
import type { Vault } from '../vault/Vault';
import type { FileOutcome, FoundFile, ImportContext, StagedFile } from './types';

const READ_CHUNK = 1024 * 1024;
/** How much of each file's start and end importers get to look at without keeping it whole. */
const STAGED_HEAD_BYTES = 256 * 1024;
const STAGED_TAIL_BYTES = 64;

export class RunContext implements ImportContext {
  private readonly writers = new Map<StagedFile, { writer: BlobWriter; file: FoundFile; held: boolean }>();
  /** Staged files by the file they came from, so a failed file's leftovers are found directly. */
  private readonly stagedByFile = new Map<FoundFile, Set<StagedFile>>();
  private readonly patientsSeen = new Map<string, { name: string | null; id: string | null }>();
  private readonly bytesRead = new Map<FoundFile, number>();
  /**
   * What this run suggests for documents that were already in the vault. Held until the run
   * completes and applied in its final transaction: a cancelled or crashed run changes nothing.
   */
  readonly suggestions: { documentId: string; suggestion: DocumentSuggestion }[] = [];
  /**
   * Blobs this run stored. They are written and committed without waiting for the disk, one
   * after the other, and synced together before the run is marked completed: the run is the unit
   * that survives a power cut (one cut short is undone on the next open), so its documents need
   * not each wait for the disk.
   */
  readonly committedBlobs: string[] = [];
  /** Blobs whose data the background already synced, so the run's end only syncs the rest. */
  readonly synced = new Set<string>();
  private readonly syncQueue: string[] = [];
  private syncing = 0;
  private syncDrained: (() => void)[] = [];

  constructor(
    private readonly vault: Vault,
    readonly runId: string,
    readonly sourceKind: DocumentSourceKind,
    readonly signal: AbortSignal,
    private readonly warnings: ImportFailure[],
    private readonly planned: Map<string, Partial<DocumentSuggestion>>,
    private readonly onBytes: (bytes: number) => void,
  ) {}

  async stage(
    file: FoundFile,
    options: { keepBytesUpTo?: number; findDuplicate?: boolean; countAs?: FoundFile } = {},
  ): Promise<StagedFile> {
    const runFile = options.countAs ?? file;
    const keep = file.bytes <= (options.keepBytesUpTo ?? -1);
    const kept: Buffer[] = [];
    const head: Buffer[] = [];
    let headBytes = 0;
    let tail: Buffer = Buffer.alloc(0);
    const writer = await this.vault.blobs.createWriter();
    try {
      for await (const piece of file.content ? file.content.chunks() : readFromDisk(file.path, file.bytes)) {
        this.signal.throwIfAborted();
        if (keep) kept.push(piece);
        else if (headBytes < STAGED_HEAD_BYTES) {
          head.push(piece.subarray(0, STAGED_HEAD_BYTES - headBytes));
          headBytes += Math.min(piece.length, STAGED_HEAD_BYTES - headBytes);
        }
        tail = tailOf(tail, piece);
        await writer.write(piece);
        this.bytesRead.set(runFile, (this.bytesRead.get(runFile) ?? 0) + piece.length);
        this.onBytes(piece.length);
      }
      const blob = await writer.finish({ durable: false }); // synced in the background: see syncSoon
      this.syncSoon(blob.blobId);
      const existing = options.findDuplicate === false ? null : await this.findExisting(blob.sha256);
      const bytes = keep ? Buffer.concat(kept) : null;
      const staged: StagedFile = {
        blob,
        bytes,
        head: bytes ? bytes.subarray(0, STAGED_HEAD_BYTES) : Buffer.concat(head),
        tail,
        existing,
      };
      if (existing) await writer.abort();
      else {
        this.writers.set(staged, { writer, file: runFile, held: false });
        const set = this.stagedByFile.get(runFile) ?? new Set();
        set.add(staged);
        this.stagedByFile.set(runFile, set);
      }
      return staged;
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  /**
   * The document's rows first, naming its blob while it is still in `incoming/`, then the blob
   * moved into place: a stored file is always one the database named (see `moveIntoPlace`).
   */
  async commitDocument(
    staged: StagedFile,
    document: Parameters<ImportContext['commitDocument']>[1],
  ): Promise<FileOutcome> {
    const entry = this.writers.get(staged);
    if (!entry) throw new Error('commitDocument needs a newly staged file');
    this.writers.delete(staged);
    // Filed before the transaction: reading the text for its type and date takes a moment.
    const decided = decideSuggestion(document, { planned: this.planned.get(document.sourcePath), text: document.text });
    let outcome: FileOutcome;
    try {
      outcome = await this.vault.db.transaction(
        async (tx): Promise<FileOutcome> => {
          // Two identical files in flight at once: the second to commit is the duplicate.
          if (!(await insertBlobRow(tx, staged.blob))) {
            const twin = await blobOwner(tx, staged.blob.sha256);
            return { kind: 'duplicate', documentId: twin?.documentId ?? null };
          }
          const documentId = await insertDocument(tx, {
            ...document,
            ...decided,
            runId: this.runId,
            bytes: staged.blob.bytes,
            files: document.files ?? [
              { blobId: staged.blob.blobId, originalPath: document.sourcePath, mediaType: document.mediaType },
            ],
          });
          return { kind: 'imported', documentId };
        },
        { durable: false },
      );
    } catch (error) {
      await entry.writer.abort();
      throw error;
    }
    if (outcome.kind !== 'imported') {
      await entry.writer.abort();
      return outcome;
    }
    await this.moveIntoPlace([entry.writer]);
    this.committedBlobs.push(staged.blob.blobId);
    return outcome;
  }

  /**
   * Moves blobs the database now names from `incoming/` into place, a few at a time (thousands
   * of instances make this a real part of a disc's import). If one cannot be moved, the run
   * cannot finish as it stands: it is stopped and undone (its rows, and its files wherever they are).
   */
  private async moveIntoPlace(writers: readonly BlobWriter[]): Promise<void> {
    const queue = [...writers];
    const moveNext = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        await this.vault.blobs.commit(next, { durable: false });
      }
    };
    try {
      await Promise.all(Array.from({ length: 4 }, moveNext));
    } catch (error) {
      if (error instanceof MedvaultError && error.code === 'disk-full') throw error;
      throw new MedvaultError(
        'vault-damaged',
        `A file could not be moved into place in the vault (${error instanceof Error ? error.message : String(error)}); the import was undone.`,
        { cause: error },
      );
    }
  }

  /**
   * Syncs written blobs in the background, two at a time, while the import goes on: the disk
   * writes back as it reads, instead of all at the end. A blob discarded meanwhile is skipped.
   */
  private syncSoon(blobId: string): void {
    this.syncQueue.push(blobId);
    this.pumpSyncs();
  }

  private pumpSyncs(): void {
    while (this.syncing < 2 && this.syncQueue.length > 0) {
      const blobId = this.syncQueue.shift()!;
      this.syncing++;
      void this.vault.blobs
        .syncData(blobId)
        .then((synced) => synced && this.synced.add(blobId))
        .catch(() => undefined) // the end of the run syncs whatever was not synced here
        .finally(() => {
          this.syncing--;
          this.pumpSyncs();
        });
    }
    if (this.syncing === 0 && this.syncQueue.length === 0) for (const resolve of this.syncDrained.splice(0)) resolve();
  }

  /** Stops the background syncs and waits for those under way; the end of the run syncs the rest at once. */
  backgroundSyncs(): Promise<void> {
    this.syncQueue.length = 0;
    if (this.syncing === 0 && this.syncQueue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.syncDrained.push(resolve));
  }

  async readStaged(staged: StagedFile): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const part of this.vault.blobs.read(staged.blob.blobId, {}, 'incoming')) parts.push(part);
    return Buffer.concat(parts);
  }

  hold(staged: StagedFile): void {
    const entry = this.writers.get(staged);
    if (entry) entry.held = true;
  }

  async commitFiles<T>(
    stagedFiles: readonly StagedFile[],
    write: (tx: Queryable, blobIdOf: (file: StagedFile) => string) => Promise<T>,
  ): Promise<T> {
    const entries = stagedFiles.map((staged) => {
      const entry = this.writers.get(staged);
      if (!entry) throw new Error('commitFiles needs newly staged files');
      this.writers.delete(staged);
      return { staged, writer: entry.writer };
    });
    const reused = new Map<StagedFile, string>();
    let result: T;
    try {
      result = await this.vault.db.transaction(
        async (tx) => {
          // Identical content committed meanwhile (a twin in flight): use that blob.
          const known = await blobIdsBySha256(
            tx,
            entries.map(({ staged }) => staged.blob.sha256),
          );
          const fresh: BlobRow[] = [];
          for (const { staged } of entries) {
            const twin = known.get(staged.blob.sha256);
            if (twin) reused.set(staged, twin);
            else {
              known.set(staged.blob.sha256, staged.blob.blobId);
              fresh.push(staged.blob);
            }
          }
          await insertBlobRows(tx, fresh);
          return write(tx, (staged) => reused.get(staged) ?? staged.blob.blobId);
        },
        { durable: false },
      );
    } catch (error) {
      for (const { writer } of entries) await writer.abort();
      throw error;
    }
    for (const { staged, writer } of entries) if (reused.has(staged)) await writer.abort();
    const moved = entries.filter(({ staged }) => !reused.has(staged));
    await this.moveIntoPlace(moved.map(({ writer }) => writer));
    for (const { staged } of moved) this.committedBlobs.push(staged.blob.blobId);
    return result;
  }

  notePatient(name: string | null, id: string | null): void {
    if (!name && !id) return;
    const key = `${(id ?? '').trim().toUpperCase()}|${(name ?? '')
      .replace(/[\s^]+/g, ' ')
      .trim()
      .toUpperCase()}`;
    if (!this.patientsSeen.has(key)) this.patientsSeen.set(key, { name, id });
  }

  /** By name, then record number: files finish in any order (several are in flight), the report does not. */
  patients(): { name: string | null; id: string | null }[] {
    const name = (patient: { name: string | null }) => (patient.name ?? '').replace(/[\s^]+/g, ' ').trim();
    return [...this.patientsSeen.values()].sort(
      (a, b) =>
        name(a).localeCompare(name(b), 'en', { sensitivity: 'base' }) || (a.id ?? '').localeCompare(b.id ?? '', 'en'),
    );
  }

  read<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
    return this.vault.db.read(work);
  }

  async suggestFor(documentId: string, suggestion: DocumentSuggestion): Promise<void> {
    this.suggestions.push({ documentId, suggestion });
  }

  /** Drops everything still staged (held files of a run that is being undone). */
  async discardAll(): Promise<void> {
    for (const [staged, entry] of [...this.writers]) {
      this.writers.delete(staged);
      await entry.writer.abort();
    }
  }

  async discard(staged: StagedFile): Promise<void> {
    const entry = this.writers.get(staged);
    this.writers.delete(staged);
    await entry?.writer.abort();
  }

  /** Drops what an importer staged for `file` and neither committed nor discarded (it failed midway). */
  async discardPending(file: FoundFile): Promise<void> {
    const staged = this.stagedByFile.get(file);
    this.stagedByFile.delete(file);
    for (const one of staged ?? []) {
      const entry = this.writers.get(one);
      if (!entry || entry.held) continue;
      this.writers.delete(one);
      await entry.writer.abort();
    }
  }

  /** The bytes of `file` counted in progress so far; forgets the file. */
  takeBytesRead(file: FoundFile): number {
    const read = this.bytesRead.get(file) ?? 0;
    this.bytesRead.delete(file);
    return read;
  }

  warn(file: FoundFile, reason: string): void {
    this.warnings.push({ path: file.path, reason });
  }

  private findExisting(sha256: string): Promise<StagedFile['existing']> {
    return this.vault.db.read((q) => blobOwner(q, sha256));
  }
}

function tailOf(previous: Buffer, piece: Buffer): Buffer {
  if (piece.length >= STAGED_TAIL_BYTES) return Buffer.from(piece.subarray(piece.length - STAGED_TAIL_BYTES));
  return Buffer.concat([previous, piece]).subarray(-STAGED_TAIL_BYTES);
}

/** A file's bytes from disk, in 1 MiB pieces (each a fresh buffer: importers may keep them). */
async function* readFromDisk(path: string, expectedBytes: number): AsyncGenerator<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw describeIoError(error, 'this file');
  }
  try {
    let left = expectedBytes;
    for (;;) {
      // Sized to what is left (+1 to see the end without a further read): less to allocate and collect.
      const size = Math.max(1, Math.min(READ_CHUNK, left + 1));
      const buffer = Buffer.allocUnsafe(size);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, size, null));
      } catch (error) {
        throw describeIoError(error, 'this file');
      }
      if (bytesRead === 0) return;
      left -= bytesRead;
      yield bytesRead === size ? buffer : buffer.subarray(0, bytesRead);
      if (bytesRead < size) return; // a short read of a regular file is its end
    }
  } finally {
    await handle.close();
  }
}
