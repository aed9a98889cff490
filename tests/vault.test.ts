import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../electron/core/db/Database';
import { deriveVaultKeys } from '../electron/core/crypto/keys';
import { unlockKeyFile, readKeyFile } from '../electron/core/vault/keyFile';
import { Vault } from '../electron/core/vault/Vault';
import { runImport } from '../electron/core/import/runImport';
import { makePdf, makeRecordsFolder, tempDir, writeTree } from './support/fixtures';
import { PASSPHRASE } from './support/vault';
import { listDocuments } from '../electron/core/usecases/documents';

describe('the vault', () => {
  let root: string;
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ path: root, cleanup } = await tempDir());
    dir = join(root, 'vault');
  });
  afterEach(() => cleanup());

  it('is a folder with a key file, an encrypted database, blobs and record cards, private to the user', async () => {
    const { vault, recoveryKey } = await Vault.create(dir, PASSPHRASE);
    await vault.close();
    expect((await readdir(dir)).sort()).toEqual(['blobs', 'records', 'vault.db', 'vault.json']);
    const keyFile = JSON.parse(await readFile(join(dir, 'vault.json'), 'utf8'));
    expect(keyFile.kdf).toMatchObject({ name: 'scrypt' });
    expect(JSON.stringify(keyFile)).not.toContain(recoveryKey);
    expect((await readFile(join(dir, 'vault.db'))).subarray(0, 16).toString('latin1')).not.toBe(
      'SQLite format 3\u0000',
    );
  });

  it('says a wrong passphrase is wrong — not that the file is not a database', async () => {
    (await Vault.create(dir, PASSPHRASE)).vault.close();
    await expect(Vault.open(dir, { passphrase: 'not the passphrase' })).rejects.toMatchObject({
      code: 'wrong-passphrase',
      message: 'The passphrase is incorrect.',
    });
  });

  it('opens with the recovery key, and after a passphrase change with the new passphrase only', async () => {
    const created = await Vault.create(dir, PASSPHRASE);
    await created.vault.changePassphrase('a brand new passphrase');
    await created.vault.close();
    await expect(Vault.open(dir, { passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'wrong-passphrase' });
    await (await Vault.open(dir, { passphrase: 'a brand new passphrase' })).close();
    await (await Vault.open(dir, { recoveryKey: created.recoveryKey })).close();
  });

  it('changing the passphrase re-wraps the key and re-encrypts nothing', async () => {
    const created = await Vault.create(dir, PASSPHRASE);
    const files = await tempDir();
    await makeRecordsFolder(files.path);
    await runImport(created.vault, [files.path]);
    await files.cleanup();
    const blobs = await created.vault.blobs.listStored();
    await created.vault.close();
    const db = await readFile(join(dir, 'vault.db'));
    const blobBytes = await Promise.all(blobs.map((id) => readFile(created.vault.blobs.pathOf(id))));

    const vault = await Vault.open(dir, { passphrase: PASSPHRASE });
    await vault.changePassphrase('a brand new passphrase');
    await vault.close();

    expect((await readFile(join(dir, 'vault.db'))).equals(db)).toBe(true);
    const after = await Promise.all(blobs.map((id) => readFile(vault.blobs.pathOf(id))));
    after.forEach((bytes, index) => expect(bytes.equals(blobBytes[index]!)).toBe(true));
    const reopened = await Vault.open(dir, { passphrase: 'a brand new passphrase' });
    expect((await reopened.verify()).ok).toBe(true);
    await reopened.close();
  });

  it('is opened by one process at a time', async () => {
    const { vault } = await Vault.create(dir, PASSPHRASE);
    await expect(Vault.open(dir, { passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'vault-busy' });
    await vault.close();
    await (await Vault.open(dir, { passphrase: PASSPHRASE })).close();
  });

  it('takes over the lock of a process that died', async () => {
    (await Vault.create(dir, PASSPHRASE)).vault.close();
    await writeFile(
      join(dir, 'vault.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname() }),
    );
    await (await Vault.open(dir, { passphrase: PASSPHRASE })).close();
  });

  it('refuses a vault written by a newer version, with a clear message, and leaves it untouched', async () => {
    const { vault } = await Vault.create(dir, PASSPHRASE);
    await vault.db.transaction((tx) => tx.exec('PRAGMA user_version = 42'));
    await vault.close();
    await expect(Vault.open(dir, { passphrase: PASSPHRASE })).rejects.toMatchObject({
      code: 'vault-too-new',
      message: expect.stringMatching(/newer version of Medvault/),
    });
    const keyFile = await readKeyFile(dir);
    const keys = deriveVaultKeys(await unlockKeyFile(keyFile, { passphrase: PASSPHRASE }));
    const db = await Database.open(join(dir, 'vault.db'), keys.databaseKey);
    expect(await db.read((q) => q.get('PRAGMA user_version'))).toEqual({ user_version: 42 });
    await db.close();
  });

  it('refuses a key file from a newer version', async () => {
    (await Vault.create(dir, PASSPHRASE)).vault.close();
    const path = join(dir, 'vault.json');
    const keyFile = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...keyFile, version: 2 }));
    await expect(Vault.open(dir, { passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'vault-too-new' });
  });

  it('reports a missing database instead of silently starting an empty one', async () => {
    (await Vault.create(dir, PASSPHRASE)).vault.close();
    await rm(join(dir, 'vault.db'));
    await expect(Vault.open(dir, { passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'database-unusable' });
  });

  it('will not create a vault over another one or in a folder with other files', async () => {
    (await Vault.create(dir, PASSPHRASE)).vault.close();
    await expect(Vault.create(dir, PASSPHRASE)).rejects.toMatchObject({ code: 'vault-exists' });
    const other = join(root, 'other');
    await writeTree(other, { 'letter.txt': 'keep me' });
    await expect(Vault.create(other, PASSPHRASE)).rejects.toMatchObject({ code: 'vault-exists' });
    expect(await readFile(join(other, 'letter.txt'), 'utf8')).toBe('keep me');
  });

  it('undoes an import that a crash interrupted, on the next open', async () => {
    const { vault } = await Vault.create(dir, PASSPHRASE);
    const files = join(root, 'files');
    await writeTree(files, { 'a.pdf': await makePdf(['first']), 'b.pdf': await makePdf(['second']) });
    const kept = await runImport(vault, [join(files, 'a.pdf')]);
    const interrupted = await runImport(vault, [join(files, 'b.pdf')]);
    // As if the process died before the run finished: its row still says running.
    await vault.db.transaction((tx) =>
      tx.run(`UPDATE import_runs SET status = 'running' WHERE id = ?`, [interrupted.runId]),
    );
    await vault.close();
    const reopened = await Vault.open(dir, { passphrase: PASSPHRASE });
    expect((await listDocuments(reopened)).map((d) => d.id)).toEqual(kept.documents);
    expect(await reopened.blobs.listStored()).toHaveLength(1);
    const run = await reopened.db.read((q) =>
      q.get<{ status: string }>('SELECT status FROM import_runs WHERE id = ?', [interrupted.runId]),
    );
    expect(run?.status).toBe('interrupted');
    expect((await reopened.verify()).ok).toBe(true);
    await reopened.close();
  });

  it('verify names the document whose file was damaged', async () => {
    const { vault } = await Vault.create(dir, PASSPHRASE);
    const files = join(root, 'files');
    await writeTree(files, { 'a.pdf': await makePdf(['first']), 'b.pdf': await makePdf(['second']) });
    const report = await runImport(vault, [files]);
    const [blobId] = await vault.blobs.listStored();
    const path = vault.blobs.pathOf(blobId!);
    const bytes = await readFile(path);
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
    await writeFile(path, bytes);
    const result = await vault.verify();
    expect(result.ok).toBe(false);
    expect(result.database).toBe('ok');
    expect(result.problems).toHaveLength(1);
    expect(report.documents).toContain(result.problems[0]!.documentId);
    expect(result.problems[0]!.message).toMatch(/altered or damaged/);
    await vault.close();
  });
});
