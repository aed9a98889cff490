import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt } from 'node:crypto';
import { MedvaultError } from '../errors';

/**
 * Key hierarchy (after Cryptomator and KeePassXC):
 *   passphrase --scrypt--> key-encryption key --AES-GCM wraps--> master key (random, 256 bit)
 *   recovery key --HKDF--> key-encryption key --AES-GCM wraps--> the same master key
 *   master key --HKDF--> database key (raw SQLCipher key), blob key, backup MAC key, record card key
 * Changing the passphrase re-wraps the master key; nothing else is re-encrypted.
 */

export interface ScryptParams {
  name: 'scrypt';
  /** CPU/memory cost; memory used is 128 * N * r bytes. */
  N: number;
  r: number;
  p: number;
  salt: string; // base64
}

export interface WrappedKey {
  nonce: string; // base64, 12 bytes
  ciphertext: string; // base64, 32 bytes
  tag: string; // base64, 16 bytes
}

/** 128 MiB and about half a second on the reference machine (2 cores, Node 20). */
export const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
const MIN_SCRYPT_MEMORY = 64 * 1024 * 1024;

export const MASTER_KEY_BYTES = 32;

export function newScryptParams(): ScryptParams {
  return { name: 'scrypt', ...DEFAULT_SCRYPT, salt: randomBytes(32).toString('base64') };
}

function scryptMemory(params: ScryptParams): number {
  return 128 * params.N * params.r * params.p;
}

export async function deriveKeyFromPassphrase(passphrase: string, params: ScryptParams): Promise<Buffer> {
  if (params.name !== 'scrypt' || scryptMemory(params) < MIN_SCRYPT_MEMORY || params.N > 2 ** 22) {
    throw new MedvaultError(
      'vault-damaged',
      'The vault key file has key-derivation settings this version does not accept.',
    );
  }
  const normalized = passphrase.normalize('NFC');
  return new Promise((resolve, reject) => {
    scrypt(
      normalized,
      Buffer.from(params.salt, 'base64'),
      32,
      { N: params.N, r: params.r, p: params.p, maxmem: scryptMemory(params) * 2 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

export function hkdf(key: Buffer, info: string, salt: Buffer = Buffer.alloc(0), length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', key, salt, Buffer.from(info, 'utf8'), length));
}

export function wrapKey(kek: Buffer, key: Buffer, aad: string): WrappedKey {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(key), cipher.final()]);
  return {
    nonce: nonce.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/** Returns the unwrapped key, or null when the key-encryption key is not the right one. */
export function unwrapKey(kek: Buffer, wrapped: WrappedKey, aad: string): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(wrapped.nonce, 'base64'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(wrapped.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(wrapped.ciphertext, 'base64')), decipher.final()]);
  } catch {
    return null;
  }
}

// Crockford's base32: no I, L, O or U, so a key copied by hand survives being read aloud.
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RECOVERY_KEY_BYTES = 20; // 160 bits -> 32 characters

export interface RecoveryKey {
  /** What the patient writes down: eight groups of four characters. */
  display: string;
  bytes: Buffer;
}

export function newRecoveryKey(): RecoveryKey {
  const bytes = randomBytes(RECOVERY_KEY_BYTES);
  return { bytes, display: formatRecoveryKey(bytes) };
}

function formatRecoveryKey(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-');
}

/** Parses what the patient typed, forgiving case, spaces, dashes and the usual look-alikes. */
export function parseRecoveryKey(text: string): Buffer | null {
  const cleaned = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (cleaned.length !== 32) return null;
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of cleaned) {
    const digit = BASE32.indexOf(char);
    if (digit < 0) return null;
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function recoveryKeyKek(recoveryKey: Buffer, salt: Buffer): Buffer {
  return hkdf(recoveryKey, 'medvault recovery key-encryption key v1', salt);
}

/** The keys the master key gives; none of them is ever written anywhere. */
export interface VaultKeys {
  databaseKey: Buffer;
  blobKey: Buffer;
  backupMacKey: Buffer;
  /** Seals the record cards (`records/`) a rescue rebuilds the database from. */
  recordCardKey: Buffer;
}

export function deriveVaultKeys(masterKey: Buffer): VaultKeys {
  return {
    databaseKey: hkdf(masterKey, 'medvault sqlcipher database key v1'),
    blobKey: hkdf(masterKey, 'medvault blob key v1'),
    backupMacKey: hkdf(masterKey, 'medvault backup mac key v1'),
    recordCardKey: hkdf(masterKey, 'medvault record card key v1'),
  };
}
