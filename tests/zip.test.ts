import { createWriteStream } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { NESTING_LIMITS } from '../electron/core/import/archive/nesting';
import { runImport } from '../electron/core/import/runImport';
import { ZIP_LIMITS } from '../electron/core/import/zip/zipArchive';
import type { Vault } from '../electron/core/vault/Vault';
import { makeJpeg, makePdf } from './support/fixtures';
import { withNewVault } from './support/vault';
import { listDocuments } from '../electron/core/usecases/documents';

type ZipContent = Buffer | { zeros: number } | { stored: Buffer };

/**
 * Writes a zip with yazl (a third-party writer): each entry a buffer (deflated), a buffer stored
 * uncompressed, or a stream of `zeros` zeros.
 */
async function writeZip(path: string, entries: Record<string, ZipContent>): Promise<void> {
  await pipeline(zipStream(entries), createWriteStream(path));
}

function zipStream(entries: Record<string, ZipContent>): NodeJS.ReadableStream {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(entries)) {
    if (Buffer.isBuffer(content)) zip.addBuffer(content, name);
    else if ('stored' in content) zip.addBuffer(content.stored, name, { compress: false });
    else zip.addReadStream(zeros(content.zeros), name, { size: content.zeros });
  }
  zip.end();
  return zip.outputStream;
}

async function zipBytes(entries: Record<string, ZipContent>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of zipStream(entries)) parts.push(part as Buffer);
  return Buffer.concat(parts);
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
    const found = await listDocuments(vault, { text: 'ocelot' });
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

  describe('zips inside zips (a "download everything" zip holding a package zip)', () => {
    it('imports them as folders, two archives deep, and refuses one nested deeper with a reason', async () => {
      const zipPath = join(root, 'download.zip');
      const deepest = await zipBytes({ 'too-deep.txt': Buffer.from('Never read.\n') });
      const deeper = await zipBytes({
        'labs/cbc.txt': Buffer.from('Complete blood count, marker: narwhal\n'),
        'deepest.zip': deepest,
      });
      const inner = await zipBytes({
        'folder/summary.pdf': await makePdf(['Visit summary', 'Marker: tapir']),
        'deeper.zip': { stored: deeper }, // read where it lies, without inflating anything
      });
      await writeZip(zipPath, {
        'README.txt': Buffer.from('Everything from the portal.\n'),
        'inner.zip': inner, // deflated: inflated into memory
      });
      const report = await runImport(vault, [zipPath]);
      expect(report.failed).toEqual([
        {
          path: `${zipPath}/inner.zip/deeper.zip/deepest.zip`,
          reason: 'This zip is nested more than 2 archives deep; it was not opened.',
        },
      ]);
      expect(report.imported).toBe(3);
      const [pdf] = await listDocuments(vault, { text: 'tapir' });
      expect(pdf?.source.path).toBe(`${zipPath}/inner.zip/folder/summary.pdf`);
      const [lab] = await listDocuments(vault, { text: 'narwhal' });
      expect(lab?.source.path).toBe(`${zipPath}/inner.zip/deeper.zip/labs/cbc.txt`);
      expect(await readdir(root)).toEqual(expect.not.arrayContaining(['folder', 'labs', 'inner.zip']));
    });

    it('refuses names that climb out of a nested zip (zip slip), and imports the rest', async () => {
      const zipPath = join(root, 'download.zip');
      const inner = await zipBytes({
        'ok.txt': Buffer.from('A fine note, marker: dugong\n'),
        'xx/evil.txt': Buffer.from('escape'),
      });
      // yazl will not write "../" itself: rename the entry in place (local header and directory).
      let at = inner.indexOf('xx/evil.txt');
      let renamed = 0;
      while (at !== -1) {
        inner.write('../', at, 'latin1');
        renamed++;
        at = inner.indexOf('xx/evil.txt', at);
      }
      expect(renamed).toBe(2);
      await writeZip(zipPath, { 'inner.zip': { stored: inner }, 'outer-note.txt': Buffer.from('Outer note.\n') });
      const report = await runImport(vault, [zipPath]);
      expect(report.failed).toEqual([
        { path: `${zipPath}/inner.zip`, reason: expect.stringMatching(/damaged or unsafe \(invalid relative path/) },
      ]);
      expect(report.imported).toBe(2);
      expect(await listDocuments(vault, { text: 'dugong' })).toHaveLength(1);
      expect(await readdir(join(root, '..'))).toEqual(expect.not.arrayContaining(['evil.txt']));
    });

    it('holds the bomb limits across levels: the ratio per entry, one total for all', async () => {
      const zipPath = join(root, 'download.zip');
      const inner = await zipBytes({
        'huge.txt': { zeros: 300 * 1024 * 1024 },
        'second.txt': Buffer.from('y'.repeat(40_000)),
        'small.txt': Buffer.from('Small note, marker: manatee\n'),
      });
      await writeZip(zipPath, { 'first.txt': Buffer.from('x'.repeat(40_000)), 'inner.zip': inner });
      const total = ZIP_LIMITS.totalBytes;
      // The inner zip itself (inflated into memory) and the first file take most of a small
      // total: the second file inside does not fit in what is left, the small one does.
      ZIP_LIMITS.totalBytes = inner.length + 40_000 + 30_000;
      try {
        const report = await runImport(vault, [zipPath]);
        expect(report.failed).toEqual([
          { path: `${zipPath}/inner.zip/huge.txt`, reason: expect.stringMatching(/zip bomb/) },
          { path: `${zipPath}/inner.zip/second.txt`, reason: expect.stringMatching(/would unpack to more than/) },
        ]);
        expect(report.imported).toBe(2);
        expect(await listDocuments(vault, { text: 'manatee' })).toHaveLength(1);
      } finally {
        ZIP_LIMITS.totalBytes = total;
      }
    });

    it('opens a compressed zip inside only within the memory cap; a stored one is read in place', async () => {
      const compressed = join(root, 'compressed.zip');
      const stored = join(root, 'stored.zip');
      const inner = await zipBytes({ 'note.txt': Buffer.from(`Inner note, marker: ${'kiwi '.repeat(2000)}\n`) });
      await writeZip(compressed, { 'inner.zip': inner, 'beside.txt': Buffer.from('Beside it.\n') });
      await writeZip(stored, { 'inner.zip': { stored: inner } });
      const cap = NESTING_LIMITS.inMemoryBytes;
      NESTING_LIMITS.inMemoryBytes = inner.length - 1;
      try {
        const report = await runImport(vault, [compressed, stored]);
        expect(report.failed).toEqual([
          {
            path: `${compressed}/inner.zip`,
            reason: expect.stringMatching(/does not unpack in memory; it was not opened/),
          },
        ]);
        expect(report.imported).toBe(2);
        const [note] = await listDocuments(vault, { text: 'kiwi' });
        expect(note?.source.path).toBe(`${stored}/inner.zip/note.txt`);
      } finally {
        NESTING_LIMITS.inMemoryBytes = cap;
      }
    });
  });
});
