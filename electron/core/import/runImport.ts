import { open } from 'node:fs/promises';
import type { DocumentSourceKind } from '../../../shared/documents';
import type { ImportFailure, ImportProgress, ImportReport, PatientIdentity } from '../../../shared/imports';
import { getOwner, isOwner } from '../documents/owner';
import { applySuggestion, insertDocument, type DocumentSuggestion } from '../documents/repository';
import { MedvaultError, describeIoError } from '../errors';
import { newId, nowIso } from '../ids';
import type { BlobWriter } from '../vault/blobStore';
import type { Vault } from '../vault/Vault';
import type { Queryable, SqlValue } from '../db/Database';
import { insertRows } from '../db/insertRows';
import { decideSuggestion } from '../classify/textSuggestion';
import { CcdaImporter } from './ccda/CcdaImporter';
import { DicomImporter } from './dicom/DicomImporter';
import { FhirImporter } from './fhir/FhirImporter';
import { findDiscNoise } from './disc/discNoise';
import { FileImporter } from './files/FileImporter';
import { PdfTextExtractor } from './pdf/PdfTextExtractor';
import { OcrEngine } from './scan/OcrEngine';
import { ScanImporter, scanRunFile, type ScanRequest } from './scan/ScanImporter';
import {
  UnreadableFileError,
  type FileOutcome,
  type FoundFile,
  type ImportContext,
  type Importer,
  type StagedFile,
} from './types';
import { expandArchives, walkSources, type WalkResult } from './walk';
import { XdmPlanner } from './xdm/XdmPlanner';

/** What a run opened, to close however it ends. */
interface Opened {
  walked: WalkResult | null;
  archives: { close(): Promise<void> }[];
}

export interface ImportOptions {
  sourceKind?: DocumentSourceKind;
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  /** The importers to offer files to, in order; the default covers PDFs, images and text. */
  importers?: Importer[];
  /** Files that are not on disk (uploads), imported after the paths. */
  files?: FoundFile[];
  /** Scanned paper documents: each one's page images (in order) become one PDF (see scan/). */
  scans?: ScanRequest[];
}

const HEAD_BYTES = 4096;
const READ_CHUNK = 1024 * 1024;
/** Files in flight at once: reading, encrypting, fsync, pdf.js and SQLCipher then overlap. */
const FILES_IN_FLIGHT = 4;
/** What files in flight may hold in memory together (importers keep small PDFs whole to parse them). */
const MEMORY_BUDGET = 192 * 1024 * 1024;
const MAX_FILE_SHARE = 128 * 1024 * 1024;
/** How much of each file's start and end importers get to look at without keeping it whole. */
const STAGED_HEAD_BYTES = 256 * 1024;
const STAGED_TAIL_BYTES = 64;

type Outcome = FileOutcome | { kind: 'failed'; reason: string };

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
  const importers: Importer[] = options.importers ?? defaultImporters();
  const opened: Opened = { walked: null, archives: [] };
  try {
    return await importRun(vault, paths, options, importers, opened);
  } finally {
    // Whatever way the run ended: the importers' workers stop and the archives close.
    await Promise.all(importers.map((importer) => importer.close?.()));
    await opened.walked?.close();
    await Promise.all(opened.archives.map((archive) => archive.close()));
  }
}

async function importRun(
  vault: Vault,
  paths: readonly string[],
  options: ImportOptions,
  importers: Importer[],
  opened: Opened,
): Promise<ImportReport> {
  const sourceKind = options.sourceKind ?? 'file';
  const signal = options.signal ?? new AbortController().signal;
  const runId = newId();
  const warnings: ImportFailure[] = [];

  const walked = await walkSources(paths, signal).catch((error: unknown) => {
    if (signal.aborted) return null;
    throw error;
  });
  if (!walked) return cancelledReport(runId, sourceKind);
  opened.walked = walked;
  // Dropped files too: a dropped zip is opened like one on disk.
  const found = [...walked.files, ...(await expandArchives(options.files ?? [], walked, opened.archives))];

  // A first look at everything (a DICOMDIR, a disc's viewer software) before any file is read.
  const planned = new Set<FoundFile>();
  const planFailures: ImportFailure[] = [];
  const planSuggestions = new Map<string, Partial<DocumentSuggestion>>();
  let disc = sourceKind === 'disc';
  for (const importer of importers) {
    const plan = await importer.plan?.(found);
    if (!plan) continue;
    plan.skip.forEach((file) => planned.add(file));
    planFailures.push(...plan.failed);
    for (const [path, suggestion] of plan.suggestions ?? []) planSuggestions.set(path, suggestion);
    disc ||= plan.disc;
  }
  if (disc) findDiscNoise(found).forEach((file) => planned.add(file));
  // Scans are not offered to planners: their pages are images chosen one by one, not a disc or package.
  const files = [...found.filter((file) => !planned.has(file)), ...(options.scans ?? []).map(scanRunFile)];
  const skipped = walked.skipped + planned.size;

  const progress: ImportProgress = {
    filesDone: 0,
    filesTotal: files.length,
    bytesDone: 0,
    bytesTotal: files.reduce((sum, file) => sum + file.bytes, 0),
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

  const context = new RunContext(vault, runId, sourceKind, signal, warnings, planSuggestions, (bytes) => {
    progress.bytesDone += bytes;
    report();
  });
  const outcomes: Outcome[] = new Array(files.length);
  const budget = new MemoryBudget(MEMORY_BUDGET);
  let fatal: unknown = null;
  let nextIndex = 0;
  const gathered = { documents: [] as string[], duplicates: 0 };

  // A few lanes take files in order; the report keeps the files' order whatever finishes first.
  const lane = async () => {
    for (;;) {
      const index = nextIndex++;
      if (index >= files.length || signal.aborted || fatal) return;
      const file = files[index]!;
      const share = Math.min(file.bytes, MAX_FILE_SHARE);
      await budget.acquire(share);
      progress.currentPath = file.path;
      try {
        outcomes[index] = await importOne(file, importers, context);
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof MedvaultError && (error.code === 'disk-full' || error.code === 'vault-damaged')) {
          fatal ??= error; // the vault itself cannot take more: stop, and undo the run
          return;
        }
        outcomes[index] = { kind: 'failed', reason: reasonFor(error) };
      } finally {
        budget.release(share);
        await context.discardPending(file);
      }
      progress.bytesDone += file.bytes - context.takeBytesRead(file);
      progress.filesDone++;
      report();
    }
  };

  try {
    report();
    await Promise.all(Array.from({ length: FILES_IN_FLIGHT }, lane));
    if (fatal) throw fatal;
    if (!signal.aborted) {
      for (const importer of importers) {
        const result = await importer.finish?.(context);
        if (result) {
          gathered.documents.push(...result.documents);
          gathered.duplicates += result.duplicates;
        }
      }
    }
  } catch (error) {
    await context.discardAll();
    await vault.rollbackRun(runId, 'cancelled');
    throw error;
  }

  if (signal.aborted) {
    await context.discardAll();
    await vault.rollbackRun(runId, 'cancelled');
    return cancelledReport(runId, sourceKind);
  }

  const failed: ImportFailure[] = [...walked.failed, ...planFailures];
  const documents: string[] = [];
  let duplicates = gathered.duplicates;
  outcomes.forEach((outcome, index) => {
    if (outcome.kind === 'imported') documents.push(outcome.documentId);
    else if (outcome.kind === 'duplicate') duplicates++;
    else if (outcome.kind === 'failed') failed.push({ path: files[index]!.path, reason: outcome.reason });
  });
  for (const id of gathered.documents) if (!documents.includes(id)) documents.push(id);
  const patients = context.patients();
  const owner = await vault.db.read((q) => getOwner(q));
  const strangers = owner ? patients.filter((patient) => !isOwner(owner, patient)) : [];
  if (owner && strangers.length > 0) {
    warnings.push({
      path: paths[0] ?? '',
      reason: `These files name ${strangers.map(describePatient).join('; ')}, not the vault's owner (${describePatient(owner)}).`,
    });
  }
  if (patients.length > 1) {
    warnings.push({
      path: paths[0] ?? '',
      reason: `These files hold records of ${patients.length} different patients: ${patients
        .map(describePatient)
        .join('; ')}. Check that they are all yours.`,
    });
  }
  const warningOrder = new Map(files.map((file, index) => [file.path, index]));
  warnings.sort((a, b) => (warningOrder.get(a.path) ?? 0) - (warningOrder.get(b.path) ?? 0));

  progress.currentPath = null;
  report();
  await context.backgroundSyncs();
  await vault.blobs.syncCommitted(context.committedBlobs, context.synced);
  await vault.db.transaction(async (tx) => {
    await tx.run(
      `UPDATE import_runs SET status = 'completed', finished_at = ?, imported = ?, duplicates = ?, skipped = ? WHERE id = ?`,
      [nowIso(), documents.length, duplicates, skipped, runId],
    );
    for (const { documentId, suggestion } of context.suggestions) await applySuggestion(tx, documentId, suggestion);
    for (const [kind, problems] of [
      ['failed', failed],
      ['warning', warnings],
    ] as const) {
      for (const problem of problems) {
        await tx.run(`INSERT INTO import_problems (run_id, kind, path, reason) VALUES (?, ?, ?, ?)`, [
          runId,
          kind,
          problem.path,
          problem.reason,
        ]);
      }
    }
  });
  return {
    runId,
    status: 'completed',
    sourceKind: disc ? 'disc' : sourceKind,
    imported: documents.length,
    duplicates,
    skipped,
    failed,
    warnings,
    documents,
    patients,
  };
}

function describePatient(patient: PatientIdentity): string {
  return [patient.name, patient.id && `ID ${patient.id}`].filter(Boolean).join(', ');
}

/** DICOM first (a DICOM file may carry a JPEG or PDF inside), then CDA, then plain files; one pdf.js pool. */
function defaultImporters(): Importer[] {
  const pdf = new PdfTextExtractor();
  const ocr = new OcrEngine(); // one tesseract worker for the run's scans, images and text-less PDFs
  return [
    new ScanImporter(ocr), // takes only the run's scan requests, never a file found on disk
    new XdmPlanner(),
    new DicomImporter(pdf),
    new CcdaImporter(pdf),
    new FhirImporter(pdf),
    new FileImporter({ pdf, ocr }),
  ];
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
    patients: [],
  };
}

async function importOne(file: FoundFile, importers: Importer[], context: ImportContext): Promise<FileOutcome> {
  const head = file.scan ? Buffer.alloc(0) : await readHead(file);
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
  return 'Not a file type Medvault imports (PDF, JPEG, PNG, TIFF, plain text, DICOM, C-CDA, zip or disc image).';
}

function reasonFor(error: unknown): string {
  if (error instanceof UnreadableFileError || error instanceof MedvaultError) return error.message;
  return `The file could not be read (${(error as Error)?.message ?? String(error)}).`;
}

/** Lets files in flight start only while what they may hold fits; a lone file always may. */
class MemoryBudget {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  async acquire(amount: number): Promise<void> {
    while (this.used > 0 && this.used + amount > this.capacity) {
      await new Promise<void>((resume) => this.waiting.push(resume));
    }
    this.used += amount;
  }

  release(amount: number): void {
    this.used -= amount;
    for (const resume of this.waiting.splice(0)) resume();
  }
}

/** What importers use to store files and documents during one run. */
class RunContext implements ImportContext {
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

  async commitDocument(
    staged: StagedFile,
    document: Parameters<ImportContext['commitDocument']>[1],
  ): Promise<FileOutcome> {
    const entry = this.writers.get(staged);
    if (!entry) throw new Error('commitDocument needs a newly staged file');
    this.writers.delete(staged);
    try {
      await this.vault.blobs.commit(entry.writer, { durable: false });
    } catch (error) {
      await entry.writer.abort();
      throw error;
    }
    // Filed before the transaction: reading the text for its type and date takes a moment.
    const decided = decideSuggestion(document, { planned: this.planned.get(document.sourcePath), text: document.text });
    try {
      const outcome = await this.vault.db.transaction(
        async (tx): Promise<FileOutcome> => {
          // Two identical files in flight at once: the second to commit is the duplicate.
          const { changes } = await tx.run(
            'INSERT INTO blobs (id, sha256, bytes, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING',
            [staged.blob.blobId, staged.blob.sha256, staged.blob.bytes, nowIso()],
          );
          if (changes === 0) {
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
      if (outcome.kind === 'imported') this.committedBlobs.push(staged.blob.blobId);
      if (outcome.kind === 'duplicate') await this.vault.blobs.delete(staged.blob.blobId);
      return outcome;
    } catch (error) {
      await this.vault.blobs.delete(staged.blob.blobId);
      throw error;
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
    const moved: string[] = [];
    try {
      // Renamed a few at a time: thousands of instances make this a real part of a disc's import.
      const queue = [...entries];
      const renameNext = async (): Promise<void> => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          await this.vault.blobs.commit(next.writer, { durable: false });
          moved.push(next.writer.blobId);
        }
      };
      await Promise.all(Array.from({ length: 4 }, renameNext));
    } catch (error) {
      for (const { writer } of entries) await writer.abort();
      for (const blobId of moved) await this.vault.blobs.delete(blobId);
      throw error;
    }
    const reused = new Map<StagedFile, string>();
    try {
      const result = await this.vault.db.transaction(
        async (tx) => {
          // Identical content committed meanwhile (a twin in flight): use that blob.
          const known = new Map<string, string>();
          for (let start = 0; start < entries.length; start += 500) {
            const hashes = entries.slice(start, start + 500).map(({ staged }) => staged.blob.sha256);
            const rows = await tx.all<{ id: string; sha256: string }>(
              `SELECT id, sha256 FROM blobs WHERE sha256 IN (${hashes.map(() => '?').join(', ')})`,
              hashes,
            );
            for (const row of rows) known.set(row.sha256, row.id);
          }
          const fresh: SqlValue[][] = [];
          const now = nowIso();
          for (const { staged } of entries) {
            const twin = known.get(staged.blob.sha256);
            if (twin) reused.set(staged, twin);
            else {
              known.set(staged.blob.sha256, staged.blob.blobId);
              fresh.push([staged.blob.blobId, staged.blob.sha256, staged.blob.bytes, now]);
            }
          }
          await insertRows(tx, 'blobs', ['id', 'sha256', 'bytes', 'created_at'], fresh);
          return write(tx, (staged) => reused.get(staged) ?? staged.blob.blobId);
        },
        { durable: false },
      );
      for (const { staged } of entries) {
        if (reused.has(staged)) await this.vault.blobs.delete(staged.blob.blobId);
        else this.committedBlobs.push(staged.blob.blobId);
      }
      return result;
    } catch (error) {
      for (const blobId of moved) await this.vault.blobs.delete(blobId);
      throw error;
    }
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

/** The stored blob with this content, and a document that has it (one query: imports ask per file). */
async function blobOwner(q: Queryable, sha256: string): Promise<{ blobId: string; documentId: string | null } | null> {
  const row = await q.get<{ id: string; document_id: string | null }>(
    `SELECT b.id, (SELECT f.document_id FROM document_files f WHERE f.blob_id = b.id LIMIT 1) AS document_id
     FROM blobs b WHERE b.sha256 = ?`,
    [sha256],
  );
  return row ? { blobId: row.id, documentId: row.document_id } : null;
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
