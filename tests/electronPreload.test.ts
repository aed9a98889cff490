/**
 * The preload, from source (against a stand-in `electron`) and, once built, as the one CommonJS
 * file Electron loads into the sandbox (evaluated with a `require` that, like the sandbox's, only
 * knows 'electron'). Both must expose exactly the bridge: one function per API method, onEvent,
 * chooseImportPaths and pathForFile — never ipcRenderer or a generic invoke.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { API_EVENT_CHANNEL, API_METHODS, apiChannel } from '../shared/api';

function fakeElectron() {
  const exposed = new Map<string, Record<string, unknown>>();
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const electron = {
    contextBridge: {
      exposeInMainWorld: (name: string, api: Record<string, unknown>) => exposed.set(name, api),
    },
    ipcRenderer: {
      invoke: vi.fn(async (channel: string, ...args: unknown[]) =>
        channel === 'medvault:chooseImportPaths'
          ? { ok: true, value: ['/picked'] }
          : { ok: true, value: { channel, args } },
      ),
      on: (channel: string, listener: (...args: unknown[]) => void) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(listener);
      },
      removeListener: (channel: string, listener: (...args: unknown[]) => void) => {
        listeners.get(channel)?.delete(listener);
      },
    },
    webUtils: {
      getPathForFile: (file: unknown) => {
        if (typeof file !== 'object' || file === null || !('path' in file)) throw new TypeError('not a File');
        return (file as { path: string }).path;
      },
    },
  };
  const emit = (channel: string, ...args: unknown[]) => {
    for (const listener of listeners.get(channel) ?? []) listener(...args);
  };
  return { electron, exposed, emit, listenerCount: (channel: string) => listeners.get(channel)?.size ?? 0 };
}

async function checkBridge(fakes: ReturnType<typeof fakeElectron>): Promise<void> {
  expect([...fakes.exposed.keys()]).toEqual(['medvault']);
  const bridge = fakes.exposed.get('medvault')!;
  expect(Object.keys(bridge).sort()).toEqual([...API_METHODS, 'onEvent', 'chooseImportPaths', 'pathForFile'].sort());
  for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
  expect(Object.values(bridge)).not.toContain(fakes.electron.ipcRenderer);
  expect(Object.values(bridge)).not.toContain(fakes.electron.ipcRenderer.invoke);

  // Each method calls its own channel, whatever the page passes.
  for (const method of API_METHODS) {
    const result = await (bridge[method] as (...args: unknown[]) => Promise<unknown>)({ probe: method });
    expect(result).toEqual({ ok: true, value: { channel: apiChannel(method), args: [{ probe: method }] } });
  }
  expect(await (bridge.chooseImportPaths as (kind: string) => Promise<string[]>)('files')).toEqual(['/picked']);
  expect(fakes.electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('medvault:chooseImportPaths', 'files');

  // Events arrive without Electron's event object; unsubscribing removes the listener.
  const seen: unknown[] = [];
  const stop = (bridge.onEvent as (listener: (event: unknown) => void) => () => void)((event) => seen.push(event));
  fakes.emit(API_EVENT_CHANNEL, { sender: 'ipc internals' }, { name: 'locked', payload: { reason: 'idle' } });
  expect(seen).toEqual([{ name: 'locked', payload: { reason: 'idle' } }]);
  stop();
  expect(fakes.listenerCount(API_EVENT_CHANNEL)).toBe(0);

  const pathForFile = bridge.pathForFile as (file: unknown) => string;
  expect(pathForFile({ path: '/home/patient/scan.pdf' })).toBe('/home/patient/scan.pdf');
  expect(pathForFile('not a file')).toBe('');
}

describe('preload', () => {
  it('exposes exactly the bridge (source)', async () => {
    const fakes = fakeElectron();
    vi.doMock('electron', () => fakes.electron);
    await import('../electron/preload/index');
    await checkBridge(fakes);
    vi.doUnmock('electron');
  });

  const built = fileURLToPath(new URL('../out/preload/index.cjs', import.meta.url));
  it.skipIf(!existsSync(built))('is one sandbox-loadable CommonJS file that exposes the bridge (build)', async () => {
    const code = readFileSync(built, 'utf8');
    const fakes = fakeElectron();
    const required: string[] = [];
    const sandboxRequire = (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
      return fakes.electron;
    };
    const module = { exports: {} };
    runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console });
    expect(required).toEqual(['electron']);
    expect(code).not.toMatch(/\bimport\s*[({]|\bimport\.meta\b/);
    await checkBridge(fakes);
  });
});
