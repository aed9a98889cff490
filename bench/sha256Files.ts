/**
 * The baseline: the least any importer must do — read every file once and SHA-256 it, streamed
 * in 1 MiB reads like the importer's. Runs as its own `node` process (with the same tsx loader as
 * the CLI) so that process start-up counts on both sides of the ratio.
 *
 * Usage: node --import tsx bench/sha256Files.ts LIST.json   (a JSON array of file paths)
 * Prints {"files":N,"bytes":N,"digest":"…"} (digest: SHA-256 over the files' digests, in order).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

const READ_CHUNK = 1024 * 1024;

const listPath = process.argv[2];
if (!listPath) throw new Error('usage: sha256Files.ts LIST.json');
const paths = JSON.parse(await readFile(listPath, 'utf8')) as string[];

const combined = createHash('sha256');
let bytes = 0;
for (const path of paths) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  combined.update(hash.digest());
}
process.stdout.write(`${JSON.stringify({ files: paths.length, bytes, digest: combined.digest('hex') })}\n`);
