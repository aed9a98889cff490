/**
 * Scanned paper: page images (JPEG, PNG, multi-page TIFF) become one PDF per scanned document, in
 * the order chosen, turned upright, with the text read by OCR (tesseract.js, offline) in the
 * search index; images and text-less PDFs imported as files get their text read too.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Tesseract from 'tesseract.js';
import { PDFDocument } from 'pdf-lib';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countPendingText, recognizePendingText } from '../electron/core/import/recognition/recognizeText';
import { runImport } from '../electron/core/import/runImport';
import { OcrEngine, tesseractOptions } from '../electron/core/import/scan/OcrEngine';
import { ScanImporter, type ScanRequest } from '../electron/core/import/scan/ScanImporter';
import { FileImporter } from '../electron/core/import/files/FileImporter';
import type { FoundFile } from '../electron/core/import/types';
import type { Vault } from '../electron/core/vault/Vault';
import { BLOB_DIR } from '../electron/core/vault/Vault';
import { makeJpeg, makePng, writeTree } from './support/fixtures';
import { imageOnlyPdf, jpegOf, pngOf, textPage, tiffOf } from './support/scanFixtures';
import { withNewVault } from './support/vault';
import { getDocument, listDocuments } from '../electron/core/usecases/documents';

async function onDisk(path: string): Promise<FoundFile> {
  const bytes = (await readFile(path)).length;
  return { path, relativePath: path.split('/').pop()!, bytes };
}

async function pdfOf(vault: Vault, documentId: string, position = 0): Promise<Buffer> {
  const details = await getDocument(vault, documentId);
  const file = details.files.find((candidate) => candidate.position === position)!;
  const row = await vault.db.read((q) =>
    q.get<{ blob_id: string }>('SELECT blob_id FROM document_files WHERE document_id = ? AND position = ?', [
      documentId,
      file.position,
    ]),
  );
  const parts: Buffer[] = [];
  for await (const part of vault.blobs.read(row!.blob_id, {})) parts.push(part);
  return Buffer.concat(parts);
}

function brightNoisePng(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i++) png.data[i] = i % 4 === 3 ? 255 : 128 + ((i * 7919) % 128);
  return PNG.sync.write(png);
}

async function searchIds(vault: Vault, word: string): Promise<string[]> {
  return (await listDocuments(vault, { text: word })).map((document) => document.id);
}

describe('scanned paper', () => {
  let vault: Vault;
  let root: string;
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ vault, root, dir, cleanup } = await withNewVault());
  });
  afterEach(() => cleanup());

  it('makes one PDF from a JPEG, a two-page TIFF and a PNG, in the order chosen, turned as asked, its words searchable', async () => {
    const folder = join(root, 'scans');
    await writeTree(folder, {
      // Distinct sizes tell the pages apart in the PDF.
      'a.png': await pngOf(textPage(['Referral pangolin'], { width: 1000 })),
      'b.tif': tiffOf([
        textPage(['Discharge zebrafish'], { width: 1100 }),
        textPage(['Second marmalade'], { width: 1200 }),
      ]),
      // Upside down on the glass: the patient turns it 180°.
      'c.jpg': await jpegOf(textPage(['Allergy quokka'], { width: 1300, turn: 180 })),
    });
    const scan: ScanRequest = {
      title: 'Cardiology letter',
      pages: [
        { file: await onDisk(join(folder, 'c.jpg')), rotate: 180 },
        { file: await onDisk(join(folder, 'b.tif')) },
        { file: await onDisk(join(folder, 'a.png')) },
      ],
    };
    const report = await runImport(vault, [], { sourceKind: 'scan', scans: [scan] });
    expect(report).toMatchObject({ status: 'completed', imported: 1, failed: [] });

    const documents = await listDocuments(vault);
    expect(documents).toHaveLength(1); // the page images are not documents of their own
    const document = await getDocument(vault, documents[0]!.id);
    expect(document).toMatchObject({
      title: 'Cardiology letter',
      mediaType: 'application/pdf',
      source: { kind: 'scan', path: join(folder, 'c.jpg') },
    });
    // The PDF first, then the original images as they came: nothing of the scan is lost.
    expect(document.files.map((file) => [file.mediaType, file.originalPath.split('/').pop()])).toEqual([
      ['application/pdf', 'c.jpg'],
      ['image/jpeg', 'c.jpg'],
      ['image/tiff', 'b.tif'],
      ['image/png', 'a.png'],
    ]);
    expect(await pdfOf(vault, document.id, 3)).toEqual(await readFile(join(folder, 'a.png')));

    const pdf = await PDFDocument.load(await pdfOf(vault, document.id), { updateMetadata: false });
    expect(pdf.getTitle()).toBe('Cardiology letter');
    expect(pdf.getProducer()).toBe('Medvault');
    const pages = pdf
      .getPages()
      .map((page) => ({ width: Math.round(page.getWidth()), rotation: page.getRotation().angle }));
    // 300 dpi assumed (72 points an inch): 1300 px → 312 pt, and so on, in the order chosen.
    expect(pages).toEqual([
      { width: 312, rotation: 180 },
      { width: 264, rotation: 0 },
      { width: 288, rotation: 0 },
      { width: 240, rotation: 0 },
    ]);
    for (const word of ['quokka', 'zebrafish', 'marmalade', 'pangolin']) {
      expect(await searchIds(vault, word), word).toEqual([document.id]);
    }
  }, 60_000);

  it('is filed by its OCR text like any document', async () => {
    const folder = join(root, 'eob');
    await writeTree(folder, {
      'eob.png': await pngOf(
        textPage(['EXPLANATION OF BENEFITS', 'THIS IS NOT A BILL', 'Claim number 4471'], { width: 1400 }),
      ),
    });
    const report = await runImport(vault, [], {
      sourceKind: 'scan',
      scans: [{ pages: [{ file: await onDisk(join(folder, 'eob.png')) }] }],
    });
    expect(report).toMatchObject({ imported: 1, failed: [] });
    const [document] = await listDocuments(vault);
    expect(document).toMatchObject({ title: 'eob', type: 'explanation-of-benefits' });
  }, 60_000);

  it('turns pages upright by their EXIF orientation, and finds the orientation of a sideways page itself', async () => {
    const folder = join(root, 'phone');
    await writeTree(folder, {
      // Stored turned 270°, with EXIF 6 ("turn 90° clockwise to show"): upright when shown.
      'photo.jpg': await jpegOf(textPage(['Vaccination wombat record'], { width: 1200, turn: 270 }), 6),
      // Put in sideways, and nothing says so: tesseract's orientation detection finds it.
      'sideways.png': await pngOf(
        textPage(['Radiology narwhal report', 'Second line of text here'], { width: 1300, turn: 90 }),
      ),
    });
    const report = await runImport(vault, [], {
      sourceKind: 'scan',
      scans: [
        { title: 'Photo', pages: [{ file: await onDisk(join(folder, 'photo.jpg')) }] },
        { title: 'Sideways', pages: [{ file: await onDisk(join(folder, 'sideways.png')) }] },
      ],
    });
    expect(report).toMatchObject({ imported: 2, failed: [] });
    const [photo] = await listDocuments(vault, { text: 'wombat' });
    expect(photo?.title).toBe('Photo');
    const photoPage = (await PDFDocument.load(await pdfOf(vault, photo!.id))).getPage(0);
    expect(photoPage.getRotation().angle).toBe(90);
    const [sideways] = await listDocuments(vault, { text: 'narwhal' });
    expect(sideways?.title).toBe('Sideways');
    const sidewaysPage = (await PDFDocument.load(await pdfOf(vault, sideways!.id))).getPage(0);
    // Drawn turned 90° clockwise: it needs 270° more to be upright.
    expect(sidewaysPage.getRotation().angle).toBe(270);
  }, 60_000);

  it('reads the text of images and text-less PDFs imported as files after the run; a multi-page TIFF becomes a PDF', async () => {
    const folder = join(root, 'downloads');
    await writeTree(folder, {
      'card.png': await pngOf(textPage(['Insurance axolotl card'])),
      'scanned letter.pdf': await imageOnlyPdf(textPage(['Pathology capybara result'])),
      'fax.tif': tiffOf([textPage(['Fax page okapi']), textPage(['Fax page tapir'])]),
    });
    const report = await runImport(vault, [folder]);
    expect(report).toMatchObject({ imported: 3, failed: [], warnings: [] });
    // The import stores them at disk speed and queues the image and the text-less PDF for OCR.
    expect(await vault.db.read((q) => countPendingText(q))).toBe(2);
    expect(await listDocuments(vault, { text: 'axolotl' })).toEqual([]);
    const progress: number[] = [];
    const result = await recognizePendingText(vault, { onProgress: (p) => progress.push(p.done) });
    expect(result).toEqual({ recognized: 2, remaining: 0, problems: [] });
    expect(progress.at(-1)).toBe(2);
    const [card] = await listDocuments(vault, { text: 'axolotl' });
    expect(card).toMatchObject({ mediaType: 'image/png', source: { kind: 'file' } });
    const [letter] = await listDocuments(vault, { text: 'capybara' });
    expect(letter).toMatchObject({ mediaType: 'application/pdf', title: 'scanned letter' });
    const [fax] = await listDocuments(vault, { text: 'okapi' });
    expect(fax).toMatchObject({ mediaType: 'application/pdf', title: 'fax' });
    expect(await searchIds(vault, 'tapir')).toEqual([fax!.id]);
    const details = await getDocument(vault, fax!.id);
    expect(details.files.map((file) => file.mediaType)).toEqual(['application/pdf', 'image/tiff']);
    expect((await PDFDocument.load(await pdfOf(vault, fax!.id))).getPageCount()).toBe(2);
  }, 60_000);

  it('does not read photos or noise (not paper): tesseract is slowest on them and finds nothing', async () => {
    const folder = join(root, 'photos');
    await writeTree(folder, {
      'noise.png': makePng(1200, 900, 3),
      'noise.jpg': makeJpeg(1200, 900, 4),
      // Light, but not smooth as paper is (noise over a white background).
      'bright-noise.png': brightNoisePng(900, 700),
      'note.png': await pngOf(textPage(['Paper note ocelot'])),
    });
    const ocr = new OcrEngine();
    const read: number[] = [];
    const recognize = ocr.recognize.bind(ocr);
    ocr.recognize = (image, signal, dpi) => {
      read.push(image.length);
      return recognize(image, signal, dpi);
    };
    const report = await runImport(vault, [folder], { importers: [new FileImporter({ ocr })] });
    expect(report).toMatchObject({ imported: 4, failed: [], warnings: [] });
    await recognizePendingText(vault, { ocr }).finally(() => ocr.close());
    expect(read).toHaveLength(1); // the note only
    expect((await listDocuments(vault, { text: 'ocelot' })).map((document) => document.title)).toEqual(['note']);
  }, 60_000);

  it('fails a scan with an unreadable page, naming the page, and imports the rest', async () => {
    const folder = join(root, 'mixed');
    await writeTree(folder, {
      'good.png': await pngOf(textPage(['Good page ibex'])),
      'broken.jpg': Buffer.concat([
        Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
        Buffer.from('JFIF\0 not really'),
      ]),
      'other.png': await pngOf(textPage(['Other scan lemur'])),
      'note.txt': 'A plain note about a heron.\n',
    });
    const report = await runImport(vault, [join(folder, 'note.txt')], {
      sourceKind: 'scan',
      scans: [
        {
          title: 'Broken scan',
          pages: [{ file: await onDisk(join(folder, 'good.png')) }, { file: await onDisk(join(folder, 'broken.jpg')) }],
        },
        { title: 'Fine scan', pages: [{ file: await onDisk(join(folder, 'other.png')) }] },
      ],
    });
    expect(report.imported).toBe(2);
    expect(report.failed).toEqual([
      {
        path: join(folder, 'good.png'),
        reason: expect.stringMatching(/^Page 2 \(broken\.jpg\) cannot be used: the JPEG/),
      },
    ]);
    expect((await listDocuments(vault)).map((document) => document.title).sort()).toEqual(['Fine scan', 'note']);
    expect(await searchIds(vault, 'ibex')).toEqual([]);
    // The good page staged for the failed scan was dropped, not left behind.
    expect(await readdir(join(dir, BLOB_DIR, 'incoming'))).toEqual([]);
  }, 60_000);

  it('cancelling while a page is being read stops the OCR and undoes the run', async () => {
    const folder = join(root, 'long');
    const files: Record<string, Buffer> = {};
    for (let page = 1; page <= 4; page++)
      files[`p${page}.png`] = await pngOf(textPage([`Page ${page} of a long letter`]));
    await writeTree(folder, files);
    const controller = new AbortController();
    const ocr = new OcrEngine();
    const recognize = ocr.recognize.bind(ocr);
    let started = 0;
    ocr.recognize = (image, signal, dpi) => {
      const reading = recognize(image, signal, dpi);
      // Cancelled once the second page is being read: not after a delay, which a fast machine can
      // outrun by finishing that page and starting the third.
      if (++started === 2) controller.abort();
      return reading;
    };
    const pages = await Promise.all(Object.keys(files).map((name) => onDisk(join(folder, name))));
    const began = Date.now();
    const report = await runImport(vault, [], {
      signal: controller.signal,
      importers: [new ScanImporter(ocr), new FileImporter({ ocr })],
      scans: [{ title: 'Long letter', pages: pages.map((file) => ({ file })) }],
    });
    expect(report.status).toBe('cancelled');
    expect(started).toBe(2); // no page was read after the cancel
    expect(Date.now() - began).toBeLessThan(15_000);
    expect(await listDocuments(vault)).toEqual([]);
    expect(await readdir(join(dir, BLOB_DIR, 'incoming'))).toEqual([]);
    const runs = await vault.db.read((q) => q.all<{ status: string }>('SELECT status FROM import_runs'));
    expect(runs).toEqual([{ status: 'cancelled' }]);
  }, 60_000);
});

describe('OCR offline', () => {
  it('cannot reach the network from its worker, even when told to download its data', async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests++;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const errors: string[] = [];
    const worker = Tesseract.createWorker('eng', 1, {
      ...tesseractOptions('eng'),
      langPath: `http://127.0.0.1:${port}/tessdata`,
      errorHandler: (error: unknown) => errors.push(String(error)),
    });
    void worker.catch(() => undefined);
    try {
      await expect.poll(() => errors.length, { timeout: 20_000 }).toBeGreaterThan(0);
      expect(errors.join('\n')).toMatch(/never downloads/);
      expect(requests).toBe(0);
    } finally {
      server.close();
      const started = await Promise.race([worker, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10))]);
      await started?.terminate();
    }
  }, 30_000);

  it('reads its language data from the installed packages and never caches to disk', () => {
    for (const language of ['eng', 'osd'] as const) {
      const options = tesseractOptions(language);
      expect(options.cacheMethod).toBe('none');
      expect(options.langPath).toMatch(new RegExp(`node_modules/@tesseract.js-data/${language}/`));
      expect(existsSync(join(options.langPath!, `${language}.traineddata.gz`))).toBe(true);
    }
    // Nothing was written where tesseract.js would cache by default (the working directory).
    expect(existsSync('eng.traineddata')).toBe(false);
    expect(existsSync('osd.traineddata')).toBe(false);
  });
});
