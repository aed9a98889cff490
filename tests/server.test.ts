import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiResult } from '../shared/api';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';
import { startServer, type RunningServer } from '../electron/server/server';
import { makePdf, makePng, makeRecordsFolder, tempDir, writeTree } from './support/fixtures';
import { rawRequest } from './support/http';
import { PASSPHRASE } from './support/vault';

describe('browser mode: the loopback server', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let server: RunningServer;
  let host: string;
  let origin: string;

  beforeEach(async () => {
    ({ path: root, cleanup } = await tempDir());
    const ui = join(root, 'ui');
    await mkdir(ui);
    await writeFile(join(ui, 'index.html'), '<!doctype html><title>Medvault</title>');
    server = await startServer({ vaultDir: join(root, 'vault'), mode: 'browser', staticDir: ui });
    host = new URL(server.url).host;
    origin = server.url;
  });
  afterEach(async () => {
    await server.close();
    await cleanup();
  });

  async function signIn(): Promise<string> {
    const response = await rawRequest(server.url, { path: `/?token=${server.token}`, headers: { Host: host } });
    expect(response.status).toBe(303);
    const cookie = String(response.headers['set-cookie']);
    return cookie.split(';')[0]!;
  }

  async function call<T>(cookie: string, method: string, ...args: unknown[]): Promise<ApiResult<T>> {
    const response = await rawRequest(server.url, {
      method: 'POST',
      path: `/api/${method}`,
      headers: { Host: host, Origin: origin, Cookie: cookie, 'Content-Type': 'application/json' },
      body: JSON.stringify({ args }),
    });
    return response.json<ApiResult<T>>();
  }

  it('listens on 127.0.0.1 only, and turns the one-time token into an HttpOnly SameSite=Strict cookie', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.openUrl).toBe(`${server.url}/?token=${server.token}`);
    const response = await rawRequest(server.url, { path: `/?token=${server.token}`, headers: { Host: host } });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/');
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(server.token);
    // One time only.
    const again = await rawRequest(server.url, { path: `/?token=${server.token}`, headers: { Host: host } });
    expect(again.status).toBe(403);
    const page = await rawRequest(server.url, { headers: { Host: host, Cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('<title>Medvault</title>');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    // 'wasm-unsafe-eval' (WebAssembly for the DICOM codecs) is allowed; JS eval and inline script are not.
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-eval'|'unsafe-inline'|https?:/);
  });

  it('refuses a request without the token or cookie, or with a wrong token', async () => {
    expect((await rawRequest(server.url, { headers: { Host: host } })).status).toBe(401);
    expect((await rawRequest(server.url, { path: '/?token=guess', headers: { Host: host } })).status).toBe(403);
    const api = await rawRequest(server.url, {
      method: 'POST',
      path: '/api/getStatus',
      headers: { Host: host, Origin: origin, 'Content-Type': 'application/json' },
      body: '{"args":[]}',
    });
    expect(api.status).toBe(401);
    const forged = await rawRequest(server.url, { headers: { Host: host, Cookie: 'medvault_session=forged' } });
    expect(forged.status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding), even with a valid cookie', async () => {
    const cookie = await signIn();
    const port = new URL(server.url).port;
    for (const foreign of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${Number(port) + 1}`]) {
      const response = await rawRequest(server.url, { headers: { Host: foreign, Cookie: cookie } });
      expect(response.status).toBe(421);
    }
  });

  it('refuses a foreign Origin (CSRF), and a state-changing request with no Origin', async () => {
    const cookie = await signIn();
    const post = (headers: Record<string, string>) =>
      rawRequest(server.url, {
        method: 'POST',
        path: '/api/getStatus',
        headers: { Host: host, Cookie: cookie, 'Content-Type': 'application/json', ...headers },
        body: '{"args":[]}',
      });
    expect((await post({ Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({ Origin: 'null' })).status).toBe(403);
    expect((await post({})).status).toBe(403);
    expect((await post({ Origin: origin, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await post({ Origin: origin })).status).toBe(200);
  });

  it('runs the contract: create, list, edit, lock, unlock — with validated arguments and one-sentence errors', async () => {
    const cookie = await signIn();
    expect(await call(cookie, 'getStatus')).toMatchObject({ ok: true, value: { state: 'no-vault' } });
    expect(await call(cookie, 'createVault', { passphrase: 'short' })).toEqual({
      ok: false,
      error: { code: 'weak-passphrase', message: 'The passphrase must be at least 8 characters long.' },
    });
    const created = await call<{ recoveryKey: string }>(cookie, 'createVault', { passphrase: PASSPHRASE });
    expect(created.ok && created.value.recoveryKey).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$/);
    expect(await call(cookie, 'listDocuments', {})).toEqual({ ok: true, value: [] });
    expect(await call(cookie, 'listDocuments', { type: 'not-a-type' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect(await call(cookie, 'listDocuments', { sneaky: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect(await call(cookie, 'noSuchMethod')).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(await call(cookie, 'lock')).toMatchObject({ ok: true, value: { state: 'locked' } });
    expect(await call(cookie, 'listDocuments', {})).toEqual({
      ok: false,
      error: { code: 'vault-locked', message: 'The vault is locked.' },
    });
    expect(await call(cookie, 'unlock', { passphrase: 'wrong passphrase' })).toEqual({
      ok: false,
      error: { code: 'wrong-passphrase', message: 'The passphrase is incorrect.' },
    });
    const recoveryKey = created.ok ? created.value.recoveryKey : '';
    expect(await call(cookie, 'unlock', { recoveryKey })).toMatchObject({ ok: true, value: { state: 'unlocked' } });
  });

  it('imports a folder with progress events, then serves the files decrypted, with ranges', async () => {
    const cookie = await signIn();
    await call(cookie, 'createVault', { passphrase: PASSPHRASE });
    const events: ApiEvent[] = [];
    const stream = await fetch(`${server.url}/api/events`, { headers: { Cookie: cookie } });
    const reader = stream.body!.getReader();
    let buffered = '';
    const finished = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffered += new TextDecoder().decode(value);
        for (const frame of buffered.split('\n\n').slice(0, -1)) {
          const data = frame.split('\n').find((line) => line.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice(6)) as ApiEvent);
        }
        buffered = buffered.slice(buffered.lastIndexOf('\n\n') + 2);
        if (events.some((event) => event.name === 'import-finished')) return;
      }
    })();
    const folder = join(root, 'records');
    await makeRecordsFolder(folder);
    const started = await call<{ importId: string }>(cookie, 'startImport', { paths: [folder] });
    expect(started.ok).toBe(true);
    await finished;
    await reader.cancel();
    const progress = events.filter((event) => event.name === 'import-progress');
    expect(progress.length).toBeGreaterThan(1);
    const done = events.find((event) => event.name === 'import-finished');
    expect(done?.payload).toMatchObject({ report: { imported: 6, failed: [] } });

    const listed = await call<{ id: string; source: { path: string }; bytes: number }[]>(cookie, 'listDocuments', {
      text: 'improving',
    });
    const note = listed.ok ? listed.value[0]! : null;
    const original = await readFile(note!.source.path);
    const whole = await rawRequest(server.url, {
      path: `/files/${note!.id}/0`,
      headers: { Host: host, Cookie: cookie },
    });
    expect(whole.status).toBe(200);
    expect(whole.body.equals(original)).toBe(true);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['content-security-policy']).toContain('sandbox');
    const part = await rawRequest(server.url, {
      path: `/files/${note!.id}/0`,
      headers: { Host: host, Cookie: cookie, Range: 'bytes=5-14' },
    });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 5-14/${original.length}`);
    expect(part.body.equals(original.subarray(5, 15))).toBe(true);
    const tail = await rawRequest(server.url, {
      path: `/files/${note!.id}/0`,
      headers: { Host: host, Cookie: cookie, Range: 'bytes=-6' },
    });
    expect(tail.body.equals(original.subarray(original.length - 6))).toBe(true);
    const beyond = await rawRequest(server.url, {
      path: `/files/${note!.id}/0`,
      headers: { Host: host, Cookie: cookie, Range: `bytes=${original.length + 10}-` },
    });
    expect(beyond.status).toBe(416);

    await call(cookie, 'lock');
    const locked = await rawRequest(server.url, {
      path: `/files/${note!.id}/0`,
      headers: { Host: host, Cookie: cookie },
    });
    expect(locked.status).toBe(403);
  });

  it('imports files dropped on the window: uploaded encrypted, then imported like any other', async () => {
    const cookie = await signIn();
    await call(cookie, 'createVault', { passphrase: PASSPHRASE });
    const pdf = await makePdf(['Dropped referral letter', 'Marker: xylophonist']);
    const upload = await rawRequest(server.url, {
      method: 'PUT',
      path: `/uploads?name=${encodeURIComponent('referral 2024-05-06.pdf')}`,
      headers: { Host: host, Origin: origin, Cookie: cookie, 'Content-Type': 'application/octet-stream' },
      body: pdf,
    });
    const { uploadId } = upload.json<{ ok: true; value: { uploadId: string } }>().value;
    // The staged upload is ciphertext.
    const incoming = join(root, 'vault', 'blobs', 'incoming');
    const [stagedName] = await readdir(incoming);
    const staged = await readFile(join(incoming, stagedName!));
    expect(staged.includes(Buffer.from('%PDF'))).toBe(false);
    await call(cookie, 'startImport', { uploadIds: [uploadId] });
    let documents: { title: string; date: string | null; source: { path: string } }[] = [];
    for (let i = 0; i < 100 && documents.length === 0; i++) {
      await new Promise((done) => setTimeout(done, 100));
      const listed = await call<typeof documents>(cookie, 'listDocuments', { text: 'xylophonist' });
      documents = listed.ok ? listed.value : [];
    }
    expect(documents).toEqual([expect.objectContaining({ title: 'referral', date: '2024-05-06' })]);
    expect(await call(cookie, 'startImport', { uploadIds: [uploadId] })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('answers every client mistake with a 4xx and one sentence, never a 500', async () => {
    const cookie = await signIn();
    const headers = { Host: host, Origin: origin, Cookie: cookie, 'Content-Type': 'application/json' };
    const huge = JSON.stringify({ args: ['x'.repeat(2 * 1024 * 1024)] });
    const cases = [
      // Declared too large, and too large without a declared length (chunked).
      {
        path: '/api/listDocuments',
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(huge.length) },
        body: huge,
        status: 413,
      },
      { path: '/api/listDocuments', method: 'POST', headers, body: huge, status: 413 },
      { path: '/api/listDocuments', method: 'POST', headers, body: '{"args": [', status: 400 },
      { path: '/%E0%A4%A', method: 'GET', headers: { Host: host, Cookie: cookie }, body: undefined, status: 400 },
      { path: '/assets/%zz.js', method: 'GET', headers: { Host: host, Cookie: cookie }, body: undefined, status: 400 },
    ];
    for (const { status, ...request } of cases) {
      const response = await rawRequest(server.url, request);
      expect(response.status, `${request.method} ${request.path}`).toBe(status);
      const answer = response.json<ApiResult<never>>();
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.error.message).toMatch(/^[A-Z][^\n]*\.$/);
    }
    // The server is still there, and the session still works.
    expect(await call(cookie, 'getStatus')).toMatchObject({ ok: true });
  });

  it('names its session cookie for this launch only: another launch’s cookie is not read', async () => {
    const first = await signIn();
    const other = await startServer({ vaultDir: join(root, 'vault2'), mode: 'browser', staticDir: join(root, 'ui') });
    try {
      const otherHost = new URL(other.url).host;
      const signedIn = await rawRequest(other.url, { path: `/?token=${other.token}`, headers: { Host: otherHost } });
      const second = String(signedIn.headers['set-cookie']).split(';')[0]!;
      const [firstName] = first.split('=');
      const [secondName] = second.split('=');
      expect(firstName).toMatch(/^medvault_[A-Za-z0-9]{12}$/);
      expect(secondName).not.toBe(firstName);
      // The browser sends both (cookies ignore ports); each server reads only its own.
      const both = `${first}; ${second}`;
      const ask = (url: string, hostHeader: string, cookie: string) =>
        rawRequest(url, {
          method: 'POST',
          path: '/api/getStatus',
          headers: { Host: hostHeader, Origin: url, Cookie: cookie, 'Content-Type': 'application/json' },
          body: '{"args":[]}',
        });
      expect((await ask(other.url, otherHost, first)).status).toBe(401);
      expect((await ask(server.url, host, second)).status).toBe(401);
      expect((await ask(other.url, otherHost, both)).status).toBe(200);
      expect((await ask(server.url, host, both)).status).toBe(200);
      // The other server's secret under this server's name is refused too.
      expect((await ask(server.url, host, `${firstName}=${second.split('=')[1]}`)).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('lists folders for the import dialog, hiding system files', async () => {
    const cookie = await signIn();
    await call(cookie, 'createVault', { passphrase: PASSPHRASE });
    const folder = join(root, 'pick');
    await writeTree(folder, { 'scan.png': makePng(), 'sub/a.txt': 'x', '.DS_Store': 'x' });
    const listing = await call<{ path: string; parent: string; entries: { name: string; kind: string }[] }>(
      cookie,
      'browseFolder',
      { path: folder },
    );
    expect(listing).toMatchObject({
      ok: true,
      value: {
        path: folder,
        parent: root,
        entries: [
          { name: 'sub', kind: 'folder' },
          { name: 'scan.png', kind: 'file' },
        ],
      },
    });
  });
});

describe('browser mode: a file dropped on the window', () => {
  it('is refused past the size cap whatever its transfer encoding, and leaves nothing staged', async () => {
    const { path: root, cleanup } = await tempDir();
    const server = await startServer({ vaultDir: join(root, 'vault'), mode: 'browser', maxUploadBytes: 64 * 1024 });
    try {
      const host = new URL(server.url).host;
      const signedIn = await rawRequest(server.url, { path: `/?token=${server.token}`, headers: { Host: host } });
      const cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
      const headers = { Host: host, Origin: server.url, Cookie: cookie };
      await rawRequest(server.url, {
        method: 'POST',
        path: '/api/createVault',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ args: [{ passphrase: PASSPHRASE }] }),
      });
      const upload = (body: Buffer, extra: Record<string, string> = {}) =>
        rawRequest(server.url, {
          method: 'PUT',
          path: '/uploads?name=big.pdf',
          headers: { ...headers, 'Content-Type': 'application/octet-stream', ...extra },
          body,
        });
      const big = Buffer.alloc(200 * 1024, 7);
      const declared = await upload(big, { 'Content-Length': String(big.length) });
      expect(declared.status).toBe(413);
      // Without Content-Length Node sends it chunked: counted as it arrives, refused all the same.
      const chunked = await upload(big);
      expect(chunked.status).toBe(413);
      expect(chunked.json<ApiResult<never>>()).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/^The file is too large \(over 64 KiB\)/) },
      });
      expect(await readdir(join(root, 'vault', 'blobs', 'incoming'))).toEqual([]);
      const small = await upload(Buffer.alloc(1024, 7));
      expect(small.status).toBe(200);
      expect(small.json<ApiResult<{ uploadId: string }>>()).toMatchObject({ ok: true });
    } finally {
      await server.close();
      await cleanup();
    }
  });
});
