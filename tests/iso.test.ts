import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { runImport } from '../electron/core/import/runImport';
import type { Vault } from '../electron/core/vault/Vault';
import { makeDisc, type Disc } from './support/dicomFixtures';
import { withNewVault } from './support/vault';
import { listDocuments } from '../electron/core/usecases/documents';

const run = promisify(execFile);

/** A disc image written by genisoimage, with Joliet names or with plain ISO 9660 level 1 names. */
async function makeIso(disc: Disc, path: string, joliet: boolean): Promise<string> {
  await run('genisoimage', ['-quiet', ...(joliet ? ['-J', '-r'] : []), '-o', path, disc.root]);
  return path;
}

describe('importing a disc image (.iso) directly', () => {
  let vault: Vault;
  let root: string;
  let cleanup: () => Promise<void>;
  let disc: Disc;

  beforeEach(async () => {
    ({ vault, root, cleanup } = await withNewVault());
    disc = await makeDisc(join(root, 'cdrom'));
  });
  afterEach(() => cleanup());

  it.each([
    ['Joliet names', true],
    ['plain ISO 9660 names (upper case, ;1)', false],
  ])('reads the studies, the report and nothing else, byte for byte (%s)', async (_label, joliet) => {
    const iso = await makeIso(disc, join(root, 'disc.iso'), joliet);
    const report = await runImport(vault, [iso]);
    expect(report).toMatchObject({ imported: 3, failed: [], skipped: 7, sourceKind: 'disc' });
    const documents = await listDocuments(vault);
    // The disc's loose report PDF is filed by its text ("Radiology report … findings").
    expect(documents.map((d) => d.type).sort()).toEqual(['imaging-report', 'imaging-study', 'imaging-study']);
    const ct = documents.find((d) => d.dicom?.studyInstanceUid === disc.ct.studyInstanceUid)!;
    expect(ct.dicom?.instanceCount).toBe(disc.ct.instances.length);
    const files = await vault.db.read((q) =>
      q.all<{ blob_id: string; sop: string }>(
        `SELECT f.blob_id, i.sop_instance_uid AS sop FROM document_files f JOIN dicom_instances i ON i.blob_id = f.blob_id
         WHERE f.document_id = ?`,
        [ct.id],
      ),
    );
    for (const instance of disc.ct.instances) {
      const stored = files.find((file) => file.sop === instance.sopInstanceUid)!;
      expect((await vault.blobs.readAll(stored.blob_id)).equals(await readFile(instance.path))).toBe(true);
    }
  });

  it('says a cut-short image is damaged, and imports what lies inside what is left', async () => {
    const iso = await makeIso(disc, join(root, 'disc.iso'), true);
    const size = (await readFile(iso)).length;
    // genisoimage pads the end with empty sectors: cut well into the files themselves.
    await truncate(iso, Math.floor(size * 0.35));
    const report = await runImport(vault, [iso]);
    expect(report.failed.length).toBeGreaterThan(0);
    for (const failure of report.failed) expect(failure.reason).toMatch(/cut short|outside the disc image|damaged/);
    const verify = await vault.verify();
    expect(verify.ok).toBe(true);
  });

  it('refuses an image whose directory points outside it, and a file that is not an ISO at all', async () => {
    const iso = await makeIso(disc, join(root, 'disc.iso'), false);
    const bytes = await readFile(iso);
    // The root directory record of the primary volume descriptor (sector 16, offset 156): its
    // extent (LBA, little-endian at +2) is pointed far past the end of the image.
    bytes.writeUInt32LE(0x00ffffff, 16 * 2048 + 156 + 2);
    await writeFile(iso, bytes);
    const broken = await runImport(vault, [iso]);
    expect(broken.failed).toEqual([{ path: iso, reason: expect.stringMatching(/damaged or not an ISO 9660 image/) }]);

    const notIso = join(root, 'holiday.iso');
    await writeFile(notIso, Buffer.alloc(64 * 1024, 7));
    const report = await runImport(vault, [notIso]);
    expect(report.failed).toEqual([{ path: notIso, reason: expect.stringMatching(/not an ISO 9660 image/) }]);
    expect(await listDocuments(vault)).toEqual([]);
  });

  it('reads a disc image inside a zip in place, without unpacking it', async () => {
    const iso = await makeIso(disc, join(root, 'disc.iso'), true);
    const zipPath = join(root, 'disc.zip');
    const zip = new yazl.ZipFile();
    zip.addBuffer(await readFile(iso), 'export/disc.iso', { compress: false });
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(zipPath));
    const report = await runImport(vault, [zipPath]);
    expect(report).toMatchObject({ imported: 3, failed: [], skipped: 7, sourceKind: 'disc' });
    const documents = await listDocuments(vault);
    expect(documents.every((d) => d.source.path.startsWith(`${zipPath}/export/disc.iso/`))).toBe(true);
  });
});
