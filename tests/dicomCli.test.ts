/**
 * `medvault import DISC` and `medvault show ID --json` on a hospital disc (issue 4, "In the app
 * and the CLI"): real child processes on a disc made by dcmtk and GDCM.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDetails } from '../shared/documents';
import { describeRun, parseJson, runCli, type CliResult } from './support/cli';
import { JANE, makeDisc, sha256File, type Disc } from './support/dicomFixtures';
import { tempDir } from './support/fixtures';
import type { ImportJson } from '../shared/cliOutput';

/** What `import --json` prints (the report without its status and source kind). */

let temp: { path: string; cleanup: () => Promise<void> };
let vaultDir: string;
let disc: Disc;
let report: ImportJson;

function cli(args: string[]): Promise<CliResult> {
  return runCli([...args, '--vault', vaultDir]);
}

beforeAll(async () => {
  temp = await tempDir('medvault-dicom-cli-');
  vaultDir = join(temp.path, 'vault');
  const [made, init] = await Promise.all([makeDisc(join(temp.path, 'cdrom')), cli(['init', '--json'])]);
  disc = made;
  expect(init.code, describeRun(init)).toBe(0);
});

afterAll(async () => {
  await temp?.cleanup();
});

describe('medvault CLI on a hospital disc', () => {
  it('import DISC --json imports the two studies and the report, skips the noise, names the patient', async () => {
    const result = await cli(['import', disc.root, '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    report = parseJson<ImportJson>(result);
    expect(report).toMatchObject({ imported: 3, duplicates: 0, failed: [], warnings: [] });
    expect(report.documents).toHaveLength(3);
    expect(report.skipped).toBe(disc.noise.length + 1); // the viewer, autorun.inf, index.htm, DICOMDIR
    expect(report.patients).toEqual([{ name: expect.stringMatching(/^(?=.*\bdoe\b)(?=.*\bjane\b)/i), id: JANE.id }]);
  });

  it('show ID --json of a study includes its dicom summary and one file per instance', async () => {
    const shown: DocumentDetails[] = [];
    for (const id of report.documents) {
      const result = await cli(['show', id, '--json']);
      expect(result.code, describeRun(result)).toBe(0);
      shown.push(parseJson<DocumentDetails>(result));
    }
    const ct = shown.find((d) => d.dicom?.studyInstanceUid === disc.ct.studyInstanceUid);
    expect(ct).toMatchObject({
      type: 'imaging-study',
      mediaType: 'application/dicom',
      date: '2023-04-05',
      provider: 'Mercy Hospital',
      dicom: {
        studyInstanceUid: disc.ct.studyInstanceUid,
        modalities: ['CT'],
        seriesCount: 1,
        instanceCount: 6,
        patientName: expect.stringMatching(/^(?=.*\bdoe\b)(?=.*\bjane\b)/i),
        patientId: JANE.id,
        studyDescription: 'CHEST WITHOUT CONTRAST',
      },
    });
    expect(Object.keys(ct!.dicom!).sort()).toEqual(
      [
        'instanceCount',
        'modalities',
        'patientId',
        'patientName',
        'seriesCount',
        'studyDescription',
        'studyInstanceUid',
      ].sort(),
    );
    const expected = await Promise.all(disc.ct.instances.map((instance) => sha256File(instance.path)));
    expect(ct!.files.map((file) => file.sha256).sort()).toEqual(expected.sort());

    const mr = shown.find((d) => d.dicom?.studyInstanceUid === disc.mr.studyInstanceUid);
    expect(mr?.dicom).toMatchObject({ modalities: ['MR'], seriesCount: 2, instanceCount: 6 });
    const pdf = shown.find((d) => d.mediaType === 'application/pdf');
    expect(pdf?.source.path).toBe(disc.reportPdf);
    expect(pdf?.dicom).toBeUndefined();
  });
});
