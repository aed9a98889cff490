/**
 * The disk's share of an import: writing as many bytes as the input holds into one new file in the
 * folder the benchmark's vaults live in, then fsync. An import that keeps every file (encrypted,
 * so at least as large) and promises it survives a power cut cannot finish sooner; where this
 * alone takes longer than twice the baseline, the ratio goal is out of reach on this disk.
 * Measured in-process, with no start-up: the least the disk needs, nothing else.
 */
import { randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';

const CHUNK = 1024 * 1024;

export async function timeDiskWrite(folder: string, bytes: number): Promise<number> {
  // Random, so nothing on the way can compress it; one buffer written over and over.
  const chunk = randomBytes(CHUNK);
  const path = join(folder, 'disk-write-floor.bin');
  const started = performance.now();
  const handle = await open(path, 'wx');
  try {
    for (let written = 0; written < bytes; written += CHUNK) {
      await handle.write(chunk, 0, Math.min(CHUNK, bytes - written));
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  const ms = performance.now() - started;
  await rm(path);
  return ms;
}
