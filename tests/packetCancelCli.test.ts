/**
 * Ctrl-C while `medvault export appeal` lays out a heavy packet: exit 130, one sentence, no file
 * (not even the temporary one) and nothing in the disclosure log.
 */
import { mkdir, readdir, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { VaultDocument } from '../shared/documents';
import { collect, describeRun, parseJson, runCli, spawnCli } from './support/cli';
import { makePng, tempDir } from './support/fixtures';

/** Waits until process `pid` has `path` open (Linux: its /proc/PID/fd links). */
async function waitForOpenFile(pid: number, path: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    const targets = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
    if (targets.includes(path)) return;
    if (Date.now() > deadline) throw new Error(`process ${pid} never opened ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let root: string;
let cleanup: () => Promise<void>;
let vault: string;

beforeAll(async () => {
  ({ path: root, cleanup } = await tempDir('medvault-packet-cancel-'));
  vault = join(root, 'vault');
  expect((await runCli(['init', '--vault', vault])).code).toBe(0);
  const src = join(root, 'records');
  await mkdir(src);
  // Ten 2000×2000 photos: each takes most of a second to put in the PDF here, so the layout lasts
  // several seconds after the unlock, time for Ctrl-C to arrive mid-way.
  for (let n = 1; n <= 10; n++) await writeFile(join(src, `photo-${n}.png`), makePng(2000, 2000, n));
  const imported = await runCli(['import', src, '--vault', vault, '--skip-ocr']);
  expect(imported.code, describeRun(imported)).toBe(0);
}, 120_000);

afterAll(async () => {
  await cleanup();
});

it('Ctrl-C on export appeal: exit 130, no file, no disclosure', async () => {
  const documents = parseJson<VaultDocument[]>(await runCli(['list', '--vault', vault, '--json']));
  expect(documents).toHaveLength(10);
  const out = join(root, 'out');
  await mkdir(out);
  const child = spawnCli([
    'export',
    'appeal',
    '--vault',
    vault,
    '--out',
    join(out, 'appeal.pdf'),
    '--ids',
    documents.map((document) => document.id).join(','),
    '--patient-name',
    'Jane Doe',
    '--dob',
    '1970-01-01',
  ]);
  const finished = collect(child);
  // The layout starts once the vault is unlocked, which is when its database is opened; it then
  // takes several seconds. Waiting for that open, not a fixed time, keeps a slow unlock (a busy
  // machine) from being mistaken for the layout.
  await waitForOpenFile(child.pid!, join(vault, 'vault.db'));
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(child.exitCode).toBeNull();
  child.kill('SIGINT');
  const result = await finished;
  expect(result.code, describeRun(result)).toBe(130);
  expect(result.stderr).toContain('The packet was cancelled; nothing was written.');
  expect(await readdir(out)).toEqual([]);
  const log = await runCli(['disclosures', '--vault', vault, '--json']);
  expect(parseJson(log)).toEqual([]);
}, 120_000);
