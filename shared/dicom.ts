import type { DicomStudySummary } from './documents';

/** One instance of a study as the viewer needs it: where its bytes are and what they hold. */
export interface DicomInstanceView {
  /** The document file position it is served at: `documentFileUrl(documentId, position)`. */
  position: number;
  sopInstanceUid: string;
  sopClassUid: string | null;
  instanceNumber: number | null;
  rows: number | null;
  columns: number | null;
  frames: number;
  transferSyntax: string;
  /** False for instances without an image (reports, key-object notes, trimmed files): a placeholder, not a blank. */
  hasPixels: boolean;
}

export interface DicomSeriesView {
  seriesInstanceUid: string;
  seriesNumber: number | null;
  modality: string | null;
  description: string | null;
  bodyPart: string | null;
  /** In the order a radiologist scrolls them: by instance number, then as stored. */
  instances: DicomInstanceView[];
}

/** An image the patient marked in the viewer: an instance and, for a multi-frame one, its frame. */
export interface KeyImage {
  sopInstanceUid: string;
  /** 0-based; 0 for a single-frame instance. */
  frame: number;
}

/** A study as the viewer shows it: series by series number, each with its instances. */
export interface DicomStudyView {
  documentId: string;
  summary: DicomStudySummary | null;
  series: DicomSeriesView[];
  /** The key images, in the order they were marked: what a packet shows of this study. */
  keyImages: KeyImage[];
}
