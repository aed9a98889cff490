import { afterEach, describe, expect, it } from 'vitest';
import { getDicomStudy } from '../electron/core/documents/dicomStudy';
import { runImport } from '../electron/core/import/runImport';
import { makeDisc } from './support/dicomFixtures';
import { makePdf, writeTree } from './support/fixtures';
import { withNewVault } from './support/vault';
import { join } from 'node:path';
import { getDocument, listDocuments } from '../electron/core/usecases/documents';

describe('a study as the viewer sees it', () => {
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await cleanup?.();
    cleanup = null;
  });

  it('lists series by number and instances by instance number, each with the file position it is served at', async () => {
    const opened = await withNewVault();
    cleanup = opened.cleanup;
    const disc = await makeDisc(join(opened.root, 'disc'));
    await runImport(opened.vault, [disc.root], { sourceKind: 'disc' });
    const documents = await listDocuments(opened.vault, { type: 'imaging-study' });
    const mr = documents.find((d) => d.dicom?.studyInstanceUid === disc.mr.studyInstanceUid)!;
    const study = await opened.vault.db.read((q) => getDicomStudy(q, mr.id));

    expect(study.summary?.studyInstanceUid).toBe(disc.mr.studyInstanceUid);
    expect(study.series.map((s) => [s.seriesNumber, s.modality, s.description, s.instances.length])).toEqual([
      [1, 'MR', 'T1 SAG', 3],
      [2, 'MR', 'T2 AX FLAIR', 3],
    ]);
    const details = await getDocument(opened.vault, mr.id);
    for (const series of study.series) {
      expect(series.instances.map((i) => i.instanceNumber)).toEqual([1, 2, 3]);
      for (const instance of series.instances) {
        expect(instance.hasPixels).toBe(true);
        expect(instance.frames).toBe(1);
        expect(details.files.some((f) => f.position === instance.position)).toBe(true);
      }
    }
    // Every file of the study is listed once.
    expect(study.series.flatMap((s) => s.instances.map((i) => i.position)).sort()).toEqual(
      details.files.map((f) => f.position).sort(),
    );
  });

  it('says so for a document that is not a study', async () => {
    const opened = await withNewVault();
    cleanup = opened.cleanup;
    await writeTree(join(opened.root, 'in'), { 'a.pdf': await makePdf(['Hello']) });
    await runImport(opened.vault, [join(opened.root, 'in')]);
    const [pdf] = await listDocuments(opened.vault);
    await expect(opened.vault.db.read((q) => getDicomStudy(q, pdf!.id))).rejects.toThrow(
      'This document is not a DICOM study.',
    );
  });
});
