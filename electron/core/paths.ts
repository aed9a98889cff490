import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the vault lives when none is given: the same folder Electron's `app.getPath('userData')`
 * gives the desktop app, so the CLI and the app open the same vault.
 */
export function defaultVaultDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  let userData: string;
  if (platform === 'win32') {
    userData = join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Medvault');
  } else if (platform === 'darwin') {
    userData = join(homedir(), 'Library', 'Application Support', 'Medvault');
  } else {
    userData = join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'Medvault');
  }
  return join(userData, 'vault');
}
