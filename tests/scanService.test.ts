/**
 * Scans through the service (what the UI calls): pages from uploads and from the disk, in the
 * order asked, one document; the request's schema; whether a scanner is there.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../shared/api';
import { checkApiArgs } from '../shared/apiSchema';
import { MedvaultService } from '../electron/core/service/MedvaultService';
import { tempDir, writeTree } from './support/fixtures';
import { pngOf, textPage } from './support/scanFixtures';
import { PASSPHRASE } from './support/vault';

describe('scans through the service', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let service: MedvaultService;
  const events: ApiEvent[] = [];

  beforeEach(async () => {
    ({ path: root, cleanup } = await tempDir());
    events.length = 0;
    service = new MedvaultService(join(root, 'vault'), (event) => events.push(event));
    await service.createVault({ passphrase: PASSPHRASE });
  });
  afterEach(async () => {
    await service.close();
    await cleanup();
  });

  it('imports a scan made of an uploaded page and a page on disk as one document', async () => {
    await writeTree(root, { 'second.png': await pngOf(textPage(['Second page heron'])) });
    const first = await pngOf(textPage(['First page bison']));
    const { uploadId } = await service.stageUpload(
      'first.png',
      (async function* () {
        yield first;
      })(),
    );
    const { importId } = await service.startImport({
      sourceKind: 'scan',
      scans: [{ title: 'Two pages', pages: [{ uploadId }, { path: join(root, 'second.png'), rotate: 0 }] }],
    });
    await expect
      .poll(() => events.find((event) => event.name !== 'import-progress'), { timeout: 30_000 })
      .toMatchObject({ name: 'import-finished', payload: { importId, report: { imported: 1, failed: [] } } });
    const [document] = await service.listDocuments({ text: 'heron bison' });
    expect(document).toMatchObject({ title: 'Two pages', source: { kind: 'scan', path: 'first.png' } });
    const details = await service.getDocument({ id: document!.id });
    expect(details.files.map((file) => file.originalPath)).toEqual([
      'first.png',
      'first.png',
      join(root, 'second.png'),
    ]);
    // The upload was used up by the import.
    await expect(service.startImport({ scans: [{ pages: [{ uploadId }] }] })).rejects.toThrow(/no longer available/);
  }, 40_000);

  it('refuses a page that is not a file, before taking any upload', async () => {
    await expect(service.startImport({ scans: [{ pages: [{ path: join(root, 'nope.png') }] }] })).rejects.toThrow(
      /nope\.png is not a file/,
    );
  });

  it('scans a page with scanimage for the Scan button, then imports it', async () => {
    // A stand-in scanimage that prints a real PNG page (see scanCli.test.ts for the CLI's side).
    const bin = join(root, 'bin');
    await writeTree(root, { 'page.png': await pngOf(textPage(['Scanned button jackal'])) });
    await mkdir(bin);
    await writeFile(join(bin, 'scanimage'), `#!/bin/sh\ncat "${join(root, 'page.png')}"\n`);
    await chmod(join(bin, 'scanimage'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      expect(await service.getScannerStatus()).toEqual({ available: true });
      const scanned = await service.scanPage();
      expect(scanned.name).toBe('scanned page 1.png');
      const { importId } = await service.startImport({
        sourceKind: 'scan',
        scans: [{ pages: [{ uploadId: scanned.uploadId }] }],
      });
      await expect
        .poll(() => events.find((event) => event.name !== 'import-progress'), { timeout: 30_000 })
        .toMatchObject({ name: 'import-finished', payload: { importId, report: { imported: 1 } } });
      expect((await service.listDocuments({ text: 'jackal' })).map((document) => document.title)).toEqual([
        'scanned page 1',
      ]);
    } finally {
      process.env.PATH = path;
    }
  }, 40_000);

  it('says whether a scanner interface is there', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/usr/bin:/bin'; // scanimage is not installed here
    try {
      expect(await service.getScannerStatus()).toEqual({ available: false });
      await expect(service.scanPage()).rejects.toThrow(/No scanner interface \(SANE scanimage\) was found/);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('the scan request schema', () => {
  it('takes pages with a path or an upload and a quarter turn, and nothing else', () => {
    expect(
      checkApiArgs('startImport', [
        { scans: [{ title: 'T', pages: [{ path: '/a.png', rotate: 90 }, { uploadId: 'abcdefabcdef' }] }] },
      ]).ok,
    ).toBe(true);
    for (const bad of [
      { scans: [{ pages: [] }] },
      { scans: [{ pages: [{}] }] },
      { scans: [{ pages: [{ path: '/a.png', uploadId: 'abcdefabcdef' }] }] },
      { scans: [{ pages: [{ path: '/a.png', rotate: 45 }] }] },
      { scans: [{ pages: [{ path: '/a.png' }], extra: true }] },
    ]) {
      expect(checkApiArgs('startImport', [bad]).ok, JSON.stringify(bad)).toBe(false);
    }
  });
});
