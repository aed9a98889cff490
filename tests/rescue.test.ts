/**
 * The vault survives losing its database. One vault of 50-odd mixed documents — a disc of two
 * DICOM studies, HL7's C-CDA samples, paper records, PDFs, scanned pages read by OCR, a FHIR
 * claims bundle —, some edited by hand, a study's key images marked, a packet made (a disclosure)
 * and the owner set, is copied four times and its database deleted, zeroed, cut short and replaced
 * by another vault's. `medvault rescue` brings every document back with its metadata and edits,
 * the text is found again, `verify` passes, and the old database is kept aside.
 */
import { cp, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RescueReport } from '../shared/api';
import { main } from '../electron/core/cli/main';
import { getDocument, listDocuments } from '../electron/core/usecases/documents';
import { getOwner } from '../electron/core/usecases/owner';
import { listDisclosures } from '../electron/core/usecases/packets';
import { getDicomStudy } from '../electron/core/usecases/studies';
import { openVault } from '../electron/core/usecases/vaults';
import { DATABASE_FILE } from '../electron/core/vault/Vault';
import { RECORDS_DIR } from '../electron/core/vault/recordCardStore';
import { makeDisc, type Disc } from './support/dicomFixtures';
import { claimsBundle } from './support/fhirFixtures';
import { makePdf, tempDir, writeTree } from './support/fixtures';
import { imageOnlyPdf, jpegOf, pngOf, textPage } from './support/scanFixtures';
import { PASSPHRASE } from './support/vault';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function medvault(vault: string, ...args: string[]): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const code = await main([...args, '--vault', vault], {
    out: (text) => (stdout += `${text}\n`),
    err: (text) => (stderr += `${text}\n`),
    env: { MEDVAULT_PASSPHRASE: PASSPHRASE },
  });
  return { code, stdout, stderr };
}

async function json<T>(vault: string, ...args: string[]): Promise<T> {
  const ran = await medvault(vault, ...args, '--json');
  if (ran.code !== 0) throw new Error(`medvault ${args.join(' ')} exited ${ran.code}: ${ran.stderr}`);
  return JSON.parse(ran.stdout) as T;
}

interface Listed {
  id: string;
  title: string;
  type: string;
}

/**
 * Everything the patient sees of the vault, read through the use cases the CLI and the app call
 * (one unlock, not one per document): every document in full, a study with its key images, the
 * disclosures, the owner, the review list and what searches find.
 */
async function whatThePatientSees(dir: string, ct: string) {
  const vault = await openVault(dir, { passphrase: PASSPHRASE });
  try {
    const list = await listDocuments(vault);
    const shown = [];
    for (const document of list) shown.push(await getDocument(vault, document.id));
    const search: Record<string, string[]> = {};
    for (const word of SEARCHED) {
      search[word] = (await listDocuments(vault, { text: word })).map((document) => document.id).sort();
    }
    return {
      shown,
      study: await getDicomStudy(vault, ct),
      disclosures: await listDisclosures(vault),
      owner: await getOwner(vault),
      needsReview: (await listDocuments(vault, { needsReview: true })).map((document) => document.id).sort(),
      search,
    };
  } finally {
    await vault.close();
  }
}

/** Words from a PDF's text layer, OCR of a scan, a C-CDA's narrative, a paper record, an edited tag. */
const SEARCHED = ['potassium', 'QUARTERLY', 'Albuterol', 'deductible', 'appeal', 'ferritin17'];

describe('rescue: a vault rebuilt from its record cards', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let original: string;
  let other: string;
  let disc: Disc;
  let ct: string;
  let before: Awaited<ReturnType<typeof whatThePatientSees>>;
  let documentCount: number;

  beforeAll(async () => {
    ({ path: root, cleanup } = await tempDir('medvault-rescue-'));
    original = join(root, 'vault');
    other = join(root, 'other-vault');
    const records = join(root, 'records');
    const files: Record<string, Buffer | string> = {};
    for (const folder of ['paper', 'ccda']) {
      for (const name of await readdir(join(FIXTURES, folder))) {
        if (name !== 'README.md') files[`${folder}/${name}`] = await readFile(join(FIXTURES, folder, name));
      }
    }
    for (let n = 1; n <= 26; n++) {
      files[`labs/lab-${n}.pdf`] = await makePdf([
        `Laboratory report ${n}`,
        n === 17 ? 'Iron studies: ferritin17 marker 45 ng/mL' : `Basic metabolic panel, potassium ${3 + n / 10}`,
      ]);
    }
    files['scans/quarterly-statement.png'] = await pngOf(textPage(['QUARTERLY STATEMENT', 'Balance due 120.00']));
    files['scans/referral.jpg'] = await jpegOf(textPage(['REFERRAL', 'Cardiology consult']));
    files['scans/old-letter.pdf'] = await imageOnlyPdf(textPage(['LETTER OF MEDICAL NECESSITY']));
    files['fhir/claims.json'] = JSON.stringify(claimsBundle());
    await writeTree(records, files);
    disc = await makeDisc(join(root, 'disc'));

    expect((await medvault(original, 'init')).code).toBe(0);
    expect((await medvault(original, 'import', records)).code).toBe(0);
    expect((await medvault(original, 'import', disc.root)).code).toBe(0);
    const listed = await json<Listed[]>(original, 'list');
    documentCount = listed.length;
    const idOf = (pattern: RegExp) => {
      const found = listed.find((document) => pattern.test(document.title));
      if (!found) throw new Error(`no document like ${pattern}: ${listed.map((d) => d.title).join(' | ')}`);
      return found.id;
    };
    ct = idOf(/CHEST/i);
    const eob = idOf(/^eob/i);
    const discharge = idOf(/^discharge-summary/);
    const lab = idOf(/lab-3\b/);
    // Edits by hand: every kind of field, so each must come back from the card.
    const edits: string[][] = [
      [eob, '--type', 'explanation-of-benefits', '--date', '2024-03-02', '--add-tag', 'appeal'],
      [eob, '--provider', 'Acme Health Plan', '--add-tag', 'knee'],
      [discharge, '--title', 'Discharge summary (hospital)', '--date', 'unknown', '--reviewed'],
      [lab, '--type', 'lab-result', '--date', '2023-02-14', '--provider', 'Quest', '--add-tag', 'kidney'],
    ];
    for (const edit of edits) {
      const tagged = await medvault(original, 'tag', ...edit);
      expect(tagged.code, tagged.stderr).toBe(0);
    }
    const keyUid = disc.ct.instances[2]!.sopInstanceUid;
    expect(
      (await medvault(original, 'key-images', ct, '--add', keyUid, '--add', disc.ct.instances[0]!.sopInstanceUid)).code,
    ).toBe(0);
    expect((await medvault(original, 'owner', '--name', 'Jane Doe', '--patient-id', 'MRN12345')).code).toBe(0);
    const packet = await medvault(
      original,
      'export',
      'appeal',
      '--out',
      join(root, 'appeal.pdf'),
      '--ids',
      [eob, lab, ct].join(','),
      '--dob',
      '1970-01-01',
    );
    expect(packet.code, packet.stderr).toBe(0);
    before = await whatThePatientSees(original, ct);

    expect((await medvault(other, 'init')).code).toBe(0);
    expect((await medvault(other, 'import', join(records, 'labs'))).code).toBe(0);
  }, 600_000);

  afterAll(() => cleanup?.());

  it('has at least 50 documents of every kind to lose', () => {
    expect(documentCount).toBeGreaterThanOrEqual(50);
    const types = new Set(before.shown.map((document) => document.type));
    expect(types).toContain('imaging-study');
    expect(types).toContain('explanation-of-benefits');
    expect(before.search.QUARTERLY).toHaveLength(1); // read by OCR
    expect(before.search.ferritin17).toHaveLength(1);
    expect(before.study.keyImages).toHaveLength(2);
    expect(before.disclosures).toHaveLength(1);
    expect(before.owner).toEqual({ name: 'Jane Doe', id: 'MRN12345' });
  });

  const losses: [string, (vault: string) => Promise<void>][] = [
    ['deleted', (vault) => rm(join(vault, DATABASE_FILE))],
    ['zeroed', (vault) => writeFile(join(vault, DATABASE_FILE), '')],
    [
      'cut short',
      async (vault) => {
        const { size } = await stat(join(vault, DATABASE_FILE));
        await truncate(join(vault, DATABASE_FILE), Math.floor(size / 3));
      },
    ],
    ['replaced by another vault’s', (vault) => cp(join(other, DATABASE_FILE), join(vault, DATABASE_FILE))],
  ];

  for (const [how, lose] of losses) {
    it(`brings every document back when the database was ${how}`, { timeout: 300_000 }, async () => {
      const vault = join(root, `lost-${how.replace(/\W+/g, '-')}`);
      await cp(original, vault, { recursive: true });
      const oldDatabase = await readFile(join(vault, DATABASE_FILE));
      await lose(vault);
      const lostDatabase = await readFile(join(vault, DATABASE_FILE)).catch(() => null);
      expect((await medvault(vault, 'list')).code).toBe(3);

      const rescued = await medvault(vault, 'rescue', '--json');
      expect(rescued.code, rescued.stderr).toBe(0);
      const report = JSON.parse(rescued.stdout) as RescueReport;
      expect(report).toMatchObject({
        documents: documentCount,
        disclosures: 1,
        settings: true,
        recoveredWithoutCard: 0,
        damagedCards: [],
        damagedFiles: [],
        missingFiles: [],
      });
      // The lost database is kept aside byte for byte (when there was one), never overwritten.
      if (lostDatabase) {
        expect(report.keptAside).toHaveLength(1);
        expect((await readFile(report.keptAside[0]!)).equals(lostDatabase)).toBe(true);
      } else {
        expect(report.keptAside).toEqual([]);
      }
      expect(oldDatabase.length).toBeGreaterThan(0);

      expect(await whatThePatientSees(vault, ct)).toEqual(before);
      const verify = await medvault(vault, 'verify', '--json');
      expect(verify.code, verify.stdout).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, unreferenced: [], recordCards: { missing: 0 } });
      // A second rescue is refused: the database opens now.
      const again = await medvault(vault, 'rescue');
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/opens and is this vault's: there is nothing to rescue/);
    });
  }

  it('brings back a file whose card is lost as a document to look at, and names a damaged card', async () => {
    const vault = join(root, 'lost-cards');
    await cp(original, vault, { recursive: true });
    const lab = before.shown.find((d) => d.title === 'lab-9')!;
    const eob = before.shown.find((d) => d.tags.includes('knee'))!;
    await rm(join(vault, RECORDS_DIR, 'documents', `${lab.id}.card`));
    const damaged = join(vault, RECORDS_DIR, 'documents', `${eob.id}.card`);
    const bytes = await readFile(damaged);
    bytes[bytes.length - 5]! ^= 0xff;
    await writeFile(damaged, bytes);
    await rm(join(vault, DATABASE_FILE));

    const rescued = await medvault(vault, 'rescue');
    expect(rescued.code, rescued.stderr).toBe(2);
    expect(rescued.stdout).toContain(
      `was rebuilt from its record cards: ${documentCount - 2} documents, 1 disclosure and the settings came back`,
    );
    expect(rescued.stdout).toContain('2 stored files had no readable record card');
    expect(rescued.stdout).toContain(`The record card document/${eob.id} was not used: it is damaged or was altered`);
    const recovered = (await json<Listed[]>(vault, 'list')).filter((d) => d.title.startsWith('Recovered file'));
    expect(recovered).toHaveLength(2);
    const shown = [];
    for (const document of recovered)
      shown.push(await json<{ mediaType: string; needsReview: boolean }>(vault, 'show', document.id));
    expect(shown.map((d) => d.mediaType).sort()).toEqual(['application/pdf', 'text/plain']);
    expect(shown.every((d) => d.needsReview)).toBe(true);
    expect((await medvault(vault, 'verify')).code).toBe(0);
  });
});
