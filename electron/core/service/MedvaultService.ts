import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ApiArgs,
  ApiEvent,
  ApiMethod,
  ApiValue,
  FolderListing,
  ImportRequest,
  LibraryFacets,
  PacketDefaults,
  PacketOutput,
  RescueReport,
  ScannerStatus,
  VaultCheck,
  VaultStatus,
} from '../../../shared/api';
import type { DicomStudyView } from '../../../shared/dicom';
import type { DocumentEdit, DocumentFilter } from '../../../shared/documents';
import type { DisclosureRecord, PacketPlan, PacketRequest } from '../../../shared/packets';
import type { PatientIdentity } from '../../../shared/imports';
import type { ReadableDocument } from '../../../shared/readable';
import { MedvaultError } from '../errors';
import { newId } from '../ids';
import { listFolder, pageOnDisk } from '../usecases/folders';
import * as documents from '../usecases/documents';
import type { DocumentFileSource } from '../usecases/documents';
import { importIntoVault, scanPages, scannerAvailable, type FoundFile, type ScanRequest } from '../usecases/imports';
import * as owners from '../usecases/owner';
import * as packets from '../usecases/packets';
import { DEFAULT_AUTO_LOCK_MINUTES, getAutoLockMinutes, setAutoLockMinutes } from '../usecases/settings';
import * as studies from '../usecases/studies';
import type { KeyImageChange } from '../usecases/studies';
import { countQueuedText, readQueuedText } from '../usecases/text';
import { discardUploads, stageUpload, uploadAsFile, type StagedUpload } from '../usecases/uploads';
import {
  KEY_FILE_NAME,
  checkVault,
  createVault,
  openVault,
  removeUnreferencedFiles,
  rescueVault,
  type Credential,
  type Vault,
} from '../usecases/vaults';

export { DEFAULT_AUTO_LOCK_MINUTES };

/** The contract's methods as the core implements them: the same names and types, async. */
export type ServiceMethods = { [M in ApiMethod]: (...args: ApiArgs<M>) => Promise<ApiValue<M>> };

export type FileForViewer = DocumentFileSource;

/**
 * One patient's session with their vault, behind every transport (Electron IPC, browser mode).
 * Holds the open vault, the imports under way, files uploaded for import, and the idle timer
 * that locks the vault by itself.
 */
export class MedvaultService implements ServiceMethods {
  private vault: Vault | null = null;
  private autoLockMinutes = DEFAULT_AUTO_LOCK_MINUTES;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly imports = new Map<string, AbortController>();
  /** The packet being written (one at a time), to cancel it. */
  private packet: { packetId: string; controller: AbortController; done: Promise<void> } | null = null;
  /**
   * Imports run one after another: a run may be undone (cancel, crash), so another run must not
   * count a file as "already in the vault" because of a document that may yet disappear.
   */
  private importQueue: Promise<unknown> = Promise.resolve();
  private readonly uploads = new Map<string, StagedUpload>();
  /** Pages scanned this session, to name them. */
  private scannedPages = 0;
  /** Reading queued text by OCR, in the background, between imports. */
  private textReading: { controller: AbortController; done: Promise<void> } | null = null;

  constructor(
    private readonly vaultDir: string,
    private readonly emit: (event: ApiEvent) => void,
    /** Length of a "minute" of the idle lock; only tests shorten it. */
    private readonly minuteMs = 60_000,
  ) {}

  // ---- vault -------------------------------------------------------------------------------

  async getStatus(): Promise<VaultStatus> {
    let state: VaultStatus['state'] = 'unlocked';
    if (!this.vault) state = (await exists(join(this.vaultDir, KEY_FILE_NAME))) ? 'locked' : 'no-vault';
    return { state, location: this.vaultDir, autoLockMinutes: this.autoLockMinutes };
  }

  async createVault({ passphrase }: { passphrase: string }): Promise<{ recoveryKey: string; status: VaultStatus }> {
    if (this.vault) throw new MedvaultError('vault-exists', 'A vault is already open.');
    const { vault, recoveryKey } = await createVault(this.vaultDir, passphrase);
    await this.opened(vault);
    return { recoveryKey, status: await this.getStatus() };
  }

  async unlock(credential: { passphrase: string } | { recoveryKey: string }): Promise<VaultStatus> {
    if (!this.vault) await this.opened(await openVault(this.vaultDir, credential as Credential));
    return this.getStatus();
  }

  async rescueVault(
    credential: { passphrase: string } | { recoveryKey: string },
  ): Promise<{ report: RescueReport; status: VaultStatus }> {
    if (this.vault) throw new MedvaultError('vault-exists', 'The vault is open: it needs no rescue.');
    const { vault, report } = await rescueVault(this.vaultDir, credential as Credential);
    await this.opened(vault);
    return { report, status: await this.getStatus() };
  }

  async lock(): Promise<VaultStatus> {
    await this.lockNow('user');
    return this.getStatus();
  }

  async setAutoLock({ minutes }: { minutes: number }): Promise<VaultStatus> {
    await setAutoLockMinutes(this.open(), minutes);
    this.autoLockMinutes = minutes;
    this.touch();
    return this.getStatus();
  }

  // ---- documents ---------------------------------------------------------------------------

  async listDocuments(filter: DocumentFilter) {
    return documents.listDocuments(this.open(), filter);
  }

  async getFacets(): Promise<LibraryFacets> {
    return documents.getFacets(this.open());
  }

  async getDocument({ id }: { id: string }) {
    return documents.getDocument(this.open(), id);
  }

  async getDicomStudy({ id }: { id: string }): Promise<DicomStudyView> {
    return studies.getDicomStudy(this.open(), id);
  }

  async setKeyImage(change: KeyImageChange): Promise<DicomStudyView> {
    return studies.setKeyImage(this.open(), change);
  }

  async getReadableDocument({ id }: { id: string }): Promise<ReadableDocument | null> {
    return documents.getReadableDocument(this.open(), id);
  }

  async editDocument({ id, edit }: { id: string; edit: DocumentEdit }) {
    return documents.editDocument(this.open(), id, edit);
  }

  /** The bytes of one file of a document, for the viewers; decrypted as they are read. */
  async fileForViewer(documentId: string, position: number): Promise<FileForViewer> {
    return documents.openDocumentFile(this.open(), documentId, position);
  }

  // ---- importing ---------------------------------------------------------------------------

  /**
   * Lists a folder on this computer for the import dialog of browser mode (Electron uses the
   * system's dialog instead). Hidden and system files are left out.
   */
  async browseFolder({ path }: { path: string | null }): Promise<FolderListing> {
    this.open();
    return listFolder(path);
  }

  /** Stores a file dropped on the window (browser mode) encrypted in the vault until it is imported. */
  async stageUpload(name: string, body: AsyncIterable<Buffer | Uint8Array>): Promise<{ uploadId: string }> {
    const vault = this.open();
    this.touch();
    const staged = await stageUpload(vault, name, body);
    const uploadId = newId();
    this.uploads.set(uploadId, staged);
    return { uploadId };
  }

  async startImport(request: ImportRequest): Promise<{ importId: string }> {
    const vault = this.open();
    const paths = request.paths ?? [];
    // A scan's pages on disk are checked before any upload is taken (a failed request keeps them).
    const pagePaths = new Map<string, FoundFile>();
    for (const page of (request.scans ?? []).flatMap((scan) => scan.pages)) {
      if (page.path !== undefined) pagePaths.set(page.path, await pageOnDisk(page.path));
    }
    const takeUpload = (id: string) => {
      const upload = this.uploads.get(id);
      if (!upload) throw new MedvaultError('not-found', 'An uploaded file is no longer available; drop it again.');
      this.uploads.delete(id);
      return upload;
    };
    const uploads = (request.uploadIds ?? []).map(takeUpload);
    const uploadFile = (upload: StagedUpload): FoundFile => uploadAsFile(vault, upload);
    const scanUploads: StagedUpload[] = [];
    const scans: ScanRequest[] = (request.scans ?? []).map((scan) => ({
      title: scan.title,
      pages: scan.pages.map((page) => {
        if (page.path !== undefined) return { file: pagePaths.get(page.path)!, rotate: page.rotate };
        const upload = takeUpload(page.uploadId!);
        scanUploads.push(upload);
        return { file: uploadFile(upload), rotate: page.rotate };
      }),
    }));
    if (paths.length === 0 && uploads.length === 0 && scans.length === 0) {
      throw new MedvaultError('invalid-argument', 'Choose at least one file or folder to import.');
    }
    const importId = newId();
    const controller = new AbortController();
    this.imports.set(importId, controller);
    await this.stopReadingText(); // an import goes first; what is left is read after it
    const files: FoundFile[] = uploads.map(uploadFile);
    const cleanUploads = () => discardUploads(vault, [...uploads, ...scanUploads]);
    const run = this.importQueue.then(() =>
      importIntoVault(vault, paths, {
        sourceKind: request.sourceKind ?? 'file',
        signal: controller.signal,
        files,
        scans,
        onProgress: (progress) => this.emit({ name: 'import-progress', payload: { importId, progress } }),
      }),
    );
    this.importQueue = run.catch(() => undefined);
    void run
      .then((report) => this.emit({ name: 'import-finished', payload: { importId, report } }))
      .catch((error: unknown) => this.emit({ name: 'import-failed', payload: { importId, error: toApiError(error) } }))
      .finally(() => {
        this.imports.delete(importId);
        void cleanUploads().catch(() => undefined);
        this.touch();
        if (this.imports.size === 0) this.readTextSoon();
      });
    return { importId };
  }

  async cancelImport({ importId }: { importId: string }): Promise<void> {
    this.imports.get(importId)?.abort();
  }

  async getOwner(): Promise<PatientIdentity | null> {
    return owners.getOwner(this.open());
  }

  async getScannerStatus(): Promise<ScannerStatus> {
    return { available: await scannerAvailable() };
  }

  async scanPage(): Promise<{ uploadId: string; name: string }> {
    this.open();
    const [page] = await scanPages({ pages: 1 });
    this.scannedPages++;
    const name = `scanned page ${this.scannedPages}.png`;
    const { uploadId } = await this.stageUpload(
      name,
      (async function* () {
        yield page!;
      })(),
    );
    return { uploadId, name };
  }

  async setOwner({ owner }: { owner: PatientIdentity | null }): Promise<PatientIdentity | null> {
    return owners.setOwner(this.open(), owner);
  }

  // ---- packets -----------------------------------------------------------------------------

  async getPacketDefaults(): Promise<PacketDefaults> {
    return packets.packetDefaults(this.open());
  }

  async planPacket({ request, output }: { request: PacketRequest; output: PacketOutput }): Promise<PacketPlan> {
    return packets.planPacket(this.open(), request, output);
  }

  async startPacket({
    request,
    output,
  }: {
    request: PacketRequest;
    output: PacketOutput;
  }): Promise<{ packetId: string }> {
    const vault = this.open();
    if (this.packet) {
      throw new MedvaultError('vault-busy', 'A packet is being written; wait for it to finish or cancel it.');
    }
    const checked = await packets.checkPacket(vault, request, output, () =>
      packets.packetPathIn(output, packets.extensionOf(output.form)),
    );
    const packetId = newId();
    const controller = new AbortController();
    const done = packets
      .writePacket(vault, checked.request, checked.target, {
        signal: controller.signal,
        onProgress: (progress) => this.emit({ name: 'packet-progress', payload: { packetId, progress } }),
      })
      .then((result) => this.emit({ name: 'packet-finished', payload: { packetId, result } }))
      .catch((error: unknown) => {
        const apiError = controller.signal.aborted
          ? { code: 'cancelled' as const, message: 'The packet was cancelled; nothing was written.' }
          : toApiError(error);
        this.emit({ name: 'packet-failed', payload: { packetId, error: apiError } });
      })
      .finally(() => {
        if (this.packet?.packetId === packetId) this.packet = null;
        this.touch();
      });
    this.packet = { packetId, controller, done };
    return { packetId };
  }

  async cancelPacket({ packetId }: { packetId: string }): Promise<void> {
    if (this.packet?.packetId === packetId) this.packet.controller.abort();
  }

  async checkVault(): Promise<VaultCheck> {
    return checkVault(this.open());
  }

  async removeUnreferencedFiles(): Promise<{ removed: number; bytes: number }> {
    const removed = await removeUnreferencedFiles(this.open());
    return { removed: removed.length, bytes: removed.reduce((sum, file) => sum + file.bytes, 0) };
  }

  async listDisclosures(): Promise<DisclosureRecord[]> {
    return packets.listDisclosures(this.open());
  }

  async saveDisclosuresCsv(output: { folder: string; name: string }): Promise<{ path: string }> {
    const path = await packets.packetPathIn(output, '.csv', 'the file');
    return { path: await packets.saveDisclosureLog(this.open(), path, { replace: false }) };
  }

  // ---- session -----------------------------------------------------------------------------

  /** Any call from the UI counts as activity for the idle lock. */
  touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (!this.vault || this.autoLockMinutes === 0) return;
    this.idleTimer = setTimeout(() => void this.idle(), this.autoLockMinutes * this.minuteMs);
    this.idleTimer.unref();
  }

  async close(): Promise<void> {
    await this.lockNow(null);
  }

  private async idle(): Promise<void> {
    // An import or a packet under way is activity too: locking would undo it.
    if (this.imports.size > 0 || this.packet) return this.touch();
    await this.lockNow('idle');
  }

  private async lockNow(reason: 'user' | 'idle' | null): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const vault = this.vault;
    if (!vault) return;
    for (const controller of this.imports.values()) controller.abort();
    this.imports.clear();
    const packet = this.packet;
    packet?.controller.abort();
    await packet?.done;
    await this.stopReadingText();
    this.vault = null;
    this.uploads.clear(); // their encrypted files are swept from incoming/ on the next open
    await vault.close();
    if (reason) this.emit({ name: 'locked', payload: { reason } });
  }

  private async opened(vault: Vault): Promise<void> {
    this.vault = vault;
    this.autoLockMinutes = await getAutoLockMinutes(vault);
    this.touch();
    this.readTextSoon(); // what an earlier session left queued
  }

  /**
   * Reads, in the background, the text queued for OCR by imports; each document is searchable
   * (and filed by its text) as soon as it is read. Stopped by an import, which starts it again
   * when done, and by locking; what is left stays queued in the vault.
   */
  private readTextSoon(): void {
    const vault = this.vault;
    if (!vault || this.textReading || this.imports.size > 0) return;
    const controller = new AbortController();
    const done = (async () => {
      await this.importQueue;
      if (controller.signal.aborted || (await countQueuedText(vault)) === 0) return;
      const result = await readQueuedText(vault, {
        signal: controller.signal,
        // Not activity: the idle lock still comes, stopping this; the rest is read after unlocking.
        onProgress: (progress) => this.emit({ name: 'text-progress', payload: progress }),
      });
      this.emit({ name: 'text-finished', payload: { recognized: result.recognized, remaining: result.remaining } });
    })()
      .catch(() => undefined) // a document whose text cannot be read stays as it is; nothing to tell
      .finally(() => {
        if (this.textReading?.controller === controller) this.textReading = null;
      });
    this.textReading = { controller, done };
  }

  private async stopReadingText(): Promise<void> {
    const reading = this.textReading;
    if (!reading) return;
    reading.controller.abort();
    await reading.done;
  }

  private open(): Vault {
    if (!this.vault) throw new MedvaultError('vault-locked', 'The vault is locked.');
    return this.vault;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export function toApiError(error: unknown): import('../../../shared/api').ApiError {
  if (error instanceof MedvaultError) return { code: error.code, message: error.message };
  return { code: 'internal', message: 'Something went wrong inside Medvault; nothing was changed.' };
}
