import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultVaultDir } from '../core/paths';
import { startServer } from './server';

/**
 * Browser mode: Medvault's UI in the system browser, served from 127.0.0.1 by this process.
 * Used where Electron is not installed (and by the end-to-end tests).
 */
const { values } = parseArgs({
  options: {
    vault: { type: 'string' },
    port: { type: 'string' },
    'no-open': { type: 'boolean' },
    static: { type: 'string' },
  },
});

const vaultDir = resolve(values.vault ?? (process.env.MEDVAULT_VAULT || defaultVaultDir()));
const staticDir = resolve(values.static ?? fileURLToPath(new URL('../../out/renderer', import.meta.url)));
if (!existsSync(resolve(staticDir, 'index.html'))) {
  process.stderr.write(`medvault: The UI is not built (no ${staticDir}/index.html); run "npm run build" first.\n`);
  process.exit(1);
}
const server = await startServer({ vaultDir, mode: 'browser', staticDir, port: values.port ? Number(values.port) : 0 });
process.stdout.write(`Medvault is running at ${server.openUrl}\n`);
process.stdout.write('The link works once, in one browser. Keep this window open; press Ctrl-C to stop.\n');

if (!values['no-open'] && !process.env.CI) openBrowser(server.openUrl);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void server.close().finally(() => process.exit(0));
  });
}

function openBrowser(url: string): void {
  // The URL is ours (127.0.0.1, a port and a token), never user input.
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => process.stdout.write('Open that address in your browser.\n'));
  child.unref();
}
