/**
 * The Electron main process: one window on `medvault://app`, the vault core in a utility process,
 * and the IPC bridge between them. Holds no patient data itself; it forwards.
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, session } from 'electron';
import { API_EVENT_CHANNEL, type ApiEvent } from '../../shared/api';
import { APP_START_URL, isAppUrl } from './appOrigin';
import { startCore, type CoreHandle } from './core';
import { followCoreEvents } from './coreClient';
import { registerIpc } from './ipc';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { hardenSession, hardenWebContents } from './security';
import { mainWindowOptions } from './windowOptions';

const here = import.meta.dirname; // out/main
const PRELOAD = join(here, '../preload/index.cjs');
const RENDERER_DIR = join(here, '../renderer');
const CORE_ENTRY = join(here, 'coreProcess.js');

// Before anything asks for paths: the same folder the CLI uses by default (electron/core/paths.ts).
app.setName('Medvault');
app.setPath('userData', join(app.getPath('appData'), 'Medvault'));
const VAULT_DIR = join(app.getPath('userData'), 'vault');

registerAppScheme();
app.enableSandbox();

let mainWindow: BrowserWindow | null = null;
let core: CoreHandle | null = null;
let quitting = false;

function createWindow(): BrowserWindow {
  // electronegativity-safe CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK: the options come from
  // mainWindowOptions() in windowOptions.ts (contextIsolation, sandbox, no node integration, Auxclick disabled),
  // which the scanner cannot follow; tests/electronShell.test.ts checks what this constructor receives.
  const window = new BrowserWindow(mainWindowOptions(PRELOAD, { devTools: !app.isPackaged }));
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(APP_START_URL);
  return window;
}

function focusMainWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function forwardEvent(event: ApiEvent): void {
  const contents = mainWindow?.webContents;
  if (!contents || contents.isDestroyed() || !isAppUrl(contents.getURL())) return;
  contents.send(API_EVENT_CHANNEL, event);
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  core = startCore({ entry: CORE_ENTRY, vaultDir: VAULT_DIR });
  const running = core;
  const connection = () => running.connection;
  handleAppProtocol({ rendererDir: RENDERER_DIR, core: connection });
  registerIpc(connection);
  mainWindow = createWindow();

  void running.exited.then((code) => {
    if (quitting) return;
    dialog.showErrorBox('Medvault', `The vault service stopped unexpectedly (exit code ${code}). Medvault will close.`);
    app.quit();
  });
  try {
    followCoreEvents(await running.connection, forwardEvent);
  } catch (error) {
    if (quitting) return;
    const message = error instanceof Error ? error.message : String(error);
    dialog.showErrorBox('Medvault', `The vault could not be opened: ${message}`);
    app.quit();
  }
}

if (!app.requestSingleInstanceLock()) {
  // Another Medvault is running (and holds the vault): it gets focused instead.
  app.quit();
} else {
  app.on('second-instance', focusMainWindow);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  // Closing the window locks the vault and ends Medvault, on every platform.
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (quitting || !core) return;
    // Let the core lock the vault and close the database before the app goes.
    event.preventDefault();
    quitting = true;
    void core.shutdown().finally(() => app.quit());
  });
  app.whenReady().then(start, (error: unknown) => {
    console.error('medvault:', error);
    app.exit(1);
  });
}
