import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import type {
  ApiArgs,
  ApiEvent,
  ApiMethod,
  ApiValue,
  FolderEntry,
  FolderListing,
  ImportRequest,
  LibraryFacets,
  PacketDefaults,
  PacketOutput,
  ScannerStatus,
  VaultStatus,
} from '../../../shared/api';
import type { DicomStudyView } from '../../../shared/dicom';
import type { DocumentEdit, DocumentFilter } from '../../../shared/documents';
import type { DisclosureRecord, PacketPlan, PacketRequest } from '../../../shared/packets';
import type { PatientIdentity } from '../../../shared/imports';
import type { ReadableDocument } from '../../../shared/readable';
import { getDicomStudy, setKeyImage, type KeyImageChange } from '../documents/dicomStudy';
import { getOwner, setOwner } from '../documents/owner';
import { hasReadableView, readableView } from '../documents/readable';
import { MedvaultError } from '../errors';
import { newId } from '../ids';
import { countPendingText, recognizePendingText } from '../import/recognition/recognizeText';
import { runImport } from '../import/runImport';
import type { RandomAccess } from '../import/archive/randomAccess';
import type { FoundFile } from '../import/types';
import type { ScanRequest } from '../import/scan/ScanImporter';
import { findScanimage, scanWithScanimage } from '../import/scan/scanner';
import { isSystemFile } from '../import/systemFiles';
import { listDisclosures } from '../export/disclosureLog';
import { checkVaultPacket, packetDefaults, planVaultPacket, saveDisclosureLog, writeVaultPacket } from './packets';
import type { Credential } from '../vault/keyFile';
import { KEY_FILE_NAME } from '../vault/keyFile';
import { Vault } from '../vault/Vault';

/** The contract's methods as the core implements them: the same names and types, async. */
export type ServiceMethods = { [M in ApiMethod]: (...args: ApiArgs<M>) => Promise<ApiValue<M>> };

export const DEFAULT_AUTO_LOCK_MINUTES = 10;
const AUTO_LOCK_SETTING = 'autoLockMinutes';

interface Upload {
  blobId: string;
  name: string;
  bytes: number;
}

export interface FileForViewer {
  mediaType: string;
  bytes: number;
  read(range: { start: number; end: number }): AsyncIterable<Buffer>;
}

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
  private readonly uploads = new Map<string, Upload>();
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
    const { vault, recoveryKey } = await Vault.create(this.vaultDir, passphrase);
    await this.opened(vault);
    return { recoveryKey, status: await this.getStatus() };
  }

  async unlock(credential: { passphrase: string } | { recoveryKey: string }): Promise<VaultStatus> {
    if (!this.vault) await this.opened(await Vault.open(this.vaultDir, credential as Credential));
    return this.getStatus();
  }

  async lock(): Promise<VaultStatus> {
    await this.lockNow('user');
    return this.getStatus();
  }

  async setAutoLock({ minutes }: { minutes: number }): Promise<VaultStatus> {
    const vault = this.open();
    await vault.db.transaction((tx) =>
      tx.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
        AUTO_LOCK_SETTING,
        String(minutes),
      ]),
    );
    this.autoLockMinutes = minutes;
    this.touch();
    return this.getStatus();
  }

  // ---- documents ---------------------------------------------------------------------------

  async listDocuments(filter: DocumentFilter) {
    return this.open().listDocuments(filter);
  }

  async getFacets(): Promise<LibraryFacets> {
    const vault = this.open();
    const categories = await vault.countByCategory();
    return vault.db.read(async (q) => ({
      total: categories.reduce((sum, row) => sum + row.count, 0),
      categories,
      needsReview: (await q.get<{ n: number }>('SELECT count(*) AS n FROM documents WHERE needs_review = 1'))!.n,
      textPending: await countPendingText(q),
      providers: (
        await q.all<{ name: string }>(
          `SELECT name FROM providers WHERE id IN (SELECT provider_id FROM documents) ORDER BY name COLLATE NOCASE`,
        )
      ).map((row) => row.name),
      tags: (
        await q.all<{ name: string }>(
          `SELECT name FROM tags WHERE id IN (SELECT tag_id FROM document_tags) ORDER BY name COLLATE NOCASE`,
        )
      ).map((row) => row.name),
    }));
  }

  async getDocument({ id }: { id: string }) {
    return this.open().getDocument(id);
  }

  async getDicomStudy({ id }: { id: string }): Promise<DicomStudyView> {
    return this.open().db.read((q) => getDicomStudy(q, id));
  }

  async setKeyImage(change: KeyImageChange): Promise<DicomStudyView> {
    return this.open().db.transaction((tx) => setKeyImage(tx, change));
  }

  async getReadableDocument({ id }: { id: string }): Promise<ReadableDocument | null> {
    const document = await this.getDocument({ id });
    const file = document.files[0];
    if (!file || !hasReadableView(file.mediaType)) return null;
    const source = await this.fileForViewer(document.id, file.position);
    const parts: Buffer[] = [];
    for await (const part of source.read({ start: 0, end: source.bytes })) parts.push(part);
    return readableView(file.mediaType, Buffer.concat(parts));
  }

  async editDocument({ id, edit }: { id: string; edit: DocumentEdit }) {
    return this.open().editDocument(id, edit);
  }

  /** The bytes of one file of a document, for the viewers; decrypted as they are read. */
  async fileForViewer(documentId: string, position: number): Promise<FileForViewer> {
    const vault = this.open();
    const row = await vault.db.read((q) =>
      q.get<{ blob_id: string; media_type: string; bytes: number }>(
        `SELECT f.blob_id, f.media_type, b.bytes FROM document_files f JOIN blobs b ON b.id = f.blob_id
         WHERE f.document_id = ? AND f.position = ?`,
        [documentId, position],
      ),
    );
    if (!row) throw new MedvaultError('not-found', 'There is no such document file.');
    return {
      mediaType: row.media_type,
      bytes: row.bytes,
      read: (range) => vault.blobs.read(row.blob_id, range),
    };
  }

  // ---- importing ---------------------------------------------------------------------------

  /**
   * Lists a folder on this computer for the import dialog of browser mode (Electron uses the
   * system's dialog instead). Hidden and system files are left out.
   */
  async browseFolder({ path }: { path: string | null }): Promise<FolderListing> {
    this.open();
    const folder = resolve(path ?? homedir());
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      throw new MedvaultError('not-found', `The folder ${folder} cannot be opened.`);
    }
    const listed: FolderEntry[] = [];
    for (const entry of entries) {
      if (isSystemFile(entry.name)) continue;
      const full = join(folder, entry.name);
      const info = await stat(full).catch(() => null);
      if (!info) continue;
      if (info.isDirectory()) listed.push({ name: entry.name, path: full, kind: 'folder', bytes: null });
      else if (info.isFile()) listed.push({ name: entry.name, path: full, kind: 'file', bytes: info.size });
    }
    listed.sort((a, b) =>
      a.kind === b.kind
        ? a.name.localeCompare(b.name, undefined, { sensitivity: 'base' })
        : a.kind === 'folder'
          ? -1
          : 1,
    );
    const parent = dirname(folder);
    return {
      path: folder,
      parent: parent === folder || folder === parse(folder).root ? null : parent,
      entries: listed,
    };
  }

  /** Stores a file dropped on the window (browser mode) encrypted in the vault until it is imported. */
  async stageUpload(name: string, body: AsyncIterable<Buffer | Uint8Array>): Promise<{ uploadId: string }> {
    const vault = this.open();
    this.touch();
    const writer = await vault.blobs.createWriter();
    try {
      for await (const chunk of body) await writer.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      const written = await writer.finish();
      const uploadId = newId();
      this.uploads.set(uploadId, { blobId: written.blobId, name: cleanName(name), bytes: written.bytes });
      return { uploadId };
    } catch (error) {
      await writer.abort();
      throw error;
    }
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
    const uploadFile = (upload: Upload): FoundFile => ({
      path: upload.name,
      relativePath: upload.name,
      bytes: upload.bytes,
      content: {
        chunks: () => vault.blobs.read(upload.blobId, {}, 'incoming'),
        randomAccess: async () => uploadAccess(vault, upload),
      },
    });
    const scanUploads: Upload[] = [];
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
    const cleanUploads = () =>
      Promise.all([...uploads, ...scanUploads].map((upload) => vault.blobs.discardIncoming(upload.blobId)));
    const run = this.importQueue.then(() =>
      runImport(vault, paths, {
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
    return this.open().db.read((q) => getOwner(q));
  }

  async getScannerStatus(): Promise<ScannerStatus> {
    return { available: (await findScanimage()) !== null };
  }

  async scanPage(): Promise<{ uploadId: string; name: string }> {
    this.open();
    const [page] = await scanWithScanimage({ pages: 1 });
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
    return this.open().db.transaction((tx) => setOwner(tx, owner));
  }

  // ---- packets -----------------------------------------------------------------------------

  async getPacketDefaults(): Promise<PacketDefaults> {
    return packetDefaults(this.open());
  }

  async planPacket({ request, output }: { request: PacketRequest; output: PacketOutput }): Promise<PacketPlan> {
    return planVaultPacket(this.open(), request, output);
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
    const path = await checkVaultPacket(vault, request, output);
    const packetId = newId();
    const controller = new AbortController();
    const done = writeVaultPacket(vault, request, output, path, {
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

  async listDisclosures(): Promise<DisclosureRecord[]> {
    return this.open().db.read((q) => listDisclosures(q));
  }

  async saveDisclosuresCsv(output: { folder: string; name: string }): Promise<{ path: string }> {
    return { path: await saveDisclosureLog(this.open(), output) };
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
    const setting = await vault.db.read((q) =>
      q.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [AUTO_LOCK_SETTING]),
    );
    const minutes = Number(setting?.value);
    this.autoLockMinutes = setting && Number.isInteger(minutes) && minutes >= 0 ? minutes : DEFAULT_AUTO_LOCK_MINUTES;
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
      if (controller.signal.aborted || (await vault.db.read((q) => countPendingText(q))) === 0) return;
      const result = await recognizePendingText(vault, {
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

async function pageOnDisk(path: string): Promise<FoundFile> {
  const full = resolve(path);
  const info = await stat(full).catch(() => null);
  if (!info?.isFile()) throw new MedvaultError('not-found', `The scanned page ${full} is not a file.`);
  return { path: full, relativePath: full.split(/[\\/]/).pop() ?? full, bytes: info.size };
}

function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // Control characters could forge lines in reports; drop them.
  const printable = [...base].filter((char) => char >= ' ' && char !== '\u007f').join('');
  return printable.slice(0, 255) || 'dropped file';
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

/** A dropped file read at any offset, decrypting only the chunks a read touches (a zip's directory, one entry). */
function uploadAccess(vault: Vault, upload: Upload): RandomAccess {
  return {
    size: upload.bytes,
    read: async (offset, length) => {
      const end = Math.min(upload.bytes, offset + length);
      if (end <= offset) return Buffer.alloc(0);
      const parts: Buffer[] = [];
      for await (const part of vault.blobs.read(upload.blobId, { start: offset, end }, 'incoming')) parts.push(part);
      return Buffer.concat(parts);
    },
    close: async () => {},
  };
}
