/**
 * The main process (electron/main/index.ts) wired against a stand-in `electron` module (there is
 * no Electron binary here) and a stand-in core: what it does before the app is ready, the window
 * it opens, the IPC channels it answers and for whom, events forwarded to the page, and the
 * orderly shutdown of the core on quit.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_EVENT_CHANNEL, API_METHODS, apiChannel } from '../shared/api';
import { REFUSED } from '../electron/main/ipcGuard';
import { mainWindowOptions } from '../electron/main/windowOptions';
import { startFakeCore, type FakeCore } from './support/fakeCore';

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  return {
    ready,
    markReady: () => markReady(),
    calls: [] as [string, ...unknown[]][],
    appListeners: new Map<string, (...args: unknown[]) => unknown>(),
    handlers: new Map<string, (...args: unknown[]) => unknown>(),
    windows: [] as { options: unknown; url: string | null }[],
    children: [] as unknown[],
    protocolHandlers: new Map<string, unknown>(),
  };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const { vi: v } = await import('vitest');
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      fake.calls.push([name, ...args]);
    };
  class FakeWindow extends Emitter {
    options: unknown;
    url: string | null = null;
    webContents = {
      send: v.fn(),
      getURL: () => this.url ?? '',
      isDestroyed: () => false,
    };
    constructor(options: unknown) {
      super();
      this.options = options;
      fake.windows.push(this as never);
    }
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
    isMinimized = () => false;
    restore = record('window.restore');
    show = record('window.show');
    focus = record('window.focus');
    static fromWebContents = () => null;
  }
  const paths = new Map([['appData', '/home/patient/.config']]);
  const session = {
    setPermissionRequestHandler: record('session.setPermissionRequestHandler'),
    setPermissionCheckHandler: record('session.setPermissionCheckHandler'),
    setDevicePermissionHandler: record('session.setDevicePermissionHandler'),
    setDisplayMediaRequestHandler: record('session.setDisplayMediaRequestHandler'),
    webRequest: {
      onBeforeRequest: record('session.onBeforeRequest'),
      onHeadersReceived: record('session.onHeadersReceived'),
    },
  };
  return {
    app: {
      isPackaged: false,
      setName: record('app.setName'),
      setPath: (name: string, path: string) => {
        fake.calls.push(['app.setPath', name, path]);
        paths.set(name, path);
      },
      getPath: (name: string) => paths.get(name) ?? `/fake/${name}`,
      enableSandbox: record('app.enableSandbox'),
      requestSingleInstanceLock: () => {
        fake.calls.push(['app.requestSingleInstanceLock']);
        return true;
      },
      on: (name: string, listener: Listener) => {
        fake.appListeners.set(name, listener);
      },
      whenReady: () => fake.ready,
      quit: record('app.quit'),
      exit: record('app.exit'),
    },
    BrowserWindow: FakeWindow,
    dialog: {
      showOpenDialog: v.fn(async (...args: unknown[]) => {
        fake.calls.push(['dialog.showOpenDialog', ...args]);
        return { canceled: false, filePaths: ['/home/patient/records/a.pdf'] };
      }),
      showErrorBox: record('dialog.showErrorBox'),
    },
    ipcMain: {
      handle: (channel: string, handler: Listener) => {
        fake.handlers.set(channel, handler);
      },
    },
    protocol: {
      registerSchemesAsPrivileged: record('protocol.registerSchemesAsPrivileged'),
      handle: (scheme: string, handler: unknown) => {
        fake.protocolHandlers.set(scheme, handler);
      },
    },
    session: { defaultSession: session },
    utilityProcess: {
      fork: (...args: unknown[]) => {
        fake.calls.push(['utilityProcess.fork', ...args]);
        const child = Object.assign(new Emitter(), { postMessage: v.fn(), kill: v.fn() });
        fake.children.push(child);
        return child;
      },
    },
  };
});

const appFrame = { senderFrame: { url: 'medvault://app/', parent: null }, sender: {} };
const called = (name: string) => fake.calls.filter(([call]) => call === name).map(([, ...args]) => args);

describe('Electron main process', () => {
  let core: FakeCore;

  beforeAll(async () => {
    core = await startFakeCore();
    await import('../electron/main/index');
  });
  afterAll(async () => {
    await core.close();
  });

  it('before ready: registers the privileged scheme, enables the sandbox, takes the single-instance lock', () => {
    expect(called('protocol.registerSchemesAsPrivileged')).toEqual([
      [
        [
          {
            scheme: 'medvault',
            privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: false },
          },
        ],
      ],
    ]);
    expect(called('app.setName')).toEqual([['Medvault']]);
    expect(called('app.setPath')).toEqual([['userData', join('/home/patient/.config', 'Medvault')]]);
    expect(called('app.enableSandbox')).toHaveLength(1);
    expect(called('app.requestSingleInstanceLock')).toHaveLength(1);
    expect([...fake.appListeners.keys()].sort()).toEqual(
      ['before-quit', 'second-instance', 'web-contents-created', 'window-all-closed'].sort(),
    );
    expect(fake.windows).toHaveLength(0);
    expect(fake.handlers.size).toBe(0);
  });

  it('when ready: starts the core off the main process, on the app folder vault', async () => {
    fake.markReady();
    await vi.waitFor(() => expect(fake.children).toHaveLength(1));
    const [[entry, args, options]] = called('utilityProcess.fork') as [[string, string[], { serviceName: string }]];
    expect(entry).toMatch(/coreProcess\.js$/);
    expect(args).toEqual(['--vault', join('/home/patient/.config', 'Medvault', 'vault')]);
    expect(options.serviceName).toBe('Medvault vault');
    (fake.children[0] as EventEmitter).emit('message', { type: 'ready', url: core.url, token: core.token });
    expect(called('session.setPermissionRequestHandler')).toHaveLength(1);
    expect(called('session.setPermissionCheckHandler')).toHaveLength(1);
    expect(fake.protocolHandlers.has('medvault')).toBe(true);
  });

  it('opens one window with the secure options on medvault://app/', () => {
    expect(fake.windows).toHaveLength(1);
    const window = fake.windows[0]!;
    const options = window.options as ReturnType<typeof mainWindowOptions>;
    const preload = options.webPreferences!.preload!;
    expect(preload).toMatch(/preload[\\/]index\.cjs$/);
    expect(options).toEqual(mainWindowOptions(preload, { devTools: true }));
    expect(window.url).toBe('medvault://app/');
  });

  it('answers every API channel and the file dialog, and nothing else', () => {
    expect([...fake.handlers.keys()].sort()).toEqual(
      [...API_METHODS.map(apiChannel), 'medvault:chooseImportPaths'].sort(),
    );
  });

  it('refuses callers that are not the app top frame, on every channel', async () => {
    for (const [channel, handler] of fake.handlers) {
      for (const senderFrame of [
        { url: 'medvault://app/', parent: { url: 'medvault://app/', parent: null } },
        { url: 'https://evil.example/', parent: null },
        null,
      ]) {
        expect(await handler({ senderFrame, sender: {} })).toEqual(REFUSED);
      }
      expect(channel.startsWith('medvault:')).toBe(true);
    }
    expect(core.calls).toEqual([]);
    expect(called('dialog.showOpenDialog')).toEqual([]);
  });

  it('forwards API calls from the app to the core', async () => {
    const listDocuments = fake.handlers.get(apiChannel('listDocuments'))!;
    expect(await listDocuments(appFrame, { text: 'cholesterol' })).toEqual({
      ok: true,
      value: { method: 'listDocuments', args: [{ text: 'cholesterol' }] },
    });
    expect(await listDocuments(appFrame, { text: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect(core.calls.map((call) => call.method)).toEqual(['listDocuments']);
  });

  it('opens the system file dialog for imports', async () => {
    const choose = fake.handlers.get('medvault:chooseImportPaths')!;
    expect(await choose(appFrame, 'files')).toEqual({ ok: true, value: ['/home/patient/records/a.pdf'] });
    expect(await choose(appFrame, 'folder')).toEqual({ ok: true, value: ['/home/patient/records/a.pdf'] });
    expect(await choose(appFrame, '../../etc')).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    const dialogs = called('dialog.showOpenDialog') as [{ properties: string[] }][];
    expect(dialogs.map(([options]) => options.properties)).toEqual([
      ['openFile', 'multiSelections'],
      ['openDirectory'],
    ]);
  });

  it('forwards core events to the page', async () => {
    await core.streams(1);
    core.push({ name: 'locked', payload: { reason: 'idle' } });
    const webContents = (fake.windows[0] as unknown as { webContents: { send: ReturnType<typeof vi.fn> } }).webContents;
    await vi.waitFor(() =>
      expect(webContents.send).toHaveBeenCalledWith(API_EVENT_CHANNEL, { name: 'locked', payload: { reason: 'idle' } }),
    );
  });

  it('hardens every web contents it creates', () => {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
    fake.appListeners.get('web-contents-created')!({}, contents);
    expect(contents.setWindowOpenHandler).toHaveBeenCalled();
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.listenerCount('will-attach-webview')).toBe(1);
  });

  it('focuses the window when a second instance starts', () => {
    fake.appListeners.get('second-instance')!();
    expect(called('window.focus')).toHaveLength(1);
  });

  it('on quit: lets the core lock the vault and stop first', async () => {
    const child = fake.children[0] as EventEmitter & { postMessage: ReturnType<typeof vi.fn> };
    const event = { preventDefault: vi.fn() };
    fake.appListeners.get('before-quit')!(event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(child.postMessage).toHaveBeenCalledWith({ type: 'shutdown' });
    expect(called('app.quit')).toHaveLength(0);
    child.emit('exit', 0);
    await vi.waitFor(() => expect(called('app.quit')).toHaveLength(1));
    const again = { preventDefault: vi.fn() };
    fake.appListeners.get('before-quit')!(again);
    expect(again.preventDefault).not.toHaveBeenCalled();
    expect(called('dialog.showErrorBox')).toEqual([]);
  });
});
