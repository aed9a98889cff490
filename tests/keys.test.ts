import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT,
  deriveKeyFromPassphrase,
  newRecoveryKey,
  newScryptParams,
  parseRecoveryKey,
  unwrapKey,
  wrapKey,
} from '../electron/core/crypto/keys';
import { createKeyFile, rewrapWithPassphrase, unlockKeyFile } from '../electron/core/vault/keyFile';

describe('key derivation and wrapping', () => {
  it('uses a memory-hard KDF of at least 64 MiB', () => {
    const params = newScryptParams();
    expect(128 * params.N * params.r * params.p).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    expect(params).toMatchObject(DEFAULT_SCRYPT);
  });

  it('unlocks in under a second on this machine', async () => {
    const params = newScryptParams();
    const started = performance.now();
    await deriveKeyFromPassphrase('correct horse battery staple', params);
    // A ceiling, not a speed target: the KDF is meant to be slow, but not unusably slow.
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('normalizes the passphrase so the same characters typed differently unlock alike', async () => {
    const params = newScryptParams();
    const composed = await deriveKeyFromPassphrase('caf\u00e9 au lait 2024', params);
    const decomposed = await deriveKeyFromPassphrase('cafe\u0301 au lait 2024', params);
    expect(composed.equals(decomposed)).toBe(true);
  });

  it('refuses to unwrap with the wrong key or for the wrong slot', () => {
    const kek = randomBytes(32);
    const master = randomBytes(32);
    const wrapped = wrapKey(kek, master, 'slot a');
    expect(unwrapKey(kek, wrapped, 'slot a')?.equals(master)).toBe(true);
    expect(unwrapKey(randomBytes(32), wrapped, 'slot a')).toBeNull();
    expect(unwrapKey(kek, wrapped, 'slot b')).toBeNull();
  });

  it('prints recovery keys in eight groups of four and reads them back forgivingly', () => {
    const key = newRecoveryKey();
    expect(key.display).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(parseRecoveryKey(key.display)?.equals(key.bytes)).toBe(true);
    const typed = key.display.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o');
    expect(parseRecoveryKey(typed)?.equals(key.bytes)).toBe(true);
    expect(parseRecoveryKey('too short')).toBeNull();
  });

  it('re-wraps the same master key for a new passphrase, and the recovery key still opens it', async () => {
    const { keyFile, masterKey, recoveryKey } = await createKeyFile('first passphrase here');
    const updated = await rewrapWithPassphrase(keyFile, masterKey, 'second passphrase here');
    expect(updated.kdf.salt).not.toBe(keyFile.kdf.salt);
    expect((await unlockKeyFile(updated, { passphrase: 'second passphrase here' })).equals(masterKey)).toBe(true);
    await expect(unlockKeyFile(updated, { passphrase: 'first passphrase here' })).rejects.toMatchObject({
      code: 'wrong-passphrase',
      message: 'The passphrase is incorrect.',
    });
    expect((await unlockKeyFile(updated, { recoveryKey })).equals(masterKey)).toBe(true);
    await expect(unlockKeyFile(updated, { recoveryKey: newRecoveryKey().display })).rejects.toMatchObject({
      code: 'wrong-recovery-key',
    });
  });

  it('rejects passphrases that are too short', async () => {
    await expect(createKeyFile('short')).rejects.toMatchObject({ code: 'weak-passphrase' });
  });
});
