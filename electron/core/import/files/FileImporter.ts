import { DEFAULT_RECORD_TYPE } from '../../../../shared/recordSet';
import type { DocumentSuggestion } from '../../documents/repository';
import { PdfTextExtractor } from '../pdf/PdfTextExtractor';
import { OcrEngine } from '../scan/OcrEngine';
import { tiffAsScan } from '../scan/ocrFiles';
import { MAX_PAGE_FILE_BYTES } from '../scan/scannedDocument';
import {
  UnreadableFileError,
  type FileOutcome,
  type FoundFile,
  type ImportContext,
  type Importer,
  type StagedFile,
} from '../types';
import { checkImage } from './imageCheck';
import { sniffMediaType } from './sniff';
import { dateFromFileName, titleFromFileName, usablePdfTitle } from './suggest';

/** PDFs up to this size are parsed for their text; larger ones are stored but not indexed. */
const MAX_PDF_PARSE_BYTES = 128 * 1024 * 1024;
const MAX_TEXT_BYTES = 16 * 1024 * 1024;

/** Plain files a patient already has: PDFs, scanned or photographed pages, and text. */
export class FileImporter implements Importer {
  readonly name = 'files';
  private readonly pdf: PdfTextExtractor;
  private readonly ocr: OcrEngine;
  /** PDFs read whole whose text layer was empty (not password-protected, not too slow). */
  private readonly pdfHadNoTextLayer = new WeakSet<StagedFile>();

  constructor(options: { pdfTimeoutMs?: number; pdf?: PdfTextExtractor; ocr?: OcrEngine } = {}) {
    this.pdf = options.pdf ?? new PdfTextExtractor({ timeoutMs: options.pdfTimeoutMs });
    this.ocr = options.ocr ?? new OcrEngine();
  }

  accepts(file: FoundFile, head: Buffer): boolean {
    return sniffMediaType(file.path, head) !== null;
  }

  async importFile(file: FoundFile, head: Buffer, context: ImportContext): Promise<FileOutcome> {
    const mediaType = sniffMediaType(file.path, head)!;
    const keepBytesUpTo =
      mediaType === 'application/pdf'
        ? MAX_PDF_PARSE_BYTES
        : mediaType === 'text/plain'
          ? MAX_TEXT_BYTES
          : mediaType === 'image/tiff'
            ? MAX_PAGE_FILE_BYTES // a TIFF may hold several pages: a scanned document
            : 0;
    const staged = await context.stage(file, { keepBytesUpTo });
    const suggestion: DocumentSuggestion = {
      title: titleFromFileName(file.path),
      type: DEFAULT_RECORD_TYPE,
      date: dateFromFileName(file.path),
      provider: null,
    };
    if (suggestion.date) suggestion.basis = { date: { confidence: 0.7, reason: 'date in the file name' } };
    let text = '';
    // OCR takes a second or more a page: it is queued, and read after the run (import/recognition/).
    let recognize: 'image' | 'pdf' | undefined;
    if (mediaType === 'application/pdf') {
      text = await this.readPdf(file, staged, suggestion, context);
      if (!text.trim() && staged.bytes && !staged.existing && this.pdfHadNoTextLayer.has(staged)) recognize = 'pdf';
    } else if (mediaType === 'text/plain') {
      text = readText(staged, file);
    } else {
      const check = checkImage(mediaType, staged.head, staged.tail, file.bytes);
      if (!check.ok) throw new UnreadableFileError(check.reason);
      if (check.truncated) context.warn(file, 'The image seems cut short; it was imported as it is.');
      if (!staged.existing && staged.bytes) {
        // A multi-page TIFF is a scanned document: it becomes a PDF of its pages (the TIFF kept with it).
        const scanned = await tiffAsScan(file, staged, suggestion, this.ocr, context);
        if (scanned) return scanned;
      }
      recognize = 'image';
    }
    if (staged.existing) {
      if (staged.existing.documentId) await context.suggestFor(staged.existing.documentId, suggestion);
      return { kind: 'duplicate', documentId: staged.existing.documentId };
    }
    return context.commitDocument(staged, {
      ...suggestion,
      sourceKind: context.sourceKind,
      sourcePath: file.path,
      mediaType,
      text,
      ...(recognize && { recognizeText: { position: 0, kind: recognize } }),
    });
  }

  async close(): Promise<void> {
    await this.pdf.close(); // closing twice is harmless: the pool is shared with the DICOM importer
    await this.ocr.close();
  }

  private async readPdf(
    file: FoundFile,
    staged: StagedFile,
    suggestion: DocumentSuggestion,
    context: ImportContext,
  ): Promise<string> {
    if (!staged.bytes) {
      context.warn(file, 'The PDF is too large to index its text for search; it was imported without it.');
      return '';
    }
    const result = await this.pdf.extract(staged.bytes);
    switch (result.kind) {
      case 'text':
        suggestion.title = usablePdfTitle(result.title) ?? suggestion.title;
        for (const warning of result.warnings) context.warn(file, warning);
        // No text layer: a scan saved as PDF; its pages are read by OCR after the run.
        if (!result.text.trim()) this.pdfHadNoTextLayer.add(staged);
        return result.text;
      case 'password-protected':
        context.warn(file, 'The PDF is password-protected, so its text could not be indexed for search.');
        return '';
      case 'too-slow':
        context.warn(file, 'The PDF took too long to read, so its text was not indexed for search.');
        return '';
      case 'damaged':
        throw new UnreadableFileError(`The PDF is damaged and cannot be opened (${result.detail.replace(/\.$/, '')}).`);
    }
  }
}

function readText(staged: StagedFile, file: FoundFile): string {
  if (!staged.bytes) throw new UnreadableFileError('The text file is too large to be a record (over 16 MiB).');
  const text = new TextDecoder('utf-8', { fatal: false }).decode(staged.bytes);
  if (text.includes('\u0000')) throw new UnreadableFileError(`${file.relativePath} is not a plain text file.`);
  return text;
}
