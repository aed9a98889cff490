import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { ApiEvent, ApiResult } from '../../shared/api';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { MedvaultError } from '../core/errors';
import { dispatch } from '../core/service/dispatch';
import { MedvaultService, toApiError } from '../core/service/MedvaultService';

/**
 * The core behind a loopback HTTP server. In browser mode it is what the system browser talks to;
 * in Electron the utility process runs it and the main process is its only client.
 *
 *   GET  /?token=…              one-time token from the printed URL → session cookie (browser mode)
 *   POST /api/<method>          {"args": [...]} → ApiResult
 *   GET  /api/events            server-sent events, each `data:` a JSON ApiEvent
 *   GET  /files/<id>/<n>        a document file, decrypted on the fly, with Range support
 *   PUT  /uploads?name=…        a file dropped on the window, stored encrypted until imported
 *   GET  /…                     the built UI (browser mode)
 *
 * Every request must name this server in `Host` (DNS rebinding), carry no foreign `Origin`
 * (CSRF; state-changing requests must carry ours), and be authenticated.
 */
export interface ServerOptions {
  vaultDir: string;
  mode: 'browser' | 'electron';
  /** The built renderer to serve (browser mode). */
  staticDir?: string | null;
  port?: number;
  /** The largest file accepted by dropping it (default 4 GiB); tests set a small one. */
  maxUploadBytes?: number;
}

export interface RunningServer {
  url: string;
  /** Browser mode: the one-time token for the first page load; Electron: the bearer token. */
  token: string;
  /** The address to open: in browser mode it carries the one-time token. */
  openUrl: string;
  service: MedvaultService;
  close(): Promise<void>;
}

const MAX_JSON_BYTES = 1024 * 1024;
const MAX_UPLOAD_BYTES = 4 * 1024 * 1024 * 1024;

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const clients = new Set<ServerResponse>();
  const broadcast = (event: ApiEvent) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const client of clients) client.write(frame);
  };
  const service = new MedvaultService(options.vaultDir, broadcast);
  // The token in the printed URL works once; the session secret only ever lives in the cookie.
  let oneTimeToken: string | null = randomBytes(32).toString('base64url');
  const bearerToken = options.mode === 'electron' ? oneTimeToken : null;
  const sessionSecret = randomBytes(32).toString('base64url');
  // Cookies are not kept apart by port: every server on 127.0.0.1 is sent them. A name of this
  // launch's own means a cookie from another launch (or meant for another local server) is never
  // taken for this session's, and this session's is the only one it reads.
  const sessionCookie = `medvault_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
  const staticDir = options.staticDir ? resolve(options.staticDir) : null;
  const maxUploadBytes = options.maxUploadBytes ?? MAX_UPLOAD_BYTES;
  const uploadTooLarge = `The file is too large (over ${formatSize(maxUploadBytes)}) to add by dropping it; import it from its folder instead.`;
  let allowedHosts: Set<string> = new Set();
  let allowedOrigins: Set<string> = new Set();

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.destroy();
      // The client's mistake (too large, not JSON, a malformed address) is a 4xx in one sentence.
      if (error instanceof HttpRefusal) {
        // The rest of a body too large is not read: the connection closes once the answer is out.
        if (!request.complete) {
          response.setHeader('Connection', 'close');
          response.once('finish', () => request.destroy());
        }
        return refuse(response, error.status, error.message);
      }
      sendJson(response, 500, { ok: false, error: toApiError(error) });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    setCommonHeaders(response);
    const host = request.headers.host ?? '';
    if (!allowedHosts.has(host.toLowerCase())) return refuse(response, 421, 'This server only answers as 127.0.0.1.');
    const origin = request.headers.origin;
    const method = request.method ?? 'GET';
    const changesState = method !== 'GET' && method !== 'HEAD';
    if (origin !== undefined && !allowedOrigins.has(origin))
      return refuse(response, 403, 'Cross-origin request refused.');
    if (changesState && options.mode === 'browser' && origin === undefined) {
      return refuse(response, 403, 'A request that changes data must come from the Medvault page.');
    }
    const fetchSite = request.headers['sec-fetch-site'];
    if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') {
      return refuse(response, 403, 'Cross-site request refused.');
    }
    const url = parseUrl(request.url);

    // The first page load exchanges the one-time token for the session cookie.
    if (options.mode === 'browser' && method === 'GET' && url.pathname === '/' && url.searchParams.has('token')) {
      if (!oneTimeToken || !sameSecret(url.searchParams.get('token') ?? '', oneTimeToken)) {
        return refuse(
          response,
          403,
          'This link has already been used or is not valid; restart Medvault for a new one.',
        );
      }
      oneTimeToken = null;
      response.setHeader('Set-Cookie', `${sessionCookie}=${sessionSecret}; HttpOnly; SameSite=Strict; Path=/`);
      response.writeHead(303, { Location: '/' });
      response.end();
      return;
    }
    if (!authenticated(request)) return refuse(response, 401, 'Not signed in: open the link Medvault printed.');

    if (url.pathname.startsWith('/api/')) {
      if (url.pathname === '/api/events' && method === 'GET') return events(response);
      if (method !== 'POST') return refuse(response, 405, 'Use POST for API calls.');
      if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
        return refuse(response, 415, 'API calls are JSON.');
      }
      const body = await readJson(request);
      const result = await dispatch(
        service,
        url.pathname.slice('/api/'.length),
        (body as { args?: unknown })?.args ?? [],
      );
      return sendJson(response, 200, result);
    }
    if (url.pathname.startsWith('/files/') && (method === 'GET' || method === 'HEAD')) {
      return serveDocumentFile(request, response, url.pathname);
    }
    if (url.pathname === '/uploads' && method === 'PUT') {
      const length = Number(request.headers['content-length'] ?? NaN);
      if (Number.isFinite(length) && length > maxUploadBytes) throw new HttpRefusal(413, uploadTooLarge);
      try {
        // Counted as it arrives, whatever the transfer encoding (a chunked body has no length to check).
        const body = capped(request, maxUploadBytes, uploadTooLarge);
        const value = await service.stageUpload(url.searchParams.get('name') ?? 'dropped file', body);
        return sendJson(response, 200, { ok: true, value });
      } catch (error) {
        if (error instanceof HttpRefusal) throw error;
        return sendJson(response, 200, { ok: false, error: toApiError(error) });
      }
    }
    if ((method === 'GET' || method === 'HEAD') && staticDir) return serveStatic(response, url.pathname);
    return refuse(response, 404, 'Not found.');
  }

  function authenticated(request: IncomingMessage): boolean {
    if (bearerToken) {
      const header = request.headers.authorization ?? '';
      return header.startsWith('Bearer ') && sameSecret(header.slice('Bearer '.length), bearerToken);
    }
    const cookie = parseCookies(request.headers.cookie)[sessionCookie];
    return cookie !== undefined && sameSecret(cookie, sessionSecret);
  }

  function events(response: ServerResponse): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    clients.add(response);
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
    heartbeat.unref();
    response.on('close', () => {
      clearInterval(heartbeat);
      clients.delete(response);
    });
  }

  async function serveDocumentFile(
    request: IncomingMessage,
    response: ServerResponse,
    pathname: string,
  ): Promise<void> {
    const match = pathname.match(/^\/files\/([0-9a-z]{4,32})\/(\d{1,6})$/);
    if (!match) return refuse(response, 404, 'Not found.');
    let file;
    try {
      file = await service.fileForViewer(match[1]!, Number(match[2]));
    } catch (error) {
      const status = error instanceof MedvaultError && error.code === 'vault-locked' ? 403 : 404;
      return refuse(response, status, error instanceof MedvaultError ? error.message : 'Not found.');
    }
    const range = parseRange(request.headers.range, file.bytes);
    if (range === 'unsatisfiable') {
      response.writeHead(416, { 'Content-Range': `bytes */${file.bytes}` });
      response.end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: file.bytes };
    response.writeHead(range ? 206 : 200, {
      'Content-Type': file.mediaType,
      'Content-Length': String(end - start),
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'no-store',
      // Served bytes are records, never active content in our origin.
      'Content-Security-Policy': "sandbox; default-src 'none'",
      ...(range ? { 'Content-Range': `bytes ${start}-${end - 1}/${file.bytes}` } : {}),
    });
    if (request.method === 'HEAD' || end === start) {
      response.end();
      return;
    }
    try {
      for await (const chunk of file.read({ start, end })) {
        if (!response.write(chunk)) await new Promise((done) => response.once('drain', done));
        if (response.destroyed) return;
      }
      response.end();
    } catch {
      response.destroy(); // a damaged blob: cut the response rather than send wrong bytes
    }
  }

  async function serveStatic(response: ServerResponse, pathname: string): Promise<void> {
    const relative = normalize(decodePath(pathname)).replace(/^([/\\])+/, '');
    let path = resolve(staticDir!, relative || 'index.html');
    if (path !== staticDir && !path.startsWith(staticDir! + sep)) return refuse(response, 404, 'Not found.');
    let info = await stat(path).catch(() => null);
    if (!info || info.isDirectory()) {
      // Client-side routes fall back to the app page.
      path = join(staticDir!, 'index.html');
      info = await stat(path).catch(() => null);
      if (!info) return refuse(response, 404, 'The UI has not been built (run npm run build).');
    }
    response.writeHead(200, {
      'Content-Type': STATIC_TYPES[extname(path)] ?? 'application/octet-stream',
      'Content-Length': String(info.size),
      'Cache-Control': 'no-cache',
    });
    createReadStream(path).pipe(response);
  }

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const url = `http://127.0.0.1:${port}`;
  const token = oneTimeToken!;
  return {
    url,
    token,
    openUrl: options.mode === 'browser' ? `${url}/?token=${token}` : url,
    service,
    close: async () => {
      for (const client of clients) client.end();
      await service.close();
      // close() waits for every connection to end; a browser keeps its own open (keep-alive,
      // the event stream), so they are cut here rather than waited for.
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function setCommonHeaders(response: ServerResponse): void {
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  response.setHeader('X-Frame-Options', 'DENY');
}

function refuse(response: ServerResponse, status: number, message: string): void {
  const result: ApiResult<never> = {
    ok: false,
    error: { code: status === 401 || status === 403 ? 'vault-locked' : 'invalid-argument', message },
  };
  sendJson(response, status, result);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}

/** A client error: answered with `status` and the sentence, never as the server's own failure. */
class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function formatSize(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${bytes / 1024 ** 3} GiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** The body, refused with 413 once it passes `limit` bytes. */
async function* capped(request: IncomingMessage, limit: number, sentence: string): AsyncGenerator<Buffer> {
  let length = 0;
  for await (const chunk of request) {
    length += (chunk as Buffer).length;
    if (length > limit) throw new HttpRefusal(413, sentence);
    yield chunk as Buffer;
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > MAX_JSON_BYTES) throw new HttpRefusal(413, JSON_TOO_LARGE);
  const parts: Buffer[] = [];
  for await (const chunk of capped(request, MAX_JSON_BYTES, JSON_TOO_LARGE)) parts.push(chunk);
  try {
    return JSON.parse(Buffer.concat(parts).toString('utf8') || '{}');
  } catch {
    throw new HttpRefusal(400, 'The request is not valid JSON.');
  }
}

const JSON_TOO_LARGE = 'The request is too large.';

function parseUrl(raw: string | undefined): URL {
  try {
    return new URL(raw ?? '/', 'http://127.0.0.1');
  } catch {
    throw new HttpRefusal(400, 'The address is not valid.');
  }
}

function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    throw new HttpRefusal(400, 'The address is not valid (a malformed % escape).');
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) cookies[part.slice(0, index).trim()] = part.slice(index + 1).trim();
  }
  return cookies;
}

/** One `bytes=` range (what media elements and pdf.js ask for); end is exclusive. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const match = header.match(/^bytes=(\d*)-(\d*)$/);
  if (!match || (match[1] === '' && match[2] === '')) return null; // multiple or odd ranges: send it all
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    start = Math.max(0, size - suffix);
    end = size;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size : Math.min(size, Number(match[2]) + 1);
  }
  if (start >= size || end <= start) return size === 0 && start === 0 ? null : 'unsatisfiable';
  return { start, end };
}
