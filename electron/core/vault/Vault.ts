import { chmod, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { deriveVaultKeys, type VaultKeys } from '../crypto/keys';
import { Database } from '../db/Database';
import { endImportRun, runningImportRuns } from '../db/importRuns';
import { migrate } from '../db/migrate';
import { countDocuments, deleteRunDocuments } from '../documents/repository';
import { MedvaultError, describeIoError } from '../errors';
import { allBlobIds, blobsToVerify } from './blobRows';
import { BlobStore, type BlobProblem } from './blobStore';
import {
  KEY_FILE_NAME,
  createKeyFile,
  readKeyFile,
  rewrapWithPassphrase,
  unlockKeyFile,
  writeKeyFile,
  type Credential,
  type KeyFile,
} from './keyFile';
import { VaultLock } from './vaultLock';

export const DATABASE_FILE = 'vault.db';
export const BLOB_DIR = 'blobs';

export interface VerifyProblem {
  documentId: string | null;
  blobId: string;
  problem: BlobProblem;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  /** 'ok', or what SQLite/SQLCipher found wrong. */
  database: string;
  documents: number;
  blobsChecked: number;
  bytesChecked: number;
  problems: VerifyProblem[];
}

/**
 * An unlocked vault: a folder holding `vault.json` (wrapped keys), `vault.db` (SQLCipher) and
 * `blobs/` (one encrypted file per document file). Only one process has it open at a time.
 */
export class Vault {
  private closed = false;

  private constructor(
    readonly dir: string,
    readonly db: Database,
    readonly blobs: BlobStore,
    private keyFile: KeyFile,
    private readonly masterKey: Buffer,
    readonly keys: VaultKeys,
    private readonly lock: VaultLock,
  ) {}

  /** Creates a new vault in `dir` (which must be missing or empty); returns the recovery key once. */
  static async create(dir: string, passphrase: string): Promise<{ vault: Vault; recoveryKey: string }> {
    let existing: string[] = [];
    try {
      existing = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw describeIoError(error, `the folder ${dir}`);
    }
    if (existing.includes(KEY_FILE_NAME)) {
      throw new MedvaultError('vault-exists', `There is already a vault at ${dir}.`);
    }
    // The key file is written last: a folder without it is not a vault yet, and what a failed
    // create left behind (which nothing can decrypt) is cleared before trying again.
    const leftovers = existing.filter((name) => CREATE_LEFTOVERS.has(name));
    if (leftovers.length < existing.length) {
      throw new MedvaultError(
        'vault-exists',
        `The folder ${dir} is not empty; choose an empty or new folder for the vault.`,
      );
    }
    for (const name of leftovers) await rm(join(dir, name), { recursive: true, force: true });
    const { keyFile, masterKey, recoveryKey } = await createKeyFile(passphrase);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await BlobStore.initialize(join(dir, BLOB_DIR));
      await chmod(dir, 0o700); // also when the patient made the folder beforehand
      const vault = await Vault.openUnlocked(dir, keyFile, masterKey, { creating: true });
      await chmod(join(dir, DATABASE_FILE), 0o600);
      await writeKeyFile(dir, keyFile);
      return { vault, recoveryKey };
    } catch (error) {
      for (const name of CREATE_LEFTOVERS)
        await rm(join(dir, name), { recursive: true, force: true }).catch(() => undefined);
      throw error instanceof MedvaultError ? error : describeIoError(error, `the vault folder ${dir}`);
    }
  }

  static async open(dir: string, credential: Credential): Promise<Vault> {
    const keyFile = await readKeyFile(dir);
    const masterKey = await unlockKeyFile(keyFile, credential);
    return Vault.openUnlocked(dir, keyFile, masterKey);
  }

  private static async openUnlocked(
    dir: string,
    keyFile: KeyFile,
    masterKey: Buffer,
    { creating = false } = {},
  ): Promise<Vault> {
    const keys = deriveVaultKeys(masterKey);
    const lock = await VaultLock.acquire(dir);
    let db: Database | undefined;
    try {
      if (!creating && !(await exists(join(dir, DATABASE_FILE)))) {
        throw new MedvaultError('vault-damaged', `The vault database (${DATABASE_FILE}) is missing from ${dir}.`);
      }
      db = await Database.open(join(dir, DATABASE_FILE), keys.databaseKey);
      await migrate(db);
      const vault = new Vault(
        dir,
        db,
        new BlobStore(join(dir, BLOB_DIR), keys.blobKey),
        keyFile,
        masterKey,
        keys,
        lock,
      );
      await vault.recoverFromCrash();
      return vault;
    } catch (error) {
      await db?.close().catch(() => undefined);
      await lock.release();
      throw error;
    }
  }

  get vaultId(): string {
    return this.keyFile.vaultId;
  }

  /** The key file as it is on disk (wrapped keys only); a backup carries it. */
  get currentKeyFile(): KeyFile {
    return this.keyFile;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.db.close();
    } finally {
      this.masterKey.fill(0);
      await this.lock.release();
    }
  }

  async changePassphrase(newPassphrase: string): Promise<void> {
    const updated = await rewrapWithPassphrase(this.keyFile, this.masterKey, newPassphrase);
    await writeKeyFile(this.dir, updated);
    this.keyFile = updated;
  }

  /**
   * Undoes an import run: its documents go, and so do blobs no other document uses.
   * The rows go first (one transaction), then the files; a crash in between leaves only
   * unreferenced files, which the next open sweeps.
   */
  async rollbackRun(runId: string, status: 'cancelled' | 'interrupted'): Promise<void> {
    const orphaned = await this.db.transaction(async (tx) => {
      const blobIds = await deleteRunDocuments(tx, runId);
      await endImportRun(tx, runId, status);
      return blobIds;
    });
    for (const blobId of orphaned) await this.blobs.delete(blobId);
  }

  /** Imports that were running when a process died are undone, then stray files are swept. */
  private async recoverFromCrash(): Promise<void> {
    const running = await this.db.read((q) => runningImportRuns(q));
    for (const runId of running) await this.rollbackRun(runId, 'interrupted');
    const known = await this.db.read((q) => allBlobIds(q));
    await this.blobs.sweep(new Set(known));
  }

  async verify(onProgress?: (done: number, total: number) => void): Promise<VerifyReport> {
    const { database, blobs, documents } = await this.db.read(async (q) => {
      const cipherProblems = await q.all<Record<string, unknown>>('PRAGMA cipher_integrity_check');
      const integrity = await q.all<{ integrity_check: string }>('PRAGMA integrity_check');
      const foreignKeys = await q.all('PRAGMA foreign_key_check');
      const messages = [
        ...cipherProblems.map((row) => Object.values(row).join(' ')),
        ...integrity.map((row) => row.integrity_check).filter((text) => text !== 'ok'),
        ...(foreignKeys.length ? [`${foreignKeys.length} broken reference(s) between tables`] : []),
      ];
      return {
        database: messages.length ? messages.join('; ') : 'ok',
        blobs: await blobsToVerify(q),
        documents: await countDocuments(q),
      };
    });
    const problems: VerifyProblem[] = [];
    let bytesChecked = 0;
    for (const [index, blob] of blobs.entries()) {
      const problem = await this.blobs.verify(blob.id, { bytes: blob.bytes, sha256: blob.sha256 });
      if (problem) {
        const owner = blob.document_id ? `Document ${blob.document_id}` : `File ${blob.id}`;
        problems.push({
          documentId: blob.document_id,
          blobId: blob.id,
          problem,
          message: `${owner}: ${PROBLEM_SENTENCE[problem]}`,
        });
      }
      bytesChecked += blob.bytes;
      onProgress?.(index + 1, blobs.length);
    }
    // Files on disk the database does not know are swept on open, so any here appeared since.
    return {
      ok: database === 'ok' && problems.length === 0,
      database,
      documents,
      blobsChecked: blobs.length,
      bytesChecked,
      problems,
    };
  }
}

const CREATE_LEFTOVERS = new Set([
  DATABASE_FILE,
  `${DATABASE_FILE}-wal`,
  `${DATABASE_FILE}-shm`,
  `${DATABASE_FILE}-journal`,
  BLOB_DIR,
  'vault.lock',
]);

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

const PROBLEM_SENTENCE: Record<BlobProblem, string> = {
  missing: 'its encrypted file is missing.',
  truncated: 'its encrypted file has been cut short (truncated).',
  altered: 'its encrypted file has been altered or damaged (authentication failed).',
  'wrong-length': 'its encrypted file has a different length than recorded.',
  'wrong-content': 'its encrypted file does not hold the recorded content.',
};
