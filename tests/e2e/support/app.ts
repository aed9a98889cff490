import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';

export interface RunningApp {
  /** The printed address, with its one-time token. */
  openUrl: string;
  url: string;
  vaultDir: string;
  /** A scratch folder for files to import. */
  workDir: string;
}

/** Where the tests put the screenshots of each screen; look at them. */
export const SCREENSHOT_DIR = join('test-results', 'screenshots');

/** Starts `electron/server/main.ts` (browser mode) on a fresh vault, as `npm start` would. */
async function startApp(): Promise<{ app: RunningApp; child: ChildProcess; cleanup: () => Promise<void> }> {
  const workDir = await mkdtemp(join(tmpdir(), 'medvault-e2e-'));
  const vaultDir = join(workDir, 'vault');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'electron/server/main.ts', '--vault', vaultDir, '--no-open'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '1' },
    },
  );
  const openUrl = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
  return {
    app: { openUrl, url: new URL(openUrl).origin, vaultDir, workDir },
    child,
    cleanup: async () => {
      // The server closes its connections and the vault on SIGTERM; should it hang, it is killed.
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

export const test = base.extend<{ app: RunningApp }>({
  // Playwright reads a fixture's dependencies from this destructuring; this one has none.
  // eslint-disable-next-line no-empty-pattern
  app: async ({}, use) => {
    const { app, cleanup } = await startApp();
    await use(app);
    await cleanup();
  },
});

export { expect } from '@playwright/test';
