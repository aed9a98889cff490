import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { deriveVaultKeys } from '../crypto/keys';
import { MedvaultError, describeIoError } from '../errors';
import { countDocuments } from '../documents/repository';
import { allBlobIds } from '../vault/blobRows';
import { syncDirectory } from '../vault/blobStore';
import { parseKeyFile, unlockKeyFile, writeKeyFile, type Credential, type KeyFile } from '../vault/keyFile';
import { BLOB_DIR, DATABASE_FILE, Vault } from '../vault/Vault';

/**
 * A backup is one file:
 *   "MEDVAULT-BACKUP\n" | manifest length (u32 BE) | manifest JSON | entry bytes… | HMAC-SHA256
 * The manifest carries the key file (wrapped keys only) and the list of entries; the entries are
 * the vault's own ciphertext (a SQLCipher snapshot and the encrypted blobs), so nothing in the
 * archive is readable without the passphrase or recovery key. The HMAC, under a key derived from
 * the master key, covers everything before it: any change or truncation is caught on restore.
 */
const MAGIC = Buffer.from('MEDVAULT-BACKUP\n', 'ascii');
const MAC_BYTES = 32;
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
const COPY_CHUNK = 1024 * 1024;

interface Manifest {
  format: 'medvault-backup';
  version: 1;
  createdAt: string;
  vaultId: string;
  keyFile: KeyFile;
  entries: { name: string; bytes: number }[];
}

export interface BackupResult {
  path: string;
  documents: number;
  files: number;
  bytes: number;
}

/** Writes a consistent backup of an open vault; the vault stays usable while it runs. */
export async function backupVault(vault: Vault, outPath: string): Promise<BackupResult> {
  const target = resolve(outPath);
  const snapshotPath = join(vault.dir, `backup-snapshot-${randomBytes(8).toString('hex')}.db`);
  const temporary = `${target}.${randomBytes(6).toString('hex')}.partial`;
  // The snapshot and the list of blobs are taken together, so they agree; blobs are never
  // rewritten, and the ones listed are pinned so an edit meanwhile cannot delete them.
  const { blobIds, documents } = await vault.db.read(async (q) => {
    await q.run('VACUUM INTO ?', [snapshotPath]);
    return { blobIds: await allBlobIds(q), documents: await countDocuments(q) };
  });
  vault.blobs.pin(blobIds);
  let out: FileHandle | undefined;
  try {
    const entries = [{ name: DATABASE_FILE, path: snapshotPath }].concat(
      blobIds.map((id) => ({ name: `${BLOB_DIR}/${id.slice(0, 2)}/${id}`, path: vault.blobs.pathOf(id) })),
    );
    const sized = [];
    for (const entry of entries) sized.push({ ...entry, bytes: (await stat(entry.path)).size });
    const manifest: Manifest = {
      format: 'medvault-backup',
      version: 1,
      createdAt: new Date().toISOString(),
      vaultId: vault.vaultId,
      keyFile: vault.currentKeyFile,
      entries: sized.map(({ name, bytes }) => ({ name, bytes })),
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(manifestBytes.length);
    const mac = createHmac('sha256', vault.keys.backupMacKey);
    await mkdir(dirname(target), { recursive: true });
    out = await open(temporary, 'wx', 0o600);
    let position = 0;
    const write = async (data: Buffer) => {
      mac.update(data);
      await out!.write(data, 0, data.length, position);
      position += data.length;
    };
    await write(Buffer.concat([MAGIC, length, manifestBytes]));
    let total = 0;
    for (const entry of sized) {
      const input = await open(entry.path, 'r');
      try {
        const buffer = Buffer.allocUnsafe(COPY_CHUNK);
        let copied = 0;
        while (copied < entry.bytes) {
          const { bytesRead } = await input.read(buffer, 0, Math.min(COPY_CHUNK, entry.bytes - copied), copied);
          if (bytesRead === 0) throw new MedvaultError('io', 'A vault file changed size while it was being backed up.');
          await write(buffer.subarray(0, bytesRead));
          copied += bytesRead;
        }
        total += copied;
      } finally {
        await input.close();
      }
    }
    const digest = mac.digest();
    await out.write(digest, 0, digest.length, position);
    await out.sync();
    await out.close();
    out = undefined;
    await rename(temporary, target);
    await syncDirectory(dirname(target));
    return { path: target, documents, files: blobIds.length, bytes: total };
  } catch (error) {
    await out?.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error instanceof MedvaultError ? error : describeIoError(error, `the backup file ${target}`);
  } finally {
    await vault.blobs.unpin(blobIds);
    await rm(snapshotPath, { force: true });
  }
}

const ENTRY_NAME = /^(vault\.db|blobs\/([0-9a-f]{2})\/\2[0-9a-f]{30})$/;

/**
 * Restores a backup into `vaultDir`, which must not exist or be empty. The credential proves the
 * archive is this patient's and unlocks its MAC key; everything is written to a sibling folder
 * first and moved into place only when the whole archive checked out.
 */
export async function restoreVault(
  archivePath: string,
  vaultDir: string,
  credential: Credential,
): Promise<{ documents: number }> {
  const target = resolve(vaultDir);
  try {
    const existing = await readdir(target);
    if (existing.length > 0) {
      throw new MedvaultError('vault-exists', `The folder ${target} is not empty; restore into a new or empty folder.`);
    }
  } catch (error) {
    if (error instanceof MedvaultError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw describeIoError(error, `the folder ${target}`);
  }
  let input: FileHandle;
  try {
    input = await open(resolve(archivePath), 'r');
  } catch (error) {
    throw describeIoError(error, `the backup file ${archivePath}`);
  }
  const staging = join(dirname(target), `.${basename(target)}.restoring-${randomBytes(6).toString('hex')}`);
  try {
    const { size } = await input.stat();
    const damaged = () => new MedvaultError('backup-damaged', 'The backup file is damaged or incomplete.');
    const head = Buffer.alloc(MAGIC.length + 4);
    if (
      (await input.read(head, 0, head.length, 0)).bytesRead !== head.length ||
      !head.subarray(0, MAGIC.length).equals(MAGIC)
    ) {
      throw new MedvaultError('backup-damaged', 'This file is not a Medvault backup.');
    }
    const manifestLength = head.readUInt32BE(MAGIC.length);
    if (manifestLength > MAX_MANIFEST_BYTES || head.length + manifestLength + MAC_BYTES > size) throw damaged();
    const manifestBytes = Buffer.alloc(manifestLength);
    await input.read(manifestBytes, 0, manifestLength, head.length);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
    } catch {
      throw damaged();
    }
    if (manifest.format !== 'medvault-backup' || !Array.isArray(manifest.entries)) throw damaged();
    if (manifest.version > 1) {
      throw new MedvaultError(
        'vault-too-new',
        'This backup was made by a newer version of Medvault: update Medvault to restore it.',
      );
    }
    const keyFile = parseKeyFile(JSON.stringify(manifest.keyFile));
    const masterKey = await unlockKeyFile(keyFile, credential);
    const mac = createHmac('sha256', deriveVaultKeys(masterKey).backupMacKey);
    masterKey.fill(0);
    mac.update(head).update(manifestBytes);

    let position = head.length + manifestLength;
    const expectedSize = position + manifest.entries.reduce((sum, entry) => sum + entry.bytes, 0) + MAC_BYTES;
    if (expectedSize !== size) throw damaged();
    if (!manifest.entries.some((entry) => entry.name === DATABASE_FILE)) throw damaged();
    await mkdir(staging, { recursive: true, mode: 0o700 });
    const buffer = Buffer.allocUnsafe(COPY_CHUNK);
    for (const entry of manifest.entries) {
      if (
        typeof entry.name !== 'string' ||
        !ENTRY_NAME.test(entry.name) ||
        !Number.isSafeInteger(entry.bytes) ||
        entry.bytes < 0
      ) {
        throw damaged();
      }
      const path = join(staging, ...entry.name.split('/'));
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const output = await open(path, 'wx', 0o600);
      try {
        let copied = 0;
        while (copied < entry.bytes) {
          const { bytesRead } = await input.read(buffer, 0, Math.min(COPY_CHUNK, entry.bytes - copied), position);
          if (bytesRead === 0) throw damaged();
          const piece = buffer.subarray(0, bytesRead);
          mac.update(piece);
          await output.write(piece, 0, bytesRead, copied);
          copied += bytesRead;
          position += bytesRead;
        }
        await output.sync();
      } finally {
        await output.close();
      }
    }
    const stored = Buffer.alloc(MAC_BYTES);
    await input.read(stored, 0, MAC_BYTES, position);
    if (!timingSafeEqual(stored, mac.digest())) throw damaged();
    await mkdir(join(staging, BLOB_DIR, 'incoming'), { recursive: true, mode: 0o700 });
    await writeKeyFile(staging, keyFile);
    await mkdir(dirname(target), { recursive: true });
    await rm(target, { recursive: true, force: true }); // an empty folder, checked above
    await rename(staging, target);
    await syncDirectory(dirname(target));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error instanceof MedvaultError ? error : describeIoError(error, 'the restored vault');
  } finally {
    await input.close();
  }
  // Open it once: proves the database opens with the restored keys and is at a known schema.
  const vault = await Vault.open(target, credential);
  try {
    const documents = await vault.db.read((q) => countDocuments(q));
    return { documents };
  } finally {
    await vault.close();
  }
}
