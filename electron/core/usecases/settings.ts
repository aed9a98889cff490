/** The vault's own settings (kept in its encrypted database, so they travel with a backup). */
import { readSetting, writeSetting } from '../db/settings';
import type { Vault } from '../vault/Vault';

export const DEFAULT_AUTO_LOCK_MINUTES = 10;
const AUTO_LOCK_SETTING = 'autoLockMinutes';

/** Minutes of inactivity before the app locks the vault by itself; 0 is never. */
export async function getAutoLockMinutes(vault: Vault): Promise<number> {
  const value = await vault.db.read((q) => readSetting(q, AUTO_LOCK_SETTING));
  const minutes = Number(value);
  return value !== null && Number.isInteger(minutes) && minutes >= 0 ? minutes : DEFAULT_AUTO_LOCK_MINUTES;
}

export async function setAutoLockMinutes(vault: Vault, minutes: number): Promise<void> {
  await vault.db.transaction((tx) => writeSetting(tx, AUTO_LOCK_SETTING, String(minutes)));
}
