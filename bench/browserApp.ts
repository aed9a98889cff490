/** The browser-mode app for the viewer benchmarks: its server on a vault, and marks timed in the page. */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Page } from '@playwright/test';
import { REPO_ROOT } from './child';

/** `electron/server/main.ts` on the vault (the built UI in out/renderer); its one-time URL. */
export async function startBrowserServer(vault: string): Promise<{ child: ChildProcess; openUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/server/main.ts', '--vault', vault, '--no-open'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const openUrl = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`the server exited (${code}): ${output}`)));
  });
  return { child, openUrl };
}

/** SIGTERM, and the exit awaited (the server closes the vault). */
export async function stopBrowserServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

/** Milliseconds from now (in the page) until the mark `name` is set. */
export async function untilMark(page: Page, name: string, started: number): Promise<number> {
  const drawn = await page.waitForFunction((mark) => performance.getEntriesByName(mark)[0]?.startTime ?? null, name, {
    timeout: 30_000,
    polling: 'raf',
  });
  return ((await drawn.jsonValue()) as number) - started;
}
