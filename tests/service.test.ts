import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../shared/api';
import { MedvaultService } from '../electron/core/service/MedvaultService';
import { dispatch } from '../electron/core/service/dispatch';
import { tempDir } from './support/fixtures';
import { PASSPHRASE } from './support/vault';

describe('the session behind the UI', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let events: ApiEvent[];
  let service: MedvaultService;

  beforeEach(async () => {
    ({ path: root, cleanup } = await tempDir());
    events = [];
    // A "minute" of 150 ms, so the idle lock can be watched happening.
    service = new MedvaultService(join(root, 'vault'), (event) => events.push(event), 150);
  });
  afterEach(async () => {
    await service.close();
    await cleanup();
  });

  it('locks itself after the configured idle time and says so', async () => {
    await service.createVault({ passphrase: PASSPHRASE });
    await service.setAutoLock({ minutes: 2 }); // locks 300 ms after the last activity
    await new Promise((done) => setTimeout(done, 200));
    await dispatch(service, 'listDocuments', [{}]); // activity postpones the lock
    // Past the first deadline (300 ms) and 100 ms before the postponed one (the old 40 ms "minute"
    // left a late timer only 20 ms).
    await new Promise((done) => setTimeout(done, 200));
    expect((await service.getStatus()).state).toBe('unlocked');
    await new Promise((done) => setTimeout(done, 300));
    expect((await service.getStatus()).state).toBe('locked');
    expect(events).toContainEqual({ name: 'locked', payload: { reason: 'idle' } });
  });

  it('remembers the auto-lock setting with the vault; 0 means never', async () => {
    await service.createVault({ passphrase: PASSPHRASE });
    expect((await service.getStatus()).autoLockMinutes).toBe(10);
    await service.setAutoLock({ minutes: 0 });
    await service.lock();
    await service.unlock({ passphrase: PASSPHRASE });
    expect((await service.getStatus()).autoLockMinutes).toBe(0);
    await new Promise((done) => setTimeout(done, 100));
    expect((await service.getStatus()).state).toBe('unlocked');
  });

  it('locking clears the session: nothing can be read until unlocked again', async () => {
    await service.createVault({ passphrase: PASSPHRASE });
    await service.lock();
    expect(events).toContainEqual({ name: 'locked', payload: { reason: 'user' } });
    expect(await dispatch(service, 'getFacets', [])).toMatchObject({ ok: false, error: { code: 'vault-locked' } });
    expect(await dispatch(service, 'getStatus', [])).toMatchObject({ ok: true, value: { state: 'locked' } });
  });
});
