import { open } from 'node:fs/promises';
import type { DocumentSourceKind } from '../../../shared/documents';
import type { ImportFailure, ImportProgress, ImportReport } from '../../../shared/imports';
import { applySuggestion, insertDocument } from '../documents/repository';
import { MedvaultError, describeIoError } from '../errors';
import { newId, nowIso } from '../ids';
import type { BlobWriter } from '../vault/blobStore';
import type { Vault } from '../vault/Vault';
import { FileImporter } from './files/FileImporter';
import {
  UnreadableFileError,
  type FileOutcome,
  type FoundFile,
  type ImportContext,
  type Importer,
  type StagedFile,
} from './types';
import { walkSources } from './walk';

export interface ImportOptions {
  sourceKind?: DocumentSourceKind;
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  /** The importers to offer files to, in order; the default covers PDFs, images and text. */
  importers?: Importer[];
  /** Files that are not on disk (uploads), imported after the paths. */
  files?: FoundFile[];
}

const HEAD_BYTES = 4096;
const READ_CHUNK = 1024 * 1024;

/**
 * Imports files and folders into the vault. Each document is committed whole (blob synced, then
 * its row); one unreadable file is reported and the rest go on. Cancelling undoes the whole run,
 * and a run cut short by a crash is undone on the next open — an import lands whole or not at all.
 */
export async function runImport(
  vault: Vault,
  paths: readonly string[],
  options: ImportOptions = {},
): Promise<ImportReport> {
  const sourceKind = options.sourceKind ?? 'file';
  const signal = options.signal ?? new AbortController().signal;
  const importers: Importer[] = options.importers ?? [new FileImporter()];
  const runId = newId();
  const failed: ImportFailure[] = [];
  const warnings: ImportFailure[] = [];
  const documents: string[] = [];
  let duplicates = 0;

  const walked = await walkSources(paths, signal).catch((error: unknown) => {
    if (signal.aborted) return null;
    throw error;
  });
  if (!walked) return cancelledReport(runId, sourceKind);
  failed.push(...walked.failed);
  walked.files.push(...(options.files ?? []));

  const progress: ImportProgress = {
    filesDone: 0,
    filesTotal: walked.files.length,
    bytesDone: 0,
    bytesTotal: walked.files.reduce((sum, file) => sum + file.bytes, 0),
    currentPath: null,
  };
  const report = () => options.onProgress?.({ ...progress });

  await vault.db.transaction((tx) =>
    tx.run(`INSERT INTO import_runs (id, source_kind, sources, status, started_at) VALUES (?, ?, ?, 'running', ?)`, [
      runId,
      sourceKind,
      JSON.stringify(paths),
      nowIso(),
    ]),
  );

  const context = new RunContext(vault, runId, sourceKind, signal, warnings, (bytes) => {
    progress.bytesDone += bytes;
    report();
  });

  try {
    report();
    for (const file of walked.files) {
      if (signal.aborted) break;
      progress.currentPath = file.path;
      const bytesBefore = progress.bytesDone;
      try {
        const outcome = await importOne(file, importers, context);
        if (outcome.kind === 'imported') documents.push(outcome.documentId);
        else duplicates++;
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof MedvaultError && (error.code === 'disk-full' || error.code === 'vault-damaged')) {
          throw error; // the vault itself cannot take more: stop, and undo the run
        }
        failed.push({ path: file.path, reason: reasonFor(error) });
      } finally {
        await context.discardPending();
      }
      progress.bytesDone = bytesBefore + file.bytes;
      progress.filesDone++;
      report();
    }
    if (!signal.aborted) {
      for (const importer of importers) await importer.finish?.(context);
    }
  } catch (error) {
    await vault.rollbackRun(runId, 'cancelled');
    throw error;
  } finally {
    await Promise.all(importers.map((importer) => importer.close?.()));
  }

  if (signal.aborted) {
    await vault.rollbackRun(runId, 'cancelled');
    return cancelledReport(runId, sourceKind);
  }

  progress.currentPath = null;
  report();
  await vault.db.transaction(async (tx) => {
    await tx.run(
      `UPDATE import_runs SET status = 'completed', finished_at = ?, imported = ?, duplicates = ?, skipped = ? WHERE id = ?`,
      [nowIso(), documents.length, duplicates, walked.skipped, runId],
    );
    for (const { documentId, suggestion } of context.suggestions) await applySuggestion(tx, documentId, suggestion);
    for (const problem of failed) {
      await tx.run(`INSERT INTO import_problems (run_id, kind, path, reason) VALUES (?, 'failed', ?, ?)`, [
        runId,
        problem.path,
        problem.reason,
      ]);
    }
    for (const problem of warnings) {
      await tx.run(`INSERT INTO import_problems (run_id, kind, path, reason) VALUES (?, 'warning', ?, ?)`, [
        runId,
        problem.path,
        problem.reason,
      ]);
    }
  });
  return {
    runId,
    status: 'completed',
    sourceKind,
    imported: documents.length,
    duplicates,
    skipped: walked.skipped,
    failed,
    warnings,
    documents,
  };
}

function cancelledReport(runId: string, sourceKind: DocumentSourceKind): ImportReport {
  return {
    runId,
    status: 'cancelled',
    sourceKind,
    imported: 0,
    duplicates: 0,
    skipped: 0,
    failed: [],
    warnings: [],
    documents: [],
  };
}

async function importOne(file: FoundFile, importers: Importer[], context: ImportContext): Promise<FileOutcome> {
  const head = await readHead(file);
  const importer = importers.find((candidate) => candidate.accepts(file, head));
  if (!importer) throw new UnreadableFileError(describeUnsupported(file));
  return importer.importFile(file, head, context);
}

async function readHead(file: FoundFile): Promise<Buffer> {
  if (file.content) {
    const parts: Buffer[] = [];
    let length = 0;
    for await (const chunk of file.content.chunks()) {
      parts.push(chunk);
      length += chunk.length;
      if (length >= HEAD_BYTES) break;
    }
    return Buffer.concat(parts).subarray(0, HEAD_BYTES);
  }
  let handle;
  try {
    handle = await open(file.path, 'r');
  } catch (error) {
    throw describeIoError(error, 'this file');
  }
  try {
    const buffer = Buffer.alloc(Math.min(HEAD_BYTES, file.bytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    throw describeIoError(error, 'this file');
  } finally {
    await handle.close();
  }
}

function describeUnsupported(file: FoundFile): string {
  if (file.bytes === 0) return 'The file is empty.';
  return 'Not a file type Medvault imports (PDF, JPEG, PNG, TIFF or plain text).';
}

function reasonFor(error: unknown): string {
  if (error instanceof UnreadableFileError || error instanceof MedvaultError) return error.message;
  return `The file could not be read (${(error as Error)?.message ?? String(error)}).`;
}

/** What importers use to store files and documents during one run. */
class RunContext implements ImportContext {
  private readonly writers = new Map<StagedFile, BlobWriter>();

  constructor(
    private readonly vault: Vault,
    readonly runId: string,
    readonly sourceKind: DocumentSourceKind,
    readonly signal: AbortSignal,
    private readonly warnings: ImportFailure[],
    private readonly onBytes: (bytes: number) => void,
  ) {}

  async stage(file: FoundFile, options: { keepBytesUpTo?: number } = {}): Promise<StagedFile> {
    const keep = file.bytes <= (options.keepBytesUpTo ?? -1);
    const kept: Buffer[] = [];
    const writer = await this.vault.blobs.createWriter();
    try {
      for await (const piece of file.content ? file.content.chunks() : readFromDisk(file.path)) {
        this.signal.throwIfAborted();
        if (keep) kept.push(piece);
        await writer.write(piece);
        this.onBytes(piece.length);
      }
      const blob = await writer.finish();
      const existing = await this.vault.db.read(async (q) => {
        const row = await q.get<{ id: string }>('SELECT id FROM blobs WHERE sha256 = ?', [blob.sha256]);
        if (!row) return null;
        const owner = await q.get<{ document_id: string }>(
          'SELECT document_id FROM document_files WHERE blob_id = ? LIMIT 1',
          [row.id],
        );
        return { blobId: row.id, documentId: owner?.document_id ?? null };
      });
      const staged: StagedFile = { blob, bytes: keep ? Buffer.concat(kept) : null, existing };
      if (existing) await writer.abort();
      else this.writers.set(staged, writer);
      return staged;
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  async commitDocument(staged: StagedFile, document: Parameters<ImportContext['commitDocument']>[1]): Promise<string> {
    const writer = this.writers.get(staged);
    if (!writer) throw new Error('commitDocument needs a newly staged file');
    this.writers.delete(staged);
    try {
      await this.vault.blobs.commit(writer);
    } catch (error) {
      await writer.abort();
      throw error;
    }
    try {
      return await this.vault.db.transaction(async (tx) => {
        await tx.run('INSERT INTO blobs (id, sha256, bytes, created_at) VALUES (?, ?, ?, ?)', [
          staged.blob.blobId,
          staged.blob.sha256,
          staged.blob.bytes,
          nowIso(),
        ]);
        return insertDocument(tx, {
          ...document,
          runId: this.runId,
          bytes: staged.blob.bytes,
          files: document.files ?? [
            { blobId: staged.blob.blobId, originalPath: document.sourcePath, mediaType: document.mediaType },
          ],
        });
      });
    } catch (error) {
      await this.vault.blobs.delete(staged.blob.blobId);
      throw error;
    }
  }

  /**
   * Held until the run completes and applied in its final transaction: a cancelled or crashed
   * run must not change documents that were already in the vault either.
   */
  async suggestFor(documentId: string, suggestion: Parameters<ImportContext['suggestFor']>[1]): Promise<void> {
    this.suggestions.push({ documentId, suggestion });
  }

  readonly suggestions: { documentId: string; suggestion: Parameters<ImportContext['suggestFor']>[1] }[] = [];

  async discard(staged: StagedFile): Promise<void> {
    const writer = this.writers.get(staged);
    this.writers.delete(staged);
    await writer?.abort();
  }

  /** Drops staged files an importer neither committed nor discarded (it failed midway). */
  async discardPending(): Promise<void> {
    for (const [staged, writer] of [...this.writers]) {
      this.writers.delete(staged);
      await writer.abort();
    }
  }

  warn(file: FoundFile, reason: string): void {
    this.warnings.push({ path: file.path, reason });
  }
}

/** A file's bytes from disk, in 1 MiB pieces (each a fresh buffer: importers may keep them). */
async function* readFromDisk(path: string): AsyncGenerator<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw describeIoError(error, 'this file');
  }
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(READ_CHUNK);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, READ_CHUNK, null));
      } catch (error) {
        throw describeIoError(error, 'this file');
      }
      if (bytesRead === 0) return;
      yield bytesRead === READ_CHUNK ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
