import { readFile, readdir, truncate, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupVault, restoreVault } from '../electron/core/backup/backup';
import { runImport } from '../electron/core/import/runImport';
import { Vault } from '../electron/core/vault/Vault';
import { makePdf, makeRecordsFolder, writeTree } from './support/fixtures';
import { PASSPHRASE, withNewVault } from './support/vault';
import { editDocument, listDocuments } from '../electron/core/usecases/documents';

describe('backup and restore', () => {
  let vault: Vault;
  let root: string;
  let recoveryKey: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ vault, root, recoveryKey, cleanup } = await withNewVault());
    await makeRecordsFolder(join(root, 'records'));
    const report = await runImport(vault, [join(root, 'records')]);
    await editDocument(vault, report.documents[0]!, {
      type: 'lab-result',
      addTags: ['cardiology'],
      provider: 'Mercy Lab',
    });
  });
  afterEach(() => cleanup());

  async function snapshot(v: Vault) {
    const documents = await listDocuments(v);
    const contents = await Promise.all(
      documents.map(async (d) => {
        const files = await v.db.read((q) =>
          q.all<{ blob_id: string }>('SELECT blob_id FROM document_files WHERE document_id = ?', [d.id]),
        );
        return (await v.blobs.readAll(files[0]!.blob_id)).toString('base64');
      }),
    );
    return { documents, contents };
  }

  it('round-trips the whole vault through one encrypted file, with the passphrase or the recovery key', async () => {
    const archive = join(root, 'backup.medvault');
    const result = await backupVault(vault, archive);
    expect(result.documents).toBe(6);
    const before = await snapshot(vault);

    for (const [name, credential] of [
      ['restored-a', { passphrase: PASSPHRASE }],
      ['restored-b', { recoveryKey }],
    ] as const) {
      const target = join(root, name);
      expect(await restoreVault(archive, target, credential)).toEqual({ documents: 6 });
      const restored = await Vault.open(target, { passphrase: PASSPHRASE });
      expect(await snapshot(restored)).toEqual(before);
      expect((await restored.verify()).ok).toBe(true);
      expect(restored.vaultId).toBe(vault.vaultId);
      await restored.close();
    }
  });

  it('is consistent while the vault keeps working: an import during the backup lands whole or not at all', async () => {
    const more = join(root, 'more');
    await writeTree(
      more,
      Object.fromEntries(
        await Promise.all(
          Array.from(
            { length: 8 },
            async (_, i) => [`note-${i}.pdf`, await makePdf([`Additional record ${i}`])] as const,
          ),
        ),
      ),
    );
    const archive = join(root, 'during.medvault');
    const [, imported] = await Promise.all([backupVault(vault, archive), runImport(vault, [more])]);
    expect(imported.imported).toBe(8);
    const target = join(root, 'restored');
    const { documents } = await restoreVault(archive, target, { passphrase: PASSPHRASE });
    expect(documents).toBeGreaterThanOrEqual(6);
    const restored = await Vault.open(target, { passphrase: PASSPHRASE });
    expect((await restored.verify()).ok).toBe(true);
    await restored.close();
  });

  it('refuses an archive that was altered or cut short, and leaves no half-restored vault', async () => {
    const archive = join(root, 'backup.medvault');
    await backupVault(vault, archive);
    const original = await readFile(archive);
    const target = join(root, 'restored');

    for (const offset of [original.length - 10, Math.floor(original.length / 2), original.length - 40]) {
      const altered = Buffer.from(original);
      altered[offset] = altered[offset]! ^ 0x40;
      await writeFile(archive, altered);
      await expect(restoreVault(archive, target, { passphrase: PASSPHRASE })).rejects.toMatchObject({
        code: 'backup-damaged',
      });
    }
    await writeFile(archive, original);
    await truncate(archive, original.length - 100);
    await expect(restoreVault(archive, target, { passphrase: PASSPHRASE })).rejects.toMatchObject({
      code: 'backup-damaged',
    });
    await writeFile(archive, Buffer.from('just some file'));
    await expect(restoreVault(archive, target, { passphrase: PASSPHRASE })).rejects.toMatchObject({
      code: 'backup-damaged',
      message: 'This file is not a Medvault backup.',
    });
    expect((await readdir(root)).filter((name) => name.includes('restor'))).toEqual([]);
  });

  it('needs the right passphrase, and will not restore over existing files', async () => {
    const archive = join(root, 'backup.medvault');
    await backupVault(vault, archive);
    await expect(restoreVault(archive, join(root, 'x'), { passphrase: 'wrong passphrase!' })).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
    const occupied = join(root, 'occupied');
    await writeTree(occupied, { 'keep.txt': 'mine' });
    await expect(restoreVault(archive, occupied, { passphrase: PASSPHRASE })).rejects.toMatchObject({
      code: 'vault-exists',
    });
    expect(await readFile(join(occupied, 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('holds no plaintext of the records', async () => {
    const archive = join(root, 'backup.medvault');
    await backupVault(vault, archive);
    const bytes = await readFile(archive);
    for (const marker of ['quetzalcoatl', 'Lipid panel', 'Mercy Lab', 'cardiology', 'Knee pain', 'SQLite format 3']) {
      expect(bytes.includes(marker)).toBe(false);
    }
    expect((await stat(archive)).size).toBeGreaterThan(0);
    // Positive control: the same search does find the marker in a source file.
    expect((await readFile(join(root, 'records', 'notes', 'visit 03-14-2021.txt'))).includes('Knee pain')).toBe(true);
  });
});
