import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runImport } from '../electron/core/import/runImport';
import type { Vault } from '../electron/core/vault/Vault';
import { makePdf, writeTree } from './support/fixtures';
import { withNewVault } from './support/vault';

/** A FHIR R4 Bundle as a portal's "download my record" or an app's export writes it. */
async function portalBundle(): Promise<object> {
  const pdf = await makePdf(['Discharge summary', 'Marker: pangolin']);
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { resource: { resourceType: 'Patient', id: 'p1', name: [{ family: 'Doe', given: ['Jane'] }] } },
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
    const documents = await vault.listDocuments();
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
    expect((await vault.listDocuments({ text: 'pangolin' })).map((d) => d.type)).toEqual(['discharge-summary']);
    expect((await vault.listDocuments({ text: 'quokka' })).map((d) => d.type)).toEqual(['lab-result']);
    expect((await vault.listDocuments({ text: 'not included' })).map((d) => d.type)).toEqual(['clinical-note']);
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
    expect((await vault.listDocuments({ type: 'explanation-of-benefits' })).length).toBe(1);
    const bad = await runImport(vault, [join(root, 'bad')]);
    const reasons = Object.fromEntries(bad.failed.map((f) => [f.path.split('/').pop(), f.reason]));
    expect(reasons['truncated.json']).toBe('The FHIR file is not valid JSON.');
    expect(reasons['badbase64.json']).toMatch(/not valid base64/);
    // A file that failed left nothing behind: no document of it, not even the export itself.
    expect(bad.imported).toBe(0);
    expect((await vault.listDocuments()).filter((d) => d.source.path.includes('/bad/'))).toEqual([]);
  });
});
