/**
 * OCR for files imported one by one (not as a scan request): an image's text, a text-less PDF's
 * text, and a multi-page TIFF made into a scanned document. Reading text is a bonus to the
 * import: if it fails, the file is imported all the same, with a note in the report.
 */
import { deflateRawSync } from 'node:zlib';
import type { DocumentSuggestion } from '../../documents/repository';
import type { FileOutcome, FoundFile, ImportContext, StagedFile } from '../types';
import { OcrTimeoutError, type OcrEngine } from './OcrEngine';
import { MAX_OCR_PDF_PAGES, readPdfByOcr } from './pdfOcr';
import { readPageText } from './pageText';
import { PageReadError, readScanImage, tiffPageCount, type ScanPage } from './scanPages';
import { commitScannedDocument } from './scannedDocument';

export async function readImageText(
  file: FoundFile,
  bytes: Buffer,
  ocr: OcrEngine,
  context: Pick<ImportContext, 'signal' | 'warn'>,
): Promise<string> {
  try {
    const [page] = await readScanImage(bytes, file.path, { forPdf: false });
    if (!mayBePaper(page!, bytes)) return '';
    return (await readPageText(ocr, page!, undefined, context.signal)).text;
  } catch (error) {
    if (context.signal.aborted) throw error;
    // Pixels that do not decode: the image check has said what it could; the file is kept as it is.
    if (error instanceof PageReadError) return '';
    context.warn(file, `The text in the image could not be read (${describe(error)}); it was imported without it.`);
    return '';
  }
}

export async function readPdfText(
  file: FoundFile,
  bytes: Buffer,
  ocr: OcrEngine,
  context: Pick<ImportContext, 'signal' | 'warn'>,
): Promise<string> {
  try {
    const result = await readPdfByOcr(bytes, ocr, context.signal);
    if (result.pageCount > result.pagesRead) {
      context.warn(
        file,
        `The PDF has no text layer; the text of its first ${MAX_OCR_PDF_PAGES} pages (of ${result.pageCount}) was read by OCR.`,
      );
    }
    return result.text;
  } catch (error) {
    if (context.signal.aborted) throw error;
    context.warn(file, `The PDF has no text layer and OCR could not read it (${describe(error)}).`);
    return '';
  }
}

/** A TIFF of several pages becomes a scanned document (a PDF); null for a single-page TIFF. */
export async function tiffAsScan(
  file: FoundFile,
  staged: StagedFile,
  suggestion: DocumentSuggestion,
  ocr: OcrEngine,
  context: ImportContext,
): Promise<FileOutcome | null> {
  const bytes = staged.bytes;
  if (!bytes || (bytes[0] !== 0x49 && bytes[0] !== 0x4d) || tiffPageCount(bytes) < 2) return null;
  return commitScannedDocument({
    owner: file,
    suggestion,
    sourcePath: file.path,
    pages: [{ file }],
    known: new Map([[file, { bytes, staged }]]),
    ocr,
    context,
  });
}

/**
 * Whether an image file may be a page of paper, judged without decoding it: paper (mostly
 * blank) compresses to well under a byte a pixel, a photo or noise does not. An uncompressed
 * image (a plain TIFF) is judged by how well a piece of its middle deflates. Decoding an image
 * costs far more than reading it; what passes here is still decoded and looked at (pageText.ts).
 */
export function mayBePaper(page: ScanPage, bytes: Buffer): boolean {
  const bytesPerPixel = bytes.length / Math.max(1, page.width * page.height);
  if (bytesPerPixel <= MAX_PAPER_BYTES_PER_PIXEL) return true;
  if (page.format !== 'tiff' || bytesPerPixel < 2.5) return false;
  const middle = Math.floor(bytes.length / 2);
  const sample = bytes.subarray(middle, Math.min(bytes.length, middle + SAMPLE_BYTES));
  return deflateRawSync(sample, { level: 1 }).length < sample.length * MAX_PAPER_DEFLATE_RATIO;
}

/** Compressed scans of paper are ~0.05–0.5 bytes a pixel; noise as JPEG ~1.9, as PNG ~4. */
const MAX_PAPER_BYTES_PER_PIXEL = 1.2;
const SAMPLE_BYTES = 256 * 1024;
/** A stretch of a blank-ish page deflates to a small fraction of itself; a photo's hardly at all. */
const MAX_PAPER_DEFLATE_RATIO = 0.35;

function describe(error: unknown): string {
  if (error instanceof OcrTimeoutError) return 'it took too long';
  return String((error as Error)?.message ?? error).replace(/\.$/, '');
}
