/**
 * What the `medvault` command prints with `--json`, one document per command: the shapes that
 * scripts (and the project's tests and benchmarks) read. The CLI's commands are typed against
 * these, so a change of shape is a change here, seen by every reader.
 */
import type { ImportFailure, ImportReport } from './imports';
import type { DisclosureRecord } from './packets';

/** `medvault import … --json` (and `import --scan`, `scan`): the run's report and what OCR did after it. */
export interface ImportJson extends Omit<ImportReport, 'status' | 'sourceKind'> {
  textRecognized: number;
  textPending: number;
  textProblems: ImportFailure[];
}

/** `medvault ocr --json`. */
export interface OcrJson {
  recognized: number;
  remaining: number;
  problems: ImportFailure[];
}

/** One key image as `medvault key-images` lists it: frame and positions counted from 1. */
export interface KeyImageLine {
  sopInstanceUid: string;
  frame: number;
  frames: number;
  series: number | null;
  seriesDescription: string | null;
  instance: number | null;
}

/** `medvault key-images ID --json`. */
export interface KeyImagesJson {
  documentId: string;
  marked: number;
  unmarked: number;
  keyImages: KeyImageLine[];
}

/** `medvault snapshot … --json`. */
export interface SnapshotJson {
  path: string;
  documentId: string;
  series: number;
  instance: number;
  frame: number;
  frames: number;
  sopInstanceUid: string;
  transferSyntax: string;
  width: number;
  height: number;
  photometric: string;
  window: { center: number; width: number } | null;
}

/** `medvault export second-opinion … --json`. */
export interface DiscPacketJson {
  out: string;
  disclosureId: string;
  studies: number;
  instances: number;
  reports: number;
  /** DOCS/SUMMARY.PDF was written. */
  summary: boolean;
  /** Its pages, when it was. */
  summaryPages: number | null;
  files: number;
  /** Documents chosen but not placed, and why; warnings for the patient. */
  warnings: string[];
}

/** `medvault verify --json`. */
export interface VerifyJson {
  ok: boolean;
  /** 'ok', or what SQLite/SQLCipher found wrong. */
  database: string;
  documents: number;
  blobsChecked: number;
  bytesChecked: number;
  problems: { documentId: string | null; blobId: string; problem: string; message: string }[];
  /** Stored files no document names (kept until `medvault clean --yes`). */
  unreferenced: { blobId: string; bytes: number }[];
  /** The record cards a rescue rebuilds from: expected, found missing (written again now), due to be written. */
  recordCards: { expected: number; missing: number; due: number };
}

/** One record of `medvault disclosures --json`: the form under the name the log's files use. */
export interface DisclosureJson extends Omit<DisclosureRecord, 'form'> {
  /** 'appeal-pdf' (one PDF), 'second-opinion-folder' or 'second-opinion-zip' (`PACKET_FORM_LOG_NAMES`). */
  packetKind: string;
}
