import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A generated benchmark input cached in a temp folder between runs: its manifest, written last,
 * says the input is complete; a version or a file size that does not match means "build again".
 */
export interface CachedInput {
  version: string;
  files: { path: string; bytes: number }[];
}

export async function loadCachedInput<T extends CachedInput>(
  root: string,
  version: string,
  filesDirOf: (input: T) => string,
  expectedFilesDir: string,
): Promise<T | null> {
  let input: T;
  try {
    input = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as T;
  } catch {
    return null;
  }
  if (input.version !== version || filesDirOf(input) !== expectedFilesDir) return null;
  for (const file of input.files) {
    const size = await stat(join(expectedFilesDir, file.path)).then(
      (info) => info.size,
      () => -1,
    );
    if (size !== file.bytes) return null;
  }
  return input;
}

/** Flushes the new files to disk, so their write-back does not compete with the timed runs; then the manifest. */
export async function finishCachedInput(root: string, filesDir: string, input: CachedInput): Promise<void> {
  for (const file of input.files) await syncFile(join(filesDir, file.path));
  await writeFile(join(root, 'manifest.json'), JSON.stringify(input));
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
