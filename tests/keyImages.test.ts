/**
 * Key images (issue 7): marked and unmarked in the core and through the contract, refused for an
 * instance of another study, a frame the instance lacks and an instance without pixels, gone with
 * the import run that added the study, and shown by the appeal packet — the marked images in
 * marking order with their captions, or, when none is marked, each series' middle image and a
 * sentence saying so. The packet is read back with pdf.js.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../shared/api';
import type { DicomSeriesView, DicomStudyView } from '../shared/dicom';
import type { PacketRequest } from '../shared/packets';
import { getDicomStudy, setKeyImage, type KeyImageChange } from '../electron/core/documents/dicomStudy';
import { deleteRunDocuments } from '../electron/core/documents/repository';
import { NO_KEY_IMAGES_SENTENCE } from '../electron/core/export/pdf/assemble';
import { planPacket, writePdfPacket } from '../electron/core/usecases/packets';
import { runImport } from '../electron/core/import/runImport';
import { MedvaultService } from '../electron/core/service/MedvaultService';
import { dispatch } from '../electron/core/service/dispatch';
import type { Vault } from '../electron/core/vault/Vault';
import { JANE, SOP_CLASS, newUid, writeDicomImage } from './support/dicomFixtures';
import { tempDir } from './support/fixtures';
import { pageTexts } from './support/pdfText';
import { PASSPHRASE, withNewVault } from './support/vault';
import { STACK_LABEL, TRIMMED_LABEL, makeViewerStudy } from './support/viewerFixtures';
import { listDocuments } from '../electron/core/usecases/documents';

/** Each page's text on one line (the captions and sentences may wrap). */
async function flatPageTexts(bytes: Buffer): Promise<string[]> {
  return (await pageTexts(bytes)).map((text) => text.replace(/\s+/g, ' '));
}

/** A one-series, one-instance study of its own (another study's instance, for refusals). */
async function writeOtherStudy(dir: string): Promise<string> {
  const sopInstanceUid = newUid();
  await writeDicomImage(join(dir, 'other.dcm'), {
    patient: JANE,
    study: {
      uid: newUid(),
      date: '20240102',
      description: 'CT HEAD',
      institution: 'Mercy',
      studyId: 'S9',
      accession: 'A9',
    },
    series: {
      uid: newUid(),
      number: 1,
      description: 'Axial',
      modality: 'CT',
      bodyPart: 'HEAD',
      sopClassUid: SOP_CLASS.ct,
    },
    sopInstanceUid,
    instanceNumber: 1,
  });
  return sopInstanceUid;
}

describe('key images', () => {
  let vault: Vault;
  let root: string;
  let cleanup: () => Promise<void>;
  let studyId: string;
  let study: DicomStudyView;
  let otherStudyId: string;
  let otherRunId: string;
  let otherSop: string;
  const series = (label: string): DicomSeriesView => study.series.find((s) => s.description === label)!;
  const mark = (change: Omit<KeyImageChange, 'id'> & { id?: string }) =>
    vault.db.transaction((tx) => setKeyImage(tx, { id: studyId, ...change }));

  beforeAll(async () => {
    const opened = await withNewVault();
    ({ vault, root, cleanup } = opened);
    const fixture = await makeViewerStudy(join(root, 'viewer'), 6);
    const report = await runImport(vault, [fixture.dir]);
    expect(report.failed).toEqual([]);
    const [document] = await listDocuments(vault, { type: 'imaging-study' });
    studyId = document!.id;
    study = await vault.db.read((q) => getDicomStudy(q, studyId));
    await mkdir(join(root, 'other'));
    otherSop = await writeOtherStudy(join(root, 'other'));
    const other = await runImport(vault, [join(root, 'other')]);
    otherRunId = other.runId;
    otherStudyId = other.documents[0]!;
  }, 180_000);

  afterAll(async () => {
    await cleanup?.();
  });

  it('starts with none; marks in order, once each; unmarks', async () => {
    expect(study.keyImages).toEqual([]);
    const stack = series(STACK_LABEL).instances;
    const cine = series('Multi-frame cine').instances[0]!;
    expect(cine.frames).toBe(4);
    await mark({ sopInstanceUid: stack[4]!.sopInstanceUid, frame: 0, marked: true });
    await mark({ sopInstanceUid: cine.sopInstanceUid, frame: 2, marked: true });
    await mark({ sopInstanceUid: stack[1]!.sopInstanceUid, frame: 0, marked: true });
    const again = await mark({ sopInstanceUid: stack[4]!.sopInstanceUid, frame: 0, marked: true });
    const expected = [
      { sopInstanceUid: stack[4]!.sopInstanceUid, frame: 0 },
      { sopInstanceUid: cine.sopInstanceUid, frame: 2 },
      { sopInstanceUid: stack[1]!.sopInstanceUid, frame: 0 },
    ];
    expect(again.keyImages).toEqual(expected);
    expect((await vault.db.read((q) => getDicomStudy(q, studyId))).keyImages).toEqual(expected);

    const unmarked = await mark({ sopInstanceUid: cine.sopInstanceUid, frame: 2, marked: false });
    expect(unmarked.keyImages).toEqual([expected[0], expected[2]]);
    // Unmarking what is not marked changes nothing; marking again puts it last.
    await mark({ sopInstanceUid: cine.sopInstanceUid, frame: 1, marked: false });
    const last = await mark({ sopInstanceUid: cine.sopInstanceUid, frame: 2, marked: true });
    expect(last.keyImages).toEqual([expected[0], expected[2], expected[1]]);
  });

  it('refuses an instance not in the study, a frame it lacks, an instance without pixels, a document that is no study', async () => {
    await expect(mark({ sopInstanceUid: otherSop, frame: 0, marked: true })).rejects.toMatchObject({
      code: 'not-found',
      message: `This study has no instance with the SOP Instance UID "${otherSop}".`,
    });
    await expect(mark({ sopInstanceUid: '1.2.3.4', frame: 0, marked: false })).rejects.toMatchObject({
      code: 'not-found',
    });
    const stack = series(STACK_LABEL).instances[0]!;
    await expect(mark({ sopInstanceUid: stack.sopInstanceUid, frame: 1, marked: true })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: 'This instance has only one frame.',
    });
    const cine = series('Multi-frame cine').instances[0]!;
    await expect(mark({ sopInstanceUid: cine.sopInstanceUid, frame: 4, marked: true })).rejects.toMatchObject({
      message: 'This instance has 4 frames; there is no frame 5.',
    });
    const trimmed = series(TRIMMED_LABEL).instances.find((i) => !i.hasPixels)!;
    await expect(mark({ sopInstanceUid: trimmed.sopInstanceUid, frame: 0, marked: true })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: 'This instance has no image to mark: it is a report or other data.',
    });
    const before = (await vault.db.read((q) => getDicomStudy(q, studyId))).keyImages;
    expect(before).toHaveLength(3);
    await expect(mark({ id: 'zzzzzzzz', sopInstanceUid: otherSop, frame: 0, marked: true })).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('shows the key images in the appeal packet, in marking order with their captions, and the page list agrees', async () => {
    const request: PacketRequest = {
      purpose: 'insurance-appeal',
      documentIds: [studyId],
      recipient: { name: 'Appeals', organisation: 'Acme', address: '' },
      patient: { name: 'Jane Doe', dateOfBirth: '1970-01-01' },
    };
    const out = join(root, 'keyed.pdf');
    const { plan } = await writePdfPacket(vault, request, out);
    const texts = await flatPageTexts(await readFile(out));
    expect(texts).toHaveLength(plan.totalPages);
    const [item] = plan.items;
    expect(item!.pageCount).toBe(4); // the summary and three key images
    expect((await planPacket(vault, request, { form: 'pdf' })).items).toEqual(plan.items);
    const pages = texts.slice(item!.firstPage - 1, item!.lastPage);
    expect(pages[0]).toContain('The 3 key images marked in the viewer are shown, in the order marked.');
    expect(pages[0]).not.toContain(NO_KEY_IMAGES_SENTENCE);
    expect(pages[0]).toMatch(/image 5 \(key image 1\); image 2 \(key image 2\)/);
    const stackNumber = series(STACK_LABEL).seriesNumber;
    const cineNumber = series('Multi-frame cine').seriesNumber;
    expect(pages[1]).toContain(`Key image 1 of 3: Series ${stackNumber} (CT · Stack), image 5 of 6`);
    expect(pages[2]).toContain(`Key image 2 of 3: Series ${stackNumber} (CT · Stack), image 2 of 6`);
    expect(pages[3]).toContain(
      `Key image 3 of 3: Series ${cineNumber} (CT · Multi-frame cine), image 1 of 1, frame 3 of 4`,
    );
  }, 60_000);

  it('without key images shows the middle image of each series and says so', async () => {
    for (const key of (await vault.db.read((q) => getDicomStudy(q, studyId))).keyImages)
      await mark({ ...key, marked: false });
    const request: PacketRequest = {
      purpose: 'new-provider',
      documentIds: [studyId],
      recipient: { name: 'Dr Who', organisation: '', address: '' },
      patient: { name: 'Jane Doe', dateOfBirth: '1970-01-01' },
    };
    const out = join(root, 'middle.pdf');
    const { plan } = await writePdfPacket(vault, request, out);
    const texts = await flatPageTexts(await readFile(out));
    const [item] = plan.items;
    const pages = texts.slice(item!.firstPage - 1, item!.lastPage);
    expect(pages[0]).toContain(NO_KEY_IMAGES_SENTENCE);
    expect(pages.join('\n')).not.toContain('Key image');
    // The stack's middle image (3 of 6) stands for it; every image page is one series'.
    expect(
      pages.some((page) => page.includes(`Series ${series(STACK_LABEL).seriesNumber} (CT · Stack), image 3 of 6`)),
    ).toBe(true);
    // One page per image the summary says is shown; the trimmed series' lost pixels are named.
    expect(item!.pageCount).toBe(1 + (pages[0]!.match(/ shown /g) ?? []).length);
    expect(pages[0]).toMatch(/Trimmed 2 image 2 could not be rendered/);
    for (const page of pages.slice(1)) expect(page).toMatch(/Series \d+ \(/);
  }, 60_000);

  it('go with the import run that added the study', async () => {
    const other = await vault.db.read((q) => getDicomStudy(q, otherStudyId));
    const marked = await vault.db.transaction((tx) =>
      setKeyImage(tx, {
        id: otherStudyId,
        sopInstanceUid: other.series[0]!.instances[0]!.sopInstanceUid,
        frame: 0,
        marked: true,
      }),
    );
    expect(marked.keyImages).toHaveLength(1);
    await vault.db.transaction((tx) => deleteRunDocuments(tx, otherRunId));
    expect(await vault.db.read((q) => q.all('SELECT 1 FROM key_images WHERE document_id = ?', [otherStudyId]))).toEqual(
      [],
    );
  });
});

describe('key images through the contract', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let service: MedvaultService;
  const events: ApiEvent[] = [];

  async function call<T>(method: string, ...args: unknown[]) {
    return (await dispatch(service, method, args)) as
      { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
  }

  beforeAll(async () => {
    ({ path: root, cleanup } = await tempDir('medvault-key-images-'));
    service = new MedvaultService(join(root, 'vault'), (event) => events.push(event));
    await service.createVault({ passphrase: PASSPHRASE });
    await mkdir(join(root, 'src'));
    await writeOtherStudy(join(root, 'src'));
  });

  afterAll(async () => {
    await service?.close();
    await cleanup?.();
  });

  it('marks, checks its arguments, refuses another study’s instance and keeps the marks over a lock', async () => {
    const started = await call<{ importId: string }>('startImport', { paths: [join(root, 'src')] });
    expect(started.ok).toBe(true);
    for (let waited = 0; !events.some((e) => e.name === 'import-finished'); waited += 20) {
      expect(waited).toBeLessThan(60_000);
      await new Promise((done) => setTimeout(done, 20));
    }
    const listed = await call<{ id: string }[]>('listDocuments', { type: 'imaging-study' });
    const id = listed.ok ? listed.value[0]!.id : '';
    const viewed = await call<DicomStudyView>('getDicomStudy', { id });
    expect(viewed.ok && viewed.value.keyImages).toEqual([]);
    const sop = viewed.ok ? viewed.value.series[0]!.instances[0]!.sopInstanceUid : '';

    const marked = await call<DicomStudyView>('setKeyImage', { id, sopInstanceUid: sop, frame: 0, marked: true });
    expect(marked.ok && marked.value.keyImages).toEqual([{ sopInstanceUid: sop, frame: 0 }]);

    const missing = await call('setKeyImage', { id, sopInstanceUid: '1.2.3', frame: 0, marked: true });
    expect(missing).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'This study has no instance with the SOP Instance UID "1.2.3".' },
    });
    for (const bad of [
      { id, sopInstanceUid: 'not a uid', frame: 0, marked: true },
      { id, sopInstanceUid: sop, frame: -1, marked: true },
      { id, sopInstanceUid: sop, frame: 0.5, marked: true },
      { id, sopInstanceUid: sop, frame: 0 },
      { id, sopInstanceUid: sop, frame: 0, marked: true, extra: 1 },
    ]) {
      const result = await call('setKeyImage', bad);
      expect(result.ok ? null : result.error.code, JSON.stringify(bad)).toBe('invalid-argument');
    }

    await service.lock();
    await service.unlock({ passphrase: PASSPHRASE });
    const reopened = await call<DicomStudyView>('getDicomStudy', { id });
    expect(reopened.ok && reopened.value.keyImages).toEqual([{ sopInstanceUid: sop, frame: 0 }]);
    const unmarked = await call<DicomStudyView>('setKeyImage', { id, sopInstanceUid: sop, frame: 0, marked: false });
    expect(unmarked.ok && unmarked.value.keyImages).toEqual([]);
  }, 60_000);
});
