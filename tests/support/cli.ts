/**
 * Runs the real `medvault` command (bin/medvault.js, TypeScript through tsx) as a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PASSPHRASE } from './vault';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MEDVAULT_BIN = fileURLToPath(new URL('../../bin/medvault.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  /** Variables added to (or, when undefined, removed from) the child's environment. */
  env?: Record<string, string | undefined>;
}

/**
 * The environment a child gets: this process's, minus any MEDVAULT_* variable (so nothing leaks
 * in from the developer's shell), plus MEDVAULT_PASSPHRASE = PASSPHRASE unless overridden.
 */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('MEDVAULT_')) env[key] = value;
  }
  env.MEDVAULT_PASSPHRASE = PASSPHRASE;
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Starts `node bin/medvault.js ...args`; stdin is closed so a prompt can never hang a test. */
export function spawnCli(args: string[], options: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, [MEDVAULT_BIN, ...args], {
    cwd: REPO_ROOT,
    env: cliEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the CLI to completion and collects its output. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const started = Date.now();
  const child = spawnCli(args, options);
  return collect(child, started);
}

export function collect(child: ChildProcess, started = Date.now()): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }));
  });
}

/** Parses the one JSON document a `--json` command prints, with the output in the message if it is not JSON. */
export function parseJson<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `Expected JSON on stdout (exit ${result.code}).\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
    );
  }
}

/** A one-line summary for assertion messages. */
export function describeRun(result: CliResult): string {
  return `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}; stderr: ${result.stderr.trim() || '(empty)'}`;
}
