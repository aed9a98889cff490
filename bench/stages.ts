/**
 * Diagnostic for when the ratio fails: where does an import's wall time go?
 * Runs the same import in-process (no CLI start-up, no unlock), with the core's I/O and stage
 * methods wrapped by timers. The import handles one file at a time and awaits every step, so
 * exclusive times add up to the wall time; what no wrapper covers is reported as "other".
 *
 * Usage: tsx bench/stages.ts [--keep-corpus]   (uses the same cached corpus as bench/run.ts)
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Database } from '../electron/core/db/Database';
import { PdfTextExtractor } from '../electron/core/import/pdf/PdfTextExtractor';
import { runImport } from '../electron/core/import/runImport';
import { BlobStore, BlobWriter } from '../electron/core/vault/blobStore';
import { Vault } from '../electron/core/vault/Vault';
import { corpusRoot, ensureCorpus } from './corpus';

interface Frame {
  name: string;
  started: number;
  nested: number;
}

const totals = new Map<string, { ms: number; calls: number; first: number; max: number }>();
const stack: Frame[] = [];

/** Times `work` as stage `name`, excluding time spent in stages nested inside it. */
async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const frame: Frame = { name, started: performance.now(), nested: 0 };
  stack.push(frame);
  try {
    return await work();
  } finally {
    const elapsed = performance.now() - frame.started;
    stack.splice(stack.lastIndexOf(frame), 1);
    const parent = stack.at(-1);
    if (parent) parent.nested += elapsed;
    const own = elapsed - frame.nested;
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
    const stage = typeof name === 'string' ? name : name(stack.at(-1)?.name);
    return timed(stage, () => original.apply(this, args));
  };
}

const { values: flags } = parseArgs({ options: { 'keep-corpus': { type: 'boolean' } }, strict: true });
const log = (line: string) => process.stderr.write(`${line}\n`);
const work = await mkdtemp(join(tmpdir(), 'medvault-bench-stages-'));
try {
  const { corpus } = await ensureCorpus(log);

  // FileHandle is not exported; its prototype is reachable from any open handle.
  const probe = await open(corpus.filesDir, 'r');
  const fileHandle = Object.getPrototypeOf(probe) as object;
  await probe.close();
  const BLOB_FINISH = 'blob finish: seal last chunk, close';
  const BLOB_COMMIT = 'blob commit: mkdir, rename';
  wrap(fileHandle, 'read', 'read source files');
  wrap(fileHandle, 'write', 'write blob files');
  wrap(fileHandle, 'sync', (parent) =>
    parent === BLOB_FINISH ? 'fsync blob files' : parent === BLOB_COMMIT ? 'fsync blob folders' : 'fsync (other)',
  );
  wrap(BlobWriter.prototype, 'write', 'encrypt + hash + buffer copies (CPU)');
  wrap(BlobWriter.prototype, 'finish', BLOB_FINISH);
  wrap(BlobStore.prototype, 'createWriter', 'blob create: open, HKDF');
  wrap(BlobStore.prototype, 'commit', BLOB_COMMIT);
  wrap(PdfTextExtractor.prototype, 'extract', 'pdf.js text extraction (worker, awaited)');
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
  wrap(Database.prototype, 'transaction', 'SQLCipher transactions (incl. WAL fsync)');
  wrap(Database.prototype, 'read', 'SQLCipher reads');

  // Memory: sampled, since the peak is what matters and it may come from garbage not yet collected.
  const peak = { rss: 0, heapUsed: 0, arrayBuffers: 0 };
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peak.rss = Math.max(peak.rss, usage.rss);
    peak.heapUsed = Math.max(peak.heapUsed, usage.heapUsed);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, usage.arrayBuffers);
  }, 10);

  const { vault } = await Vault.create(join(work, 'vault'), 'correct horse battery');
  // Wall time per kind of file, from the progress callback (each file's end is the next's start).
  const byKind = new Map<string, { ms: number; files: number; bytes: number }>();
  let fileStarted = performance.now();
  let filesDone = 0;
  const started = performance.now();
  const report = await runImport(vault, [corpus.filesDir], {
    onProgress: (progress) => {
      if (progress.filesDone === filesDone) return;
      const now = performance.now();
      const file = corpus.files.find((candidate) => join(corpus.filesDir, candidate.path) === progress.currentPath);
      const kind = file?.kind ?? extname(progress.currentPath ?? '?');
      const entry = byKind.get(kind) ?? { ms: 0, files: 0, bytes: 0 };
      entry.ms += now - fileStarted;
      entry.files++;
      entry.bytes += file?.bytes ?? 0;
      byKind.set(kind, entry);
      filesDone = progress.filesDone;
      fileStarted = now;
    },
  });
  const wall = performance.now() - started;
  await vault.close();
  clearInterval(sampler);
  if (report.imported !== corpus.files.length || report.failed.length) {
    throw new Error(`Imported ${report.imported} of ${corpus.files.length}; failed: ${JSON.stringify(report.failed)}`);
  }

  const attributed = [...totals.values()].reduce((sum, total) => sum + total.ms, 0);
  const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const line = (ms: number, label: string, extra = '') =>
    `  ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / wall).toFixed(1).padStart(5)}%  ${label}${extra}`;
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const out = [
    '',
    `In-process import of ${corpus.files.length} files, ${mb(corpus.totalBytes)} MB: ${(wall / 1000).toFixed(2)} s`,
    `(${(corpus.totalBytes / 1e6 / (wall / 1000)).toFixed(1)} MB/s; no CLI start-up or unlock)`,
    '',
    'Exclusive time by stage:',
    ...rows.map(([name, total]) =>
      line(
        total.ms,
        name,
        `  (${total.calls} calls; first ${total.first.toFixed(0)} ms, max ${total.max.toFixed(0)} ms)`,
      ),
    ),
    line(wall - attributed, 'other (walk, open/close source files, importer logic, event loop)'),
    '',
    'Wall time by kind of file:',
    ...[...byKind.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([kind, entry]) =>
        line(
          entry.ms,
          kind,
          `  (${entry.files} files, ${mb(entry.bytes)} MB, ${(entry.bytes / 1e6 / (entry.ms / 1000)).toFixed(0)} MB/s)`,
        ),
      ),
    '',
    `Peak memory (sampled every 10 ms): RSS ${mb(peak.rss)} MB, JS heap ${mb(peak.heapUsed)} MB, ArrayBuffers ${mb(peak.arrayBuffers)} MB;`,
    `getrusage max RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB (whole process, includes this harness);`,
    `RSS ${mb(pdfStart.rssBefore ?? 0)} MB before the first PDF, ${mb(pdfStart.rssAfter ?? 0)} MB after it (pdf.js worker started)`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  await rm(work, { recursive: true, force: true });
  if (!flags['keep-corpus']) await rm(corpusRoot(), { recursive: true, force: true });
}
