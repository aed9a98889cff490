import { hostname } from 'node:os';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MedvaultError } from '../errors';

const LOCK_FILE = 'vault.lock';

/** Lock files this process holds: its own pid in a lock file is only stale if it is not here. */
const heldHere = new Set<string>();

/**
 * One process at a time writes a vault. A lock left by a process that died (a crash, a kill)
 * is taken over; one held by a live process is refused.
 */
export class VaultLock {
  private constructor(private readonly path: string) {}

  static async acquire(dir: string): Promise<VaultLock> {
    const path = join(dir, LOCK_FILE);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const handle = await open(path, 'wx', 0o600);
        await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
        await handle.close();
        heldHere.add(path);
        return new VaultLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readHolder(path);
      const ours = holder?.pid === process.pid;
      if (holder && holder.host === hostname() && (ours ? heldHere.has(path) : isAlive(holder.pid))) {
        throw new MedvaultError(
          'vault-busy',
          ours
            ? 'The vault is already open.'
            : `The vault is open in another Medvault process (pid ${holder.pid}); close it first.`,
        );
      }
      if (holder && holder.host !== hostname()) {
        throw new MedvaultError('vault-busy', `The vault is open on another computer (${holder.host}).`);
      }
      await rm(path, { force: true });
    }
    throw new MedvaultError('vault-busy', 'The vault lock could not be taken.');
  }

  async release(): Promise<void> {
    heldHere.delete(this.path);
    await rm(this.path, { force: true });
  }
}

async function readHolder(path: string): Promise<{ pid: number; host: string } | null> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof value.pid === 'number' && typeof value.host === 'string'
      ? { pid: value.pid, host: value.host }
      : null;
  } catch {
    return null; // a lock file cut short by a crash
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
