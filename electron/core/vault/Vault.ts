import { chmod, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { deriveVaultKeys, type VaultKeys } from '../crypto/keys';
import { Database } from '../db/Database';
import { endImportRun, runningImportRuns } from '../db/importRuns';
import { migrate } from '../db/migrate';
import {
  cardNamesExpected,
  clearPendingCards,
  countPendingCards,
  markAllCardsPending,
  markCardsPending,
  pendingCards,
  type CardName,
} from '../db/recordCardsPending';
import { readVaultIdentity, writeVaultIdentity } from '../db/vaultIdentity';
import { readCard } from '../documents/recordCards';
import { countDocuments, deleteRunDocuments } from '../documents/repository';
import { MedvaultError, describeIoError } from '../errors';
import { nowIso } from '../ids';
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
import { RECORDS_DIR, RecordCardStore } from './recordCardStore';
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
  /** Stored files no document names: kept (never deleted on open), reported, removed when asked. */
  unreferenced: { blobId: string; bytes: number }[];
  /** The record cards a rescue would rebuild from: how many are due to be written, how many are missing. */
  recordCards: { expected: number; missing: number; due: number };
}

/**
 * The database file as it must be before it is opened: there, not empty, not cut short (SQLCipher
 * writes whole pages). Each refusal its own sentence; nothing is changed.
 */
export async function checkDatabaseFile(dir: string): Promise<void> {
  const path = join(dir, DATABASE_FILE);
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw describeIoError(error, `the vault database ${path}`);
  });
  if (!info) throw unusable(dir, `The vault database (${DATABASE_FILE}) is missing.`);
  if (!info.isFile()) throw unusable(dir, `The vault database (${DATABASE_FILE}) is not a file.`);
  if (info.size === 0) {
    throw unusable(dir, `The vault database (${DATABASE_FILE}) is empty: it was cut off or replaced by an empty file.`);
  }
  if (info.size % DATABASE_PAGE_BYTES !== 0) {
    throw unusable(dir, `The vault database (${DATABASE_FILE}) is cut short (${info.size} bytes, not whole pages).`);
  }
}

/** SQLCipher 4's page size: a whole database is a multiple of it. */
const DATABASE_PAGE_BYTES = 4096;

export function unusable(dir: string, sentence: string): MedvaultError {
  return new MedvaultError(
    'database-unusable',
    `${sentence} The vault at ${dir} was not opened, and nothing in it was changed or removed. ` +
      'A rescue rebuilds the database from the vault’s record cards (medvault rescue, or “Rescue the vault” in the app).',
  );
}

/**
 * The database is this vault's: it names `vault.json`'s vault id (a vault made before the id was
 * kept gets it now). Another vault's database, under this vault's keys, is refused.
 */
async function bindToVault(db: Database, dir: string, vaultId: string): Promise<void> {
  const bound = await db.read((q) => readVaultIdentity(q));
  if (bound === vaultId) return;
  if (bound !== null) throw unusable(dir, `The vault database (${DATABASE_FILE}) belongs to another vault.`);
  await db.transaction((tx) => writeVaultIdentity(tx, vaultId));
}

/**
 * An unlocked vault: a folder holding `vault.json` (wrapped keys), `vault.db` (SQLCipher) and
 * `blobs/` (one encrypted file per document file). Only one process has it open at a time.
 */
export class Vault {
  private closed = false;
  /** The card writer in flight (one at a time: two would race to rename the same card). */
  private cardWork: Promise<void> | null = null;
  private cardsDue = false;
  private cardProblem: Error | null = null;

  private constructor(
    readonly dir: string,
    readonly db: Database,
    readonly blobs: BlobStore,
    readonly cards: RecordCardStore,
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
      await RecordCardStore.initialize(join(dir, RECORDS_DIR));
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

  /** @internal for the rescue, which has unlocked the key file itself. */
  static async openUnlocked(
    dir: string,
    keyFile: KeyFile,
    masterKey: Buffer,
    { creating = false } = {},
  ): Promise<Vault> {
    const keys = deriveVaultKeys(masterKey);
    const lock = await VaultLock.acquire(dir);
    let db: Database | undefined;
    try {
      // What the database must be before anything touches it: refused, not repaired, so that a
      // lost or replaced database never passes for an empty vault (whose open would clean up).
      if (!creating) await checkDatabaseFile(dir);
      try {
        db = await Database.open(join(dir, DATABASE_FILE), keys.databaseKey, { existing: !creating });
      } catch (error) {
        throw error instanceof MedvaultError && error.code === 'database-unusable'
          ? unusable(dir, error.message)
          : error;
      }
      await migrate(db);
      await bindToVault(db, dir, keyFile.vaultId);
      const vault = new Vault(
        dir,
        db,
        new BlobStore(join(dir, BLOB_DIR), keys.blobKey),
        new RecordCardStore(join(dir, RECORDS_DIR), keys.recordCardKey),
        keyFile,
        masterKey,
        keys,
        lock,
      );
      await vault.recoverFromCrash();
      db.onCommit(() => vault.scheduleCardWrites());
      vault.scheduleCardWrites();
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
      // What is due is written now; what cannot be (a full disk) stays due for the next open.
      await this.writeDueCardsNow().catch(() => undefined);
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
   * unreferenced files, which `verify` reports and `medvault clean` removes when asked.
   */
  async rollbackRun(runId: string, status: 'cancelled' | 'interrupted'): Promise<void> {
    const orphaned = await this.db.transaction(async (tx) => {
      const blobIds = await deleteRunDocuments(tx, runId);
      await endImportRun(tx, runId, status);
      return blobIds;
    });
    for (const blobId of orphaned) await this.blobs.delete(blobId);
  }

  /**
   * Imports that were running when a process died are undone (their run names what they wrote),
   * then the unfinished writes in `blobs/incoming` are removed. Nothing else is deleted on open: a
   * stored file the database does not name is kept, and `verify` reports it.
   */
  private async recoverFromCrash(): Promise<void> {
    const running = await this.db.read((q) => runningImportRuns(q));
    for (const runId of running) await this.rollbackRun(runId, 'interrupted');
    await this.blobs.removeUnfinishedWrites();
    // No cards at all (a vault from before them, or restored from a backup): every one is due.
    if (!(await this.cards.exists())) await this.db.transaction((tx) => markAllCardsPending(tx));
    await this.cards.removeUnfinishedWrites();
  }

  /** After each commit: the cards it marked are written in the background, in order. */
  private scheduleCardWrites(): void {
    if (!this.closed) void this.writeDueCardsNow().catch(() => undefined);
  }

  /**
   * Writes every card that is due and resolves when none is (a failure, such as a full disk,
   * rejects; the cards stay due and are tried again at the next commit or open).
   */
  async writeDueCardsNow(): Promise<void> {
    this.cardsDue = true;
    this.cardWork ??= (async () => {
      try {
        while (this.cardsDue) {
          this.cardsDue = false;
          await this.writePendingCards();
        }
        this.cardProblem = null;
      } catch (error) {
        this.cardProblem = error as Error;
      } finally {
        this.cardWork = null;
      }
    })();
    await this.cardWork;
    if (this.cardProblem) throw this.cardProblem;
  }

  private async writePendingCards(): Promise<void> {
    for (;;) {
      const batch = await this.db.read(async (q) => {
        const due = await pendingCards(q, CARDS_PER_BATCH);
        const writtenAt = nowIso();
        const read = [];
        for (const pending of due) read.push({ pending, card: await readCard(q, pending.card, writtenAt) });
        return read;
      });
      if (!batch.length) return;
      await this.cards.write(
        batch.flatMap(({ pending, card }) =>
          card ? [{ name: pending.card, plain: Buffer.from(JSON.stringify(card), 'utf8') }] : [],
        ),
      );
      await this.cards.remove(batch.flatMap(({ pending, card }) => (card ? [] : [pending.card])));
      await this.db.transaction((tx) =>
        clearPendingCards(
          tx,
          batch.map(({ pending }) => pending),
        ),
      );
    }
  }

  /** Which cards are on disk against what the database holds (for verify); missing ones are written again. */
  private async checkRecordCards(): Promise<VerifyReport['recordCards']> {
    const { expected, due } = await this.db.read(async (q) => ({
      expected: await cardNamesExpected(q),
      due: await countPendingCards(q),
    }));
    const onDisk = new Set<CardName>(await this.cards.list());
    const missing = expected.filter((name) => !onDisk.has(name));
    // A card lost on disk (and not already due) would never be written again: it is made due now.
    if (missing.length) {
      await this.db.transaction((tx) => markCardsPending(tx, missing));
      await this.writeDueCardsNow().catch(() => undefined);
    }
    return { expected: expected.length, missing: missing.length, due };
  }

  /** Stored files no document names (left by an undo cut short, or put there by hand), with their sizes. */
  async unreferencedBlobs(): Promise<{ blobId: string; bytes: number }[]> {
    const known = new Set(await this.db.read((q) => allBlobIds(q)));
    const unknown: { blobId: string; bytes: number }[] = [];
    for (const blobId of await this.blobs.listStored()) {
      if (!known.has(blobId)) unknown.push({ blobId, bytes: await this.blobs.sizeOf(blobId) });
    }
    return unknown;
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
    return {
      ok: database === 'ok' && problems.length === 0,
      database,
      documents,
      blobsChecked: blobs.length,
      bytesChecked,
      problems,
      unreferenced: await this.unreferencedBlobs(),
      recordCards: await this.checkRecordCards(),
    };
  }
}

const CREATE_LEFTOVERS = new Set([
  DATABASE_FILE,
  `${DATABASE_FILE}-wal`,
  `${DATABASE_FILE}-shm`,
  `${DATABASE_FILE}-journal`,
  BLOB_DIR,
  RECORDS_DIR,
  'vault.lock',
]);

/** Cards read and written per round: each round is one read and one short transaction. */
const CARDS_PER_BATCH = 200;

const PROBLEM_SENTENCE: Record<BlobProblem, string> = {
  missing: 'its encrypted file is missing.',
  truncated: 'its encrypted file has been cut short (truncated).',
  altered: 'its encrypted file has been altered or damaged (authentication failed).',
  'wrong-length': 'its encrypted file has a different length than recorded.',
  'wrong-content': 'its encrypted file does not hold the recorded content.',
};
