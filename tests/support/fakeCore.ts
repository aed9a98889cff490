/**
 * A stand-in for the core's HTTP server as the Electron main process sees it (electron mode:
 * bearer token): records API calls, serves a document file with ranges, and pushes events.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiEvent } from '../../shared/api';

export interface FakeCoreCall {
  method: string;
  body: unknown;
  authorization: string | undefined;
}

export interface FakeCore {
  url: string;
  token: string;
  calls: FakeCoreCall[];
  fileRequests: { path: string; range: string | undefined; authorization: string | undefined }[];
  /** Sends one event to every connected event stream (split in two writes, to test reassembly). */
  push(event: ApiEvent): void;
  /** Resolves when at least `count` event streams are connected. */
  streams(count: number): Promise<void>;
  close(): Promise<void>;
}

export const FAKE_FILE = Buffer.from('%PDF-1.7 fake document bytes for range tests');

export async function startFakeCore(token = 'test-token-0123456789'): Promise<FakeCore> {
  const calls: FakeCoreCall[] = [];
  const fileRequests: FakeCore['fileRequests'] = [];
  const clients = new Set<ServerResponse>();
  const waiters: { count: number; resolve: () => void }[] = [];

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const authorization = request.headers.authorization;
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (authorization !== `Bearer ${token}`) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: false, error: { code: 'vault-locked', message: 'Not signed in.' } }));
      return;
    }
    if (url.pathname === '/api/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(': connected\n\n');
      clients.add(response);
      response.on('close', () => clients.delete(response));
      for (const waiter of waiters.splice(0)) {
        if (clients.size >= waiter.count) waiter.resolve();
        else waiters.push(waiter);
      }
      return;
    }
    if (url.pathname.startsWith('/api/') && request.method === 'POST') {
      const parts: Buffer[] = [];
      request.on('data', (chunk: Buffer) => parts.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown;
        const method = url.pathname.slice('/api/'.length);
        calls.push({ method, body, authorization });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ ok: true, value: { method, args: (body as { args: unknown }).args } }));
      });
      return;
    }
    if (url.pathname.startsWith('/files/')) {
      fileRequests.push({ path: url.pathname, range: request.headers.range, authorization });
      const match = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
      const headers = {
        'content-type': 'application/pdf',
        'accept-ranges': 'bytes',
        'content-security-policy': "sandbox; default-src 'none'",
        'x-core-internal': 'not for the page',
      };
      if (match) {
        const start = Number(match[1]);
        const end = Math.min(Number(match[2]) + 1, FAKE_FILE.length);
        response.writeHead(206, {
          ...headers,
          'content-length': String(end - start),
          'content-range': `bytes ${start}-${end - 1}/${FAKE_FILE.length}`,
        });
        response.end(FAKE_FILE.subarray(start, end));
      } else {
        response.writeHead(200, { ...headers, 'content-length': String(FAKE_FILE.length) });
        response.end(FAKE_FILE);
      }
      return;
    }
    response.writeHead(404);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    calls,
    fileRequests,
    push(event) {
      const frame = `data: ${JSON.stringify(event)}\n\n`;
      const half = Math.floor(frame.length / 2);
      for (const client of clients) {
        client.write(frame.slice(0, half));
        client.write(frame.slice(half));
      }
    },
    streams(count) {
      if (clients.size >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async close() {
      for (const client of clients) client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
