/**
 * The one contract between the UI and the core. The Electron preload, the browser-mode client,
 * the main-process dispatcher and the browser-mode server all import it; nothing else crosses.
 *
 * Every method takes at most one argument object and, seen from the UI, resolves to an
 * `ApiResult`: a value, or an error with one sentence the UI can show as is. Document bytes never
 * travel through a method: the UI loads them from `documentFileUrl()`, which the core serves
 * decrypted on the fly.
 */
import type { DocumentDetails, DocumentEdit, DocumentFilter, DocumentSourceKind, VaultDocument } from './documents';
import type { DicomStudyView } from './dicom';
import type { ImportProgress, ImportReport, PatientIdentity, TextRecognitionProgress } from './imports';
import type { DisclosureRecord, PacketPatient, PacketPlan, PacketProgress, PacketRequest } from './packets';
import type { PacketForm } from './packetKinds';
import type { ReadableDocument } from './readable';
import type { RecordCategory } from './recordSet';

export type ApiErrorCode =
  | 'wrong-passphrase'
  | 'wrong-recovery-key'
  | 'weak-passphrase'
  | 'vault-not-found'
  | 'vault-exists'
  | 'vault-busy'
  | 'vault-too-new'
  | 'vault-damaged'
  /** The vault's database cannot be used as it is (missing, empty, cut short, damaged, another vault's): nothing was changed. */
  | 'database-unusable'
  | 'vault-locked'
  | 'not-found'
  | 'invalid-argument'
  | 'blob-damaged'
  | 'backup-damaged'
  | 'disk-full'
  | 'cancelled'
  | 'io'
  | 'internal';

export interface ApiError {
  code: ApiErrorCode;
  message: string;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface VaultStatus {
  state: 'no-vault' | 'locked' | 'unlocked';
  /** Where the vault folder is, so the patient knows what to back up. */
  location: string;
  /** Minutes without activity before the vault locks itself; 0 means never. */
  autoLockMinutes: number;
}

export interface LibraryFacets {
  total: number;
  categories: { category: RecordCategory; count: number }[];
  /** Documents whose suggested type or date the patient should check. */
  needsReview: number;
  /** Documents whose text (images, PDFs without a text layer) is still to be read by OCR. */
  textPending: number;
  providers: string[];
  tags: string[];
}

export interface FolderEntry {
  name: string;
  path: string;
  kind: 'folder' | 'file';
  bytes: number | null;
}

export interface FolderListing {
  path: string;
  parent: string | null;
  entries: FolderEntry[];
}

export interface ImportRequest {
  /** Files and folders on this computer, as chosen in a file dialog or the folder browser. */
  paths?: string[];
  /** Files dropped on the window in browser mode, uploaded (encrypted) beforehand. */
  uploadIds?: string[];
  sourceKind?: DocumentSourceKind;
  /** Scanned paper: each scan's page images, in order, become one PDF document (text read by OCR). */
  scans?: ScanRequest[];
}

/** One scanned document: its pages (a file on this computer, or an upload) in order. */
export interface ScanRequest {
  title?: string;
  pages: ScanPageRequest[];
}

export interface ScanPageRequest {
  path?: string;
  uploadId?: string;
  /** Clockwise turn to make the page upright, as the patient sees it; without it the page is turned by itself. */
  rotate?: 0 | 90 | 180 | 270;
}

export interface ScannerStatus {
  /** Whether a scanner interface (SANE scanimage) is there to scan pages with. */
  available: boolean;
}

export type { PacketForm } from './packetKinds';

export interface PacketOutput {
  form: PacketForm;
  /** The folder on this computer the packet is written into. */
  folder: string;
  /** The packet's file or folder name in it (no path); ".pdf" or ".zip" is added when missing. */
  name: string;
  /** Folder and zip: DICOM de-identified by the PS3.15 Basic Profile (PDFs cannot be). */
  deidentify?: boolean;
}

export interface PacketResult {
  /** Where the packet was written. */
  path: string;
  form: PacketForm;
  disclosureId: string;
  /** Pages of the PDF (the summary's, for a folder or zip; null when there is none). */
  pages: number | null;
  /** Files written (folder and zip). */
  files: number | null;
  /** Sentences for the patient: what was left out and why, what to check before sending. */
  warnings: string[];
}

/** What a check of the vault found: every file read back and its content compared. */
export interface VaultCheck {
  ok: boolean;
  /** 'ok', or what the database check found wrong. */
  database: string;
  documents: number;
  filesChecked: number;
  /** One sentence per damaged or missing file, naming its document. */
  problems: { documentId: string | null; message: string }[];
  /** Stored files no document names: kept until the patient removes them. */
  unreferenced: { count: number; bytes: number };
}

/**
 * What a rescue rebuilt from the record cards (`medvault rescue`, or the unlock screen when the
 * database cannot be opened), and what it could not.
 */
export interface RescueReport {
  /** Documents, disclosures and settings brought back from their cards, with their edits. */
  documents: number;
  disclosures: number;
  settings: boolean;
  /** Stored files no readable card named, brought back as documents titled "Recovered file N", to review. */
  recoveredWithoutCard: number;
  /** Cards that could not be read or put back, with why. */
  damagedCards: { card: string; reason: string }[];
  /** Stored files that could not be decrypted: kept as they are. */
  damagedFiles: { blobId: string; reason: string }[];
  /** Files a card names that are not in the vault: the document is back, that file is not. */
  missingFiles: { documentId: string | null; blobId: string }[];
  /** Where the old database files were moved (never removed). */
  keptAside: string[];
  /** What the cards do not carry, in sentences. */
  notRecovered: string[];
}

/** What the packet form starts with: where packets go, and the patient as the last packet named them. */
export interface PacketDefaults {
  folder: string;
  patient: PacketPatient;
}

export interface Api {
  getStatus(): VaultStatus;
  createVault(args: { passphrase: string }): { recoveryKey: string; status: VaultStatus };
  unlock(args: { passphrase: string } | { recoveryKey: string }): VaultStatus;
  /** Rebuilds the database from the record cards when it cannot be opened, then unlocks. */
  rescueVault(args: { passphrase: string } | { recoveryKey: string }): { report: RescueReport; status: VaultStatus };
  lock(): VaultStatus;
  setAutoLock(args: { minutes: number }): VaultStatus;
  listDocuments(args: DocumentFilter): VaultDocument[];
  getFacets(): LibraryFacets;
  getDocument(args: { id: string }): DocumentDetails;
  /** A C-CDA or FHIR document (EOB, claim, coverage, an export…) laid out as plain text for reading; null for others. */
  getReadableDocument(args: { id: string }): ReadableDocument | null;
  /** An imaging study's series and instances for the viewer; invalid-argument for other documents. */
  getDicomStudy(args: { id: string }): DicomStudyView;
  /**
   * Marks (or unmarks) an image of a study as a key image — what packets show of the study; frame
   * is 0-based (0 for a single-frame instance). An instance not in the study is not-found.
   */
  setKeyImage(args: { id: string; sopInstanceUid: string; frame: number; marked: boolean }): DicomStudyView;
  editDocument(args: { id: string; edit: DocumentEdit }): VaultDocument;
  browseFolder(args: { path: string | null }): FolderListing;
  startImport(args: ImportRequest): { importId: string };
  cancelImport(args: { importId: string }): void;
  /** Whose vault this is: imports warn about records naming someone else. */
  getOwner(): PatientIdentity | null;
  setOwner(args: { owner: PatientIdentity | null }): PatientIdentity | null;
  /** Whether pages can be scanned here (the import dialog shows a Scan button then). */
  getScannerStatus(): ScannerStatus;
  /** Scans one page with the scanner; it waits (encrypted) like a dropped file until imported. */
  scanPage(): { uploadId: string; name: string };
  getPacketDefaults(): PacketDefaults;
  /** The page list before writing: laid out as it will be written, nothing saved. */
  planPacket(args: { request: PacketRequest; output: PacketOutput }): PacketPlan;
  /** Writes the packet in the background (events packet-progress, -finished, -failed). */
  startPacket(args: { request: PacketRequest; output: PacketOutput }): { packetId: string };
  cancelPacket(args: { packetId: string }): void;
  /** Every packet made, newest first: when, to whom, why, which documents. */
  listDisclosures(): DisclosureRecord[];
  /** Writes the disclosure log as CSV into a folder on this computer. */
  saveDisclosuresCsv(args: { folder: string; name: string }): { path: string };
  /** Checks the database and every stored file; lists stored files no document names (kept). */
  checkVault(): VaultCheck;
  /** Removes the stored files no document names, when the patient asks (never on Medvault's own judgement). */
  removeUnreferencedFiles(): { removed: number; bytes: number };
}

export type ApiMethod = keyof Api;
export type ApiArgs<M extends ApiMethod> = Parameters<Api[M]>;
export type ApiValue<M extends ApiMethod> = ReturnType<Api[M]>;

/** What the UI calls: every method async, every outcome a result. */
export type ApiClient = {
  [M in ApiMethod]: (...args: ApiArgs<M>) => Promise<ApiResult<ApiValue<M>>>;
};

/** Pushed from the core to the UI. */
export interface ApiEvents {
  'import-progress': { importId: string; progress: ImportProgress };
  'import-finished': { importId: string; report: ImportReport };
  'import-failed': { importId: string; error: ApiError };
  locked: { reason: 'user' | 'idle' };
  /** OCR after an import: search and filing improve as it goes. */
  'text-progress': TextRecognitionProgress;
  'text-finished': { recognized: number; remaining: number };
  'packet-progress': { packetId: string; progress: PacketProgress };
  'packet-finished': { packetId: string; result: PacketResult };
  'packet-failed': { packetId: string; error: ApiError };
}

export type ApiEventName = keyof ApiEvents;
export type ApiEvent = { [E in ApiEventName]: { name: E; payload: ApiEvents[E] } }[ApiEventName];

/** IPC channels all start with this; the main process refuses anything else. */
export const API_CHANNEL_PREFIX = 'medvault:';
export const API_EVENT_CHANNEL = `${API_CHANNEL_PREFIX}event`;

export function apiChannel(method: ApiMethod): string {
  return `${API_CHANNEL_PREFIX}${method}`;
}

/** Where the UI loads a document file's bytes from (relative to the app's origin). */
export function documentFileUrl(documentId: string, position = 0): string {
  return `/files/${encodeURIComponent(documentId)}/${position}`;
}

export const API_METHODS = [
  'getStatus',
  'createVault',
  'unlock',
  'rescueVault',
  'lock',
  'setAutoLock',
  'listDocuments',
  'getFacets',
  'getDocument',
  'getReadableDocument',
  'getDicomStudy',
  'setKeyImage',
  'editDocument',
  'browseFolder',
  'startImport',
  'cancelImport',
  'getOwner',
  'setOwner',
  'getScannerStatus',
  'scanPage',
  'getPacketDefaults',
  'planPacket',
  'startPacket',
  'cancelPacket',
  'listDisclosures',
  'saveDisclosuresCsv',
  'checkVault',
  'removeUnreferencedFiles',
] as const satisfies readonly ApiMethod[];

// Compile-time check that API_METHODS lists every method exactly.
type Missing = Exclude<ApiMethod, (typeof API_METHODS)[number]>;
export const API_METHODS_COMPLETE: Missing extends never ? true : never = true;
