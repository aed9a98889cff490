import { createWriteStream } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { runImport } from '../electron/core/import/runImport';
import type { Vault } from '../electron/core/vault/Vault';
import { makeJpeg, makePdf } from './support/fixtures';
import { withNewVault } from './support/vault';

/** Writes a zip with yazl (a third-party writer): each entry a buffer or a stream of `bytes` zeros. */
async function writeZip(path: string, entries: Record<string, Buffer | { zeros: number }>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(entries)) {
    if (Buffer.isBuffer(content)) zip.addBuffer(content, name);
    else zip.addReadStream(zeros(content.zeros), name, { size: content.zeros });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
}

function zeros(total: number): Readable {
  let left = total;
  const block = Buffer.alloc(1024 * 1024);
  return new Readable({
    read() {
      if (left <= 0) return this.push(null);
      const size = Math.min(left, block.length);
      left -= size;
      this.push(block.subarray(0, size));
    },
  });
}

describe('importing zips (a zipped disc, a portal download)', () => {
  let vault: Vault;
  let root: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ vault, root, cleanup } = await withNewVault());
  });
  afterEach(() => cleanup());

  it('imports the files inside, nested folders included, without extracting them to disk', async () => {
    const zipPath = join(root, 'download.zip');
    const pdf = await makePdf(['Discharge summary', 'Marker: ocelot']);
    await writeZip(zipPath, {
      'records/2023-02-01 discharge.pdf': pdf,
      'records/photos/wound.jpg': makeJpeg(50, 40, 3),
      '__MACOSX/records/._wound.jpg': Buffer.from('mac litter'),
    });
    const report = await runImport(vault, [zipPath]);
    expect(report).toMatchObject({ imported: 2, failed: [], skipped: 1 });
    const found = await vault.listDocuments({ text: 'ocelot' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      date: '2023-02-01',
      source: { path: `${zipPath}/records/2023-02-01 discharge.pdf` },
    });
    const [file] = await vault.db.read((q) =>
      q.all<{ blob_id: string }>('SELECT blob_id FROM document_files WHERE document_id = ?', [found[0]!.id]),
    );
    expect((await vault.blobs.readAll(file!.blob_id)).equals(pdf)).toBe(true);
    // Nothing was unpacked next to the zip.
    expect(await readdir(root)).toEqual(expect.not.arrayContaining(['records']));
  });

  it('refuses an entry that would inflate out of all proportion (a zip bomb), and imports the rest', async () => {
    const zipPath = join(root, 'bomb.zip');
    await writeZip(zipPath, { 'huge.txt': { zeros: 300 * 1024 * 1024 }, 'note.txt': Buffer.from('A real note.\n') });
    const before = process.memoryUsage().rss;
    const report = await runImport(vault, [zipPath]);
    expect(report.imported).toBe(1);
    expect(report.failed).toEqual([{ path: `${zipPath}/huge.txt`, reason: expect.stringMatching(/zip bomb/) }]);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('stops an entry whose data inflates past the size its header declares', async () => {
    const zipPath = join(root, 'liar.zip');
    const text = Buffer.from('x'.repeat(200_000));
    await writeZip(zipPath, { 'liar.txt': text, 'honest.txt': Buffer.from('fine\n') });
    // Rewrite the declared uncompressed size of liar.txt (local header and central directory) to 100 bytes.
    const bytes = await readFile(zipPath);
    let patched = 0;
    for (let at = 0; at < bytes.length - 4; at++) {
      const signature = bytes.readUInt32LE(at);
      if (signature === 0x04034b50 && bytes.toString('latin1', at + 30, at + 38) === 'liar.txt') {
        bytes.writeUInt32LE(100, at + 22);
        patched++;
      }
      if (signature === 0x02014b50 && bytes.toString('latin1', at + 46, at + 54) === 'liar.txt') {
        bytes.writeUInt32LE(100, at + 24);
        patched++;
      }
    }
    expect(patched).toBe(2);
    await writeFile(zipPath, bytes);
    const report = await runImport(vault, [zipPath]);
    expect(report.imported).toBe(1);
    expect(report.failed).toEqual([{ path: `${zipPath}/liar.txt`, reason: expect.stringMatching(/damaged/) }]);
    expect(await vault.blobs.listStored()).toHaveLength(1);
  });

  it('says a damaged zip is damaged', async () => {
    const zipPath = join(root, 'broken.zip');
    await writeFile(zipPath, Buffer.from('PK\u0003\u0004 this is not really a zip'));
    const report = await runImport(vault, [zipPath]);
    expect(report.failed).toEqual([{ path: zipPath, reason: 'The zip file is damaged and cannot be opened.' }]);
  });
});
