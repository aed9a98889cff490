/**
 * The Electron shell's security rules, tested without the Electron binary: the window's
 * webPreferences, the CSP, who may call over IPC, what `medvault://app` serves (and refuses), the
 * forwarding of API calls, files and events to the core, and the session / web-contents hardening.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_CHANNEL_PREFIX, type ApiEvent } from '../shared/api';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';
import { APP_ORIGIN, isAppUrl } from '../electron/main/appOrigin';
import { createAppRequestHandler, mimeTypeFor, resolveAppFile } from '../electron/main/appProtocol';
import { callCore, followCoreEvents, parseCoreEvent } from '../electron/main/coreClient';
import { checkIpcSender, REFUSED } from '../electron/main/ipcGuard';
import { apiMethodHandler, guardIpc } from '../electron/main/ipcHandlers';
import { hardenSession, hardenWebContents } from '../electron/main/security';
import { SseParser } from '../electron/main/sse';
import { mainWindowOptions, secureWebPreferences } from '../electron/main/windowOptions';
import { FAKE_FILE, startFakeCore, type FakeCore } from './support/fakeCore';
import { tempDir } from './support/fixtures';

const topFrame = (url: string) => ({ url, parent: null });
const subFrame = (url: string) => ({ url, parent: topFrame(url) });

describe('window options', () => {
  it('turns on every isolation setting and off everything the page does not need', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs', { devTools: false });
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: false,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });

  it('is 1280×800, at least 960×640, and shown only when ready', () => {
    const options = mainWindowOptions('/p.cjs', { devTools: true });
    expect(options).toMatchObject({ width: 1280, height: 800, minWidth: 960, minHeight: 640, show: false });
    expect(options.webPreferences).toEqual(secureWebPreferences('/p.cjs', { devTools: true }));
  });
});

describe('content security policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values];
    }),
  );

  it('allows only the app itself', () => {
    expect(Object.fromEntries(directives)).toEqual({
      'default-src': ["'none'"],
      // WebAssembly for the DICOM codecs; no JS eval (shared/csp.ts).
      'script-src': ["'self'", "'wasm-unsafe-eval'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'blob:', 'data:'],
      'font-src': ["'self'"],
      'connect-src': ["'self'"],
      'worker-src': ["'self'", 'blob:'],
      'frame-src': ["'none'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
      'frame-ancestors': ["'none'"],
    });
    expect(CONTENT_SECURITY_POLICY.replace(" 'wasm-unsafe-eval'", '')).not.toMatch(/unsafe|https?:|wss?:|\*/);
  });
});

describe('app origin', () => {
  it.each([
    ['medvault://app/', true],
    ['medvault://app/library?x=1#top', true],
    ['medvault://app/files/abcd1234/0', true],
    ['medvault://evil/', false],
    ['medvault://app.evil/', false],
    ['medvault://app:8080/', false],
    ['medvault://user:pw@app/', false],
    ['https://app/', false],
    ['file:///work/out/renderer/index.html', false],
    ['http://127.0.0.1:5173/', false],
    ['about:blank', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isAppUrl(url)).toBe(expected);
  });

  it('is medvault://app', () => {
    expect(APP_ORIGIN).toBe('medvault://app');
  });
});

describe('IPC sender check', () => {
  it('lets the top frame of the app call Medvault channels', () => {
    expect(checkIpcSender('medvault:getStatus', topFrame('medvault://app/'))).toEqual({ ok: true });
    expect(checkIpcSender('medvault:chooseImportPaths', topFrame('medvault://app/import'))).toEqual({ ok: true });
  });

  it.each([
    ['a subframe of the app', 'medvault:getStatus', subFrame('medvault://app/')],
    ['another medvault host', 'medvault:getStatus', topFrame('medvault://evil/')],
    ['a web page', 'medvault:getStatus', topFrame('https://example.com/')],
    ['a file:// page', 'medvault:getStatus', topFrame('file:///tmp/x.html')],
    ['a dev server', 'medvault:getStatus', topFrame('http://localhost:5173/')],
    ['a destroyed frame', 'medvault:getStatus', null],
    ['a missing frame', 'medvault:getStatus', undefined],
    ['a foreign channel', 'other:getStatus', topFrame('medvault://app/')],
    ['a channel without the prefix', 'getStatus', topFrame('medvault://app/')],
  ])('refuses %s', (_what, channel, frame) => {
    expect(checkIpcSender(channel, frame).ok).toBe(false);
  });

  it('refuses with an ApiResult the UI can show', () => {
    expect(REFUSED).toEqual({ ok: false, error: { code: 'internal', message: 'Refused.' } });
    expect(API_CHANNEL_PREFIX).toBe('medvault:');
  });
});

describe('IPC handlers', () => {
  let core: FakeCore;
  beforeAll(async () => {
    core = await startFakeCore();
  });
  afterAll(async () => {
    await core.close();
  });

  it('refuses other senders before the handler runs', async () => {
    const fn = vi.fn(async () => 'ran');
    const log = vi.fn();
    const handler = guardIpc('medvault:getStatus', fn, log);
    await expect(handler({ senderFrame: subFrame('medvault://app/') })).resolves.toEqual(REFUSED);
    await expect(handler({ senderFrame: topFrame('https://evil.example/') })).resolves.toEqual(REFUSED);
    await expect(handler({ senderFrame: null })).resolves.toEqual(REFUSED);
    expect(fn).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledTimes(3);
    await expect(handler({ senderFrame: topFrame('medvault://app/') }, 1, 2)).resolves.toBe('ran');
    expect(fn).toHaveBeenCalledWith({ senderFrame: topFrame('medvault://app/') }, 1, 2);
  });

  it('turns a thrown error into a generic result', async () => {
    const handler = guardIpc(
      'medvault:getStatus',
      async () => {
        throw new Error('secret detail');
      },
      () => undefined,
    );
    const result = (await handler({ senderFrame: topFrame('medvault://app/') })) as { ok: boolean; error: unknown };
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('secret detail');
  });

  it('checks arguments at the boundary and forwards good calls with the bearer token', async () => {
    const event = { senderFrame: topFrame('medvault://app/') };
    const unlock = apiMethodHandler('unlock', async () => core);
    const before = core.calls.length;
    const bad = await unlock(event, { passphrase: 'x', extra: true });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(await apiMethodHandler('getStatus', async () => core)(event, 'unexpected')).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect(core.calls.length).toBe(before); // nothing reached the core

    const good = await unlock(event, { passphrase: 'correct horse battery staple' });
    expect(good).toEqual({
      ok: true,
      value: { method: 'unlock', args: [{ passphrase: 'correct horse battery staple' }] },
    });
    expect(core.calls.at(-1)).toEqual({
      method: 'unlock',
      body: { args: [{ passphrase: 'correct horse battery staple' }] },
      authorization: `Bearer ${core.token}`,
    });
  });

  it('reports a core that is not running as a result, not an exception', async () => {
    const event = { senderFrame: topFrame('medvault://app/') };
    const failing = apiMethodHandler('getStatus', () => Promise.reject(new Error('no core')));
    expect(await failing(event)).toMatchObject({ ok: false, error: { code: 'internal' } });
    const gone = await callCore({ url: 'http://127.0.0.1:9', token: 't' }, 'getStatus', []);
    expect(gone).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('medvault://app protocol', () => {
  let core: FakeCore;
  let cleanup: () => Promise<void>;
  let handler: (request: Request) => Promise<Response>;

  beforeAll(async () => {
    core = await startFakeCore();
    const { path: dir, cleanup: remove } = await tempDir('medvault-protocol-');
    cleanup = remove;
    const rendererDir = join(dir, 'renderer');
    await mkdir(join(rendererDir, 'assets'), { recursive: true });
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Medvault</title>');
    await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(rendererDir, 'assets', 'app.css'), 'body{}');
    await writeFile(join(dir, 'secret.txt'), 'outside the renderer folder');
    handler = createAppRequestHandler({ rendererDir, core: async () => core });
  });
  afterAll(async () => {
    await core.close();
    await cleanup();
  });

  const get = (url: string, init?: RequestInit) => handler(new Request(url, init));

  it('serves the page and its assets with the CSP and the right types', async () => {
    const page = await get('medvault://app/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Medvault</title>');

    const script = await get('medvault://app/assets/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect((await get('medvault://app/assets/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers client-side routes with the page, and missing files with 404', async () => {
    expect(await (await get('medvault://app/library/documents')).text()).toContain('Medvault');
    expect((await get('medvault://app/assets/missing.js')).status).toBe(404);
  });

  it.each([
    'medvault://app/../secret.txt',
    'medvault://app/%2e%2e/secret.txt',
    'medvault://app/assets/%2e%2e/%2e%2e/secret.txt',
    'medvault://app/..%2fsecret.txt',
    'medvault://app/..%5csecret.txt',
    'medvault://app/assets/%00.js',
    'medvault://app/%E0%A4%A.js',
  ])('never serves a file outside the renderer folder: %s', async (url) => {
    const response = await get(url);
    expect(await response.text()).not.toContain('outside the renderer folder');
  });

  it('refuses other hosts and methods', async () => {
    expect((await get('medvault://evil/')).status).toBe(404);
    expect((await get('medvault://app/', { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('proxies document files to the core with the token and the Range header, streamed', async () => {
    const whole = await get('medvault://app/files/abcd1234/0');
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(FAKE_FILE);
    expect(whole.headers.get('content-type')).toBe('application/pdf');
    expect(whole.headers.get('cache-control')).toBe('no-store');
    expect(whole.headers.get('x-core-internal')).toBeNull();
    expect(whole.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");

    const part = await get('medvault://app/files/abcd1234/0', { headers: { range: 'bytes=4-7' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 4-7/${FAKE_FILE.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(FAKE_FILE.subarray(4, 8));
    expect(core.fileRequests.at(-1)).toEqual({
      path: '/files/abcd1234/0',
      range: 'bytes=4-7',
      authorization: `Bearer ${core.token}`,
    });
  });

  it('proxies only well-formed file paths', async () => {
    const before = core.fileRequests.length;
    for (const path of ['/files/', '/files/ABCD/0', '/files/abcd1234/x', '/files/abcd1234/0/extra']) {
      expect((await get(`medvault://app${path}`)).status).toBe(404);
    }
    // The URL parser resolves this to /api/lock: a page route, never the core's API.
    expect(await (await get('medvault://app/files/../api/lock')).text()).toContain('<title>Medvault</title>');
    expect(core.fileRequests.length).toBe(before);
    expect(core.calls).toEqual([]);
  });

  it('resolves paths only inside the folder', () => {
    expect(resolveAppFile('/r', '/')).toBe(join('/r', 'index.html'));
    expect(resolveAppFile('/r', '/assets/a.js')).toBe(join('/r', 'assets', 'a.js'));
    expect(resolveAppFile('/r', '/../etc/passwd')).toBeNull();
    expect(resolveAppFile('/r', '/%2e%2e/etc/passwd')).toBeNull();
    expect(resolveAppFile('/r', '/a\\..\\..\\b')).toBeNull();
    expect(mimeTypeFor('x.WOFF2')).toBe('font/woff2');
    expect(mimeTypeFor('x.exe')).toBe('application/octet-stream');
  });
});

describe('core events', () => {
  it('reassembles server-sent events from any chunking', () => {
    const seen: string[] = [];
    const parser = new SseParser((data) => seen.push(data));
    const stream = ': hello\r\n\r\ndata: {"a":1}\r\n\r\ndata: line1\ndata: line2\n\nevent: x\ndata:no-space\n\n';
    for (const char of stream) parser.push(char);
    expect(seen).toEqual(['{"a":1}', 'line1\nline2', 'no-space']);
  });

  it('accepts only known events', () => {
    expect(parseCoreEvent('{"name":"locked","payload":{"reason":"idle"}}')).toEqual({
      name: 'locked',
      payload: { reason: 'idle' },
    });
    expect(parseCoreEvent('{"name":"__proto__","payload":{}}')).toBeNull();
    expect(parseCoreEvent('{"name":"locked"}')).toBeNull();
    expect(parseCoreEvent('not json')).toBeNull();
  });

  it('follows the event stream with the bearer token and reconnects', async () => {
    const core = await startFakeCore();
    const events: ApiEvent[] = [];
    const stop = followCoreEvents(core, (event) => events.push(event), { retryMs: 20 });
    try {
      await core.streams(1);
      core.push({ name: 'locked', payload: { reason: 'user' } });
      await vi.waitFor(() => expect(events).toEqual([{ name: 'locked', payload: { reason: 'user' } }]));
    } finally {
      stop();
      await core.close();
    }
  });
});

describe('hardening', () => {
  it('denies every permission, device, screen capture and remote request', () => {
    const handlers: Record<string, (...args: never[]) => unknown> = {};
    const record =
      (name: string) =>
      (...args: unknown[]) => {
        handlers[name] = args.at(-1) as (...args: never[]) => unknown;
      };
    const session = {
      setPermissionRequestHandler: record('request'),
      setPermissionCheckHandler: record('check'),
      setDevicePermissionHandler: record('device'),
      setDisplayMediaRequestHandler: record('display'),
      webRequest: { onBeforeRequest: record('beforeRequest'), onHeadersReceived: record('headers') },
    };
    hardenSession(session as unknown as Parameters<typeof hardenSession>[0]);

    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      (handlers.request as (...args: unknown[]) => void)({}, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect((handlers.check as (...args: unknown[]) => boolean)(null, permission, APP_ORIGIN, {})).toBe(false);
    }
    expect((handlers.device as (...args: unknown[]) => boolean)({})).toBe(false);
    const display = vi.fn();
    (handlers.display as (...args: unknown[]) => void)({}, display);
    expect(display).toHaveBeenCalledWith(null);
    const cancel = vi.fn();
    (handlers.beforeRequest as (...args: unknown[]) => void)({ url: 'https://example.com/' }, cancel);
    expect(cancel).toHaveBeenCalledWith({ cancel: true });
    const headers = vi.fn();
    (handlers.headers as (...args: unknown[]) => void)({ responseHeaders: { a: ['b'] } }, headers);
    expect(headers).toHaveBeenCalledWith({
      responseHeaders: { a: ['b'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  it('keeps navigation on the app, denies new windows and webviews', () => {
    const listeners: Record<string, (...args: unknown[]) => void> = {};
    let openHandler: ((details: { url: string }) => unknown) | null = null;
    const contents = {
      on: (name: string, listener: (...args: unknown[]) => void) => {
        listeners[name] = listener;
      },
      setWindowOpenHandler: (handler: (details: { url: string }) => unknown) => {
        openHandler = handler;
      },
    };
    hardenWebContents(contents as unknown as Parameters<typeof hardenWebContents>[0]);

    const navigate = (name: string, url: string) => {
      const event = { url, preventDefault: vi.fn() };
      listeners[name]!(event, url);
      return event.preventDefault.mock.calls.length > 0;
    };
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(navigate(name, 'https://evil.example/')).toBe(true);
      expect(navigate(name, 'file:///etc/passwd')).toBe(true);
      expect(navigate(name, 'medvault://app/library')).toBe(false);
    }
    expect(openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'medvault://app/' })).toEqual({ action: 'deny' });
    const attach = { preventDefault: vi.fn() };
    listeners['will-attach-webview']!(attach, {}, {});
    expect(attach.preventDefault).toHaveBeenCalled();
  });
});
