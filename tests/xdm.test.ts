import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runImport } from '../electron/core/import/runImport';
import type { Vault } from '../electron/core/vault/Vault';
import { writeXdmZip } from './support/xdmFixtures';
import { withNewVault } from './support/vault';
import { listDocuments } from '../electron/core/usecases/documents';

describe('importing an IHE XDM package (a portal download)', () => {
  let vault: Vault;
  let root: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ vault, root, cleanup } = await withNewVault());
  });
  afterEach(() => cleanup());

  /** The package's PDF, filed by what METADATA.XML says of it. */
  async function expectFiledByMetadata(path: string): Promise<void> {
    const [pdf] = await listDocuments(vault, { text: 'axolotl' });
    expect(pdf).toMatchObject({
      title: 'Operative report, right knee arthroscopy',
      type: 'operative-report',
      date: '2024-02-15',
      provider: 'Lakeside Surgical Center',
      mediaType: 'application/pdf',
      source: { path },
    });
  }

  it('files each document by the package metadata and skips the package files', async () => {
    const zipPath = join(root, 'download.zip');
    await writeXdmZip(zipPath);
    const report = await runImport(vault, [zipPath]);
    expect(report).toMatchObject({ imported: 2, failed: [], skipped: 3 }); // INDEX.HTM, README.TXT, METADATA.XML
    await expectFiledByMetadata(`${zipPath}/IHE_XDM/SUBSET01/DOC0001.PDF`);
    // The C-CDA without metadata of its own in the package is filed from its header.
    expect((await listDocuments(vault, { type: 'care-summary' })).map((d) => d.title)).toEqual([
      'Patient Chart Summary',
    ]);
  });

  it('works the same for a package zip inside another zip', async () => {
    const zipPath = join(root, 'everything.zip');
    await writeXdmZip(zipPath, { nestedIn: 'xdm/package.zip' });
    const report = await runImport(vault, [zipPath]);
    expect(report).toMatchObject({ imported: 3, failed: [], skipped: 3 }); // the two documents and the letter
    await expectFiledByMetadata(`${zipPath}/xdm/package.zip/IHE_XDM/SUBSET01/DOC0001.PDF`);
  });
});
