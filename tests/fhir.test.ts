import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runImport } from '../electron/core/import/runImport';
import type { Vault } from '../electron/core/vault/Vault';
import { makePdf, writeTree } from './support/fixtures';
import { withNewVault } from './support/vault';
import { listDocuments } from '../electron/core/usecases/documents';

/** A FHIR R4 Bundle as a portal's "download my record" or an app's export writes it. */
async function portalBundle(): Promise<object> {
  const pdf = await makePdf(['Discharge summary', 'Marker: pangolin']);
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        resource: {
          resourceType: 'Patient',
          id: 'p1',
          name: [{ family: 'Doe', given: ['Jane'] }],
          identifier: [
            { system: 'http://hl7.org/fhir/sid/us-ssn', value: '123-45-6789' },
            { type: { coding: [{ code: 'MR' }] }, system: 'urn:oid:1.2.3.4', value: 'LMC-4711' },
          ],
        },
      },
      {
        resource: {
          resourceType: 'DocumentReference',
          status: 'current',
          type: { coding: [{ system: 'http://loinc.org', code: '18842-5', display: 'Discharge summary' }] },
          date: '2023-03-04T10:00:00Z',
          context: { period: { start: '2023-02-27' } },
          custodian: { display: 'Lakeside Medical Center' },
          content: [
            { attachment: { contentType: 'application/pdf', data: pdf.toString('base64'), title: 'Discharge' } },
          ],
        },
      },
      {
        resource: {
          resourceType: 'DocumentReference',
          status: 'current',
          description: 'Clinic note (not included)',
          type: { coding: [{ system: 'http://loinc.org', code: '11506-3' }] },
          date: '2023-05-01',
          content: [{ attachment: { contentType: 'application/pdf', url: 'https://portal.example/Binary/123' } }],
        },
      },
      {
        resource: {
          resourceType: 'DiagnosticReport',
          status: 'final',
          category: [{ coding: [{ code: 'LAB' }] }],
          code: { text: 'Basic metabolic panel' },
          effectiveDateTime: '2023-02-28T07:30:00-05:00',
          performer: [{ display: 'Lakeside Lab' }],
          presentedForm: [
            { contentType: 'text/plain', data: Buffer.from('Sodium 139 mmol/L, marker: quokka').toString('base64') },
          ],
        },
      },
      {
        resource: {
          resourceType: 'ExplanationOfBenefit',
          status: 'active',
          outcome: 'complete',
          created: '2023-03-20',
          billablePeriod: { start: '2023-02-27', end: '2023-03-02' },
          insurer: { display: 'Acme Health Plan' },
          provider: { display: 'Lakeside Medical Center' },
          total: [
            { category: { coding: [{ display: 'Submitted Amount' }] }, amount: { value: 18250, currency: 'USD' } },
            { category: { coding: [{ display: 'Benefit Amount' }] }, amount: { value: 12400, currency: 'USD' } },
          ],
        },
      },
      {
        resource: {
          resourceType: 'Coverage',
          status: 'active',
          subscriberId: 'ACM-5521',
          period: { start: '2023-01-01' },
          payor: [{ display: 'Acme Health Plan' }],
        },
      },
    ],
  };
}

describe('importing FHIR R4 (a Bundle, bulk NDJSON)', () => {
  let vault: Vault;
  let root: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ vault, root, cleanup } = await withNewVault());
  });
  afterEach(() => cleanup());

  it('makes documents of inline attachments, EOBs and coverage; keeps the bundle; fetches nothing', async () => {
    await writeTree(root, { 'download/record.json': JSON.stringify(await portalBundle()) });
    const report = await runImport(vault, [join(root, 'download')]);
    expect(report.failed).toEqual([]);
    expect(report.warnings).toEqual([
      { path: join(root, 'download/record.json'), reason: expect.stringMatching(/not included in the download/) },
    ]);
    const documents = await listDocuments(vault);
    const byType = Object.fromEntries(documents.map((d) => [d.type, d]));
    expect(byType['discharge-summary']).toMatchObject({
      date: '2023-02-27',
      provider: 'Lakeside Medical Center',
      mediaType: 'application/pdf',
    });
    expect(byType['lab-result']).toMatchObject({
      date: '2023-02-28',
      provider: 'Lakeside Lab',
      mediaType: 'text/plain',
    });
    expect(byType['explanation-of-benefits']).toMatchObject({
      date: '2023-02-27',
      provider: 'Acme Health Plan',
      category: 'health-plan-record',
      mediaType: 'application/fhir+json',
    });
    expect(byType['coverage-document']).toMatchObject({ date: '2023-01-01', provider: 'Acme Health Plan' });
    expect(byType['clinical-note']).toMatchObject({
      title: 'Clinic note (not included)',
      mediaType: 'application/fhir+json',
    });
    expect(byType['other-record']?.title).toMatch(/^FHIR export: 1 Patient, 2 DocumentReference/);
    expect(documents).toHaveLength(6);
    // The patient named, by the record number: never the Social Security number.
    expect(report.patients).toEqual([{ name: 'Jane Doe', id: 'LMC-4711' }]);
    expect(JSON.stringify(report)).not.toContain('123-45-6789');
    expect((await listDocuments(vault, { text: 'pangolin' })).map((d) => d.type)).toEqual(['discharge-summary']);
    expect((await listDocuments(vault, { text: 'quokka' })).map((d) => d.type)).toEqual(['lab-result']);
    expect((await listDocuments(vault, { text: 'not included' })).map((d) => d.type)).toEqual(['clinical-note']);
  });

  it('reads bulk-export NDJSON, and refuses broken JSON and broken base64 with a reason', async () => {
    const bundle = (await portalBundle()) as { entry: { resource: object }[] };
    const ndjson = bundle.entry.map((entry) => JSON.stringify(entry.resource)).join('\n');
    const broken = {
      resourceType: 'DocumentReference',
      content: [{ attachment: { contentType: 'application/pdf', data: '%%% not base64 %%%' } }],
    };
    await writeTree(root, {
      'bulk/export.ndjson': ndjson,
      'bad/truncated.json': '{"resourceType": "Bundle", "entry": [',
      'bad/badbase64.json': JSON.stringify(broken),
    });
    const bulk = await runImport(vault, [join(root, 'bulk')]);
    expect(bulk.failed).toEqual([]);
    expect((await listDocuments(vault, { type: 'explanation-of-benefits' })).length).toBe(1);
    const bad = await runImport(vault, [join(root, 'bad')]);
    const reasons = Object.fromEntries(bad.failed.map((f) => [f.path.split('/').pop(), f.reason]));
    expect(reasons['truncated.json']).toBe('The FHIR file is not valid JSON.');
    expect(reasons['badbase64.json']).toMatch(/not valid base64/);
    // A file that failed left nothing behind: no document of it, not even the export itself.
    expect(bad.imported).toBe(0);
    expect((await listDocuments(vault)).filter((d) => d.source.path.includes('/bad/'))).toEqual([]);
  });

  describe('files too big, too deep or too many to read (each refused, its neighbour imported)', () => {
    const coverage = JSON.stringify({
      resourceType: 'Coverage',
      period: { start: '2024-01-01' },
      payor: [{ display: 'Acme' }],
    });

    /** Imports `bad` next to a good file; the one failure is `bad`'s, and the good file is in. */
    async function importBeside(bad: string): Promise<string> {
      await writeFile(join(root, 'in/good.json'), coverage);
      const report = await runImport(vault, [join(root, 'in')]);
      expect(report.failed.map((failure) => failure.path)).toEqual([join(root, 'in', bad)]);
      expect((await listDocuments(vault, { type: 'coverage-document' })).map((d) => d.provider)).toEqual(['Acme']);
      return report.failed[0]!.reason;
    }

    it('refuses a file over 64 MiB by its size, without reading it', async () => {
      // Sparse: 64 GiB that take no disk and that no test could read through in time.
      const huge = join(root, 'in/huge.json');
      await writeTree(root, { 'in/huge.json': '{"resourceType":"Bundle","entry":[' });
      await truncate(huge, 64 * 1024 ** 3);
      expect(await importBeside('huge.json')).toBe(
        'The FHIR file is implausibly large (over 64 MiB); it was not read.',
      );
      expect(await vault.blobs.listStored()).toHaveLength(2); // the good file and its coverage document
    });

    it('refuses JSON nested 100,000 deep instead of overflowing the stack', async () => {
      // JSON.parse copes; the code that reads a report's categories (recursive) would not.
      const deep = `{"resourceType":"DiagnosticReport","category":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
      await writeTree(root, { 'in/deep.json': deep });
      expect(await importBeside('deep.json')).toBe(
        'The FHIR file nests deeper than 100 levels, which no real record does; it was not read.',
      );
    });

    it('refuses a Bundle of more than 100,000 resources whole, not cut to its first ones', async () => {
      const entry = { resource: { resourceType: 'Basic' } };
      const bundle = { resourceType: 'Bundle', entry: Array.from({ length: 100_001 }, () => entry) };
      await writeTree(root, { 'in/many.json': JSON.stringify(bundle) });
      expect(await importBeside('many.json')).toBe(
        'The FHIR file holds more than 100000 resources, more than Medvault reads from one file; it was not read.',
      );
      expect((await listDocuments(vault)).filter((d) => d.source.path.includes('many.json'))).toEqual([]);
    });

    it('refuses an NDJSON file with a line over 16 MiB', async () => {
      const line = JSON.stringify({ resourceType: 'DocumentReference', description: 'x'.repeat(16 * 1024 * 1024) });
      await writeTree(root, { 'in/bulk.ndjson': `${coverage}\n${line}\n` });
      expect(await importBeside('bulk.ndjson')).toBe(
        'Line 2 of the NDJSON file is over 16 MiB, more than one FHIR resource should be; the file was not read.',
      );
    });
  });
});
