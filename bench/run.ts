/**
 * Import throughput benchmark: `npm run bench [-- --keep-corpus --runs 3 --cpu-prof --stages]`.
 *
 * Goal: importing a folder takes at most twice as long as merely reading and SHA-256-ing its
 * files (T_import / T_base ≤ 2.0). Both are timed as whole `node` processes from spawn to exit,
 * on the same files with a warm page cache:
 *   - T_base: bench/sha256Files.ts, run before and after the import; the MIN of the two counts
 *     (noise only ever adds time), both are printed.
 *   - T_import: `node bin/medvault.js import FOLDER --vault V --json` into a fresh vault; the
 *     vault's `init` is not timed. With --runs N, the MIN over N imports.
 * The baseline runs under the same tsx loader as the CLI, so start-up is alike on both sides.
 *
 * --keep-corpus  keep the generated folder (versioned, under the OS temp folder) for the next run
 * --runs N       time the import N times (a fresh vault each) and count the fastest
 * --cpu-prof     also write V8 CPU profiles of the import (main thread and pdf.js worker) to
 *                .bench/profiles/ and print where the CPU time went
 * --stages       then run bench/stages.ts: the same import in-process, timed stage by stage
 */
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, expectSuccess, runNode, type ChildResult } from './child';
import { corpusRoot, ensureCorpus, type Corpus, type CorpusFile } from './corpus';
import { summarizeProfiles } from './cpuProfile';

const GOAL_RATIO = 2.0;
const PASSPHRASE = 'correct horse battery';
const CLI = join(REPO_ROOT, 'bin', 'medvault.js');
const HASHER = join(REPO_ROOT, 'bench', 'sha256Files.ts');
const STAGES = join(REPO_ROOT, 'bench', 'stages.ts');
const OUTPUT_DIR = join(REPO_ROOT, '.bench'); // gitignored

interface ImportJson {
  imported: number;
  duplicates: number;
  skipped: number;
  failed: { path: string; reason: string }[];
  warnings: { path: string; reason: string }[];
}

const { values: flags } = parseArgs({
  options: {
    'keep-corpus': { type: 'boolean' },
    'cpu-prof': { type: 'boolean' },
    stages: { type: 'boolean' },
    runs: { type: 'string', default: '1' },
  },
  strict: true,
});
const runs = Number(flags.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a whole number of at least 1');
const log = (line: string) => process.stderr.write(`${line}\n`);

// Other work on the machine skews both timings (the import more: it uses both cores and the disk).
const loadAtStart = loadavg()[0]!;
const work = await mkdtemp(join(tmpdir(), 'medvault-bench-run-'));
let corpus: Corpus | null = null;
try {
  log(`Preparing the corpus in ${corpusRoot()} …`);
  const generated = performance.now();
  const prepared = await ensureCorpus(log);
  const files = prepared.corpus;
  corpus = files;
  log(
    prepared.reused
      ? '  reused the cached corpus'
      : `  generated in ${seconds(performance.now() - generated)} s (${mb(files.totalBytes)} MB)`,
  );

  const listFile = join(work, 'files.json');
  await writeFile(listFile, JSON.stringify(files.files.map((file) => join(files.filesDir, file.path))));
  const hashAll = async (label: string) => {
    const result = await runNode(HASHER, [listFile], {
      nodeFlags: ['--import', 'tsx'],
      rssFile: join(work, 'rss-base'),
    });
    return checkBaseline(label, expectSuccess(label, result), files);
  };

  // Untimed pass: loads the corpus into the page cache (it may come from an older run) and
  // warms tsx's transform cache, so neither side pays for a cold start.
  log('Warm-up read …');
  await hashAll('warm-up read');
  log('Baseline (read + SHA-256), before the import …');
  const baseBefore = await hashAll('baseline before');

  // The fixed cost of one CLI run (node + tsx start-up, scrypt unlock, SQLCipher open): an
  // import of an empty folder. Reported for context; not part of the ratio.
  const empty = join(work, 'empty');
  await mkdir(empty);
  const fixed = await timedImport(join(work, 'vault-empty'), empty, {});

  const profileDir = join(OUTPUT_DIR, 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
  const imports: ChildResult[] = [];
  let vaultBytes = 0;
  let warnings = 0;
  for (let run = 1; run <= runs; run++) {
    log(`Import of ${files.files.length} files${runs > 1 ? ` (run ${run} of ${runs})` : ''} …`);
    const vault = join(work, `vault-${run}`);
    const imported = await timedImport(vault, files.filesDir, {
      rssFile: join(work, 'rss-import'),
      nodeFlags: flags['cpu-prof'] && run === 1 ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
    });
    checkImport(imported.report, files);
    if (run === 1) {
      await checkTextIndexed(vault, files);
      vaultBytes = await folderBytes(vault);
      warnings = imported.report.warnings.length;
    }
    imports.push(imported.result);
    await rm(vault, { recursive: true, force: true }); // 560 MB each: do not pile them up
  }

  log('Baseline (read + SHA-256), after the import …');
  const baseAfter = await hashAll('baseline after');

  // Minimums on both sides: on a shared machine noise only ever adds time.
  const tBase = Math.min(baseBefore.ms, baseAfter.ms);
  const tImport = Math.min(...imports.map((result) => result.ms));
  const peakRss = Math.max(...imports.map((result) => result.peakRssBytes ?? 0)) || null;
  const ratio = tImport / tBase;
  const pass = ratio <= GOAL_RATIO;
  const counts = countByKind(files.files);
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    corpus: { version: files.version, files: files.files.length, bytes: files.totalBytes, byKind: counts },
    baseline: { beforeMs: baseBefore.ms, afterMs: baseAfter.ms, minMs: tBase, peakRssBytes: baseBefore.peakRssBytes },
    import: { runsMs: imports.map((result) => result.ms), minMs: tImport, peakRssBytes: peakRss, warnings, vaultBytes },
    fixedCostMs: fixed.result.ms,
    loadAverage: { start: loadAtStart, end: loadavg()[0] },
    ratio,
    goal: GOAL_RATIO,
    pass,
  };

  const rate = (ms: number) => (files.totalBytes / 1e6 / (ms / 1000)).toFixed(1);
  const importRuns = runs > 1 ? `min of ${imports.map((result) => seconds(result.ms)).join(', ')} s; ` : '';
  const lines = [
    '',
    'Medvault import benchmark',
    `  corpus     ${mb(files.totalBytes)} MB in ${files.files.length} files (${Object.entries(counts)
      .map(([kind, n]) => `${n} ${kind}`)
      .join(', ')})`,
    `  baseline   ${seconds(tBase)} s  ${rate(tBase)} MB/s  (read + SHA-256; min of ${seconds(baseBefore.ms)} s before, ${seconds(baseAfter.ms)} s after)`,
    `  import     ${seconds(tImport)} s  ${rate(tImport)} MB/s  (${importRuns}medvault import, whole process)`,
    `  fixed cost ${seconds(fixed.result.ms)} s  (the same command on an empty folder: start-up, unlock, open)`,
    `  ratio      ${ratio.toFixed(2)}  T_import / T_base, goal ≤ ${GOAL_RATIO.toFixed(1)}  ${pass ? 'PASS' : 'FAIL'}`,
    `  peak RSS   ${mbOrUnknown(peakRss)} MB import  (baseline: ${mbOrUnknown(baseBefore.peakRssBytes)} MB)`,
    `  vault      ${mb(vaultBytes)} MB on disk; ${warnings} import warnings`,
    `  machine    ${availableParallelism()} cores; load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end`,
  ];
  if (loadAtStart > availableParallelism() / 2) {
    lines.push('  (the machine was busy when the benchmark started: the figures are likely pessimistic)');
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  if (flags['cpu-prof']) {
    process.stdout.write(`\nCPU profiles in ${profileDir}\n${await summarizeProfiles(profileDir)}\n`);
  }
  await mkdir(OUTPUT_DIR, { recursive: true });
  await writeFile(join(OUTPUT_DIR, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  if (flags.stages) {
    log('Stage timing (in-process import) …');
    // --keep-corpus: this run's cleanup below removes the corpus when it should.
    const staged = expectSuccess(
      'stage timing',
      await runNode(STAGES, ['--keep-corpus'], { nodeFlags: ['--import', 'tsx'] }),
    );
    process.stdout.write(staged.stdout);
  }
  process.exitCode = pass ? 0 : 1;
} finally {
  await rm(work, { recursive: true, force: true });
  if (corpus && !flags['keep-corpus']) await rm(corpusRoot(), { recursive: true, force: true });
}

/** init (untimed), then the timed import; returns the CLI's JSON report. */
async function timedImport(
  vault: string,
  folder: string,
  options: { rssFile?: string; nodeFlags?: string[] },
): Promise<{ result: ChildResult; report: ImportJson }> {
  const env = { MEDVAULT_PASSPHRASE: PASSPHRASE };
  expectSuccess('medvault init', await runNode(CLI, ['init', '--vault', vault, '--json'], { env }));
  const result = await runNode(CLI, ['import', folder, '--vault', vault, '--json'], { env, ...options });
  // Exit code 2 still prints a report (some files failed); checkImport says which.
  if (result.code !== 0 && result.code !== 2) expectSuccess('medvault import', result);
  return { result, report: JSON.parse(result.stdout) as ImportJson };
}

function checkImport(report: ImportJson, corpus: Corpus): void {
  const problems: string[] = [];
  if (report.imported !== corpus.files.length)
    problems.push(`imported ${report.imported} of ${corpus.files.length} files`);
  if (report.duplicates !== 0) problems.push(`${report.duplicates} files were taken for duplicates`);
  for (const failure of report.failed) problems.push(`failed: ${failure.path}: ${failure.reason}`);
  if (problems.length) throw new Error(`The import did not take every file:\n  ${problems.join('\n  ')}`);
  for (const warning of report.warnings) log(`  import warning: ${warning.path}: ${warning.reason}`);
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

function checkBaseline(label: string, result: ChildResult, corpus: Corpus): ChildResult {
  const summary = JSON.parse(result.stdout) as { files: number; bytes: number };
  if (summary.files !== corpus.files.length || summary.bytes !== corpus.totalBytes) {
    throw new Error(`The ${label} read ${summary.files} files / ${summary.bytes} bytes, not the whole corpus`);
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

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function mbOrUnknown(bytes: number | null): string {
  return bytes === null ? '?' : mb(bytes);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}
