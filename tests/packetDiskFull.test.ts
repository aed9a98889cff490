/**
 * A packet written to a stick that fills up: one sentence saying so, nothing of the packet left
 * on the stick, nothing in the disclosure log — for the PDF, the disc folder and the zip. The
 * full stick is simulated: writes to files under its folder fail with ENOSPC, as the kernel's do.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiEvent, PacketForm } from '../shared/api';
import type { VaultDocument } from '../shared/documents';
import type { PacketRequest } from '../shared/packets';
import { MedvaultService } from '../electron/core/service/MedvaultService';
import { dispatch } from '../electron/core/service/dispatch';
import { JANE, SOP_CLASS, newUid, writeDicomImage } from './support/dicomFixtures';
import { makePdf, tempDir } from './support/fixtures';
import { PASSPHRASE } from './support/vault';

const stick = vi.hoisted(() => ({ path: '' }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const noSpace = () =>
    Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      errno: -28,
      syscall: 'write',
    });
  const open: typeof actual.open = async (path, ...rest) => {
    const handle = await actual.open(path, ...rest);
    if (!stick.path || !String(path).startsWith(stick.path)) return handle;
    return new Proxy(handle, {
      get(target, property) {
        if (property === 'write' || property === 'writeFile') return () => Promise.reject(noSpace());
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  return { ...actual, open, default: { ...actual, open } };
});

describe('a packet on a full stick', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let events: ApiEvent[];
  let service: MedvaultService;
  let ids: string[];

  async function until(packetId: string) {
    for (let waited = 0; waited < 60_000; waited += 20) {
      const found = events.find(
        (event) =>
          (event.name === 'packet-finished' || event.name === 'packet-failed') && event.payload.packetId === packetId,
      );
      if (found) return found;
      await new Promise((done) => setTimeout(done, 20));
    }
    throw new Error('the packet never ended');
  }

  beforeEach(async () => {
    ({ path: root, cleanup } = await tempDir('medvault-full-stick-'));
    events = [];
    service = new MedvaultService(join(root, 'vault'), (event) => events.push(event));
    await service.createVault({ passphrase: PASSPHRASE });
    const src = join(root, 'src');
    await mkdir(src);
    await writeFile(join(src, 'report.pdf'), await makePdf(['CT REPORT'], { title: 'CT report' }));
    const study = {
      uid: newUid(),
      date: '20240301',
      description: 'CT',
      institution: 'Mercy',
      studyId: 'S1',
      accession: 'A1',
    };
    const series = {
      uid: newUid(),
      number: 1,
      description: 'Axial',
      modality: 'CT',
      bodyPart: 'CHEST',
      sopClassUid: SOP_CLASS.ct,
    };
    await writeDicomImage(join(src, 'IM1'), {
      patient: JANE,
      study,
      series,
      sopInstanceUid: newUid(),
      instanceNumber: 1,
    });
    const started = await dispatch(service, 'startImport', [{ paths: [src] }]);
    expect(started.ok).toBe(true);
    for (let waited = 0; !events.some((event) => event.name === 'import-finished'); waited += 20) {
      if (waited > 60_000) throw new Error('the import never finished');
      await new Promise((done) => setTimeout(done, 20));
    }
    const listed = await dispatch(service, 'listDocuments', [{}]);
    ids = (listed.ok ? (listed.value as VaultDocument[]) : []).map((document) => document.id);
    expect(ids).toHaveLength(2);
    stick.path = join(root, 'stick');
    await mkdir(stick.path);
  });
  afterEach(async () => {
    stick.path = '';
    await service.close();
    await cleanup();
  });

  for (const form of ['pdf', 'folder', 'zip'] as PacketForm[]) {
    it(`says the disk is full and leaves nothing: ${form}`, async () => {
      const request: PacketRequest = {
        purpose: 'second-opinion',
        documentIds: ids,
        recipient: { name: 'Dr Alvarez', organisation: '', address: '' },
        patient: { name: 'Jane Doe', dateOfBirth: '1970-01-01' },
      };
      const started = await dispatch(service, 'startPacket', [
        { request, output: { form, folder: stick.path, name: 'packet' } },
      ]);
      if (!started.ok) throw new Error(started.error.message);
      const ended = await until((started.value as { packetId: string }).packetId);
      expect(ended.name).toBe('packet-failed');
      const { error } = ended.payload as { error: { code: string; message: string } };
      expect(error.code).toBe('disk-full');
      expect(error.message).toMatch(/^The disk is full while writing the (file|packet) .*packet(\.pdf|\.zip)?\.$/);
      expect(await readdir(stick.path)).toEqual([]);
      expect(await dispatch(service, 'listDisclosures', [])).toEqual({ ok: true, value: [] });
    });
  }
});
