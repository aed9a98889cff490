/**
 * Record cards, the vault's second copy of its metadata: sealed (nothing readable on disk), kept
 * current through every change, written again after a failure or a crash, removed with what
 * they stood for, and remade whole for a vault that has none (restored from a backup).
 */
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupVault, restoreVault } from '../electron/core/backup/backup';
import { openCard } from '../electron/core/crypto/cardCipher';
import type { DocumentCard } from '../electron/core/documents/recordCards';
import { runImport } from '../electron/core/import/runImport';
import { editDocument, listDocuments } from '../electron/core/usecases/documents';
import { Vault } from '../electron/core/vault/Vault';
import { RECORDS_DIR } from '../electron/core/vault/recordCardStore';
import { makePdf, tempDir, writeTree } from './support/fixtures';
import { PASSPHRASE } from './support/vault';

describe('record cards', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let dir: string;
  let vault: Vault;

  beforeEach(async () => {
    ({ path: root, cleanup } = await tempDir('medvault-cards-'));
    dir = join(root, 'vault');
    ({ vault } = await Vault.create(dir, PASSPHRASE));
    await writeTree(join(root, 'in'), {
      'potassium.pdf': await makePdf(['Basic metabolic panel', 'Potassium 4.1 mmol/L']),
      'note.txt': 'Clinic note: knee pain since March',
    });
    await runImport(vault, [join(root, 'in')]);
    await vault.writeDueCardsNow();
  });
  afterEach(async () => {
    await vault.close().catch(() => undefined);
    await cleanup();
  });

  const cardPath = (id: string) => join(dir, RECORDS_DIR, 'documents', `${id}.card`);
  const readDocumentCard = async (id: string): Promise<DocumentCard> => {
    const plain = openCard(vault.keys.recordCardKey, `document/${id}`, await readFile(cardPath(id)));
    expect(plain, `the card of ${id} opens`).not.toBeNull();
    return JSON.parse(plain!.toString('utf8')) as DocumentCard;
  };
  const reopen = async () => {
    await vault.close();
    vault = await Vault.open(dir, { passphrase: PASSPHRASE });
    await vault.writeDueCardsNow();
  };

  it('writes one sealed card per document, holding its rows and text and nothing readable', async () => {
    const documents = await listDocuments(vault);
    expect(documents).toHaveLength(2);
    const files = await readdir(join(dir, RECORDS_DIR, 'documents'));
    expect(files.sort()).toEqual(documents.map((document) => `${document.id}.card`).sort());
    const pdf = documents.find((document) => document.mediaType === 'application/pdf')!;
    const card = await readDocumentCard(pdf.id);
    expect(card).toMatchObject({ format: 'medvault-record-card', kind: 'document', document: { id: pdf.id } });
    expect(card.text).toContain('Potassium 4.1');
    expect(card.files).toHaveLength(1);
    const sealed = await readFile(cardPath(pdf.id));
    expect(sealed.includes('Potassium')).toBe(false);
    expect(sealed.includes(pdf.title)).toBe(false);
    // A card copied under another document's name does not open as that document's.
    const other = documents.find((document) => document !== pdf)!;
    expect(openCard(vault.keys.recordCardKey, `document/${other.id}`, sealed)).toBeNull();
  });

  it('keeps the card current when the patient edits the document', async () => {
    const [document] = await listDocuments(vault, { text: 'knee' });
    await editDocument(vault, document!.id, { title: 'Knee clinic note', addTags: ['knee'], date: '2024-03-05' });
    await vault.writeDueCardsNow();
    const card = await readDocumentCard(document!.id);
    expect(card.document).toMatchObject({ title: 'Knee clinic note', date: '2024-03-05' });
    expect(card.tags).toEqual(['knee']);
  });

  it('writes a card that failed to be written (a full disk) at the next open', async () => {
    const [document] = await listDocuments(vault, { text: 'knee' });
    const write = vault.cards.write.bind(vault.cards);
    vault.cards.write = () =>
      Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
    await editDocument(vault, document!.id, { title: 'Written later' });
    await expect(vault.writeDueCardsNow()).rejects.toThrow(/ENOSPC/);
    expect((await readDocumentCard(document!.id)).document.title).not.toBe('Written later');
    vault.cards.write = write;
    await reopen();
    expect((await readDocumentCard(document!.id)).document.title).toBe('Written later');
    expect((await vault.verify()).recordCards).toEqual({ expected: 2, missing: 0, due: 0 });
  });

  it('removes the cards of an import that is undone', async () => {
    await writeTree(join(root, 'more'), { 'bill.txt': 'Itemized bill, amount due 120.00' });
    const report = await runImport(vault, [join(root, 'more')]);
    await vault.writeDueCardsNow();
    const [bill] = await listDocuments(vault, { text: 'itemized' });
    await readDocumentCard(bill!.id);
    await vault.rollbackRun(report.runId, 'cancelled');
    await vault.writeDueCardsNow();
    await expect(readFile(cardPath(bill!.id))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(join(dir, RECORDS_DIR, 'documents'))).toHaveLength(2);
  });

  it('writes every card again for a vault restored from a backup, and one lost card when verify finds it gone', async () => {
    const backup = join(root, 'vault.mvbak');
    await backupVault(vault, backup);
    await vault.close();
    const restored = join(root, 'restored');
    await restoreVault(backup, restored, { passphrase: PASSPHRASE });
    dir = restored;
    vault = await Vault.open(dir, { passphrase: PASSPHRASE });
    await vault.writeDueCardsNow();
    const documents = await listDocuments(vault);
    for (const document of documents) expect((await readDocumentCard(document.id)).document.id).toBe(document.id);

    await rm(cardPath(documents[0]!.id));
    const report = await vault.verify();
    expect(report.recordCards).toMatchObject({ expected: 2, missing: 1 });
    expect((await readDocumentCard(documents[0]!.id)).document.id).toBe(documents[0]!.id);
    expect((await vault.verify()).recordCards).toEqual({ expected: 2, missing: 0, due: 0 });
  });
});
