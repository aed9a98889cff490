/** Runs a measured child process: wall time from spawn to exit, and its peak RSS via bench/peakRss.js. */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const RSS_PROBE = join(REPO_ROOT, 'bench', 'peakRss.js');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the whole process (all threads), in bytes; null if not reported. */
  peakRssBytes: number | null;
}

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  /** Extra `node` flags placed before the script (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** Where the probe writes the peak RSS; omit to skip the probe. */
  rssFile?: string;
}

/** `node [flags] script args…`, run from the repository root. */
export async function runNode(script: string, args: string[], options: ChildOptions = {}): Promise<ChildResult> {
  const flags = [...(options.nodeFlags ?? [])];
  if (options.rssFile) flags.unshift('--import', RSS_PROBE);
  const env = { ...process.env, ...options.env };
  if (options.rssFile) env.MEDVAULT_BENCH_RSS_FILE = options.rssFile;
  else delete env.MEDVAULT_BENCH_RSS_FILE;

  const started = performance.now();
  const child = spawn(process.execPath, [...flags, script, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  let ms = 0;
  // 'exit' stops the clock; 'close' (all output read) ends the wait.
  child.on('exit', () => (ms = performance.now() - started));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });

  let peakRssBytes: number | null = null;
  if (options.rssFile) {
    const kib = Number(await readFile(options.rssFile, 'utf8').catch(() => 'NaN'));
    peakRssBytes = Number.isFinite(kib) ? kib * 1024 : null;
    await rm(options.rssFile, { force: true });
  }
  return {
    code,
    signal,
    ms,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    peakRssBytes,
  };
}

/** Throws with the child's stderr when it did not exit with 0. */
export function expectSuccess(what: string, result: ChildResult): ChildResult {
  if (result.code !== 0) {
    throw new Error(
      `${what} exited with ${result.code ?? result.signal}:\n${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result;
}
