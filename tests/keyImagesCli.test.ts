/**
 * `medvault key-images ID [--add SOP_UID[:FRAME]] [--remove SOP_UID[:FRAME]]`: lists a study's key
 * images, marks and unmarks them in one transaction (a refusal changes nothing), real child
 * processes on a disc made by dcmtk and GDCM.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaultDocument } from '../shared/documents';
import type { KeyImagesJson as KeyImagesResult } from '../shared/cliOutput';
import { describeRun, parseJson, runCli, type CliResult } from './support/cli';
import { makeDisc, type Disc } from './support/dicomFixtures';
import { tempDir } from './support/fixtures';

let temp: { path: string; cleanup: () => Promise<void> };
let vaultDir: string;
let disc: Disc;
let mrId: string;

function cli(args: string[]): Promise<CliResult> {
  return runCli([...args, '--vault', vaultDir]);
}

beforeAll(async () => {
  temp = await tempDir('medvault-key-images-cli-');
  vaultDir = join(temp.path, 'vault');
  const [made, init] = await Promise.all([makeDisc(join(temp.path, 'cdrom')), cli(['init', '--json'])]);
  disc = made;
  expect(init.code, describeRun(init)).toBe(0);
  const imported = await cli(['import', disc.root, '--json', '--skip-ocr']);
  expect(imported.code, describeRun(imported)).toBe(0);
  const listed = parseJson<VaultDocument[]>(await cli(['list', '--json', '--type', 'imaging-study']));
  mrId = listed.find((d) => d.dicom?.studyInstanceUid === disc.mr.studyInstanceUid)!.id;
}, 120_000);

afterAll(async () => {
  await temp?.cleanup();
});

describe('medvault key-images', () => {
  it('lists none, marks in the order given, lists them, unmarks', async () => {
    const none = await cli(['key-images', mrId]);
    expect(none.code, describeRun(none)).toBe(0);
    expect(none.stdout).toContain(`No key images are marked in ${mrId}: packets show the middle image of each series.`);

    const [t1a, t1b] = disc.mr.instances.filter((i) => i.seriesNumber === 1);
    const t2 = disc.mr.instances.find((i) => i.seriesNumber === 2 && i.instanceNumber === 2)!;
    const added = await cli([
      'key-images',
      mrId.slice(0, 8),
      '--add',
      t2.sopInstanceUid,
      '--add',
      `${t1a!.sopInstanceUid}:1`,
      '--json',
    ]);
    expect(added.code, describeRun(added)).toBe(0);
    const result = parseJson<KeyImagesResult>(added);
    expect(result).toMatchObject({ documentId: mrId, marked: 2, unmarked: 0 });
    expect(result.keyImages).toEqual([
      {
        sopInstanceUid: t2.sopInstanceUid,
        frame: 1,
        frames: 1,
        series: 2,
        seriesDescription: 'T2 AX FLAIR',
        instance: 2,
      },
      {
        sopInstanceUid: t1a!.sopInstanceUid,
        frame: 1,
        frames: 1,
        series: 1,
        seriesDescription: 'T1 SAG',
        instance: t1a!.instanceNumber,
      },
    ]);

    const listed = await cli(['key-images', mrId]);
    expect(listed.code, describeRun(listed)).toBe(0);
    expect(listed.stdout).toContain(`2 key images in ${mrId}, in the order marked (what packets show of this study):`);
    expect(listed.stdout).toContain(`  1. Series 2 T2 AX FLAIR, image 2  ${t2.sopInstanceUid}`);
    expect(listed.stdout).toContain(`  2. Series 1 T1 SAG, image ${t1a!.instanceNumber}  ${t1a!.sopInstanceUid}`);

    // Marking again and unmarking what is not marked change nothing; a removal is counted.
    const changed = await cli([
      'key-images',
      mrId,
      '--remove',
      t2.sopInstanceUid,
      '--remove',
      t1b!.sopInstanceUid,
      '--add',
      t1a!.sopInstanceUid,
    ]);
    expect(changed.code, describeRun(changed)).toBe(0);
    expect(changed.stdout).toContain('Marked 0, unmarked 1.');
    expect(changed.stdout).toContain(`1 key image in ${mrId}`);
    expect(changed.stdout).not.toContain(t2.sopInstanceUid);
  }, 60_000);

  it('refuses another study’s instance, a frame the instance lacks and a malformed argument, changing nothing', async () => {
    const ct = disc.ct.instances[0]!;
    const mr = disc.mr.instances[0]!;
    const before = parseJson<KeyImagesResult>(await cli(['key-images', mrId, '--json'])).keyImages;

    const other = await cli(['key-images', mrId, '--add', mr.sopInstanceUid, '--add', ct.sopInstanceUid]);
    expect(other.code, describeRun(other)).toBe(1);
    expect(other.stderr).toContain(
      `medvault: This study has no instance with the SOP Instance UID "${ct.sopInstanceUid}".`,
    );

    const frame = await cli(['key-images', mrId, '--add', `${mr.sopInstanceUid}:2`]);
    expect(frame.code, describeRun(frame)).toBe(1);
    expect(frame.stderr).toContain('This instance has only one frame.');

    for (const bad of [`${mr.sopInstanceUid}:0`, 'not-a-uid', `${mr.sopInstanceUid}:x`]) {
      const result = await cli(['key-images', mrId, '--add', bad]);
      expect(result.code, describeRun(result)).toBe(1);
      expect(result.stderr).toContain('--add needs a SOP Instance UID, optionally with ":FRAME" (from 1)');
    }
    const usage = await cli(['key-images']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('Usage: medvault key-images ID');

    expect(parseJson<KeyImagesResult>(await cli(['key-images', mrId, '--json'])).keyImages).toEqual(before);
  }, 60_000);
});
