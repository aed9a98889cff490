/**
 * Import benchmarks: `npm run bench [-- --only files|dicom|viewer-pdf|viewer-dicom|packet --keep-corpus --runs 3 --cpu-prof --stages]`.
 *
 * Two inputs, each measured the same way:
 *   - files: a folder like a patient's years of downloads and scans (bench/corpus.ts, > 500 MB);
 *   - dicom: a synthetic CT disc, 2,000 slices of 512×512×16 bits with a DICOMDIR (bench/dicomDisc.ts,
 *     ≈ 1 GB), which must become one imaging-study document of 2,000 instances.
 *
 * Goal: importing takes at most twice as long as merely reading and SHA-256-ing the same files
 * (T_import / T_base ≤ 2.0); for the disc, also a peak RSS of at most 400 MB (files are streamed,
 * not held). Both times are whole `node` processes from spawn to exit, on the same files with a
 * warm page cache:
 *   - T_base: bench/sha256Files.ts, run before and after the import; the MIN of the two counts
 *     (noise only ever adds time), both are printed.
 *   - T_import: `node bin/medvault.js import FOLDER --vault V --json` into a fresh vault; the
 *     vault's `init` is not timed. With --runs N, the MIN over N imports.
 * The baseline runs under the same tsx loader as the CLI, so start-up is alike on both sides.
 * Also printed, for context: the time to write and sync as many bytes (bench/diskWrite.ts), the
 * disk's floor under any import that keeps the files.
 * The exit code is 0 only if every benchmark that ran met its goals.
 *
 * --only NAME    run one benchmark: files, dicom, viewer-pdf, viewer-dicom or packet (default: all)
 * --keep-corpus  keep the generated inputs (versioned, under the OS temp folder) for the next run
 * --runs N       time each import N times (a fresh vault each) and count the fastest
 * --cpu-prof     also write V8 CPU profiles of the import (main thread and workers) to
 *                .bench/profiles/ and print where the CPU time went
 * --stages       then run bench/stages.ts: the same import in-process, its phases and stages timed
 *
 * viewer-pdf (bench/viewerPdf.ts, needs `npm run build`): not an import: a 100-page PDF in a vault
 * served by the browser-mode server, opened in Chromium; time to its first page drawn, goal ≤ 300 ms.
 * viewer-dicom (bench/viewerDicom.ts, needs `npm run build`): a 200-slice 512² CT study in the DICOM
 * viewer: first image (≤ 150 ms), frames per second scrolling (≥ 60), memory after two passes.
 */
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DocumentDetails } from '../shared/documents';
import { REPO_ROOT, expectSuccess, runNode, type ChildResult } from './child';
import { corpusRoot, ensureCorpus, type Corpus, type CorpusFile } from './corpus';
import { summarizeProfiles } from './cpuProfile';
import { DISC_PATIENT, SLICES_PER_SERIES, dicomDiscRoot, ensureDicomDisc, type DicomDisc } from './dicomDisc';
import { timeDiskWrite } from './diskWrite';
import { benchPacket } from './packet';
import { benchViewerDicom } from './viewerDicom';
import { benchViewerPdf } from './viewerPdf';
import type { ImportJson } from '../shared/cliOutput';

const GOAL_RATIO = 2.0;
const DICOM_GOAL_RSS_BYTES = 400e6;
const PASSPHRASE = 'correct horse battery';
const CLI = join(REPO_ROOT, 'bin', 'medvault.js');
const HASHER = join(REPO_ROOT, 'bench', 'sha256Files.ts');
const STAGES = join(REPO_ROOT, 'bench', 'stages.ts');
const OUTPUT_DIR = join(REPO_ROOT, '.bench'); // gitignored
const BENCHMARKS = ['files', 'dicom', 'viewer-pdf', 'viewer-dicom', 'packet'] as const;
type BenchmarkName = (typeof BENCHMARKS)[number];

/** One input to measure, whatever it is. */
interface Benchmark {
  name: BenchmarkName;
  title: string;
  /** What `medvault import` is pointed at. */
  folder: string;
  /** Every file under `folder`, absolute: what the baseline reads. */
  paths: string[];
  totalBytes: number;
  /** One line: what the input holds. */
  contents: string;
  generation: string;
  rssGoalBytes: number | null;
  /** Throws unless the import's report is what the input must give. */
  checkReport(report: ImportJson): void;
  /** Untimed checks on the vault after the first import; returns lines for the summary. */
  checkVault(vault: string, report: ImportJson): Promise<string[]>;
}

const { values: flags } = parseArgs({
  options: {
    only: { type: 'string' },
    'keep-corpus': { type: 'boolean' },
    'cpu-prof': { type: 'boolean' },
    stages: { type: 'boolean' },
    runs: { type: 'string', default: '1' },
  },
  strict: true,
});
const runs = Number(flags.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a whole number of at least 1');
if (flags.only !== undefined && !BENCHMARKS.includes(flags.only as BenchmarkName)) {
  throw new Error(`--only takes one of: ${BENCHMARKS.join(', ')}`);
}
const selected = BENCHMARKS.filter((name) => flags.only === undefined || flags.only === name);
const log = (line: string) => process.stderr.write(`${line}\n`);

// Other work on the machine skews both timings (the import more: it uses both cores and the disk).
const loadAtStart = loadavg()[0]!;
const work = await mkdtemp(join(tmpdir(), 'medvault-bench-run-'));
const generatedRoots: string[] = [];
const results: Record<string, unknown> = {};
let allPassed = true;
let fixedCostMs: number | null = null;
try {
  for (const name of selected) {
    if (name === 'viewer-pdf' || name === 'viewer-dicom' || name === 'packet') {
      const bench = { 'viewer-pdf': benchViewerPdf, 'viewer-dicom': benchViewerDicom, packet: benchPacket }[name];
      const viewer = await bench(work, PASSPHRASE, log);
      process.stdout.write(`${viewer.lines.join('\n')}\n`);
      results[name] = viewer.json;
      allPassed &&= viewer.pass;
      continue;
    }
    const benchmark = name === 'files' ? await prepareFiles() : await prepareDicom();
    const outcome = await measure(benchmark);
    results[name] = outcome.json;
    allPassed &&= outcome.pass;
    if (flags.stages) {
      log(`[${name}] stage timing (in-process import) …`);
      // --keep-corpus: this run's cleanup below removes the corpus when it should.
      const staged = expectSuccess(
        'stage timing',
        await runNode(STAGES, ['--input', name, '--keep-corpus'], { nodeFlags: ['--import', 'tsx'] }),
      );
      process.stdout.write(staged.stdout);
    }
  }
  const machine = `${availableParallelism()} cores; load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end`;
  process.stdout.write(`\n  machine    ${machine}\n`);
  if (loadAtStart > availableParallelism() / 2) {
    process.stdout.write('  (the machine was busy when the benchmark started: the figures are likely pessimistic)\n');
  }
  if (selected.length > 1) process.stdout.write(`  overall    ${allPassed ? 'PASS' : 'FAIL'}\n`);
  await mkdir(OUTPUT_DIR, { recursive: true });
  await writeFile(
    join(OUTPUT_DIR, 'latest.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        fixedCostMs,
        loadAverage: { start: loadAtStart, end: loadavg()[0] },
        ...results,
        pass: allPassed,
      },
      null,
      2,
    )}\n`,
  );
  process.exitCode = allPassed ? 0 : 1;
} finally {
  await rm(work, { recursive: true, force: true });
  if (!flags['keep-corpus']) for (const root of generatedRoots) await rm(root, { recursive: true, force: true });
}

async function prepareFiles(): Promise<Benchmark> {
  log(`Preparing the file corpus in ${corpusRoot()} …`);
  generatedRoots.push(corpusRoot());
  const started = performance.now();
  const { corpus, reused } = await ensureCorpus(log);
  const generation = reused ? 'reused the cached corpus' : `generated in ${seconds(performance.now() - started)} s`;
  log(`  ${generation}`);
  const counts = countByKind(corpus.files);
  return {
    name: 'files',
    title: 'File corpus (a patient’s downloads and scans)',
    folder: corpus.filesDir,
    paths: corpus.files.map((file) => join(corpus.filesDir, file.path)),
    totalBytes: corpus.totalBytes,
    contents: `${corpus.files.length} files (${Object.entries(counts)
      .map(([kind, n]) => `${n} ${kind}`)
      .join(', ')})`,
    generation,
    rssGoalBytes: null,
    checkReport: (report) => checkFilesReport(report, corpus),
    checkVault: async (vault) => {
      await checkTextIndexed(vault, corpus);
      return [];
    },
  };
}

async function prepareDicom(): Promise<Benchmark> {
  log(`Preparing the CT disc in ${dicomDiscRoot()} …`);
  generatedRoots.push(dicomDiscRoot());
  const { disc, reused } = await ensureDicomDisc(log);
  const generation = reused
    ? `reused the cached disc (generated in ${seconds(disc.generationMs)} s)`
    : `generated in ${seconds(disc.generationMs)} s (gdcmimg + dcmodify per slice, dcmmkdir)`;
  log(`  ${generation}`);
  return {
    name: 'dicom',
    title: 'CT disc (one study, IHE PDI layout with a DICOMDIR)',
    folder: disc.discDir,
    paths: disc.files.map((file) => join(disc.discDir, file.path)),
    totalBytes: disc.totalBytes,
    contents:
      `${disc.files.length} files: DICOMDIR + ${disc.slices} CT slices 512×512×16 bits ` +
      `in ${disc.series.length} series of ${SLICES_PER_SERIES}`,
    generation,
    rssGoalBytes: DICOM_GOAL_RSS_BYTES,
    checkReport: (report) => checkDicomReport(report),
    checkVault: (vault, report) => checkDicomStudy(vault, report, disc),
  };
}

interface Outcome {
  pass: boolean;
  json: unknown;
}

/** Baseline before, fixed cost, the import(s), baseline after; prints the summary. */
async function measure(benchmark: Benchmark): Promise<Outcome> {
  const listFile = join(work, `${benchmark.name}-files.json`);
  await writeFile(listFile, JSON.stringify(benchmark.paths));
  const hashAll = async (label: string) => {
    const result = await runNode(HASHER, [listFile], {
      nodeFlags: ['--import', 'tsx'],
      rssFile: join(work, 'rss-base'),
    });
    return checkBaseline(label, expectSuccess(label, result), benchmark);
  };

  // Untimed pass: loads the input into the page cache (it may come from an older run) and
  // warms tsx's transform cache, so neither side pays for a cold start.
  log(`[${benchmark.name}] warm-up read …`);
  await hashAll('warm-up read');
  log(`[${benchmark.name}] baseline (read + SHA-256), before the import …`);
  const baseBefore = await hashAll('baseline before');

  // The fixed cost of one CLI run (node + tsx start-up, scrypt unlock, SQLCipher open): an
  // import of an empty folder. Reported for context; not part of the ratio. Measured once.
  if (fixedCostMs === null) {
    const empty = join(work, 'empty');
    await mkdir(empty);
    fixedCostMs = (await timedImport(join(work, 'vault-empty'), empty, {})).result.ms;
  }

  const profileDir = join(
    OUTPUT_DIR,
    'profiles',
    `${new Date().toISOString().replace(/[:.]/g, '-')}-${benchmark.name}`,
  );
  const imports: ChildResult[] = [];
  let vaultBytes = 0;
  let warnings = 0;
  let skipped = 0;
  let checks: string[] = [];
  for (let run = 1; run <= runs; run++) {
    log(`[${benchmark.name}] import of ${benchmark.paths.length} files${runs > 1 ? ` (run ${run} of ${runs})` : ''} …`);
    const vault = join(work, `vault-${benchmark.name}-${run}`);
    const imported = await timedImport(vault, benchmark.folder, {
      rssFile: join(work, 'rss-import'),
      nodeFlags: flags['cpu-prof'] && run === 1 ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
    });
    benchmark.checkReport(imported.report);
    for (const warning of imported.report.warnings) log(`  import warning: ${warning.path}: ${warning.reason}`);
    if (run === 1) {
      checks = [await timedOcr(vault), ...(await benchmark.checkVault(vault, imported.report))];
      vaultBytes = await folderBytes(vault);
      warnings = imported.report.warnings.length;
      skipped = imported.report.skipped;
    }
    imports.push(imported.result);
    await rm(vault, { recursive: true, force: true }); // as large as the input: do not pile them up
  }

  log(`[${benchmark.name}] baseline (read + SHA-256), after the import …`);
  const baseAfter = await hashAll('baseline after');
  log(`[${benchmark.name}] disk: writing and syncing as many bytes …`);
  const diskMs = await timeDiskWrite(work, benchmark.totalBytes);

  // Minimums on both sides: on a shared machine noise only ever adds time.
  const tBase = Math.min(baseBefore.ms, baseAfter.ms);
  const tImport = Math.min(...imports.map((result) => result.ms));
  const peakRss = Math.max(...imports.map((result) => result.peakRssBytes ?? 0)) || null;
  const ratio = tImport / tBase;
  const ratioPass = ratio <= GOAL_RATIO;
  const rssPass = benchmark.rssGoalBytes === null || (peakRss !== null && peakRss <= benchmark.rssGoalBytes);
  const pass = ratioPass && rssPass;

  const rate = (ms: number) => (benchmark.totalBytes / 1e6 / (ms / 1000)).toFixed(1);
  const importRuns = runs > 1 ? `min of ${imports.map((result) => seconds(result.ms)).join(', ')} s; ` : '';
  const rssGoal =
    benchmark.rssGoalBytes === null
      ? 'no goal'
      : `goal ≤ ${mb(benchmark.rssGoalBytes, 0)} MB  ${rssPass ? 'PASS' : 'FAIL'}`;
  const lines = [
    '',
    `Medvault import benchmark: ${benchmark.title}`,
    `  input      ${mb(benchmark.totalBytes)} MB in ${benchmark.contents}; ${benchmark.generation}`,
    `  baseline   ${seconds(tBase)} s  ${rate(tBase)} MB/s  (read + SHA-256; min of ${seconds(baseBefore.ms)} s before, ${seconds(baseAfter.ms)} s after)`,
    `  import     ${seconds(tImport)} s  ${rate(tImport)} MB/s  (${importRuns}medvault import, whole process)`,
    `  fixed cost ${seconds(fixedCostMs)} s  (the same command on an empty folder: start-up, unlock, open)`,
    `  disk       ${seconds(diskMs)} s  ${rate(diskMs)} MB/s  (as many bytes written to one file and synced: ` +
      `the disk alone makes the ratio ≥ ${(diskMs / tBase).toFixed(2)})`,
    `  ratio      ${ratio.toFixed(2)}  T_import / T_base, goal ≤ ${GOAL_RATIO.toFixed(1)}  ${ratioPass ? 'PASS' : 'FAIL'}`,
    `  peak RSS   ${mbOrUnknown(peakRss)} MB import, ${rssGoal}  (baseline: ${mbOrUnknown(baseBefore.peakRssBytes)} MB)`,
    `  vault      ${mb(vaultBytes)} MB on disk; ${warnings} import warnings; ${skipped} files skipped`,
    ...checks.map((line) => `  ${line}`),
    `  result     ${pass ? 'PASS' : 'FAIL'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (flags['cpu-prof']) {
    process.stdout.write(`\nCPU profiles in ${profileDir}\n${await summarizeProfiles(profileDir)}\n`);
  }
  return {
    pass,
    json: {
      input: { files: benchmark.paths.length, bytes: benchmark.totalBytes, contents: benchmark.contents },
      baseline: {
        beforeMs: baseBefore.ms,
        afterMs: baseAfter.ms,
        minMs: tBase,
        peakRssBytes: baseBefore.peakRssBytes,
      },
      import: {
        runsMs: imports.map((result) => result.ms),
        minMs: tImport,
        peakRssBytes: peakRss,
        warnings,
        skipped,
        vaultBytes,
      },
      diskWriteMs: diskMs,
      ratio,
      goals: { ratio: GOAL_RATIO, peakRssBytes: benchmark.rssGoalBytes },
      pass,
    },
  };
}

/** init (untimed), then the timed import; returns the CLI's JSON report. */
async function timedImport(
  vault: string,
  folder: string,
  options: { rssFile?: string; nodeFlags?: string[] },
): Promise<{ result: ChildResult; report: ImportJson }> {
  const env = { MEDVAULT_PASSPHRASE: PASSPHRASE };
  expectSuccess('medvault init', await runNode(CLI, ['init', '--vault', vault, '--json'], { env }));
  // OCR is queued by the import and read after it (timed on its own: see timedOcr).
  const result = await runNode(CLI, ['import', folder, '--vault', vault, '--json', '--skip-ocr'], { env, ...options });
  // Exit code 2 still prints a report (some files failed); the checks say which.
  if (result.code !== 0 && result.code !== 2) expectSuccess('medvault import', result);
  return { result, report: JSON.parse(result.stdout) as ImportJson };
}

/** `medvault ocr` after the import: reads the text the import queued (images, text-less PDFs). */
async function timedOcr(vault: string): Promise<string> {
  const env = { MEDVAULT_PASSPHRASE: PASSPHRASE };
  const result = expectSuccess('medvault ocr', await runNode(CLI, ['ocr', '--vault', vault, '--json'], { env }));
  const summary = JSON.parse(result.stdout) as { recognized: number; remaining: number };
  return `ocr        ${summary.recognized} documents read after the import in ${seconds(result.ms)} s (medvault ocr, whole process; pages that are not paper are skipped)`;
}

function checkFilesReport(report: ImportJson, corpus: Corpus): void {
  const problems: string[] = [];
  if (report.imported !== corpus.files.length)
    problems.push(`imported ${report.imported} of ${corpus.files.length} files`);
  if (report.duplicates !== 0) problems.push(`${report.duplicates} files were taken for duplicates`);
  for (const failure of report.failed) problems.push(`failed: ${failure.path}: ${failure.reason}`);
  if (problems.length) throw new Error(`The import did not take every file:\n  ${problems.join('\n  ')}`);
}

/** One study on the disc: one document, nothing failed, the disc's one patient named. */
function checkDicomReport(report: ImportJson): void {
  const problems: string[] = [];
  if (report.imported !== 1 || report.documents.length !== 1)
    problems.push(`imported ${report.imported} documents (${report.documents.length} ids), not 1 study`);
  if (report.duplicates !== 0) problems.push(`${report.duplicates} files were taken for duplicates`);
  for (const failure of report.failed) problems.push(`failed: ${failure.path}: ${failure.reason}`);
  const patients = report.patients ?? [];
  if (patients.length !== 1 || patients[0]!.id !== DISC_PATIENT.id) {
    problems.push(`patients ${JSON.stringify(patients)}, not the disc's one patient ${DISC_PATIENT.id}`);
  }
  if (problems.length) throw new Error(`The disc did not import as one study:\n  ${problems.join('\n  ')}`);
}

/** `medvault show ID --json` of the study: every series and instance is there. Untimed. */
async function checkDicomStudy(vault: string, report: ImportJson, disc: DicomDisc): Promise<string[]> {
  const id = report.documents[0]!;
  const result = expectSuccess(
    'medvault show',
    await runNode(CLI, ['show', id, '--vault', vault, '--json'], { env: { MEDVAULT_PASSPHRASE: PASSPHRASE } }),
  );
  const document = JSON.parse(result.stdout) as DocumentDetails;
  const dicom = document.dicom;
  const problems: string[] = [];
  if (!dicom) problems.push('no "dicom" summary');
  else {
    if (dicom.instanceCount !== disc.slices) problems.push(`instanceCount ${dicom.instanceCount}, not ${disc.slices}`);
    if (dicom.seriesCount !== disc.series.length)
      problems.push(`seriesCount ${dicom.seriesCount}, not ${disc.series.length}`);
    if (dicom.studyInstanceUid !== disc.studyInstanceUid) problems.push(`studyInstanceUid ${dicom.studyInstanceUid}`);
    if (dicom.patientId !== disc.patientId) problems.push(`patientId ${dicom.patientId}`);
  }
  if (document.type !== 'imaging-study') problems.push(`type ${document.type}, not imaging-study`);
  if (problems.length) throw new Error(`The imported study is not the disc's:\n  ${problems.join('\n  ')}`);
  return [
    `study      ${document.type} "${document.title}", ${document.date ?? 'no date'}, ${document.provider ?? 'no provider'}: ` +
      `${dicom!.seriesCount} series, ${dicom!.instanceCount} instances (checked with medvault show)`,
  ];
}

/** One search per kind of text file: proves pdf.js (and the text path) really ran. Untimed. */
async function checkTextIndexed(vault: string, corpus: Corpus): Promise<void> {
  for (const kind of ['scanned-pdf', 'text-pdf', 'text'] as const) {
    const sample = corpus.files.filter((file) => file.kind === kind && file.marker).at(-1);
    if (!sample?.marker) continue;
    const result = expectSuccess(
      'medvault list',
      await runNode(CLI, ['list', '--vault', vault, '--text', sample.marker, '--json'], {
        env: { MEDVAULT_PASSPHRASE: PASSPHRASE },
      }),
    );
    const found = (JSON.parse(result.stdout) as unknown[]).length;
    if (found !== 1) throw new Error(`Searching for the text of ${sample.path} found ${found} documents, not 1`);
  }
}

function checkBaseline(label: string, result: ChildResult, benchmark: Benchmark): ChildResult {
  const summary = JSON.parse(result.stdout) as { files: number; bytes: number };
  if (summary.files !== benchmark.paths.length || summary.bytes !== benchmark.totalBytes) {
    throw new Error(`The ${label} read ${summary.files} files / ${summary.bytes} bytes, not the whole input`);
  }
  return result;
}

function countByKind(files: CorpusFile[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const file of files) counts[file.kind] = (counts[file.kind] ?? 0) + 1;
  return counts;
}

async function folderBytes(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) total += await folderBytes(full);
    else if (entry.isFile()) total += (await stat(full)).size;
  }
  return total;
}

function mb(bytes: number, digits = 1): string {
  return (bytes / 1e6).toFixed(digits);
}

function mbOrUnknown(bytes: number | null): string {
  return bytes === null ? '?' : mb(bytes);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}
