/**
 * "Atomic and crash-safe": an import killed at any moment (SIGKILL, no chance to clean up) leaves
 * a vault that opens, verifies clean, and holds whole documents only. The design: a run cut short
 * by a crash is rolled back on the next open, so after every kill the vault holds either nothing
 * from the run or all of it.
 *
 * The kill moments come from a seeded PRNG; the seed is printed, and MEDVAULT_CRASH_SEED=<seed>
 * replays a failing sequence. Most kills are timed; a few wait until the run has stored a random
 * number of files, so some kills always land mid-run however fast or slow the machine is that day.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_DIR, Vault } from '../electron/core/vault/Vault';
import { collect, describeRun, parseJson, runCli, spawnCli } from './support/cli';
import { makeJpeg, makePdf, makePng, makeTiff, tempDir, writeTree } from './support/fixtures';
import { PASSPHRASE } from './support/vault';
import { listDocuments } from '../electron/core/usecases/documents';

const ROUNDS = 20;
/** Rounds killed once the run has stored some files, before the timed ones. */
const PROGRESS_ROUNDS = 5;

interface SourceFile {
  relative: string;
  path: string;
  bytes: Buffer;
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * 30 distinct records, from a few hundred bytes to 8 MB (about 50 MB in all). Folders are walked
 * in name order: the scans come first, then the PDFs (the first of which starts the PDF text
 * reader, the slowest step), then photos and notes — so kills land at every stage of a run.
 */
async function makeMixedFolder(root: string): Promise<Record<string, Buffer | string>> {
  const files: Record<string, Buffer | string> = {};
  for (let i = 0; i < 4; i++) files[`2019 scans/scan-${i}.tif`] = makeTiff(2000, 1000, 100 + i); // 8 MB each
  for (let i = 0; i < 3; i++) files[`2019 scans/photo ${i}.png`] = makePng(1000, 1000, 200 + i); // 4 MB each
  for (let i = 0; i < 4; i++) files[`2019 scans/img_${i}.jpg`] = makeJpeg(600 + i * 10, 400, 300 + i);
  const chartPages = Array.from({ length: 60 }, (_, page) =>
    Array.from(
      { length: 40 },
      (_, line) => `Page ${page} line ${line}: glucose ${(page * 7919 + line * 104729) % 1000} mg/dL`,
    ).join('\n'),
  );
  files['2020 labs/full chart.pdf'] = await makePdf(chartPages, { title: 'Full chart' });
  for (let i = 0; i < 7; i++) {
    files[`2020 labs/2022-0${i + 1}-15 report.pdf`] = await makePdf([
      `Report ${i}`,
      `Creatinine ${(0.7 + i / 10).toFixed(1)} mg/dL`,
    ]);
  }
  for (let i = 0; i < 4; i++) files[`2021 photos/img_${i}.jpg`] = makeJpeg(200 + i * 10, 150, 400 + i);
  for (let i = 0; i < 7; i++) files[`2022 notes/note ${i}.txt`] = `Visit note ${i}\n`.repeat(40 + i * 7);
  await writeTree(root, files);
  return files;
}

let root: string;
let cleanup: () => Promise<void>;
let sourceDir: string;
let sources: SourceFile[];
let sourceByHash: Map<string, SourceFile>;

beforeAll(async () => {
  const temp = await tempDir('medvault-crash-');
  root = temp.path;
  cleanup = temp.cleanup;
  sourceDir = join(root, 'records');
  const files = await makeMixedFolder(sourceDir);
  sources = Object.entries(files).map(([relative, content]) => ({
    relative,
    path: join(sourceDir, relative),
    bytes: Buffer.from(content),
  }));
  sourceByHash = new Map(sources.map((source) => [sha256(source.bytes), source]));
  expect(sourceByHash.size, 'the fixture files must all be distinct').toBe(sources.length);
});

afterAll(async () => {
  await cleanup?.();
});

/** Every file under `dir`, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name).slice(dir.length + 1));
  }
  return out.sort();
}

/** Blob files renamed into place (stored), not those still being written into blobs/incoming. */
async function storedBlobs(vaultDir: string): Promise<number> {
  try {
    const all = await filesUnder(join(vaultDir, BLOB_DIR));
    return all.filter((relative) => !relative.startsWith('incoming/')).length;
  } catch (error) {
    // A folder swept away by the opening process between listing and reading it.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

interface VaultState {
  documents: number;
  completedRuns: number;
  interruptedRuns: number;
}

/** Opens the vault (which recovers from the crash) and checks everything the brief promises. */
async function checkVault(vaultDir: string, context: string): Promise<VaultState> {
  const vault = await Vault.open(vaultDir, { passphrase: PASSPHRASE });
  try {
    const report = await vault.verify();
    expect(report.database, context).toBe('ok');
    expect(report.problems, context).toEqual([]);
    expect(report.ok, context).toBe(true);

    const documents = await listDocuments(vault);
    const files = await vault.db.read((q) =>
      q.all<{ document_id: string; blob_id: string }>('SELECT document_id, blob_id FROM document_files'),
    );
    const blobRows = await vault.db.read((q) => q.all<{ id: string }>('SELECT id FROM blobs'));
    const runs = await vault.db.read((q) => q.all<{ status: string }>('SELECT status FROM import_runs'));

    // Every document is whole: its bytes are exactly one source file's bytes.
    const seenSources = new Set<string>();
    for (const document of documents) {
      const own = files.filter((file) => file.document_id === document.id);
      expect(own, `${context}: files of ${document.id}`).toHaveLength(1);
      const bytes = await vault.blobs.readAll(own[0]!.blob_id);
      const source = sourceByHash.get(sha256(bytes));
      expect(source, `${context}: ${document.id} (${document.source.path}) matches no source file`).toBeDefined();
      expect(bytes.equals(source!.bytes), context).toBe(true);
      expect(document.source.path, context).toBe(source!.path);
      expect(document.bytes, context).toBe(source!.bytes.length);
      expect(seenSources.has(source!.relative), `${context}: ${source!.relative} is in the vault twice`).toBe(false);
      seenSources.add(source!.relative);
    }
    expect(files.length, `${context}: file rows without a document`).toBe(documents.length);

    // Nothing unfinished or unknown is left on disk.
    const blobDir = join(vaultDir, BLOB_DIR);
    expect(await readdir(join(blobDir, 'incoming')), `${context}: blobs/incoming`).toEqual([]);
    const known = new Set(blobRows.map((row) => row.id));
    const onDisk = await filesUnder(blobDir);
    for (const relative of onDisk) {
      const [folder, name, ...rest] = relative.split('/');
      expect(rest, `${context}: unexpected file blobs/${relative}`).toEqual([]);
      expect(
        name !== undefined && name.startsWith(folder!) && known.has(name),
        `${context}: stray blobs/${relative}`,
      ).toBe(true);
    }
    expect(onDisk.length, `${context}: blobs named by the database but not on disk`).toBe(known.size);

    expect(
      runs.filter((run) => run.status === 'running'),
      `${context}: runs left running`,
    ).toEqual([]);

    // An import lands whole or not at all.
    const completedRuns = runs.filter((run) => run.status === 'completed').length;
    expect(documents.length, `${context}: documents`).toBe(completedRuns > 0 ? sources.length : 0);

    return {
      documents: documents.length,
      completedRuns,
      interruptedRuns: runs.filter((run) => run.status === 'interrupted').length,
    };
  } finally {
    await vault.close();
  }
}

describe('crash safety of imports', () => {
  it(
    `survives ${ROUNDS} imports killed (SIGKILL) at random moments, then imports everything exactly once`,
    async () => {
      const seed = Number(process.env.MEDVAULT_CRASH_SEED) || Date.now() % 2 ** 31;
      console.log(`crash test seed: ${seed} (MEDVAULT_CRASH_SEED=${seed} replays it)`);
      const random = prng(seed);

      // How long one whole import takes here, start-up included.
      const timingVault = join(root, 'timing-vault');
      await (await Vault.create(timingVault, PASSPHRASE)).vault.close();
      const timed = await runCli(['import', sourceDir, '--vault', timingVault, '--json']);
      expect(timed.code, describeRun(timed)).toBe(0);
      expect(parseJson<{ imported: number }>(timed).imported).toBe(sources.length);
      const duration = timed.ms;
      console.log(`one full import of ${sources.length} files: ${duration} ms`);

      const vaultDir = join(root, 'vault');
      await (await Vault.create(vaultDir, PASSPHRASE)).vault.close();

      // The moments are drawn at random, then taken in increasing order: every kill that lands
      // before the import would have finished then hits a vault the run is still adding documents
      // to (once a run completes, later runs only meet duplicates).
      // The rounds killed after some files were stored come first, while no run has completed.
      const delays = Array.from({ length: ROUNDS - PROGRESS_ROUNDS }, () => Math.floor(random() * 1.1 * duration)).sort(
        (a, b) => a - b,
      );
      const kills: Array<{ afterStored: number } | { afterMs: number }> = [
        ...Array.from({ length: PROGRESS_ROUNDS }, () => ({
          afterStored: 1 + Math.floor(random() * (sources.length / 2)),
        })),
        ...delays.map((afterMs) => ({ afterMs })),
      ];
      let previous: VaultState = { documents: 0, completedRuns: 0, interruptedRuns: 0 };
      let roundsThatLostDocuments = 0;
      const log: string[] = [];
      for (const [index, kill] of kills.entries()) {
        const round = index + 1;
        const started = Date.now();
        const child = spawnCli(['import', sourceDir, '--vault', vaultDir, '--json']);
        const finished = collect(child);
        if ('afterMs' in kill) {
          await sleep(kill.afterMs);
        } else {
          let exited = false;
          void finished.then(() => (exited = true));
          while (!exited && (await storedBlobs(vaultDir)) < kill.afterStored) await sleep(5);
        }
        child.kill('SIGKILL');
        const result = await finished;
        const moment =
          'afterMs' in kill ? `${kill.afterMs} ms` : `${kill.afterStored} stored files (${Date.now() - started} ms)`;
        const context = `seed ${seed}, round ${round}, killed after ${moment}`;
        if (result.signal !== 'SIGKILL') expect(result.code, `${context}: ${describeRun(result)}`).toBe(0);

        // What the killed process left on disk, before the next open recovers from it.
        const left = await filesUnder(join(vaultDir, BLOB_DIR));
        const unfinished = left.filter((relative) => relative.startsWith('incoming/')).length;
        const committed = left.length - unfinished;

        const state = await checkVault(vaultDir, context);
        // Each round adds at most one run to the record, completed or interrupted; none is lost.
        const added = state.completedRuns + state.interruptedRuns - previous.completedRuns - previous.interruptedRuns;
        expect(added, context).toBeLessThanOrEqual(1);
        const rolledBack = committed - state.documents;
        if (state.interruptedRuns > previous.interruptedRuns && rolledBack > 0) roundsThatLostDocuments++;
        const outcome =
          state.completedRuns > previous.completedRuns
            ? 'completed'
            : state.interruptedRuns > previous.interruptedRuns
              ? `interrupted, rolled back on open (${rolledBack} stored files undone, ${unfinished} unfinished swept)`
              : 'killed before the run began';
        log.push(`round ${round}: kill after ${moment} → ${outcome}; ${state.documents} documents`);
        previous = state;
      }
      console.log(log.join('\n'));
      // The kills must have hit imports that had already stored documents, or this proved little.
      expect(
        roundsThatLostDocuments,
        `seed ${seed}: kills that landed after documents were stored`,
      ).toBeGreaterThanOrEqual(3);

      const final = await runCli(['import', sourceDir, '--vault', vaultDir, '--json']);
      expect(final.code, describeRun(final)).toBe(0);
      const report = parseJson<{ imported: number; duplicates: number; failed: unknown[] }>(final);
      expect(report.failed).toEqual([]);
      expect(report.imported + report.duplicates).toBe(sources.length);

      const state = await checkVault(vaultDir, `seed ${seed}, after the final import`);
      expect(state.documents).toBe(sources.length);
      const vault = await Vault.open(vaultDir, { passphrase: PASSPHRASE });
      try {
        const hashes = await vault.db.read((q) => q.all<{ sha256: string }>('SELECT sha256 FROM blobs'));
        expect(hashes.map((row) => row.sha256).sort()).toEqual([...sourceByHash.keys()].sort());
      } finally {
        await vault.close();
      }
    },
    10 * 60_000,
  );
});
