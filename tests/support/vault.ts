import { join } from 'node:path';
import { Vault } from '../../electron/core/vault/Vault';
import { tempDir } from './fixtures';

export const PASSPHRASE = 'correct horse battery staple';

/** A fresh vault in a temporary folder; `cleanup` closes it and removes everything. */
export async function withNewVault(): Promise<{
  vault: Vault;
  dir: string;
  recoveryKey: string;
  root: string;
  cleanup: () => Promise<void>;
}> {
  const temp = await tempDir();
  const dir = join(temp.path, 'vault');
  const { vault, recoveryKey } = await Vault.create(dir, PASSPHRASE);
  return {
    vault,
    dir,
    recoveryKey,
    root: temp.path,
    cleanup: async () => {
      await vault.close();
      await temp.cleanup();
    },
  };
}
