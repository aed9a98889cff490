import { randomBytes, randomUUID } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  MASTER_KEY_BYTES,
  deriveKeyFromPassphrase,
  newRecoveryKey,
  newScryptParams,
  parseRecoveryKey,
  recoveryKeyKek,
  unwrapKey,
  wrapKey,
  type ScryptParams,
  type WrappedKey,
} from '../crypto/keys';
import { MedvaultError, describeIoError } from '../errors';
import { syncDirectory } from './blobStore';
import { MIN_PASSPHRASE_LENGTH } from '../../../shared/limits';

/**
 * `vault.json`: the only file of a vault that is not ciphertext. It holds the KDF parameters and
 * the master key wrapped twice (by the passphrase and by the recovery key) — nothing about the
 * patient.
 */
export interface KeyFile {
  format: 'medvault-vault';
  version: 1;
  vaultId: string;
  createdAt: string;
  kdf: ScryptParams;
  passphraseKey: WrappedKey;
  recoveryKey: { salt: string; wrapped: WrappedKey };
}

export const KEY_FILE_NAME = 'vault.json';
const KEY_FILE_VERSION = 1;

export type Credential = { passphrase: string } | { recoveryKey: string };

export { MIN_PASSPHRASE_LENGTH };

export function checkNewPassphrase(passphrase: string): void {
  if ([...passphrase.normalize('NFC')].length < MIN_PASSPHRASE_LENGTH) {
    throw new MedvaultError(
      'weak-passphrase',
      `The passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters long.`,
    );
  }
}

function aad(keyFile: Pick<KeyFile, 'vaultId'>, slot: 'passphrase' | 'recovery'): string {
  return `medvault master key v1 ${keyFile.vaultId} ${slot}`;
}

export async function createKeyFile(
  passphrase: string,
): Promise<{ keyFile: KeyFile; masterKey: Buffer; recoveryKey: string }> {
  checkNewPassphrase(passphrase);
  const masterKey = randomBytes(MASTER_KEY_BYTES);
  const vaultId = randomUUID();
  const kdf = newScryptParams();
  const kek = await deriveKeyFromPassphrase(passphrase, kdf);
  const recovery = newRecoveryKey();
  const recoverySalt = randomBytes(32);
  const keyFile: KeyFile = {
    format: 'medvault-vault',
    version: KEY_FILE_VERSION,
    vaultId,
    createdAt: new Date().toISOString(),
    kdf,
    passphraseKey: wrapKey(kek, masterKey, aad({ vaultId }, 'passphrase')),
    recoveryKey: {
      salt: recoverySalt.toString('base64'),
      wrapped: wrapKey(recoveryKeyKek(recovery.bytes, recoverySalt), masterKey, aad({ vaultId }, 'recovery')),
    },
  };
  return { keyFile, masterKey, recoveryKey: recovery.display };
}

export async function unlockKeyFile(keyFile: KeyFile, credential: Credential): Promise<Buffer> {
  if ('passphrase' in credential) {
    const kek = await deriveKeyFromPassphrase(credential.passphrase, keyFile.kdf);
    const key = unwrapKey(kek, keyFile.passphraseKey, aad(keyFile, 'passphrase'));
    if (!key) throw new MedvaultError('wrong-passphrase', 'The passphrase is incorrect.');
    return key;
  }
  const bytes = parseRecoveryKey(credential.recoveryKey);
  const key =
    bytes &&
    unwrapKey(
      recoveryKeyKek(bytes, Buffer.from(keyFile.recoveryKey.salt, 'base64')),
      keyFile.recoveryKey.wrapped,
      aad(keyFile, 'recovery'),
    );
  if (!key) throw new MedvaultError('wrong-recovery-key', 'The recovery key is incorrect.');
  return key;
}

/** A new passphrase wraps the same master key under fresh KDF salt; the recovery key still works. */
export async function rewrapWithPassphrase(keyFile: KeyFile, masterKey: Buffer, passphrase: string): Promise<KeyFile> {
  checkNewPassphrase(passphrase);
  const kdf = newScryptParams();
  const kek = await deriveKeyFromPassphrase(passphrase, kdf);
  return { ...keyFile, kdf, passphraseKey: wrapKey(kek, masterKey, aad(keyFile, 'passphrase')) };
}

export async function readKeyFile(dir: string): Promise<KeyFile> {
  let text: string;
  try {
    text = await readFile(join(dir, KEY_FILE_NAME), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new MedvaultError(
        'vault-not-found',
        `There is no Medvault vault at ${dir} (run "medvault init" to create one).`,
      );
    }
    throw describeIoError(error, 'the vault key file');
  }
  return parseKeyFile(text);
}

export function parseKeyFile(text: string): KeyFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MedvaultError('vault-damaged', 'The vault key file (vault.json) is damaged.');
  }
  const keyFile = value as Partial<KeyFile>;
  if (keyFile?.format !== 'medvault-vault') {
    throw new MedvaultError('vault-damaged', 'The vault key file (vault.json) is not a Medvault key file.');
  }
  if (typeof keyFile.version !== 'number' || keyFile.version > KEY_FILE_VERSION) {
    throw new MedvaultError(
      'vault-too-new',
      'This vault was created by a newer version of Medvault: update Medvault to open it.',
    );
  }
  if (!keyFile.vaultId || !keyFile.kdf || !keyFile.passphraseKey || !keyFile.recoveryKey) {
    throw new MedvaultError('vault-damaged', 'The vault key file (vault.json) is incomplete.');
  }
  return keyFile as KeyFile;
}

/** Replaces vault.json atomically: a crash leaves the old file or the new one, never half of each. */
export async function writeKeyFile(dir: string, keyFile: KeyFile): Promise<void> {
  const target = join(dir, KEY_FILE_NAME);
  const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(keyFile, null, 2) + '\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
    await syncDirectory(dirname(target));
  } catch (error) {
    await rm(temporary, { force: true });
    throw describeIoError(error, 'the vault key file');
  }
}
