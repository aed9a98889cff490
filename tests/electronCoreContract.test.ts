/**
 * The main process's side (coreClient, IPC handlers, the medvault://app file proxy) against the
 * real core server in 'electron' mode, as coreProcess.ts starts it: the bearer token, Node's
 * fetch headers, the event stream and ranged file reads all fit.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiEvent, VaultStatus } from '../shared/api';
import type { VaultDocument } from '../shared/documents';
import { createAppRequestHandler } from '../electron/main/appProtocol';
import { callCore, followCoreEvents, type CoreConnection } from '../electron/main/coreClient';
import { apiMethodHandler } from '../electron/main/ipcHandlers';
import { startServer } from '../electron/server/server';
import { makePng, tempDir, writeTree } from './support/fixtures';
import { PASSPHRASE } from './support/vault';

const app = { senderFrame: { url: 'medvault://app/', parent: null } };

describe('main process ↔ core server (electron mode)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let core: CoreConnection;
  let cleanup: () => Promise<void>;
  let root: string;
  const events: ApiEvent[] = [];
  let stopEvents: () => void;

  beforeAll(async () => {
    ({ path: root, cleanup } = await tempDir('medvault-contract-'));
    server = await startServer({ vaultDir: join(root, 'vault'), mode: 'electron' });
    core = { url: server.url, token: server.token };
    stopEvents = followCoreEvents(core, (event) => events.push(event), { retryMs: 50 });
  });
  afterAll(async () => {
    stopEvents();
    await server.close();
    await cleanup();
  });

  it('needs the token', async () => {
    const wrong = await callCore({ url: core.url, token: 'wrong' }, 'getStatus', []);
    expect(wrong.ok).toBe(false);
    const status = await callCore(core, 'getStatus', []);
    expect(status).toMatchObject({ ok: true, value: { state: 'no-vault' } });
  });

  it('creates a vault, imports a file, serves it in ranges, and pushes events', async () => {
    const created = await apiMethodHandler('createVault', async () => core)(app, { passphrase: PASSPHRASE });
    expect(created).toMatchObject({ ok: true, value: { status: { state: 'unlocked' } } });

    const image = makePng(32, 24, 7);
    await writeTree(root, { 'records/scan.png': image });
    const started = await apiMethodHandler('startImport', async () => core)(app, { paths: [join(root, 'records')] });
    expect(started.ok).toBe(true);
    await vi.waitFor(() => expect(events.map((event) => event.name)).toContain('import-finished'), { timeout: 30_000 });

    const listed = await callCore(core, 'listDocuments', [{}]);
    expect(listed.ok).toBe(true);
    const [document] = (listed as { value: VaultDocument[] }).value;
    expect(document).toBeDefined();

    const files = createAppRequestHandler({ rendererDir: join(root, 'no-renderer'), core: async () => core });
    const whole = await files(new Request(`medvault://app/files/${document!.id}/0`));
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(image);
    const part = await files(
      new Request(`medvault://app/files/${document!.id}/0`, { headers: { range: 'bytes=0-7' } }),
    );
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(image.subarray(0, 8));

    const locked = await callCore(core, 'lock', []);
    expect((locked as { value: VaultStatus }).value.state).toBe('locked');
    await vi.waitFor(() => expect(events).toContainEqual({ name: 'locked', payload: { reason: 'user' } }));
    const afterLock = await files(new Request(`medvault://app/files/${document!.id}/0`));
    expect(afterLock.status).toBe(403);
  });
});
