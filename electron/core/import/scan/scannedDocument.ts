import { basename } from 'node:path';
import { decideSuggestion } from '../../classify/textSuggestion';
import { insertDocument, type DocumentSuggestion } from '../../documents/repository';
import { describeIoError } from '../../errors';
import { open } from 'node:fs/promises';
import {
  UnreadableFileError,
  type FileOutcome,
  type FoundFile,
  type ImportContext,
  type ScanPageSource,
  type StagedFile,
} from '../types';
import { buildScanPdf, type PdfPage } from './buildScanPdf';
import { OcrTimeoutError, type OcrEngine } from './OcrEngine';
import { readPageText } from './pageText';
import { PageReadError, readScanImage, type Rotation, type ScanPage } from './scanPages';
import { inMemory } from '../fileInMemory';

/** One image file of a scan, in the order chosen, with the turn the patient chose (if any). */
export type { ScanPageSource };

/** A page image larger than this is refused: no scanner writes one. */
export const MAX_PAGE_FILE_BYTES = 64 * 1024 * 1024;

export interface ScannedDocumentInput {
  /** The file of the run this document is counted as (a scan request, or a multi-page TIFF). */
  owner: FoundFile;
  /** What the files say of the document (title, a date in a file name); its text may say more. */
  suggestion: DocumentSuggestion;
  sourcePath: string;
  pages: readonly ScanPageSource[];
  /** Image bytes already in hand (and staged), by page file, so they are not read again. */
  known?: Map<FoundFile, { bytes: Buffer; staged: StagedFile }>;
  ocr: OcrEngine;
  context: ImportContext;
}

/**
 * Makes one PDF from scanned page images — in order, each turned upright, its text read by OCR —
 * and commits it as one document whose first file is the PDF and whose further files are the
 * original images, kept as they came: nothing of the scan is lost. A page that cannot be read
 * fails the whole document with a sentence naming it.
 */
export async function commitScannedDocument(input: ScannedDocumentInput): Promise<FileOutcome> {
  const { context, owner, ocr } = input;
  if (input.pages.length === 0) throw new UnreadableFileError('The scan has no pages.');
  const staged: StagedFile[] = [];
  const committed = new Set<StagedFile>();
  try {
    const originals: { staged: StagedFile; file: FoundFile; mediaType: string }[] = [];
    const pdfPages: PdfPage[] = [];
    const texts: string[] = [];
    let pageNumber = 0;
    for (const [index, source] of input.pages.entries()) {
      const label = describePage(index, input.pages.length, source.file);
      const known = input.known?.get(source.file);
      const bytes = known?.bytes ?? (await readWhole(source.file, label));
      let pages: ScanPage[];
      try {
        pages = await readScanImage(bytes, source.file.path);
      } catch (error) {
        if (error instanceof PageReadError) throw new UnreadableFileError(`${label} cannot be used: ${error.message}.`);
        throw error;
      }
      let original = known?.staged;
      if (!original) {
        original = await context.stage(
          { ...source.file, bytes: bytes.length, content: inMemory(bytes) },
          { findDuplicate: false, countAs: owner },
        );
        staged.push(original);
      }
      originals.push({ staged: original, file: source.file, mediaType: mediaTypeOf(pages[0]!, bytes) });
      for (const page of pages) {
        pageNumber++;
        let read: { text: string; rotation: Rotation };
        try {
          read = await readPageText(ocr, page, source.rotate, context.signal);
        } catch (error) {
          if (context.signal.aborted) throw error;
          if (error instanceof PageReadError)
            throw new UnreadableFileError(`${label} cannot be used: ${error.message}.`);
          const why = error instanceof OcrTimeoutError ? 'took too long to read' : 'could not be read by OCR';
          context.warn(owner, `The text of page ${pageNumber} ${why}; the page is in the PDF without its text.`);
          read = { text: '', rotation: source.rotate ?? 0 };
        }
        pdfPages.push({ page, rotation: read.rotation });
        texts.push(read.text);
      }
      pages.length = 0;
    }
    let pdf: Buffer;
    try {
      pdf = await buildScanPdf(pdfPages, { title: input.suggestion.title, created: new Date() });
    } catch (error) {
      throw new UnreadableFileError(`The scan could not be made into a PDF (${(error as Error)?.message ?? error}).`);
    }
    pdfPages.length = 0;
    const pdfStaged = await context.stage(
      { path: input.sourcePath, relativePath: basename(input.sourcePath), bytes: pdf.length, content: inMemory(pdf) },
      { findDuplicate: false, countAs: owner },
    );
    staged.push(pdfStaged);
    const all = [pdfStaged, ...originals.map((original) => original.staged)];
    all.forEach((file) => committed.add(file));
    const text = texts.filter(Boolean).join('\n\n');
    // Filed by its text like every committed document (commitDocument does the same).
    const filed = decideSuggestion(input.suggestion, { text });
    const documentId = await context.commitFiles(all, (tx, blobIdOf) =>
      insertDocument(tx, {
        ...filed,
        sourceKind: context.sourceKind,
        sourcePath: input.sourcePath,
        mediaType: 'application/pdf',
        bytes: pdf.length,
        runId: context.runId,
        files: [
          { blobId: blobIdOf(pdfStaged), originalPath: input.sourcePath, mediaType: 'application/pdf' },
          ...originals.map((original) => ({
            blobId: blobIdOf(original.staged),
            originalPath: original.file.path,
            mediaType: original.mediaType,
          })),
        ],
        text,
      }),
    );
    return { kind: 'imported', documentId };
  } catch (error) {
    // commitFiles cleans up after itself; what was staged and never reached it is dropped here.
    for (const file of staged) if (!committed.has(file)) await context.discard(file);
    throw error;
  }
}

function describePage(index: number, count: number, file: FoundFile): string {
  const name = basename(file.relativePath || file.path);
  return count === 1 ? `The scanned image ${name}` : `Page ${index + 1} (${name})`;
}

function mediaTypeOf(page: ScanPage, bytes: Buffer): string {
  if (page.format === 'tiff' || bytes[0] === 0x49 || bytes[0] === 0x4d) return 'image/tiff';
  return page.format === 'jpeg' ? 'image/jpeg' : 'image/png';
}

/** A page image's bytes, whole, from the disk or an upload. */
async function readWhole(file: FoundFile, label: string): Promise<Buffer> {
  if (file.bytes > MAX_PAGE_FILE_BYTES) {
    throw new UnreadableFileError(`${label} is too large to be a scanned page (over 64 MiB).`);
  }
  const parts: Buffer[] = [];
  let length = 0;
  try {
    if (file.content) {
      for await (const chunk of file.content.chunks()) {
        parts.push(chunk);
        length += chunk.length;
        if (length > MAX_PAGE_FILE_BYTES) throw new UnreadableFileError(`${label} is too large to be a scanned page.`);
      }
    } else {
      const handle = await open(file.path, 'r');
      try {
        const buffer = Buffer.alloc(file.bytes);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        parts.push(buffer.subarray(0, bytesRead));
      } finally {
        await handle.close();
      }
    }
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    const described = describeIoError(error, 'this file');
    throw new UnreadableFileError(`${label} cannot be read: ${described.message.replace(/\.$/, '')}.`);
  }
  const bytes = Buffer.concat(parts);
  if (bytes.length === 0) throw new UnreadableFileError(`${label} is empty.`);
  return bytes;
}
