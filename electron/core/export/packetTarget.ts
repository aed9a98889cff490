import { lstat, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MedvaultError } from '../errors';

/**
 * Where a packet (or the disclosure log) is about to be written: the folder must exist and the
 * name must be free. Checked before the slow part, and by every writer: a packet never replaces
 * a file that is there, and a missing folder is named as the folder, not as the file.
 */
export async function checkPacketTarget(path: string): Promise<void> {
  const folder = dirname(path);
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory()) throw new MedvaultError('not-found', `The folder ${folder} does not exist.`);
  if (await lstat(path).catch(() => null)) {
    throw new MedvaultError('invalid-argument', `${path} already exists; choose another name.`);
  }
}
