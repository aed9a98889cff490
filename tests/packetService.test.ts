/**
 * Packets as the app makes them, through the contract (`dispatch`): the page list, writing in
 * the background with progress events, a cancel that leaves nothing, the patient's details kept
 * for the next packet, names that would leave the chosen folder refused, and the disclosure log
 * listed and saved as CSV.
 */
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent, PacketOutput, PacketResult } from '../shared/api';
import type { VaultDocument } from '../shared/documents';
import type { DisclosureRecord, PacketPlan, PacketRequest } from '../shared/packets';
import { PSYCHOTHERAPY_EXCLUDED_WARNING } from '../shared/packets';
import { MedvaultService } from '../electron/core/service/MedvaultService';
import { dispatch } from '../electron/core/service/dispatch';
import { callService, untilEvent } from './support/service';
import { JANE, SOP_CLASS, newUid, writeDicomImage } from './support/dicomFixtures';
import { makePdf, tempDir } from './support/fixtures';
import { PASSPHRASE } from './support/vault';

describe('packets through the contract', () => {
  let root: string;
  let out: string;
  let cleanup: () => Promise<void>;
  let events: ApiEvent[];
  let service: MedvaultService;
  let byTitle: Map<string, VaultDocument>;

  const call = <T>(method: string, ...args: unknown[]) => callService<T>(service, method, ...args);
  const until = <T extends ApiEvent>(match: (event: ApiEvent) => event is T) => untilEvent(events, match);

  function request(documentIds: string[], extra: Partial<PacketRequest> = {}): PacketRequest {
    return {
      purpose: 'insurance-appeal',
      documentIds,
      recipient: { name: 'Appeals Unit', organisation: 'Acme Health', address: '1 Main St' },
      appeal: {
        memberId: 'M-1',
        claimNumber: 'C-9',
        datesOfService: '2024-03-01',
        denialDate: '',
        statement: 'Needed.',
      },
      patient: { name: 'Jane Doe', dateOfBirth: '1970-01-01' },
      ...extra,
    };
  }

  async function write(req: PacketRequest, output: PacketOutput) {
    const { packetId } = await call<{ packetId: string }>('startPacket', { request: req, output });
    const ended = await until(
      (event): event is Extract<ApiEvent, { name: 'packet-finished' | 'packet-failed' }> =>
        (event.name === 'packet-finished' || event.name === 'packet-failed') && event.payload.packetId === packetId,
    );
    return { packetId, ended };
  }

  beforeEach(async () => {
    ({ path: root, cleanup } = await tempDir('medvault-packet-service-'));
    events = [];
    service = new MedvaultService(join(root, 'vault'), (event) => events.push(event));
    await service.createVault({ passphrase: PASSPHRASE });
    const src = join(root, 'src');
    out = join(root, 'out');
    await mkdir(src);
    await mkdir(out);
    await writeFile(join(src, 'denial.pdf'), await makePdf(['DENIAL-ONE', 'DENIAL-TWO'], { title: 'Denial letter' }));
    await writeFile(join(src, 'mri.pdf'), await makePdf(['MRI-REPORT'], { title: 'MRI report' }));
    await writeFile(join(src, 'therapy.txt'), 'Session notes\n');
    await writeDicomImage(join(src, 'study', 'im1'), {
      patient: JANE,
      study: {
        uid: newUid(),
        date: '20240301',
        description: 'MRI KNEE',
        institution: 'Mercy',
        studyId: 'S1',
        accession: 'A1',
      },
      series: {
        uid: newUid(),
        number: 1,
        description: 'Knee',
        modality: 'MR',
        bodyPart: 'KNEE',
        sopClassUid: SOP_CLASS.mr,
      },
      sopInstanceUid: newUid(),
      instanceNumber: 1,
    });
    const { importId } = await call<{ importId: string }>('startImport', { paths: [src] });
    const finished = await until(
      (event): event is Extract<ApiEvent, { name: 'import-finished' }> =>
        event.name === 'import-finished' && event.payload.importId === importId,
    );
    expect(finished.payload.report.imported).toBe(4);
    const documents = await call<VaultDocument[]>('listDocuments', {});
    const therapy = documents.find((document) => document.title.includes('therapy'))!;
    await call('editDocument', { id: therapy.id, edit: { type: 'psychotherapy-note', title: 'Therapy notes' } });
    byTitle = new Map((await call<VaultDocument[]>('listDocuments', {})).map((document) => [document.title, document]));
  });
  afterEach(async () => {
    await service.close();
    await cleanup();
  });

  it('plans, writes a PDF with progress, leaves psychotherapy notes out and logs the disclosure', async () => {
    const ids = ['MRI report', 'Therapy notes', 'Denial letter'].map((title) => byTitle.get(title)!.id);
    const output: PacketOutput = { form: 'pdf', folder: out, name: 'appeal' };
    const plan = await call<PacketPlan>('planPacket', { request: request(ids), output });
    expect(plan.items.map((item) => item.title)).toEqual(['MRI report', 'Denial letter']);
    expect(plan.excluded.map((item) => item.title)).toEqual(['Therapy notes']);
    expect(plan.warnings).toContain(PSYCHOTHERAPY_EXCLUDED_WARNING);
    expect(await readdir(out)).toEqual([]); // planning writes nothing

    const { packetId, ended } = await write(request(ids), output);
    expect(ended.name).toBe('packet-finished');
    const result = (ended.payload as { result: PacketResult }).result;
    expect(result.path).toBe(join(out, 'appeal.pdf'));
    const pdf = await PDFDocument.load(await readFile(result.path));
    expect(pdf.getPageCount()).toBe(plan.totalPages);
    expect(result.pages).toBe(plan.totalPages);
    expect(result.warnings).toContain(PSYCHOTHERAPY_EXCLUDED_WARNING);
    const progress = events.filter((event) => event.name === 'packet-progress' && event.payload.packetId === packetId);
    expect(progress.length).toBeGreaterThanOrEqual(3); // at the start and after each document
    expect(progress.at(-1)).toMatchObject({ payload: { progress: { documentsDone: 2, documentsTotal: 2 } } });

    const log = await call<DisclosureRecord[]>('listDisclosures');
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ id: result.disclosureId, purpose: 'insurance-appeal', form: 'pdf' });
    expect(log[0]!.documents.map((document) => document.title)).toEqual(['MRI report', 'Denial letter']);

    // The patient's details come back for the next packet.
    expect(await call('getPacketDefaults')).toMatchObject({ patient: { name: 'Jane Doe', dateOfBirth: '1970-01-01' } });

    // The same name again is refused, the first packet untouched.
    const again = await dispatch(service, 'startPacket', [{ request: request(ids), output }]);
    expect(again).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(again.ok || again.error.message).toMatch(/already exists/);

    const csv = await call<{ path: string }>('saveDisclosuresCsv', { folder: out, name: 'log' });
    expect(csv.path).toBe(join(out, 'log.csv'));
    const text = await readFile(csv.path, 'utf8');
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(3); // header and the two documents
    expect(text).toContain(byTitle.get('Denial letter')!.id);
    expect(text).not.toContain(byTitle.get('Therapy notes')!.id);
  });

  it('includes psychotherapy notes only when asked', async () => {
    const ids = ['Therapy notes', 'Denial letter'].map((title) => byTitle.get(title)!.id);
    const output: PacketOutput = { form: 'pdf', folder: out, name: 'with-notes.pdf' };
    const plan = await call<PacketPlan>('planPacket', {
      request: request(ids, { includePsychotherapyNotes: true }),
      output,
    });
    expect(plan.items.map((item) => item.title)).toEqual(['Therapy notes', 'Denial letter']);
    const { ended } = await write(request(ids, { includePsychotherapyNotes: true }), output);
    expect(ended.name).toBe('packet-finished');
    const log = await call<DisclosureRecord[]>('listDisclosures');
    expect(log[0]!.documents.map((document) => document.title)).toEqual(['Therapy notes', 'Denial letter']);
  });

  it('a cancelled packet leaves no file and no record', async () => {
    const ids = ['MRI report', 'Denial letter'].map((title) => byTitle.get(title)!.id);
    const { packetId } = await call<{ packetId: string }>('startPacket', {
      request: request(ids),
      output: { form: 'pdf', folder: out, name: 'cancelled' },
    });
    await call('cancelPacket', { packetId });
    const ended = await until(
      (event): event is Extract<ApiEvent, { name: 'packet-failed' | 'packet-finished' }> =>
        (event.name === 'packet-failed' || event.name === 'packet-finished') && event.payload.packetId === packetId,
    );
    expect(ended).toMatchObject({ name: 'packet-failed', payload: { error: { code: 'cancelled' } } });
    expect(await readdir(out)).toEqual([]);
    expect(await call('listDisclosures')).toEqual([]);
  });

  it('refuses what it cannot write: a name with a slash, a missing folder, a PDF without a date of birth, a de-identified PDF', async () => {
    const ids = [byTitle.get('Denial letter')!.id];
    const failures = [
      [request(ids), { form: 'pdf', folder: out, name: '../escape' }, /without slashes/],
      [request(ids), { form: 'pdf', folder: join(out, 'missing'), name: 'a' }, /does not exist/],
      [
        request(ids, { patient: { name: 'Jane Doe', dateOfBirth: '' } }),
        { form: 'pdf', folder: out, name: 'a' },
        /date of birth/,
      ],
      [request(ids), { form: 'pdf', folder: out, name: 'a', deidentify: true }, /de-identified/],
    ] as const;
    for (const [req, output, message] of failures) {
      const result = await dispatch(service, 'startPacket', [{ request: req, output }]);
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.error.message).toMatch(message);
    }
    expect(await readdir(out)).toEqual([]);
    expect(await call('listDisclosures')).toEqual([]);
  });

  it('writes a second-opinion folder of a study and a report; refuses a disc without a study', async () => {
    const reportOnly = await dispatch(service, 'startPacket', [
      {
        request: request([byTitle.get('MRI report')!.id], { purpose: 'second-opinion' }),
        output: { form: 'folder', folder: out, name: 'no study' },
      },
    ]);
    expect(reportOnly.ok ? '' : reportOnly.error.message).toMatch(/for imaging studies/);
    const study = [...byTitle.values()].find((document) => document.type === 'imaging-study')!;
    const ids = [study.id, byTitle.get('MRI report')!.id];
    const { ended } = await write(request(ids, { purpose: 'second-opinion', appeal: undefined }), {
      form: 'folder',
      folder: out,
      name: 'For Dr Smith',
    });
    expect(ended, JSON.stringify(ended.payload)).toMatchObject({ name: 'packet-finished' });
    const result = (ended.payload as { result: PacketResult }).result;
    expect(result.path).toBe(join(out, 'For Dr Smith'));
    const names = await readdir(result.path);
    expect(names).toEqual(expect.arrayContaining(['DICOMDIR', 'DICOM', 'README.TXT', 'INDEX.HTM', 'MANIFEST', 'DOCS']));
    expect(result.files).toBeGreaterThanOrEqual(6);
    expect(result.pages).toBeGreaterThanOrEqual(3); // the summary PDF: index, the study's page, the report
    expect(await readdir(join(result.path, 'DOCS'))).toContain('SUMMARY.PDF');
    expect((await call<DisclosureRecord[]>('listDisclosures'))[0]).toMatchObject({
      purpose: 'second-opinion',
      form: 'folder',
    });

    // The same as one zip, its page list the summary's (no letter).
    const zipRequest = request(ids, { purpose: 'second-opinion', appeal: undefined });
    const zipOutput: PacketOutput = { form: 'zip', folder: out, name: 'For Dr Smith' };
    const plan = await call<PacketPlan>('planPacket', { request: zipRequest, output: zipOutput });
    expect(plan.coverPages).toBe(0);
    const zipped = await write(zipRequest, zipOutput);
    expect(zipped.ended, JSON.stringify(zipped.ended.payload)).toMatchObject({ name: 'packet-finished' });
    const zipResult = (zipped.ended.payload as { result: PacketResult }).result;
    expect(zipResult.path).toBe(join(out, 'For Dr Smith.zip'));
    expect(zipResult.pages).toBe(plan.totalPages);
    const zipBytes = await readFile(zipResult.path);
    expect(zipBytes.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    expect(zipBytes.includes('DICOMDIR')).toBe(true);
    expect((await call<DisclosureRecord[]>('listDisclosures'))[0]).toMatchObject({ form: 'zip' });
  });
});
