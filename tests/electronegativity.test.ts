/**
 * bin/check-electronegativity.js (run by `npm test` as `npm run check:electron`) must fail on an
 * insecure window, ignore Electronegativity's own reason-less `eng-disable` comments, and accept a
 * waiver only when it names the check and says why.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir, writeTree } from './support/fixtures';

const SCRIPT = fileURLToPath(new URL('../bin/check-electronegativity.js', import.meta.url));

async function check(files: Record<string, string>) {
  const { path, cleanup } = await tempDir('medvault-eng-');
  try {
    await writeTree(path, { 'package.json': '{"name":"fixture","private":true}', ...files });
    const result = spawnSync(process.execPath, [SCRIPT, path], { encoding: 'utf8', timeout: 60_000 });
    return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
  } finally {
    await cleanup();
  }
}

describe('check-electronegativity', () => {
  it('fails on an insecure window, whatever eng-disable says', async () => {
    const result = await check({
      'electron/main/index.ts': [
        "import { BrowserWindow } from 'electron';",
        'export const window = new BrowserWindow({',
        '  webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false },',
        '}); // eng-disable CONTEXT_ISOLATION_JS_CHECK',
        '',
      ].join('\n'),
    });
    expect(result.status).toBe(1);
    expect(result.output).toContain('CONTEXT_ISOLATION_JS_CHECK');
    expect(result.output).toContain('electron/main/index.ts:2');
    expect(result.output).toContain('LIMIT_NAVIGATION_GLOBAL_CHECK'); // no will-navigate handler: app-wide
  });

  it('accepts a waiver only with the check named and a reason', async () => {
    const window = (waiver: string) =>
      [
        "import { BrowserWindow, app } from 'electron';",
        "app.on('web-contents-created', (_e, contents) => {",
        "  contents.on('will-navigate', (event) => event.preventDefault());",
        "  contents.setWindowOpenHandler(() => ({ action: 'deny' }));",
        '});',
        'const options = makeOptions();',
        waiver,
        'export const window = new BrowserWindow(options);',
        '',
      ].join('\n');
    const unexplained = await check({
      'electron/main/index.ts': window('// electronegativity-safe SANDBOX_JS_CHECK:'),
    });
    expect(unexplained.status).toBe(1);
    expect(unexplained.output).toContain('SANDBOX_JS_CHECK at electron/main/index.ts:8');

    const explained = await check({
      'electron/main/index.ts': window(
        '// electronegativity-safe SANDBOX_JS_CHECK CONTEXT_ISOLATION_JS_CHECK AUXCLICK_JS_CHECK: the options come from makeOptions(), which the tests check',
      ),
    });
    expect(explained.output).toContain('3 waived');
    expect(explained.output).not.toMatch(/(SANDBOX|CONTEXT_ISOLATION|AUXCLICK)_JS_CHECK at/);
    // What a line comment cannot waive: findings about the app as a whole (no CSP, no permission handler).
    expect(explained.output).toContain('PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK at (the app as a whole)');
    expect(explained.status).toBe(1);
  });
});
