/**
 * One set of packet rules for both front doors (usecases/packets.ts): what the CLI's packet is
 * given, the app's form offers next time; a packet asked for without the patient's name takes the
 * vault owner's, in the app as in the CLI. Both failed while the CLI and the app each had their own.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent, PacketDefaults } from '../shared/api';
import type { VaultDocument } from '../shared/documents';
import type { PacketRequest } from '../shared/packets';
import { main } from '../electron/core/cli/main';
import { MedvaultService } from '../electron/core/service/MedvaultService';
import { callService, untilEvent } from './support/service';
import { makePdf, tempDir } from './support/fixtures';
import { pageTexts } from './support/pdfText';
import { PASSPHRASE } from './support/vault';

describe('packet rules, the same through the CLI and the app', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let events: ApiEvent[];
  let service: MedvaultService;
  let documentId: string;

  const call = <T>(method: string, ...args: unknown[]) => callService<T>(service, method, ...args);
  const until = <T extends ApiEvent>(match: (event: ApiEvent) => event is T) => untilEvent(events, match);

  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main([...args, '--vault', join(root, 'vault')], {
      out: (text) => (out += text),
      err: (text) => (err += text),
      env: { MEDVAULT_PASSPHRASE: PASSPHRASE },
    });
    return { code, out, err };
  }

  beforeEach(async () => {
    ({ path: root, cleanup } = await tempDir('medvault-packet-rules-'));
    events = [];
    service = new MedvaultService(join(root, 'vault'), (event) => events.push(event));
    await service.createVault({ passphrase: PASSPHRASE });
    await mkdir(join(root, 'src'));
    await mkdir(join(root, 'out'));
    await writeFile(join(root, 'src', 'denial.pdf'), await makePdf(['DENIAL-ONE'], { title: 'Denial letter' }));
    const { importId } = await call<{ importId: string }>('startImport', { paths: [join(root, 'src')] });
    await until((event): event is ApiEvent => event.name === 'import-finished' && event.payload.importId === importId);
    documentId = (await call<VaultDocument[]>('listDocuments', {}))[0]!.id;
  });

  afterEach(async () => {
    await service.close();
    await cleanup();
  });

  it('offers in the app the patient a CLI packet was made for', async () => {
    await call('lock'); // the CLI opens the vault itself
    const made = await cli([
      'export',
      'new-provider',
      '--out',
      join(root, 'out', 'cli.pdf'),
      '--ids',
      documentId,
      '--patient-name',
      'Jane Q. Doe',
      '--dob',
      '1961-07-14',
    ]);
    expect(made.code, made.err).toBe(0);
    await call('unlock', { passphrase: PASSPHRASE });
    const defaults = await call<PacketDefaults>('getPacketDefaults');
    expect(defaults.patient).toEqual({ name: 'Jane Q. Doe', dateOfBirth: '1961-07-14' });
  }, 60_000);

  it("stamps an app packet asked for without a name with the vault owner's", async () => {
    await call('setOwner', { owner: { name: 'Owner Person', id: null } });
    const request: PacketRequest = {
      purpose: 'new-provider',
      documentIds: [documentId],
      recipient: { name: '', organisation: '', address: '' },
      patient: { name: '  ', dateOfBirth: '1961-07-14' },
    };
    const output = { form: 'pdf' as const, folder: join(root, 'out'), name: 'app' };
    const { packetId } = await call<{ packetId: string }>('startPacket', { request, output });
    const ended = await until(
      (event): event is Extract<ApiEvent, { name: 'packet-finished' | 'packet-failed' }> =>
        (event.name === 'packet-finished' || event.name === 'packet-failed') && event.payload.packetId === packetId,
    );
    expect(ended.name, JSON.stringify(ended.payload)).toBe('packet-finished');
    const pages = await pageTexts(await readFile(join(root, 'out', 'app.pdf')));
    pages.forEach((page, n) =>
      expect(page).toContain(`Owner Person · DOB 1961-07-14 · page ${n + 1} of ${pages.length}`),
    );
    // …and, like a CLI packet, it is what the form offers next.
    expect((await call<PacketDefaults>('getPacketDefaults')).patient.name).toBe('Owner Person');
  }, 60_000);
});
