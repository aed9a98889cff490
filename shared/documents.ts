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

/** The fields Medvault suggests on import, each with why. */
export type SuggestedField = 'type' | 'date' | 'provider';

/** Why a field has the value it was given on import: how sure Medvault is (0–1) and what it went by. */
export interface SuggestionBasis {
  confidence: number;
  /** Short and specific, shown to the patient: "LOINC 18842-5", "phrase 'Explanation of Benefits'". */
  reason: string;
}

export type SuggestionBases = Partial<Record<SuggestedField, SuggestionBasis>>;

/**
 * Below this confidence a suggested type or date is not trusted: the document is marked
 * "needs review" until the patient confirms or edits it.
 */
export const REVIEW_THRESHOLD = 0.6;

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
  /** What each suggested field went by, for the fields the patient has not set themselves. */
  suggested: SuggestionBases;
  /** A suggested type or date is unsure (or unknown) and the patient has not looked yet. */
  needsReview: boolean;
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
  /** Only documents whose suggested type or date the patient should check. */
  needsReview?: boolean;
}

export interface DocumentEdit {
  title?: string;
  type?: DesignatedRecordSetType;
  /** `null` clears the date (unknown). */
  date?: IsoDate | null;
  provider?: string | null;
  addTags?: string[];
  removeTags?: string[];
  /** The patient has looked at the suggestions and accepts them: no longer "needs review" (never undone). */
  reviewed?: true;
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
