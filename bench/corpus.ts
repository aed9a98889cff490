/**
 * The benchmark's input: a folder like a patient's years of downloads and scans, over 500 MB.
 * Images are noise, so nothing compresses and every file is distinct (no dedupe shortcut);
 * PDFs carry real text, so the pdf.js extraction path runs on every one of them.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { finishCachedInput, loadCachedInput } from './cachedInput';
import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { PNG } from 'pngjs';
import { makeJpeg, makePdf, makeTiff } from '../tests/support/fixtures';

/** Bump when the recipe below changes: a cached corpus of another version is rebuilt. */
export const CORPUS_VERSION = 'v1';

export interface CorpusFile {
  /** Relative to the corpus's `files/` folder. */
  path: string;
  bytes: number;
  kind: 'tiff' | 'png' | 'jpeg' | 'scanned-pdf' | 'text-pdf' | 'text';
  /** A word found only in this file's text (PDFs and notes), to check that text was indexed. */
  marker?: string;
}

export interface Corpus {
  version: string;
  /** The folder handed to `medvault import`. */
  filesDir: string;
  files: CorpusFile[];
  totalBytes: number;
}

export const MIN_CORPUS_BYTES = 500e6;

/** Where the corpus lives: a versioned folder under the OS temp folder, reusable between runs. */
export function corpusRoot(): string {
  return join(tmpdir(), `medvault-bench-corpus-${CORPUS_VERSION}`);
}

/** Returns the cached corpus if it is complete and unchanged; otherwise builds it afresh. */
export async function ensureCorpus(log: (line: string) => void): Promise<{ corpus: Corpus; reused: boolean }> {
  const root = corpusRoot();
  const cached = await loadCachedInput<Corpus>(root, CORPUS_VERSION, (c) => c.filesDir, join(root, 'files'));
  if (cached) return { corpus: cached, reused: true };
  await rm(root, { recursive: true, force: true });
  const corpus = await buildCorpus(root, log);
  await finishCachedInput(root, corpus.filesDir, corpus);
  return { corpus, reused: false };
}

async function buildCorpus(root: string, log: (line: string) => void): Promise<Corpus> {
  const filesDir = join(root, 'files');
  const files: CorpusFile[] = [];
  let seed = 1;
  const add = async (path: string, kind: CorpusFile['kind'], data: Buffer | string, marker?: string) => {
    const full = join(filesDir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, data);
    files.push({ path, kind, bytes: Buffer.byteLength(data), ...(marker ? { marker } : {}) });
  };

  // Flatbed scans saved as uncompressed RGBA TIFF (A4 at 150 dpi, Letter at 200 dpi): 9–15 MB each.
  for (let i = 0; i < 24; i++) {
    const [width, height] = i % 2 === 0 ? [1240, 1754] : [1700, 2200];
    await add(`scans/${2012 + (i % 12)}/scan-${pad(i)}.tif`, 'tiff', makeTiff(width, height, seed++));
  }
  log(`  scans done (${files.length} files)`);

  // Phone photos of letters and wounds as PNG (deflate level 1, no filter: fast to write) …
  for (let i = 0; i < 24; i++) {
    await add(`photos/IMG_${4000 + i}.png`, 'png', fastNoisePng(1600, 1200, seed++));
  }
  // … and as JPEG (quality 90 noise: about 1.9 bytes a pixel).
  for (let i = 0; i < 12; i++) {
    await add(`photos/IMG_${5000 + i}.jpg`, 'jpeg', makeJpeg(1600, 1200, seed++));
  }
  log(`  photos done (${files.length} files)`);

  // Scanned reports: a JPEG page image under a text layer (as OCR software writes them), 2–4 MB.
  for (let i = 0; i < 30; i++) {
    const marker = markerWord('scan', i);
    await add(
      `reports/scanned/${dateName(i)} discharge summary.pdf`,
      'scanned-pdf',
      await scannedPdf(i, marker, seed),
      marker,
    );
    seed += 2;
  }
  log(`  scanned PDFs done (${files.length} files)`);

  // Born-digital lab results and visit notes: small, text only, 1–6 pages.
  for (let i = 0; i < 80; i++) {
    const marker = markerWord('lab', i);
    const pages = Array.from({ length: 1 + (i % 6) }, (_, page) => labPage(i, page, marker));
    const pdf = await makePdf(pages, { title: `Laboratory report ${i + 1}`, creationDate: dayOf(i) });
    await add(`reports/labs/${dateName(i)} lab results ${i + 1}.pdf`, 'text-pdf', pdf, marker);
  }
  // Notes the patient typed.
  for (let i = 0; i < 20; i++) {
    const marker = markerWord('note', i);
    const note = `Visit on ${dateName(i)}. Reference ${marker}.\n${labPage(i, 0, marker)}\n`;
    await add(`notes/visit ${dateName(i)}.txt`, 'text', note, marker);
  }
  log(`  text documents done (${files.length} files)`);

  const totalBytes = files.reduce((sum, file) => sum + file.bytes, 0);
  if (totalBytes < MIN_CORPUS_BYTES) throw new Error(`The corpus is only ${(totalBytes / 1e6).toFixed(0)} MB`);
  return { version: CORPUS_VERSION, filesDir, files, totalBytes };
}

/** RGB noise as PNG. The fixtures' makePng uses pngjs defaults (level 9, adaptive filters): too slow at this size. */
function fastNoisePng(width: number, height: number, seed: number): Buffer {
  const png = new PNG({ width, height, colorType: 2, inputHasAlpha: true, deflateLevel: 1, filterType: 0 });
  fillNoise(png.data, seed);
  return PNG.sync.write(png, { colorType: 2, inputHasAlpha: true, deflateLevel: 1, filterType: 0 });
}

/** xorshift32, four bytes per step: deterministic, and fast enough for hundreds of megabytes. */
function fillNoise(target: Buffer, seed: number): void {
  const words = new Uint32Array(target.buffer, target.byteOffset, target.length >>> 2);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    words[i] = state >>> 0;
  }
}

async function scannedPdf(index: number, marker: string, seed: number): Promise<Buffer> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  document.setTitle(`Discharge summary ${index + 1}`);
  document.setCreationDate(dayOf(index));
  for (let page = 0; page < 2; page++) {
    // 100 dpi Letter page images keep generation fast; two per file make 2–4 MB PDFs.
    const image = await document.embedJpg(makeJpeg(850, 1100, seed + page));
    const pdfPage = document.addPage([612, 792]);
    pdfPage.drawImage(image, { x: 0, y: 0, width: 612, height: 792 });
    drawLines(pdfPage, font, dischargeText(index, page, marker));
  }
  return Buffer.from(await document.save());
}

function drawLines(page: PDFPage, font: PDFFont, lines: string[]): void {
  lines.forEach((line, row) => page.drawText(line, { x: 56, y: 740 - row * 15, size: 11, font }));
}

function dischargeText(index: number, page: number, marker: string): string[] {
  return [
    `St. Elsewhere General Hospital - Discharge summary (page ${page + 1} of 2)`,
    `Patient reference ${marker}; admission ${dateName(index)}`,
    'Diagnosis: community-acquired pneumonia, right lower lobe.',
    'Treatment: amoxicillin-clavulanate 875/125 mg twice daily for 7 days.',
    `Oxygen saturation on discharge ${94 + (index % 5)}% on room air.`,
    'Follow-up with the primary care physician in two weeks; chest X-ray in six weeks.',
    ...Array.from(
      { length: 30 },
      (_, row) => `Progress note ${row + 1}: afebrile, eating well, ambulating without help.`,
    ),
  ];
}

function labPage(index: number, page: number, marker: string): string {
  const analytes = ['Hemoglobin', 'Hematocrit', 'WBC', 'Platelets', 'Sodium', 'Potassium', 'Creatinine', 'Glucose'];
  const lines = [
    `Laboratory report ${index + 1}, page ${page + 1} - specimen ${marker}`,
    `Collected ${dateName(index)}`,
  ];
  for (let row = 0; row < 40; row++) {
    const name = analytes[(row + page) % analytes.length]!;
    lines.push(
      `${name.padEnd(14)} ${((index * 7 + row * 13 + page) % 97) + 3}.${row % 10}   reference range see below`,
    );
  }
  return lines.join('\n');
}

/** A word that appears in exactly one file, so a search for it finds exactly that document. */
function markerWord(prefix: string, index: number): string {
  return `bench${prefix}${(index * 7919 + 104729).toString(36)}`;
}

function dayOf(index: number): Date {
  return new Date(Date.UTC(2012 + (index % 12), index % 12, 1 + (index % 28), 12));
}

function dateName(index: number): string {
  return dayOf(index).toISOString().slice(0, 10);
}

function pad(index: number): string {
  return String(index).padStart(3, '0');
}
