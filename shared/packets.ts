/**
 * Packets: documents gathered for someone else (an insurer, a second opinion, a new provider),
 * and the disclosure log that records every packet made.
 */
import type { DesignatedRecordSetType, RecordCategory } from './recordSet';
import type { IsoDate } from './documents';
import type { PacketForm, PacketPurpose } from './packetKinds';

export type { PacketForm, PacketPurpose } from './packetKinds';

export interface PacketRecipient {
  name: string;
  organisation: string;
  address: string;
}

export interface AppealDetails {
  memberId: string;
  claimNumber: string;
  /** As the patient writes them: one date, a range or a list. */
  datesOfService: string;
  denialDate: IsoDate | '';
  /** The patient's statement of why the denial is wrong. */
  statement: string;
}

export interface PacketPatient {
  name: string;
  dateOfBirth: IsoDate;
}

export interface PacketRequest {
  purpose: PacketPurpose;
  /** In the order they go into the packet. */
  documentIds: string[];
  recipient: PacketRecipient;
  appeal?: AppealDetails;
  patient: PacketPatient;
  /** Psychotherapy notes are left out unless the patient explicitly asks for them. */
  includePsychotherapyNotes?: boolean;
  /** Data outside HIPAA (wellness data) is left out unless asked for. */
  includeNotCovered?: boolean;
}

/** One document as it will appear in the packet, for the page list shown before writing. */
export interface PacketPlanItem {
  documentId: string;
  title: string;
  type: DesignatedRecordSetType;
  category: RecordCategory;
  date: IsoDate | null;
  /** SHA-256 of the document's first file, as recorded in the disclosure log. */
  sha256: string;
  pageCount: number;
  /** 1-based pages of the whole packet, cover and index included. */
  firstPage: number;
  lastPage: number;
}

export interface PacketExclusion {
  documentId: string;
  title: string;
  reason: string;
}

export interface PacketPlan {
  purpose: PacketPurpose;
  items: PacketPlanItem[];
  excluded: PacketExclusion[];
  /** Sentences the patient should read before the packet is written. */
  warnings: string[];
  coverPages: number;
  indexPages: number;
  totalPages: number;
}

export interface PacketProgress {
  documentsDone: number;
  documentsTotal: number;
  pagesDone: number;
  /**
   * Second-opinion packet only: reading the documents from the vault, laying out the summary PDF
   * (documentsDone counts again from 0, pagesDone grows), then writing the files.
   */
  phase?: 'reading' | 'summary' | 'writing';
  /** Second-opinion packet, while writing: files written so far and in all. */
  filesDone?: number;
  filesTotal?: number;
}

export interface DisclosureDocument {
  documentId: string;
  sha256: string;
  /** The title when the packet was made (null if the document has since been removed). */
  title: string | null;
}

export interface DisclosureRecord {
  id: string;
  createdAt: string;
  purpose: PacketPurpose;
  recipient: PacketRecipient;
  form: PacketForm;
  documents: DisclosureDocument[];
}

export const PSYCHOTHERAPY_EXCLUDED_WARNING =
  'Psychotherapy notes are outside the standard right of access (45 CFR §164.524) and are rarely needed; they were left out.';
export const PSYCHOTHERAPY_INCLUDED_WARNING =
  'Psychotherapy notes are included at your explicit request; they are outside the standard right of access (45 CFR §164.524) and rarely needed.';
export const NOT_COVERED_EXCLUDED_WARNING =
  'Data not covered by HIPAA (such as wellness data) was left out; include it only if the recipient needs it.';
export const NOT_COVERED_INCLUDED_WARNING =
  'Data not covered by HIPAA (such as wellness data) is included at your request; the recipient is not bound by HIPAA for it.';
