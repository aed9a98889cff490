import type { DocumentSourceKind } from '../../../shared/documents';
import type { ImportFailure, ImportProgress, ImportReport } from '../../../shared/imports';
import { completeImportRun, startImportRun } from '../db/importRuns';
import { getOwner } from '../documents/owner';
import { applySuggestion } from '../documents/repository';
import { MedvaultError } from '../errors';
import { newId } from '../ids';
import type { Vault } from '../vault/Vault';
import { defaultImporters } from './importers';
import { importOne, reasonFor } from './importOne';
import { MemoryBudget } from './memoryBudget';
import { patientWarnings } from './patientWarnings';
import { planRun } from './planRun';
import { RunContext } from './RunContext';
import type { ScanRequest } from './scan/ScanImporter';
import type { FileOutcome, FoundFile, Importer } from './types';
import { expandArchives, walkSources, type WalkResult } from './walk';

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

/** Files in flight at once: reading, encrypting, fsync, pdf.js and SQLCipher then overlap. */
const FILES_IN_FLIGHT = 4;
/** What files in flight may hold in memory together (importers keep small PDFs whole to parse them). */
const MEMORY_BUDGET = 192 * 1024 * 1024;
const MAX_FILE_SHARE = 128 * 1024 * 1024;

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

  const plan = await planRun(found, options.scans ?? [], importers, sourceKind === 'disc');
  const { files, disc } = plan;
  let skipped = walked.skipped + plan.skipped;

  const progress: ImportProgress = {
    filesDone: 0,
    filesTotal: files.length,
    bytesDone: 0,
    bytesTotal: files.reduce((sum, file) => sum + file.bytes, 0),
    currentPath: null,
  };
  const report = () => options.onProgress?.({ ...progress });

  await vault.db.transaction((tx) => startImportRun(tx, { id: runId, sourceKind, sources: paths }));

  const context = new RunContext(vault, runId, sourceKind, signal, warnings, plan.suggestions, (bytes) => {
    progress.bytesDone += bytes;
    report();
  });
  const outcomes: Outcome[] = new Array(files.length);
  const budget = new MemoryBudget(MEMORY_BUDGET);
  let fatal: unknown = null;
  let nextIndex = 0;
  const gathered = { documents: [] as string[], duplicates: 0, failed: [] as ImportFailure[] };

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
          gathered.failed.push(...(result.failed ?? []));
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

  const failed: ImportFailure[] = [...walked.failed, ...plan.failed, ...gathered.failed];
  const documents: string[] = [];
  let duplicates = gathered.duplicates;
  let notRecords = 0;
  outcomes.forEach((outcome, index) => {
    if (outcome.kind === 'imported') documents.push(outcome.documentId);
    else if (outcome.kind === 'duplicate') duplicates++;
    else if (outcome.kind === 'failed') failed.push({ path: files[index]!.path, reason: outcome.reason });
    else if (outcome.kind === 'skipped') {
      notRecords++;
      warnings.push({ path: files[index]!.path, reason: outcome.reason });
    }
  });
  skipped += notRecords;
  for (const id of gathered.documents) if (!documents.includes(id)) documents.push(id);
  const patients = context.patients();
  const owner = await vault.db.read((q) => getOwner(q));
  warnings.push(...patientWarnings(owner, patients).map((reason) => ({ path: paths[0] ?? '', reason })));
  const warningOrder = new Map(files.map((file, index) => [file.path, index]));
  warnings.sort((a, b) => (warningOrder.get(a.path) ?? 0) - (warningOrder.get(b.path) ?? 0));

  progress.currentPath = null;
  report();
  await context.backgroundSyncs();
  await vault.blobs.syncCommitted(context.committedBlobs, context.synced);
  await vault.db.transaction(async (tx) => {
    await completeImportRun(tx, runId, { imported: documents.length, duplicates, skipped, failed, warnings });
    for (const { documentId, suggestion } of context.suggestions) await applySuggestion(tx, documentId, suggestion);
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
