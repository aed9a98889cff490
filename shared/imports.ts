import type { DocumentSourceKind } from './documents';

export interface ImportProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** The file being read now, if any. */
  currentPath: string | null;
}

export interface ImportFailure {
  path: string;
  reason: string;
}

/** Reading text by OCR after an import (images, PDFs without a text layer), in the background. */
export interface TextRecognitionProgress {
  done: number;
  total: number;
  /** The title of the document being read, if any. */
  current: string | null;
}

/** A patient as records name them (DICOM PatientName, PatientID). */
export interface PatientIdentity {
  name: string | null;
  id: string | null;
}

export interface ImportReport {
  runId: string;
  status: 'completed' | 'cancelled';
  sourceKind: DocumentSourceKind;
  imported: number;
  duplicates: number;
  /** Files that are not records (system files such as `.DS_Store`), counted but not imported. */
  skipped: number;
  failed: ImportFailure[];
  /** Imported, but with something the patient should know (e.g. text could not be indexed). */
  warnings: ImportFailure[];
  /** Ids of the documents this import created (or, for a study already there, added to). */
  documents: string[];
  /** Whose records these are, as DICOM files name them (a disc should hold one patient). */
  patients: PatientIdentity[];
}
