#!/usr/bin/env node
// `npm start`: builds the app when the build is missing or older than the sources, then opens
// Medvault in Electron, or, where the Electron binary is not installed, in the system browser
// (browser mode: electron/server/main.ts, run from source with tsx). Arguments are passed on to
// browser mode (e.g. `npm start -- --vault ./my-vault`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const CONFIG = ['--config', join(ROOT, 'electron.config.ts')];
const SOURCES = ['electron', 'shared', 'renderer', 'electron.config.ts', 'package.json', 'package-lock.json'];
const OUTPUTS = ['out/main/index.js', 'out/main/coreProcess.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function buildIsCurrent() {
  const outputs = OUTPUTS.map((path) => join(ROOT, path));
  if (!outputs.every((path) => existsSync(path))) return false;
  const oldestOutput = Math.min(...outputs.map((path) => statSync(path).mtimeMs));
  return SOURCES.every((path) => newestMtime(join(ROOT, path)) <= oldestOutput);
}

/**
 * The Electron binary, if it is installed. Found the way the `electron` package finds it, but
 * without require('electron'): from version 45 that call downloads the binary when it is missing.
 */
function electronBinary() {
  if (process.env.ELECTRON_EXEC_PATH)
    return existsSync(process.env.ELECTRON_EXEC_PATH) ? process.env.ELECTRON_EXEC_PATH : null;
  let packageDir;
  try {
    packageDir = join(require.resolve('electron/package.json'), '..');
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const executable = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(packageDir, 'dist');
  const binary = join(distDir, executable);
  return existsSync(binary) ? binary : null;
}

function run(args, options = {}) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const electronVite = join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js');
if (!buildIsCurrent()) run([electronVite, 'build', ...CONFIG]);

const binary = electronBinary();
if (binary) {
  const child = spawn(process.execPath, [electronVite, 'preview', ...CONFIG, '--skipBuild'], {
    stdio: 'inherit',
    cwd: ROOT,
    env: { ...process.env, ELECTRON_EXEC_PATH: binary },
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.log('Electron is not installed here; opening Medvault in your browser instead.');
  const { register } = await import('tsx/esm/api');
  register();
  await import('../electron/server/main.ts');
}
