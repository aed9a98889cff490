import type { DesignatedRecordSetType, RecordCategory } from './recordSet';

/** Where a document came from. */
export type DocumentSourceKind = 'file' | 'disc' | 'download' | 'scan';

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

export interface DicomStudySummary {
  studyInstanceUid: string;
  modalities: string[];
  seriesCount: number;
  instanceCount: number;
  patientName: string | null;
  patientId: string | null;
  studyDescription: string | null;
}

export interface VaultDocument {
  id: string;
  title: string;
  type: DesignatedRecordSetType;
  category: RecordCategory;
  date: IsoDate | null;
  provider: string | null;
  tags: string[];
  source: { kind: DocumentSourceKind; path: string };
  mediaType: string;
  bytes: number;
  importedAt: string;
  /** Fields the patient changed by hand; later imports never overwrite them. */
  editedFields: EditableField[];
  dicom?: DicomStudySummary;
}

export type EditableField = 'title' | 'type' | 'date' | 'provider' | 'tags';

export interface DocumentFile {
  position: number;
  originalPath: string;
  mediaType: string;
  bytes: number;
  sha256: string;
}

export interface DocumentDetails extends VaultDocument {
  files: DocumentFile[];
  importRunId: string;
  /** The first characters of the text extracted for search, if any. */
  textExcerpt: string | null;
}

export interface DocumentFilter {
  category?: RecordCategory;
  type?: DesignatedRecordSetType;
  from?: IsoDate;
  to?: IsoDate;
  provider?: string;
  tag?: string;
  text?: string;
}

export interface DocumentEdit {
  title?: string;
  type?: DesignatedRecordSetType;
  /** `null` clears the date (unknown). */
  date?: IsoDate | null;
  provider?: string | null;
  addTags?: string[];
  removeTags?: string[];
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
