/**
 * Diagnostic for when a benchmark fails: where does an import's wall time go?
 * Runs the same import in-process (no CLI start-up, no unlock), with the core's I/O and stage
 * methods wrapped by timers, and prints:
 *   - the import's phases, in wall time: walk, plan (DICOMDIR), files in flight, gathered documents
 *     committed (importers' finish), fsync of the run's blobs, final transaction;
 *   - busy time by stage, exclusive of nested stages. Several files are in flight at once, so
 *     these add up over the files in flight and may exceed the wall time; each flow's stages are
 *     told apart with AsyncLocalStorage;
 *   - for the file corpus, wall time by kind of file; and peak memory.
 *
 * Usage: tsx bench/stages.ts [--input files|dicom] [--keep-corpus]   (uses the inputs bench/run.ts caches)
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Database } from '../electron/core/db/Database';
import { DicomImporter } from '../electron/core/import/dicom/DicomImporter';
import { FileImporter } from '../electron/core/import/files/FileImporter';
import { PdfTextExtractor } from '../electron/core/import/pdf/PdfTextExtractor';
import { runImport } from '../electron/core/import/runImport';
import { BlobStore, BlobWriter } from '../electron/core/vault/blobStore';
import { Vault } from '../electron/core/vault/Vault';
import { corpusRoot, ensureCorpus } from './corpus';
import { dicomDiscRoot, ensureDicomDisc } from './dicomDisc';

interface Frame {
  name: string;
  started: number;
  nested: number;
}

const totals = new Map<string, { ms: number; calls: number; first: number; max: number }>();
const current = new AsyncLocalStorage<Frame>();

/** Times `work` as stage `name`, excluding time spent in stages nested inside it (in the same flow). */
async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const parent = current.getStore();
  const frame: Frame = { name, started: performance.now(), nested: 0 };
  try {
    return await current.run(frame, work);
  } finally {
    const elapsed = performance.now() - frame.started;
    if (parent) parent.nested += elapsed;
    // Children run concurrently (e.g. several fsyncs at once) can add up to more than their parent.
    const own = Math.max(0, elapsed - frame.nested);
    const total = totals.get(name) ?? { ms: 0, calls: 0, first: own, max: 0 };
    total.ms += own;
    total.calls++;
    total.max = Math.max(total.max, own);
    totals.set(name, total);
  }
}

type AsyncMethod = (this: unknown, ...args: unknown[]) => Promise<unknown>;

/** Replaces `target[method]` with a timed version; the stage name may depend on the enclosing stage. */
function wrap(target: object, method: string, name: string | ((parent: string | undefined) => string)): void {
  const methods = target as Record<string, AsyncMethod>;
  const original = methods[method];
  if (typeof original !== 'function') throw new Error(`No method ${method} to time`);
  methods[method] = function (this: unknown, ...args: unknown[]) {
    const stage = typeof name === 'string' ? name : name(current.getStore()?.name);
    return timed(stage, () => original.apply(this, args));
  };
}

/** When calls to `target[method]` first started and last ended: the import's phases. */
const marks = new Map<string, number>();
function markCalls(target: object, method: string, label: string): void {
  const methods = target as Record<string, AsyncMethod | undefined>;
  const original = methods[method];
  if (typeof original !== 'function') return;
  methods[method] = async function (this: unknown, ...args: unknown[]) {
    if (!marks.has(`${label} start`)) marks.set(`${label} start`, performance.now());
    try {
      return await original.apply(this, args);
    } finally {
      marks.set(`${label} end`, performance.now());
    }
  };
}

const { values: flags } = parseArgs({
  options: { 'keep-corpus': { type: 'boolean' }, input: { type: 'string', default: 'files' } },
  strict: true,
});
if (flags.input !== 'files' && flags.input !== 'dicom') throw new Error('--input takes files or dicom');
const log = (line: string) => process.stderr.write(`${line}\n`);
const work = await mkdtemp(join(tmpdir(), 'medvault-bench-stages-'));
try {
  // The input: the folder to import, and each file's kind and size (for the by-kind table).
  let folder: string;
  let inputFiles: { path: string; kind: string; bytes: number }[];
  if (flags.input === 'dicom') {
    const { disc } = await ensureDicomDisc(log);
    folder = disc.discDir;
    inputFiles = disc.files.map((file) => ({
      path: file.path,
      kind: file.path === 'DICOMDIR' ? 'DICOMDIR' : 'CT slice',
      bytes: file.bytes,
    }));
  } else {
    const { corpus } = await ensureCorpus(log);
    folder = corpus.filesDir;
    inputFiles = corpus.files;
  }
  const totalBytes = inputFiles.reduce((sum, file) => sum + file.bytes, 0);
  const byPath = new Map(inputFiles.map((file) => [join(folder, file.path), file]));

  // FileHandle is not exported; its prototype is reachable from any open handle.
  const probe = await open(folder, 'r');
  const fileHandle = Object.getPrototypeOf(probe) as object;
  await probe.close();
  const BLOB_FINISH = 'blob finish: seal last chunk, close';
  const BLOB_COMMIT = 'blob commit: mkdir, rename';
  const BLOB_SYNC = 'fsync of the run’s blobs (syncCommitted)';
  wrap(fileHandle, 'read', 'read source files');
  wrap(fileHandle, 'write', 'write blob files');
  wrap(fileHandle, 'writev', 'write blob files');
  wrap(fileHandle, 'sync', (parent) =>
    parent === BLOB_FINISH
      ? 'fsync blob files'
      : parent === BLOB_COMMIT
        ? 'fsync blob folders'
        : parent === BLOB_SYNC
          ? 'fsync of the run’s blobs, per file'
          : 'fsync (other)',
  );
  wrap(BlobWriter.prototype, 'write', 'encrypt + hash + buffer copies (CPU)');
  wrap(BlobWriter.prototype, 'finish', BLOB_FINISH);
  wrap(BlobStore.prototype, 'createWriter', 'blob create: open, HKDF');
  wrap(BlobStore.prototype, 'commit', BLOB_COMMIT);
  wrap(BlobStore.prototype, 'syncCommitted', BLOB_SYNC);
  wrap(PdfTextExtractor.prototype, 'extract', 'pdf.js text extraction (worker, awaited)');
  wrap(Database.prototype, 'transaction', 'SQLCipher transactions (incl. WAL fsync)');
  wrap(Database.prototype, 'read', 'SQLCipher reads');
  // Time per kind of file: from an importer taking the file to its outcome (files overlap, so these add up).
  const byKind = new Map<string, { ms: number; files: number; bytes: number }>();
  for (const importer of [DicomImporter.prototype, FileImporter.prototype]) {
    const methods = importer as unknown as Record<string, AsyncMethod>;
    const importFile = methods.importFile!;
    methods.importFile = async function (this: unknown, ...args: unknown[]) {
      const fileStarted = performance.now();
      try {
        return await importFile.apply(this, args);
      } finally {
        const found = args[0] as { path: string; bytes: number };
        const kind = byPath.get(found.path)?.kind ?? (extname(found.path) || '(no extension)');
        const entry = byKind.get(kind) ?? { ms: 0, files: 0, bytes: 0 };
        entry.ms += performance.now() - fileStarted;
        entry.files++;
        entry.bytes += found.bytes;
        byKind.set(kind, entry);
      }
    };
  }
  for (const importer of [DicomImporter.prototype, FileImporter.prototype]) {
    markCalls(importer, 'plan', 'plan');
    markCalls(importer, 'importFile', 'files');
    markCalls(importer, 'finish', 'finish');
  }
  markCalls(BlobStore.prototype, 'syncCommitted', 'sync');
  // The first extraction starts the worker: note what that costs in memory.
  const extract = PdfTextExtractor.prototype.extract;
  const pdfStart: { rssBefore?: number; rssAfter?: number } = {};
  PdfTextExtractor.prototype.extract = async function (this: PdfTextExtractor, data: Buffer) {
    if (pdfStart.rssBefore !== undefined) return extract.call(this, data);
    pdfStart.rssBefore = process.memoryUsage().rss;
    const result = await extract.call(this, data);
    pdfStart.rssAfter = process.memoryUsage().rss;
    return result;
  };

  // Memory: sampled, since the peak is what matters and it may come from garbage not yet collected.
  const peak = { rss: 0, heapUsed: 0, arrayBuffers: 0 };
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peak.rss = Math.max(peak.rss, usage.rss);
    peak.heapUsed = Math.max(peak.heapUsed, usage.heapUsed);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, usage.arrayBuffers);
  }, 10);

  const { vault } = await Vault.create(join(work, 'vault'), 'correct horse battery');
  const started = performance.now();
  const report = await runImport(vault, [folder]);
  const ended = performance.now();
  const wall = ended - started;
  await vault.close();
  clearInterval(sampler);
  const expected = flags.input === 'dicom' ? 1 : inputFiles.length;
  if (report.imported !== expected || report.failed.length) {
    throw new Error(`Imported ${report.imported}, not ${expected}; failed: ${JSON.stringify(report.failed)}`);
  }

  const line = (ms: number, label: string, extra = '') =>
    `  ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / wall).toFixed(1).padStart(5)}%  ${label}${extra}`;
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);

  // Phases, in order; a phase that did not happen (no plan, nothing gathered) takes no time.
  const at = (key: string, fallback: number) => marks.get(key) ?? fallback;
  const planStart = at('plan start', at('files start', started));
  const planEnd = at('plan end', planStart);
  const syncStart = at('sync start', ended);
  const finishStart = at('finish start', syncStart);
  const syncEnd = at('sync end', syncStart);
  const phases: [string, number][] = [
    ['walk the folders', planStart - started],
    ['plan (read the DICOMDIR, find disc noise)', planEnd - planStart],
    ['files in flight (read, hash, encrypt, write, parse)', finishStart - planEnd],
    ['gathered documents committed (importers’ finish), report', syncStart - finishStart],
    ['fsync of the run’s blobs', syncEnd - syncStart],
    ['final transaction, close', ended - syncEnd],
  ];

  const out = [
    '',
    `In-process import of ${inputFiles.length} files, ${mb(totalBytes)} MB (${flags.input}): ${(wall / 1000).toFixed(2)} s`,
    `(${(totalBytes / 1e6 / (wall / 1000)).toFixed(1)} MB/s; no CLI start-up or unlock)`,
    '',
    'Phases (wall time):',
    ...phases.map(([label, ms]) => line(ms, label)),
    '',
    'Busy time by stage, exclusive (summed over the files in flight, so it may exceed the wall time):',
    ...rows.map(([name, total]) =>
      line(
        total.ms,
        name,
        `  (${total.calls} calls; first ${total.first.toFixed(0)} ms, max ${total.max.toFixed(0)} ms)`,
      ),
    ),
  ];
  out.push(
    '',
    'Time in an importer by kind of file (summed over the files in flight; MB/s per file in flight):',
    ...[...byKind.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([kind, entry]) =>
        line(
          entry.ms,
          kind,
          `  (${entry.files} files, ${mb(entry.bytes)} MB, ${(entry.bytes / 1e6 / (entry.ms / 1000)).toFixed(0)} MB/s)`,
        ),
      ),
  );
  out.push(
    '',
    `Peak memory (sampled every 10 ms): RSS ${mb(peak.rss)} MB, JS heap ${mb(peak.heapUsed)} MB, ArrayBuffers ${mb(peak.arrayBuffers)} MB;`,
    `getrusage max RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB (whole process, includes this harness)`,
  );
  if (pdfStart.rssBefore !== undefined) {
    out.push(
      `RSS ${mb(pdfStart.rssBefore)} MB before the first PDF, ${mb(pdfStart.rssAfter ?? 0)} MB after it (pdf.js worker started)`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  await rm(work, { recursive: true, force: true });
  if (!flags['keep-corpus']) {
    await rm(flags.input === 'dicom' ? dicomDiscRoot() : corpusRoot(), { recursive: true, force: true });
  }
}
