/**
 * OCR in the background of the app's session: after an import, queued images are read one by
 * one, the UI told how far it got; locking stops it and the rest waits in the vault.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../shared/api';
import { MedvaultService } from '../electron/core/service/MedvaultService';
import { tempDir, writeTree } from './support/fixtures';
import { pngOf, textPage } from './support/scanFixtures';
import { PASSPHRASE } from './support/vault';

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 45_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

describe('reading text in the background (the app)', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let events: ApiEvent[];
  let service: MedvaultService;

  beforeEach(async () => {
    ({ path: root, cleanup } = await tempDir());
    events = [];
    service = new MedvaultService(join(root, 'vault'), (event) => events.push(event));
    await service.createVault({ passphrase: PASSPHRASE });
    await writeTree(join(root, 'photos'), {
      'first.png': await pngOf(textPage(['Immunization record', 'Marker numbat'])),
      'second.png': await pngOf(textPage(['Medication list', 'Marker dugong'])),
    });
  }, 30_000);
  afterEach(async () => {
    await service.close();
    await cleanup();
  });

  it('reads the queued text after an import, saying how far it got; search finds it', async () => {
    await service.startImport({ paths: [join(root, 'photos')] });
    await until(() => events.some((e) => e.name === 'text-finished'), 'text-finished');
    expect(events.find((e) => e.name === 'text-finished')).toEqual({
      name: 'text-finished',
      payload: { recognized: 2, remaining: 0 },
    });
    const progress = events.filter((e) => e.name === 'text-progress').map((e) => e.payload);
    expect(progress[0]).toMatchObject({ done: 0, total: 2 });
    expect(progress.at(-1)).toEqual({ done: 2, total: 2, current: null });
    // The import finished before its text was read.
    const finished = events.findIndex((e) => e.name === 'import-finished');
    expect(finished).toBeLessThan(events.findIndex((e) => e.name === 'text-progress'));
    expect((await service.listDocuments({ text: 'numbat' })).map((d) => d.type)).toEqual(['immunization-record']);
    expect((await service.listDocuments({ text: 'dugong' })).map((d) => d.type)).toEqual(['medication-list']);
    expect((await service.getFacets()).textPending).toBe(0);
  }, 60_000);

  it('locking stops the reading; the rest waits in the vault and is read after the next unlock', async () => {
    await service.startImport({ paths: [join(root, 'photos')] });
    await until(() => events.some((e) => e.name === 'text-progress'), 'the first text-progress');
    await service.lock();
    await service.unlock({ passphrase: PASSPHRASE });
    const pendingAtUnlock = (await service.getFacets()).textPending;
    expect(pendingAtUnlock).toBeGreaterThan(0);
    await until(async () => (await service.getFacets()).textPending === 0, 'the queue to empty after unlocking');
    expect(await service.listDocuments({ text: 'dugong' })).toHaveLength(1);
  }, 60_000);
});
