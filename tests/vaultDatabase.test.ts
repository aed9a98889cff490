/**
 * A vault whose database is lost, cut short, damaged or replaced is refused, in its own sentence
 * and with exit code 3, and nothing on disk changes: the documents' encrypted files stay, so the
 * vault can still be rescued. A stored file the database does not name is never deleted on open.
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VerifyJson } from '../shared/cliOutput';
import { runImport } from '../electron/core/import/runImport';
import { listDocuments } from '../electron/core/usecases/documents';
import { BLOB_DIR, DATABASE_FILE, Vault } from '../electron/core/vault/Vault';
import { describeRun, parseJson, runCli } from './support/cli';
import { makePdf, tempDir, writeTree } from './support/fixtures';
import { PASSPHRASE } from './support/vault';

/** Every file of the vault folder with its SHA-256: what "nothing changed" is checked against. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name === 'vault.lock') continue;
    const path = join(entry.parentPath, entry.name);
    files.set(
      path.slice(dir.length + 1),
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
    );
  }
  return files;
}

describe('a vault whose database cannot be used', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let dir: string;
  let documents: number;

  beforeEach(async () => {
    ({ path: root, cleanup } = await tempDir('medvault-db-'));
    dir = join(root, 'vault');
    const { vault } = await Vault.create(dir, PASSPHRASE);
    await writeTree(join(root, 'records'), {
      'a.pdf': await makePdf(['Lab result, potassium 4.1']),
      'b.pdf': await makePdf(['Discharge summary']),
      'c.txt': 'Clinic note',
    });
    const report = await runImport(vault, [join(root, 'records')]);
    documents = report.imported;
    await vault.close();
  });
  afterEach(() => cleanup());

  const open = () => Vault.open(dir, { passphrase: PASSPHRASE });
  const cli = (...args: string[]) => runCli([...args, '--vault', dir]);

  async function refusedAlike(sentence: RegExp): Promise<void> {
    const before = await snapshot(dir);
    await expect(open()).rejects.toMatchObject({ code: 'database-unusable', message: sentence });
    const result = await cli('verify');
    expect(result.code, describeRun(result)).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(sentence);
    expect(result.stderr).toContain('nothing in it was changed or removed');
    expect(result.stderr).not.toMatch(/SQLITE|Error:|\n\s+at /);
    expect(await snapshot(dir)).toEqual(before);
  }

  it('refuses an empty (zero-byte) database and keeps every document file', async () => {
    const blobsBefore = [...(await snapshot(dir))].filter(([path]) => path.startsWith(`${BLOB_DIR}/`));
    expect(blobsBefore.length).toBeGreaterThanOrEqual(documents);
    await writeFile(join(dir, DATABASE_FILE), '');
    await rm(join(dir, `${DATABASE_FILE}-wal`), { force: true });
    await refusedAlike(/The vault database \(vault\.db\) is empty/);
    const after = await snapshot(dir);
    for (const [path, sha] of blobsBefore) expect(after.get(path), path).toBe(sha);
    expect((await stat(join(dir, DATABASE_FILE))).size).toBe(0);
  });

  it('refuses a database cut short, or cut at a page boundary, or damaged', async () => {
    const path = join(dir, DATABASE_FILE);
    const whole = await readFile(path);
    expect(whole.length).toBeGreaterThan(8192);
    await truncate(path, 5000);
    await refusedAlike(/is cut short \(5000 bytes/);
    await writeFile(path, whole.subarray(0, 4096));
    await refusedAlike(/cannot be decrypted|is damaged|holds no vault/);
    const damaged = Buffer.from(whole);
    randomBytes(4096).copy(damaged, 0);
    await writeFile(path, damaged);
    await refusedAlike(/cannot be decrypted with this vault’s key/);
  });

  it('refuses a missing database, and another vault’s', async () => {
    const path = join(dir, DATABASE_FILE);
    await rename(path, join(root, 'moved.db'));
    await refusedAlike(/The vault database \(vault\.db\) is missing/);
    const other = join(root, 'other');
    await (await Vault.create(other, PASSPHRASE)).vault.close();
    await copyFile(join(other, DATABASE_FILE), path);
    await refusedAlike(/cannot be decrypted with this vault’s key: it is damaged or belongs to another vault/);
  });

  it('refuses a database that names another vault, and binds one that names none', async () => {
    const vault = await open();
    await vault.db.transaction((tx) => tx.run(`UPDATE vault_identity SET vault_id = 'another-vault'`));
    await vault.close();
    await refusedAlike(/belongs to another vault/);

    const reopened = await Vault.create(join(root, 'fresh'), PASSPHRASE);
    await reopened.vault.db.transaction((tx) => tx.run('DELETE FROM vault_identity'));
    await reopened.vault.close();
    // A vault made before the id was kept gets it on its next open.
    const bound = await Vault.open(join(root, 'fresh'), { passphrase: PASSPHRASE });
    expect(await bound.db.read((q) => q.get('SELECT vault_id FROM vault_identity'))).toEqual({
      vault_id: bound.vaultId,
    });
    await bound.close();
  });

  it('opens a healthy vault as before, its documents all there', async () => {
    const vault = await open();
    expect(await listDocuments(vault)).toHaveLength(documents);
    expect((await vault.verify()).ok).toBe(true);
    await vault.close();
  });
});

describe('stored files the database does not name', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let dir: string;

  beforeEach(async () => {
    ({ path: root, cleanup } = await tempDir('medvault-unref-'));
    dir = join(root, 'vault');
    const { vault } = await Vault.create(dir, PASSPHRASE);
    await writeTree(join(root, 'records'), { 'a.pdf': await makePdf(['first']), 'b.txt': 'second' });
    await runImport(vault, [join(root, 'records')]);
    await vault.close();
  });
  afterEach(() => cleanup());

  it('are kept by every open, reported by verify, and removed only by "clean --yes"', async () => {
    const vault = await Vault.open(dir, { passphrase: PASSPHRASE });
    const [known] = await vault.blobs.listStored();
    await vault.close();
    // A copy under a name the database does not know: as an undo cut short would leave one.
    const stray = randomBytes(16).toString('hex');
    await mkdir(join(dir, BLOB_DIR, stray.slice(0, 2)), { recursive: true });
    await copyFile(join(dir, BLOB_DIR, known!.slice(0, 2), known!), join(dir, BLOB_DIR, stray.slice(0, 2), stray));

    for (let open = 0; open < 2; open++) {
      const reopened = await Vault.open(dir, { passphrase: PASSPHRASE });
      expect(await reopened.blobs.listStored()).toContain(stray);
      await reopened.close();
    }
    const verify = await runCli(['verify', '--json', '--vault', dir]);
    expect(verify.code, describeRun(verify)).toBe(0);
    expect(parseJson<VerifyJson>(verify).unreferenced.map((file) => file.blobId)).toEqual([stray]);
    const said = await runCli(['verify', '--vault', dir]);
    expect(said.stdout).toMatch(
      /1 stored file \(.+\) belongs to no document; it is kept until "medvault clean --yes" removes it\./,
    );

    const asked = await runCli(['clean', '--vault', dir]);
    expect(asked.code, describeRun(asked)).toBe(0);
    expect(asked.stdout).toMatch(/^1 stored file/);
    const still = await Vault.open(dir, { passphrase: PASSPHRASE });
    expect(await still.blobs.listStored()).toContain(stray);
    await still.close();

    const removed = await runCli(['clean', '--yes', '--vault', dir]);
    expect(removed.code, describeRun(removed)).toBe(0);
    expect(removed.stdout).toMatch(/^Removed 1 stored file \(.+\) that belonged to no document\./);
    const after = await Vault.open(dir, { passphrase: PASSPHRASE });
    expect(await after.blobs.listStored()).not.toContain(stray);
    expect(await after.blobs.listStored()).toContain(known);
    const report = await after.verify();
    expect(report.ok).toBe(true);
    expect(report.unreferenced).toEqual([]);
    await after.close();
  });
});
