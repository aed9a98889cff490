import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportProgress } from '../shared/imports';
import { runImport } from '../electron/core/import/runImport';
import type { Vault } from '../electron/core/vault/Vault';
import { makeJpeg, makePdf, makePng, makeRecordsFolder, writeTree } from './support/fixtures';
import { withNewVault } from './support/vault';
import { editDocument, getDocument, listDocuments } from '../electron/core/usecases/documents';

describe('importing plain files', () => {
  let vault: Vault;
  let root: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ vault, root, cleanup } = await withNewVault());
  });
  afterEach(() => cleanup());

  it('imports PDFs, images and text from a folder, skipping system litter, with suggested titles and dates', async () => {
    const folder = join(root, 'records');
    await makeRecordsFolder(folder);
    const progress: ImportProgress[] = [];
    const report = await runImport(vault, [folder], { onProgress: (p) => progress.push(p) });
    expect(report).toMatchObject({ status: 'completed', imported: 6, duplicates: 0, skipped: 1, failed: [] });

    const documents = await listDocuments(vault);
    const byPath = new Map(documents.map((d) => [d.source.path.slice(folder.length + 1), d]));
    expect(byPath.get('labs/2023-04-05 lipid panel.pdf')).toMatchObject({
      title: 'Lipid panel', // from the PDF's own metadata
      date: '2023-04-05', // from the file name
      mediaType: 'application/pdf',
      type: 'lab-result', // from its text (a lipid panel with reference ranges)
      category: 'medical-record',
      source: { kind: 'file' },
      suggested: { date: { confidence: 0.7, reason: 'date in the file name' } },
      needsReview: false,
    });
    // A PDF's creation date is when the file was made (often the day a portal exported it), not
    // the date of service: it is not offered as the document's date.
    expect(byPath.get('labs/cbc.pdf')).toMatchObject({ title: 'cbc', date: null });
    expect(byPath.get('notes/visit 03-14-2021.txt')).toMatchObject({ date: '2021-03-14', mediaType: 'text/plain' });
    expect(byPath.get('scans/knee-xray-photo.jpg')?.mediaType).toBe('image/jpeg');
    expect(byPath.get('scans/insurance card.png')?.mediaType).toBe('image/png');
    expect(byPath.get('scans/referral.tif')?.mediaType).toBe('image/tiff');

    const last = progress.at(-1)!;
    expect(last.filesTotal).toBe(6);
    expect(last.filesDone).toBe(6);
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(last.bytesTotal).toBe(documents.reduce((sum, d) => sum + d.bytes, 0));
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.bytesDone).toBeGreaterThanOrEqual(progress[i - 1]!.bytesDone);
      expect(progress[i]!.filesDone).toBeGreaterThanOrEqual(progress[i - 1]!.filesDone);
    }
  });

  it('recognises files by their content, not their names', async () => {
    const folder = join(root, 'disc');
    await writeTree(folder, {
      REPORT: await makePdf(['Radiology report, no extension']),
      'photo.DCM': makeJpeg(20, 20, 3),
      'scan.pdf': makePng(20, 20, 4),
    });
    const report = await runImport(vault, [folder]);
    expect(report.failed).toEqual([]);
    const types = (await listDocuments(vault)).map((d) => [d.source.path.split('/').pop(), d.mediaType]).sort();
    expect(types).toEqual([
      ['REPORT', 'application/pdf'],
      ['photo.DCM', 'image/jpeg'],
      ['scan.pdf', 'image/png'],
    ]);
  });

  it('stores identical content once, within a run and across runs', async () => {
    const pdf = await makePdf(['Same bytes twice']);
    const folder = join(root, 'dupes');
    await writeTree(folder, { 'a.pdf': pdf, 'copy of a.pdf': pdf, 'b.png': makePng(30, 30, 5) });
    const first = await runImport(vault, [folder]);
    expect(first).toMatchObject({ imported: 2, duplicates: 1 });
    const second = await runImport(vault, [folder, join(folder, 'a.pdf')]);
    // The file given on its own is inside the folder too: it is offered once.
    expect(second).toMatchObject({ imported: 0, duplicates: 3, documents: [] });
    expect(await listDocuments(vault)).toHaveLength(2);
    expect(await vault.blobs.listStored()).toHaveLength(2);
  });

  it('lists every file it could not read, with a reason, and imports the rest', async () => {
    const folder = join(root, 'mixed');
    const png = makePng(30, 30, 6);
    const brokenPng = Buffer.concat([png.subarray(0, 8), Buffer.from('XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX')]);
    await writeTree(folder, {
      'good.pdf': await makePdf(['Good one']),
      'corrupt.pdf': '%PDF-1.4\nthis is not really a pdf\n',
      'program.exe': Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03]),
      'empty.txt': '',
      'broken.png': brokenPng,
      'cut.jpg': makeJpeg(40, 40, 7).subarray(0, 400),
    });
    const report = await runImport(vault, [folder, join(root, 'does-not-exist')]);
    const reasons = Object.fromEntries(report.failed.map((f) => [f.path.split('/').pop(), f.reason]));
    expect(Object.keys(reasons).sort()).toEqual([
      'broken.png',
      'corrupt.pdf',
      'does-not-exist',
      'empty.txt',
      'program.exe',
    ]);
    expect(reasons['corrupt.pdf']).toMatch(/PDF is damaged/);
    expect(reasons['program.exe']).toMatch(/Not a file type Medvault imports/);
    expect(reasons['empty.txt']).toMatch(/empty/);
    expect(reasons['broken.png']).toMatch(/PNG image is damaged/);
    expect(reasons['does-not-exist']).toMatch(/does not exist/);
    for (const reason of Object.values(reasons)) expect(reason).not.toMatch(/\n|\s{2}at /);
    expect(report.imported).toBe(2);
    expect(report.warnings).toEqual([{ path: join(folder, 'cut.jpg'), reason: expect.stringMatching(/cut short/) }]);
    // Nothing of the failed files stays behind, not even in the incoming area.
    expect(await vault.blobs.listStored()).toHaveLength(2);
    expect(await readdir(join(vault.dir, 'blobs', 'incoming'))).toEqual([]);
    const problems = await vault.db.read((q) =>
      q.all('SELECT kind, path FROM import_problems WHERE run_id = ?', [report.runId]),
    );
    expect(problems).toHaveLength(6);
  });
});

describe('finding documents again', () => {
  let vault: Vault;
  let root: string;
  let cleanup: () => Promise<void>;
  let ids: Record<string, string>;

  beforeEach(async () => {
    ({ vault, root, cleanup } = await withNewVault());
    const folder = join(root, 'records');
    await writeTree(folder, {
      'eob.pdf': await makePdf(['Explanation of benefits', 'Claim 88812 denied: not medically necessary']),
      'mri.pdf': await makePdf(['MRI left knee', 'Impression: meniscal tear, café-au-lait macule noted']),
      'bill.pdf': await makePdf(['Itemized bill', 'Arthroscopy CPT 29881 amount due 1,250.00']),
    });
    await runImport(vault, [folder]);
    ids = Object.fromEntries((await listDocuments(vault)).map((d) => [d.source.path.split('/').pop()!, d.id]));
    await editDocument(vault, ids['eob.pdf']!, {
      type: 'explanation-of-benefits',
      date: '2024-02-10',
      provider: 'Acme Health Plan',
      addTags: ['appeal'],
    });
    await editDocument(vault, ids['mri.pdf']!, {
      type: 'imaging-report',
      date: '2024-01-05',
      provider: 'Mercy Imaging Center',
      addTags: ['knee', 'appeal'],
    });
    await editDocument(vault, ids['bill.pdf']!, {
      type: 'itemized-bill',
      date: '2024-01-20',
      provider: 'Mercy Surgical',
    });
  });
  afterEach(() => cleanup());

  const found = async (filter: Parameters<typeof listDocuments>[1]) =>
    (await listDocuments(vault, filter)).map((d) => d.source.path.split('/').pop());

  it('by a word inside a PDF, by a prefix, and without the accents', async () => {
    expect(await found({ text: 'meniscal' })).toEqual(['mri.pdf']);
    expect(await found({ text: 'menis' })).toEqual(['mri.pdf']);
    expect(await found({ text: 'cafe' })).toEqual(['mri.pdf']);
    expect(await found({ text: 'claim denied' })).toEqual(['eob.pdf']);
    expect(await found({ text: 'denied tear' })).toEqual([]);
  });

  it('by tag and provider words too, and survives query syntax in the search box', async () => {
    expect(await found({ text: 'appeal' })).toEqual(['eob.pdf', 'mri.pdf']);
    expect(await found({ text: 'mercy' })).toEqual(['bill.pdf', 'mri.pdf']);
    expect(await found({ text: 'meniscal" (* -' })).toEqual(['mri.pdf']);
    expect(await found({ text: '"AND OR NOT' })).toEqual([]);
  });

  it('by category, type, date range, provider and tag, newest first', async () => {
    expect(await found({})).toEqual(['eob.pdf', 'bill.pdf', 'mri.pdf']);
    expect(await found({ category: 'medical-record' })).toEqual(['mri.pdf']);
    expect(await found({ category: 'health-plan-record' })).toEqual(['eob.pdf']);
    expect(await found({ type: 'itemized-bill' })).toEqual(['bill.pdf']);
    expect(await found({ from: '2024-01-10', to: '2024-01-31' })).toEqual(['bill.pdf']);
    expect(await found({ provider: 'mercy' })).toEqual(['bill.pdf', 'mri.pdf']);
    expect(await found({ provider: '100%_' })).toEqual([]);
    expect(await found({ tag: 'APPEAL' })).toEqual(['eob.pdf', 'mri.pdf']);
    expect(await found({ tag: 'knee', category: 'medical-record', text: 'tear' })).toEqual(['mri.pdf']);
  });

  it('keeps what the patient edited when the same file is imported again', async () => {
    await editDocument(vault, ids['mri.pdf']!, { title: 'Knee MRI report', removeTags: ['appeal'] });
    const again = await runImport(vault, [join(root, 'records')]);
    expect(again).toMatchObject({ imported: 0, duplicates: 3 });
    const mri = await getDocument(vault, ids['mri.pdf']!);
    expect(mri).toMatchObject({
      title: 'Knee MRI report',
      type: 'imaging-report',
      category: 'medical-record',
      date: '2024-01-05',
      provider: 'Mercy Imaging Center',
      tags: ['knee'],
    });
    expect(mri.editedFields).toEqual(['date', 'provider', 'tags', 'title', 'type']);
    expect(await found({ text: 'appeal' })).toEqual(['eob.pdf']);
  });

  it('finds a document by an unambiguous prefix of its id, and says when there is none', async () => {
    const id = ids['bill.pdf']!;
    expect((await getDocument(vault, id.slice(0, 8))).id).toBe(id);
    await expect(getDocument(vault, 'zzzzzzzz')).rejects.toMatchObject({ code: 'not-found' });
    await expect(editDocument(vault, id, { date: '2024-02-30' })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(editDocument(vault, id, { title: '   ' })).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
