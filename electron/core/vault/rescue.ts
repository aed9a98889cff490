/**
 * Rebuilding a vault's database from its files, when the database is lost (missing, emptied, cut
 * short, damaged, replaced by another vault's). The record cards (`records/`) give back each
 * document's rows — title, type, dates, provider, tags, source, files, DICOM instances, key
 * images, review state, text — and each disclosure and the settings; a stored file no card names
 * comes back as a document of its own, to be looked at. The new database is built beside the
 * old one and only put in its place once complete; the old files are moved aside, never
 * overwritten or removed. Anchors: restic's `rebuild-index`, `git fsck --lost-found`.
 */
import { createHash } from 'node:crypto';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RescueReport } from '../../../shared/api';
import { deriveVaultKeys } from '../crypto/keys';
import { Database } from '../db/Database';
import { completeImportRun, startImportRun } from '../db/importRuns';
import { migrate } from '../db/migrate';
import {
  CardRejected,
  RECORD_CARD_FORMAT,
  RECORD_CARD_VERSION,
  parseCardName,
  restoreCard,
  type CardName,
  type RecordCard,
} from '../documents/recordCards';
import { writeVaultIdentity } from '../db/vaultIdentity';
import { insertDocument } from '../documents/repository';
import { MedvaultError, describeIoError } from '../errors';
import { newId, nowIso } from '../ids';
import { blobsToVerify, insertBlobRow } from './blobRows';
import { BLOB_DIR, DATABASE_FILE, Vault, checkDatabaseFile } from './Vault';
import { BlobDamagedError, BlobStore, syncDirectory } from './blobStore';
import { readKeyFile, unlockKeyFile, type Credential } from './keyFile';
import { RECORDS_DIR, RecordCardStore } from './recordCardStore';
import { VaultLock } from './vaultLock';

export interface RescueOptions {
  /** The media type of a stored file no card names, from its first bytes (the importers' sniffing). */
  mediaTypeOf: (head: Buffer) => string;
  onProgress?: (done: number, total: number) => void;
  /** Rebuild even though the database opens (never needed to recover: for a database thought wrong). */
  evenIfReadable?: boolean;
}

const REBUILDING = `${DATABASE_FILE}.rescue`;
const DATABASE_COMPANIONS = ['', '-wal', '-shm', '-journal'];
const CARDS_PER_TRANSACTION = 200;

/** What a rescue never brings back, said in its report. */
const NOT_KEPT_IN_CARDS = 'The list of problems each past import reported is not kept in the record cards.';

export async function rescueVault(
  dir: string,
  credential: Credential,
  options: RescueOptions,
): Promise<{ vault: Vault; report: RescueReport }> {
  const keyFile = await readKeyFile(dir);
  const masterKey = await unlockKeyFile(keyFile, credential);
  if (!options.evenIfReadable) await refuseIfReadable(dir, keyFile, Buffer.from(masterKey));
  const keys = deriveVaultKeys(masterKey);
  const lock = await VaultLock.acquire(dir);
  let report: RescueReport;
  try {
    for (const suffix of DATABASE_COMPANIONS) await rm(join(dir, REBUILDING + suffix), { force: true });
    const db = await Database.open(join(dir, REBUILDING), keys.databaseKey);
    try {
      await migrate(db);
      await db.transaction((tx) => writeVaultIdentity(tx, keyFile.vaultId));
      const cards = new RecordCardStore(join(dir, RECORDS_DIR), keys.recordCardKey);
      const blobs = new BlobStore(join(dir, BLOB_DIR), keys.blobKey);
      report = await rebuild(db, cards, blobs, options);
    } finally {
      await db.close();
    }
    report.keptAside = await moveAside(dir);
    await rename(join(dir, REBUILDING), join(dir, DATABASE_FILE)).catch((error: unknown) => {
      throw describeIoError(error, `the rebuilt database in ${dir}`);
    });
    await syncDirectory(dir);
  } catch (error) {
    await lock.release();
    throw error;
  }
  await lock.release();
  const vault = await Vault.openUnlocked(dir, keyFile, masterKey);
  try {
    // The cards of the new rows (the files recovered without one among them) are written now.
    await vault.writeDueCardsNow();
  } catch (error) {
    await vault.close();
    throw error;
  }
  return { vault, report };
}

/** A database that opens as this vault's is not rescued over: `verify` is the tool for it. */
async function refuseIfReadable(dir: string, keyFile: Parameters<typeof Vault.openUnlocked>[1], masterKey: Buffer) {
  let readable = false;
  try {
    await checkDatabaseFile(dir);
    const vault = await Vault.openUnlocked(dir, keyFile, masterKey);
    await vault.close();
    readable = true;
  } catch (error) {
    if (!(error instanceof MedvaultError) || error.code !== 'database-unusable') throw error;
  }
  if (readable) {
    throw new MedvaultError(
      'invalid-argument',
      `The vault database at ${dir} opens and is this vault's: there is nothing to rescue. ` +
        'medvault verify checks every file.',
    );
  }
}

async function rebuild(
  db: Database,
  cards: RecordCardStore,
  blobs: BlobStore,
  { mediaTypeOf, onProgress }: RescueOptions,
): Promise<RescueReport> {
  const report: RescueReport = {
    documents: 0,
    disclosures: 0,
    settings: false,
    recoveredWithoutCard: 0,
    damagedCards: [],
    damagedFiles: [],
    missingFiles: [],
    keptAside: [],
    notRecovered: [NOT_KEPT_IN_CARDS],
  };
  const names = await cards.list();
  const stored = await blobs.listStored();
  const total = names.length + stored.length;
  let done = 0;
  for (let start = 0; start < names.length; start += CARDS_PER_TRANSACTION) {
    const batch: { name: CardName; card: RecordCard }[] = [];
    for (const name of names.slice(start, start + CARDS_PER_TRANSACTION)) {
      const read = await cards.read(name);
      const card = read.ok ? parseCard(name, read.plain) : null;
      if (card) batch.push({ name, card });
      else report.damagedCards.push({ card: name, reason: 'it is damaged or was altered, and cannot be read' });
    }
    await db.transaction(async (tx) => {
      for (const { name, card } of batch) {
        try {
          await restoreCard(tx, card);
        } catch (error) {
          if (!(error instanceof CardRejected)) throw error;
          report.damagedCards.push({ card: name, reason: error.message });
          continue;
        }
        if (card.kind === 'document') report.documents++;
        else if (card.kind === 'disclosure') report.disclosures++;
        else report.settings = true;
      }
    });
    done += batch.length;
    onProgress?.(done, total);
  }
  const named = await db.read((q) => blobsToVerify(q));
  const onDisk = new Set(stored);
  const known = new Set(named.map((blob) => blob.id));
  for (const blob of named) {
    if (!onDisk.has(blob.id)) report.missingFiles.push({ documentId: blob.document_id, blobId: blob.id });
  }
  let runId: string | null = null;
  for (const blobId of stored) {
    done++;
    if (known.has(blobId)) continue;
    const content = await readWhole(blobs, blobId);
    if (!content) {
      report.damagedFiles.push({ blobId, reason: 'it is damaged or was altered, and cannot be decrypted' });
      continue;
    }
    const recovered = await db.transaction(async (tx) => {
      // A copy of content another document already has is left as it is (verify lists it).
      if (!(await insertBlobRow(tx, { blobId, sha256: content.sha256, bytes: content.bytes }))) return false;
      if (!runId) {
        runId = newId();
        await startImportRun(tx, { id: runId, sourceKind: 'file', sources: ['medvault rescue'] });
      }
      const mediaType = mediaTypeOf(content.head);
      report.recoveredWithoutCard++;
      await insertDocument(tx, {
        title: `Recovered file ${report.recoveredWithoutCard}`,
        type: 'other-record',
        date: null,
        provider: null,
        sourceKind: 'file',
        sourcePath: 'recovered by a rescue, without its record card',
        mediaType,
        bytes: content.bytes,
        runId,
        files: [{ blobId, originalPath: `recovered-${blobId.slice(0, 8)}`, mediaType }],
        text: '',
      });
      return true;
    });
    if (!recovered) continue;
    onProgress?.(done, total);
  }
  if (runId) {
    const imported = report.recoveredWithoutCard;
    await db.transaction((tx) =>
      completeImportRun(tx, runId!, { imported, duplicates: 0, skipped: 0, failed: [], warnings: [] }),
    );
  }
  onProgress?.(total, total);
  return report;
}

function parseCard(name: CardName, plain: Buffer): RecordCard | null {
  let card: RecordCard;
  try {
    card = JSON.parse(plain.toString('utf8')) as RecordCard;
  } catch {
    return null;
  }
  const parsed = parseCardName(name);
  if (!parsed || card?.format !== RECORD_CARD_FORMAT || card.version !== RECORD_CARD_VERSION) return null;
  if (card.kind !== parsed.kind) return null;
  if (card.kind === 'document' && card.document?.id !== parsed.id) return null;
  if (card.kind === 'disclosure' && card.disclosure?.id !== parsed.id) return null;
  return card;
}

async function readWhole(
  blobs: BlobStore,
  blobId: string,
): Promise<{ sha256: string; bytes: number; head: Buffer } | null> {
  const hash = createHash('sha256');
  let bytes = 0;
  const head: Buffer[] = [];
  try {
    for await (const part of blobs.read(blobId)) {
      hash.update(part);
      if (bytes < 4096) head.push(part.subarray(0, 4096 - bytes));
      bytes += part.length;
    }
  } catch (error) {
    if (error instanceof BlobDamagedError) return null;
    throw error;
  }
  return { sha256: hash.digest('hex'), bytes, head: Buffer.concat(head) };
}

/** Moves the old database's files aside under a name no earlier rescue used; returns where they went. */
async function moveAside(dir: string): Promise<string[]> {
  const present = await readdir(dir);
  const stamp = nowIso().replace(/[:.]/g, '-');
  let base = `${DATABASE_FILE}.damaged-${stamp}`;
  for (let n = 2; present.some((name) => name.startsWith(base)); n++) base = `${DATABASE_FILE}.damaged-${stamp}-${n}`;
  const moved: string[] = [];
  for (const suffix of DATABASE_COMPANIONS) {
    const from = join(dir, DATABASE_FILE + suffix);
    if (!(await stat(from).catch(() => null))) continue;
    const to = join(dir, base + suffix);
    await rename(from, to).catch((error: unknown) => {
      throw describeIoError(error, `the damaged database ${from}`);
    });
    moved.push(to);
  }
  return moved;
}
