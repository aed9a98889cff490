/**
 * A disc with every kind of broken DICOM file next to a good study (issue 4, Robustness): each
 * is refused with a one-sentence reason or read safely, the good study still imports, memory
 * stays bounded (a deflate bomb is not inflated past a cap) and nothing is read from or written
 * to a path that came from file contents.
 *
 * In its own file, so its own process: the peak RSS measured here is this import's.
 */
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../shared/imports';
import type { VaultDocument } from '../shared/documents';
import { runImport } from '../electron/core/import/runImport';
import type { Vault } from '../electron/core/vault/Vault';
import { DEFLATE_BOMB_BYTES, listTree, makePathologicalDisc, type PathologicalDisc } from './support/dicomFixtures';
import { tempDir } from './support/fixtures';
import { withNewVault } from './support/vault';
import { listDocuments } from '../electron/core/usecases/documents';

const MiB = 1024 * 1024;

let temp: { path: string; cleanup: () => Promise<void> };
let disc: PathologicalDisc;
let vault: Vault;
let vaultDir: string;
let vaultCleanup: () => Promise<void>;
let report: ImportReport;
let documents: VaultDocument[];
let storedPaths: Set<string>;
let outsideBefore: string[];
let discBefore: string[];
let peakGrowth: number;

/** Files and folders under `root`, except the vault, as relative paths. */
async function treeOutsideVault(root: string): Promise<string[]> {
  return (await listTree(root)).filter((path) => !resolve(root, path).startsWith(vaultDir + sep));
}

beforeAll(async () => {
  temp = await tempDir('medvault-dicom-bad-');
  disc = await makePathologicalDisc(join(temp.path, 'media'));
  const created = await withNewVault();
  vault = created.vault;
  vaultDir = created.dir;
  vaultCleanup = created.cleanup;
  outsideBefore = await treeOutsideVault(created.root);
  discBefore = await listTree(disc.root);

  // Peak RSS while importing: sampled every 5 ms, and the kernel's high-water mark (which also
  // sees a synchronous inflate the sampler could not interrupt) when the import raised it above
  // what it was before (scrypt's 128 MiB when the vault was made may have set it).
  const before = process.memoryUsage().rss;
  const highWaterBefore = process.resourceUsage().maxRSS * 1024;
  let sampled = before;
  const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 5);
  try {
    report = await runImport(vault, [disc.root], { sourceKind: 'disc' });
  } finally {
    clearInterval(sampler);
  }
  const highWater = process.resourceUsage().maxRSS * 1024;
  peakGrowth = (highWater > highWaterBefore ? Math.max(sampled, highWater) : sampled) - before;

  documents = await listDocuments(vault);
  const files = await vault.db.read((q) =>
    q.all<{ original_path: string }>('SELECT original_path FROM document_files'),
  );
  storedPaths = new Set(files.map((file) => file.original_path));
}, 120_000);

afterAll(async () => {
  await vaultCleanup?.();
  await temp?.cleanup();
});

function problemsAbout(path: string) {
  return report.failed.filter((problem) => problem.path === path);
}

function expectOneSentence(reason: string) {
  expect(reason.trim().length).toBeGreaterThan(10);
  expect(reason.length).toBeLessThan(300);
  expect(reason).not.toMatch(/\n/);
  expect(reason).not.toMatch(/\bat .+:\d+:\d+|Error:|undefined|NaN|\[object /);
}

describe('a disc with pathological DICOM files', () => {
  it('completes, and the good study on it imports whole', async () => {
    expect(report.status).toBe('completed');
    const good = documents.filter((d) => d.dicom?.studyInstanceUid === disc.good.studyInstanceUid);
    expect(good).toHaveLength(1);
    expect(good[0]).toMatchObject({
      type: 'imaging-study',
      date: '2021-06-01',
      dicom: { instanceCount: 3, seriesCount: 1, modalities: ['CT'] },
    });
    const stored = await vault.db.read((q) =>
      q.all<{ original_path: string }>('SELECT original_path FROM document_files WHERE document_id = ?', [good[0]!.id]),
    );
    expect(new Set(stored.map((row) => row.original_path))).toEqual(
      new Set(disc.good.instances.map((instance) => instance.path)),
    );
  });

  it('refuses the files that cannot be read without misreading them, each with a one-sentence reason', () => {
    for (const [name, bad] of Object.entries(disc.bad).filter(([, bad]) => bad.mustBeRefused)) {
      const problems = problemsAbout(bad.path);
      expect(problems, `${name} (${bad.problem}) is refused`).toHaveLength(1);
      expectOneSentence(problems[0]!.reason);
      expect(storedPaths.has(bad.path), `${name} is not stored`).toBe(false);
    }
  });

  it('either refuses each other broken file with a reason or reads it safely; none is silently dropped', async () => {
    for (const [name, bad] of Object.entries(disc.bad)) {
      const problems = problemsAbout(bad.path);
      const stored = storedPaths.has(bad.path);
      expect(problems.length + (stored ? 1 : 0), `${name} (${bad.problem}): refused or imported, once`).toBe(1);
      for (const problem of problems) expectOneSentence(problem.reason);
    }
    for (const warning of report.warnings) expectOneSentence(warning.reason);
    // What the importer read from a file it kept is recorded as the header says, never invented.
    if (storedPaths.has(disc.bad.HUGEDIM!.path)) {
      const row = await vault.db.read((q) =>
        q.get<{ rows: number | null; columns: number | null; frames: number }>(
          'SELECT rows, columns, frames FROM dicom_instances WHERE sop_instance_uid = ?',
          [disc.bad.HUGEDIM!.sopInstanceUid],
        ),
      );
      expect(row).toMatchObject({ rows: 65535, columns: 65535, frames: 1000 });
    }
  });

  it('keeps memory bounded: the deflate bomb is not inflated past a cap', () => {
    // Inflating the bomb whole would take more than DEFLATE_BOMB_BYTES (288 MiB).
    expect(DEFLATE_BOMB_BYTES).toBeGreaterThan(256 * MiB);
    expect(peakGrowth, `peak RSS grew by ${Math.round(peakGrowth / MiB)} MiB`).toBeLessThan(192 * MiB);
  });

  it('never follows a DICOMDIR reference out of the disc root', async () => {
    const instance = await vault.db.read((q) =>
      q.get('SELECT * FROM dicom_instances WHERE sop_instance_uid = ?', [disc.outside.sopInstanceUid]),
    );
    expect(instance).toBeUndefined();
    const root = resolve(disc.root) + sep;
    for (const path of storedPaths) expect(resolve(path).startsWith(root), `${path} is on the disc`).toBe(true);
    for (const document of documents) expect(resolve(document.source.path).startsWith(resolve(disc.root))).toBe(true);
    // Nothing outside the root is listed either (a problem may be reported against the DICOMDIR).
    for (const problem of [...report.failed, ...report.warnings]) {
      expect(resolve(problem.path).startsWith(root), `${problem.path} is on the disc`).toBe(true);
      expect(problem.reason).not.toMatch(/root:.*:0:0:/); // quoting the reference is fine; its target's contents are not
    }
    expect(report.patients.map((patient) => patient.id)).not.toContain('MRN99999'); // the outside file's patient
  });

  it('writes nothing but the vault: no path from file contents, no file outside the vault', async () => {
    // The blob store holds only random names: 2-hex folders of 32-hex files (and an empty incoming/).
    for (const folder of await readdir(vault.blobs.dir)) {
      if (folder === 'incoming') {
        expect(await readdir(join(vault.blobs.dir, folder))).toEqual([]);
        continue;
      }
      expect(folder).toMatch(/^[0-9a-f]{2}$/);
      for (const name of await readdir(join(vault.blobs.dir, folder))) expect(name).toMatch(/^[0-9a-f]{32}$/);
    }
    for (const name of await readdir(vaultDir)) {
      expect(name).toMatch(/^(vault\.json|vault\.db(-wal|-shm|-journal)?|vault\.lock|blobs|records)$/);
    }
    // The disc and everything next to the vault are as they were.
    expect(await listTree(disc.root)).toEqual(discBefore);
    expect(await treeOutsideVault(join(vaultDir, '..'))).toEqual(outsideBefore);
    // No name made of BAD/UIDPATH's UIDs anywhere they could have landed.
    const places = [temp.path, join(vaultDir, '..')];
    const names = [
      ...(await Promise.all(places.map((place) => listTree(place)))).flat(),
      ...(await readdir(tmpdir())),
      ...(await readdir(process.cwd())),
      ...(await readdir('/')),
    ];
    expect(names.filter((name) => name.includes(disc.marker))).toEqual([]);
  });
});
