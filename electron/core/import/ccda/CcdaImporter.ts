import { DEFAULT_RECORD_TYPE } from '../../../../shared/recordSet';
import { insertDocument, type DocumentSuggestion } from '../../documents/repository';
import { titleFromFileName } from '../files/suggest';
import type { PdfTextExtractor } from '../pdf/PdfTextExtractor';
import {
  UnreadableFileError,
  type FileOutcome,
  type FoundFile,
  type ImportContext,
  type Importer,
  type StagedFile,
} from '../types';
import { LOINC_DOCUMENT_TYPES } from './documentTypes';
import { CcdaReadError, looksLikeCda, parseCcda } from './parseCcda';
import { partOf } from '../fileInMemory';

const MAX_CDA_BYTES = 32 * 1024 * 1024;
const CDA_MEDIA_TYPE = 'application/xml';

/**
 * C-CDA and other CDA R2 documents from a patient portal (CCD, discharge summary, progress note,
 * imaging and lab reports…): filed by their LOINC document code, dated by the service event,
 * attributed to the custodian organisation. The XML is stored as it came; a nonXMLBody's embedded
 * PDF becomes the document's first file.
 */
export class CcdaImporter implements Importer {
  readonly name = 'ccda';

  constructor(private readonly pdf: PdfTextExtractor) {}

  accepts(_file: FoundFile, head: Buffer): boolean {
    return looksLikeCda(head);
  }

  async importFile(file: FoundFile, _head: Buffer, context: ImportContext): Promise<FileOutcome> {
    const staged = await context.stage(file, { keepBytesUpTo: MAX_CDA_BYTES });
    if (!staged.bytes) throw new UnreadableFileError('The XML document is implausibly large (over 32 MiB).');
    let cda;
    try {
      cda = parseCcda(staged.bytes);
    } catch (error) {
      if (error instanceof CcdaReadError) throw new UnreadableFileError(error.message);
      throw error;
    }
    context.notePatient(cda.patientName, cda.patientId);
    const suggestion: DocumentSuggestion = {
      title: cda.title ?? (cda.loinc && LOINC_DOCUMENT_TYPES[cda.loinc]?.name) ?? titleFromFileName(file.path),
      type: cda.type ?? DEFAULT_RECORD_TYPE,
      date: cda.date,
      provider: cda.provider,
      basis: {
        ...(cda.type && { type: { confidence: 0.95, reason: `LOINC ${cda.loinc}` } }),
        ...(cda.dateSource && { date: { confidence: 0.9, reason: `CDA ${cda.dateSource}` } }),
        ...(cda.providerSource && { provider: { confidence: 0.85, reason: `CDA ${cda.providerSource}` } }),
      },
    };
    if (staged.existing) {
      if (staged.existing.documentId) await context.suggestFor(staged.existing.documentId, suggestion);
      return { kind: 'duplicate', documentId: staged.existing.documentId };
    }
    if (!cda.embeddedPdf) {
      return context.commitDocument(staged, {
        ...suggestion,
        sourceKind: context.sourceKind,
        sourcePath: file.path,
        mediaType: CDA_MEDIA_TYPE,
        text: cda.text,
      });
    }
    // The embedded PDF is what the patient reads; the XML is kept as it came, second.
    const pdf = cda.embeddedPdf;
    const pdfFile = partOf(file, ' (PDF inside)', pdf);
    const stagedPdf = await context.stage(pdfFile, { keepBytesUpTo: 0, findDuplicate: false });
    const extracted = await this.pdf.extract(pdf);
    const text = extracted.kind === 'text' ? extracted.text : '';
    if (extracted.kind === 'text') for (const warning of extracted.warnings) context.warn(file, warning);
    const parts: StagedFile[] = [stagedPdf, staged];
    const documentId = await context.commitFiles(parts, async (tx, blobIdOf) => {
      return insertDocument(tx, {
        ...suggestion,
        sourceKind: context.sourceKind,
        sourcePath: file.path,
        mediaType: 'application/pdf',
        bytes: pdf.length + staged.blob.bytes,
        runId: context.runId,
        files: [
          { blobId: blobIdOf(stagedPdf), originalPath: pdfFile.path, mediaType: 'application/pdf' },
          { blobId: blobIdOf(staged), originalPath: file.path, mediaType: CDA_MEDIA_TYPE },
        ],
        text: [text, cda.text].filter(Boolean).join('\n'),
      });
    });
    return { kind: 'imported', documentId };
  }
}
