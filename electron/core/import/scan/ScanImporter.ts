import { basename } from 'node:path';
import { DEFAULT_RECORD_TYPE } from '../../../../shared/recordSet';
import { dateFromFileName, titleFromFileName } from '../files/suggest';
import type { FileOutcome, FoundFile, ImportContext, Importer, ScanRequest } from '../types';
import type { OcrEngine } from './OcrEngine';
import { commitScannedDocument } from './scannedDocument';

export type { ScanRequest };

/**
 * The run's stand-in for one scan request: a file of the run (counted, reported, undone with
 * it) whose `scan` says which page images it is made of.
 */
export function scanRunFile(request: ScanRequest, index: number): FoundFile {
  const first = request.pages[0]?.file;
  const name = request.title?.trim() || (first ? basename(first.relativePath || first.path) : `scan ${index + 1}`);
  return {
    path: first?.path ?? name,
    relativePath: name,
    bytes: request.pages.reduce((sum, page) => sum + page.file.bytes, 0),
    scan: request,
  };
}

/** Imports scan requests (see `scanRunFile`); plain image files go to the file importer. */
export class ScanImporter implements Importer {
  readonly name = 'scan';

  constructor(private readonly ocr: OcrEngine) {}

  accepts(file: FoundFile): boolean {
    return file.scan !== undefined;
  }

  async importFile(file: FoundFile, _head: Buffer, context: ImportContext): Promise<FileOutcome> {
    const request = file.scan!;
    const first = request.pages[0]?.file;
    const date = first ? dateFromFileName(first.path) : null;
    return commitScannedDocument({
      owner: file,
      suggestion: {
        title: request.title?.trim() || (first ? titleFromFileName(first.path) : 'Scanned document'),
        type: DEFAULT_RECORD_TYPE,
        date,
        provider: null,
        // As for any file: a date in the name is a fair guess, not a sure one.
        ...(date ? { basis: { date: { confidence: 0.7, reason: 'date in the file name' } } } : {}),
      },
      sourcePath: first?.path ?? file.path,
      pages: request.pages,
      ocr: this.ocr,
      context,
    });
  }

  async close(): Promise<void> {
    await this.ocr.close();
  }
}
