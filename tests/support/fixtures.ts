/**
 * Real files made by third-party writers (pdf-lib, pngjs, jpeg-js, UTIF), so the importer is
 * tested on what other programs produce, not on bytes written by hand.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { PNG } from 'pngjs';
import UTIF from 'utif2';

export async function makePdf(pages: string[], options: { title?: string; creationDate?: Date } = {}): Promise<Buffer> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  if (options.title) document.setTitle(options.title);
  if (options.creationDate) document.setCreationDate(options.creationDate);
  for (const text of pages) {
    const page = document.addPage([612, 792]);
    text.split('\n').forEach((line, index) => page.drawText(line, { x: 56, y: 720 - index * 16, size: 12, font }));
  }
  return Buffer.from(await document.save());
}

/** A noisy RGB image: every call with a different seed gives different bytes. */
function pixels(width: number, height: number, seed = 1): Buffer {
  const data = Buffer.alloc(width * height * 4);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i += 4) {
    state = (state * 1664525 + 1013904223) >>> 0;
    data[i] = state & 0xff;
    data[i + 1] = (state >>> 8) & 0xff;
    data[i + 2] = (state >>> 16) & 0xff;
    data[i + 3] = 0xff;
  }
  return data;
}

export function makePng(width = 64, height = 48, seed = 1): Buffer {
  const png = new PNG({ width, height });
  pixels(width, height, seed).copy(png.data);
  return PNG.sync.write(png);
}

export function makeJpeg(width = 64, height = 48, seed = 1): Buffer {
  return Buffer.from(jpeg.encode({ data: pixels(width, height, seed), width, height }, 90).data);
}

export function makeTiff(width = 64, height = 48, seed = 1): Buffer {
  return Buffer.from(UTIF.encodeImage(new Uint8Array(pixels(width, height, seed)), width, height));
}

/** A temporary folder removed by the returned cleanup. */
export async function tempDir(prefix = 'medvault-test-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** Writes `files` (relative path → bytes or text) under `root`. */
export async function writeTree(root: string, files: Record<string, Buffer | string>): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    const path = join(root, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
}

/** A folder like a patient's downloads: PDFs with text, images, a text note, and litter. */
export async function makeRecordsFolder(root: string): Promise<Record<string, Buffer | string>> {
  const files: Record<string, Buffer | string> = {
    'labs/2023-04-05 lipid panel.pdf': await makePdf(
      ['Lipid panel', 'Total cholesterol 182 mg/dL', 'Marker: quetzalcoatl'],
      {
        title: 'Lipid panel',
      },
    ),
    'labs/cbc.pdf': await makePdf(['Complete blood count', 'Hemoglobin 13.9 g/dL'], {
      creationDate: new Date('2022-11-30T12:00:00Z'),
    }),
    'scans/knee-xray-photo.jpg': makeJpeg(80, 60, 7),
    'scans/insurance card.png': makePng(90, 50, 8),
    'scans/referral.tif': makeTiff(40, 40, 9),
    'notes/visit 03-14-2021.txt': 'Follow-up visit. Knee pain improving. Plan: physical therapy.\n',
    '.DS_Store': randomBytes(64),
  };
  await writeTree(root, files);
  return files;
}
