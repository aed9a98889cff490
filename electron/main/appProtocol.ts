/**
 * What `medvault://app/...` answers, as a plain `Request` → `Response` function (no `electron`
 * import, so it is tested without the binary; `protocol.ts` hands it to `protocol.handle`):
 *
 * - `/files/<documentId>/<position>`: proxied to the core's `/files/...` with the bearer token,
 *   the Range header passed through and the body streamed (documents are decrypted on the fly);
 * - anything else: a file of the built renderer (`out/renderer`), `index.html` for `/` and for
 *   extension-less paths (client-side routes). Never a file outside that folder.
 *
 * Every response carries the Content-Security-Policy.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, posix, relative, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { APP_HOST } from './appOrigin';
import type { CoreConnection } from './coreClient';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function mimeTypeFor(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers every response of the app's origin carries. */
export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/**
 * The file under `root` that a URL path names, or null when the path is malformed or would leave
 * `root` (`..`, encoded or not, backslashes, NUL bytes, absolute paths). Does not touch the disk.
 */
export function resolveAppFile(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').includes('..')) return null;
  const normalized = posix.normalize(`/${decoded}`);
  const file = join(root, normalized === '/' ? 'index.html' : normalized);
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) return null;
  return file;
}

const FILES_PATH = /^\/files\/([0-9a-z]{4,32})\/(\d{1,6})$/;

/** Response headers of the core's file answer that the page may see. */
const PASSED_FILE_HEADERS = [
  'content-type',
  'content-length',
  'content-range',
  'accept-ranges',
  'content-disposition',
  'last-modified',
  'etag',
  'content-security-policy',
];

/** Served bytes are records, never active content in the app's origin. */
const FILE_CSP = "sandbox; default-src 'none'";

function plain(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { ...securityHeaders(), 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
}

export interface AppRequestHandlerOptions {
  /** The built renderer folder (`out/renderer`). */
  rendererDir: string;
  /** The core's address and token, once it is up. */
  core: () => Promise<CoreConnection>;
}

export function createAppRequestHandler(options: AppRequestHandlerOptions): (request: Request) => Promise<Response> {
  const rootPromise = realpath(options.rendererDir).catch(() => options.rendererDir);

  async function serveFile(pathname: string, method: string): Promise<Response> {
    const root = await rootPromise;
    let file = resolveAppFile(root, pathname);
    if (!file) return plain(404, 'Not found.');
    let real: string;
    try {
      real = await realpath(file);
      if (!(await stat(real)).isFile()) throw new Error('not a file');
    } catch {
      // Client-side routes have no extension: they all get the page itself.
      if (extname(pathname) !== '') return plain(404, 'Not found.');
      file = join(root, 'index.html');
      real = await realpath(file).catch(() => file as string);
    }
    // A symbolic link inside the folder must not lead out of it either.
    const inside = relative(root, real);
    if (inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) return plain(404, 'Not found.');
    let body: Buffer;
    try {
      body = await readFile(real);
    } catch {
      return plain(404, 'Not found.');
    }
    return new Response(method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        ...securityHeaders(),
        'content-type': mimeTypeFor(real),
        'content-length': String(body.length),
        'cache-control': 'no-cache',
      },
    });
  }

  async function proxyFile(request: Request, pathname: string): Promise<Response> {
    let core: CoreConnection;
    try {
      core = await options.core();
    } catch {
      return plain(503, 'The vault service is not running.');
    }
    const headers: Record<string, string> = { authorization: `Bearer ${core.token}` };
    const range = request.headers.get('range');
    if (range) headers.range = range;
    let upstream: Response;
    try {
      upstream = await fetch(`${core.url}${pathname}`, { method: request.method, headers });
    } catch {
      return plain(503, 'The vault service is not running.');
    }
    const out = new Headers({ ...securityHeaders(), 'content-security-policy': FILE_CSP });
    for (const name of PASSED_FILE_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) out.set(name, value);
    }
    // Decrypted records never go to a disk cache.
    out.set('cache-control', 'no-store');
    const noBody = request.method === 'HEAD' || upstream.status === 204 || upstream.status === 304;
    if (noBody) await upstream.body?.cancel();
    return new Response(noBody ? null : upstream.body, { status: upstream.status, headers: out });
  }

  return async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return plain(404, 'Not found.');
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed.');
    const pathname = url.pathname;
    if (pathname === '/files' || pathname.startsWith('/files/')) {
      return FILES_PATH.test(pathname) ? proxyFile(request, pathname) : plain(404, 'Not found.');
    }
    return serveFile(pathname, request.method);
  };
}
