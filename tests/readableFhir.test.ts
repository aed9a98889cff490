import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../shared/api';
import type { ReadableBlock, ReadableDocument } from '../shared/readable';
import { FhirReadError, formatMoney, readableFhir } from '../electron/core/readable/fhir';
import { MedvaultService } from '../electron/core/service/MedvaultService';
import { dispatch } from '../electron/core/service/dispatch';
import { amount, carinEob, claim, claimsBundle, coverage } from './support/fhirFixtures';
import { tempDir } from './support/fixtures';
import { PASSPHRASE } from './support/vault';

function read(value: unknown): ReadableDocument {
  return readableFhir(Buffer.from(JSON.stringify(value)));
}

function header(document: ReadableDocument): Record<string, string> {
  return Object.fromEntries(document.header.map((field) => [field.label, field.value]));
}

function blocks(document: ReadableDocument, title: string): ReadableBlock[] {
  const section = document.sections.find((s) => s.title === title);
  if (!section) throw new Error(`no section ${title}: ${document.sections.map((s) => s.title).join(', ')}`);
  return section.blocks;
}

function tableOf(document: ReadableDocument, title: string) {
  const table = blocks(document, title).find((block) => block.kind === 'table');
  if (table?.kind !== 'table') throw new Error(`no table in ${title}`);
  return { ...table, objects: table.rows.map((row) => Object.fromEntries(table.header.map((h, i) => [h, row[i]]))) };
}

describe('FHIR as a page', () => {
  it('lays out a CARIN Blue Button EOB: header, services with adjudication amounts, totals, payment, denial', () => {
    const eob = read(carinEob());
    expect(eob.title).toBe('Explanation of benefits — Dr. Robin Lee');
    expect(header(eob)).toMatchObject({
      Patient: 'Jane Doe',
      Insurer: 'Acme Health Plan',
      Provider: 'Dr. Robin Lee',
      Facility: 'Lakeside Medical Center',
      'Billable period': '2023-02-27 to 2023-03-02',
      Created: '2023-03-20 09:15',
      Type: 'Professional',
      Outcome: 'Partly processed — Processed; one line denied',
      'Claim number': 'CLM-2023-0042',
    });

    const services = tableOf(eob, 'Services');
    expect(services.header).toEqual([
      '#',
      'Date',
      'Service',
      'Modifiers',
      'Qty',
      'Billed',
      'Allowed',
      'Deductible',
      'Copay',
      'Coinsurance',
      'Paid to provider',
      'Plan paid',
      'Patient responsibility',
      'Notes',
    ]);
    expect(services.objects[0]).toEqual({
      '#': '1',
      Date: '2023-02-27',
      Service: '99223 — Initial hospital care',
      Modifiers: '25',
      Qty: '1',
      Billed: '$1,234.50',
      Allowed: '$980.00',
      Deductible: '$250.00',
      Copay: '$40.00',
      Coinsurance: '$138.00',
      'Paid to provider': '$552.00',
      'Plan paid': '$552.00',
      'Patient responsibility': '$428.00',
      Notes: '',
    });
    expect(services.objects[1]).toMatchObject({
      Service: 'J2405 — Ondansetron injection',
      Billed: '$86.00',
      'Plan paid': '$0.00',
      Notes: 'Denied: 50 — Not deemed a medical necessity by the payer; See note 1',
    });
    // Amount columns are marked for right alignment; words are not.
    expect(services.columns?.[services.header.indexOf('Billed')]).toBe('number');
    expect(services.columns?.[services.header.indexOf('Date')]).toBe('date');
    expect(services.columns?.[services.header.indexOf('Service')]).toBe('text');

    expect(blocks(eob, 'Denials')).toEqual([
      {
        kind: 'list',
        ordered: false,
        items: ['Denied: 50 — Not deemed a medical necessity by the payer — line 2 (J2405 — Ondansetron injection).'],
      },
    ]);
    expect(tableOf(eob, 'Totals').rows).toEqual([
      ['Billed', '$1,320.50'],
      ['Allowed', '$980.00'],
      ['Plan paid', '$552.00'],
      ['Paid to provider', '$552.00'],
      ['Patient responsibility', '$428.00'],
    ]);
    expect(blocks(eob, 'Payment')).toEqual([
      {
        kind: 'fields',
        fields: [
          { label: 'Amount', value: '$552.00' },
          { label: 'Date', value: '2023-03-25' },
          { label: 'Type', value: 'Complete' },
        ],
      },
    ]);
    expect(tableOf(eob, 'Diagnoses').rows).toEqual([
      ['1', 'J18.9', 'Pneumonia, unspecified organism', 'Principal'],
      ['2', 'E11.9', 'Type 2 diabetes mellitus without complications', ''],
    ]);
    expect(blocks(eob, 'Notes from the plan')).toEqual([
      { kind: 'list', ordered: false, items: ['Note 1: Line 2 was denied. You may appeal within 180 days.'] },
    ]);
  });

  it('matches categories sent as text only, keeps unknown ones under their own name, sums repeats', () => {
    const eob = carinEob();
    eob.item = [
      {
        sequence: 1,
        productOrService: { text: 'Office visit' },
        adjudication: [
          { category: { text: 'Allowed Amount' }, amount: { value: 100, currency: 'USD' } },
          { category: { coding: [{ code: 'x-wellness', display: 'Wellness credit' }] }, amount: { value: 15 } },
          amount('deductible', 10.1),
          amount('deductible', 20.2),
          { category: { coding: [{ code: 'eligpercent' }] }, value: 80 },
        ],
      },
    ];
    const services = tableOf(read(eob), 'Services');
    expect(services.objects[0]).toMatchObject({
      Service: 'Office visit',
      Allowed: '$100.00',
      Deductible: '$30.30',
      'Wellness credit': '$15.00',
      eligpercent: '80%',
    });
    expect(services.header.indexOf('Allowed')).toBeLessThan(services.header.indexOf('Wellness credit'));
  });

  it('formats money as US dollars, or with its currency code', () => {
    expect(formatMoney({ value: 1234.5, currency: 'USD' })).toBe('$1,234.50');
    expect(formatMoney({ value: 1234567.891 })).toBe('$1,234,567.89');
    expect(formatMoney({ value: 0, currency: 'USD' })).toBe('$0.00');
    expect(formatMoney({ value: -12, currency: 'usd' })).toBe('-$12.00');
    expect(formatMoney({ value: 1000, currency: 'EUR' })).toBe('1,000.00 EUR');
    expect(formatMoney({ currency: 'USD' })).toBeNull();
    expect(formatMoney({ value: '12' })).toBeNull();
  });

  it('lays out a claim with its charges and total, and coverage with member, plan and group', () => {
    const page = read(claim());
    expect(page.title).toBe('Claim — Dr. Robin Lee');
    expect(header(page)).toMatchObject({ Provider: 'Dr. Robin Lee', Insurer: 'Acme Health Plan', Total: '$1,320.50' });
    expect(tableOf(page, 'Services').objects).toEqual([
      {
        '#': '1',
        Date: '2023-02-27',
        Service: '99223 — Initial hospital care',
        Qty: '',
        'Unit price': '$1,234.50',
        Charge: '$1,234.50',
      },
      {
        '#': '2',
        Date: '2023-02-28',
        Service: 'J2405 — Ondansetron injection',
        Qty: '2',
        'Unit price': '$43.00',
        Charge: '$86.00',
      },
      { '#': '', Date: '', Service: 'Total', Qty: '', 'Unit price': '', Charge: '$1,320.50' },
    ]);
    // No diagnosis has a kind, so the column is left out.
    expect(tableOf(page, 'Diagnoses').header).toEqual(['#', 'Code', 'Diagnosis']);
    expect(blocks(page, 'Insurance')).toEqual([
      { kind: 'list', ordered: false, items: ['Acme Gold PPO (this claim); prior authorization PA-778'] },
    ]);

    const plan = read(coverage());
    expect(plan.title).toBe('Coverage — Acme Health Plan');
    expect(header(plan)).toMatchObject({
      Payor: 'Acme Health Plan',
      Status: 'active',
      Period: '2023-01-01 to 2023-12-31',
      Subscriber: 'Jane Doe',
      'Subscriber ID': 'ACM-5521',
      'Member ID': 'ACM-5521-01',
      'Relationship to subscriber': 'Self',
    });
    expect(tableOf(plan, 'Plan and group').rows).toEqual([
      ['Group', 'G-7788', 'Lakeside Employers Group'],
      ['Plan', 'GOLD-PPO', 'Acme Gold PPO'],
    ]);
    expect(tableOf(plan, 'Costs to the member').rows).toEqual([['Copay', '$40.00']]);
  });

  it('summarises a Bundle or an NDJSON export: resources by type, a line per EOB, claim and coverage', () => {
    const bundle = read(claimsBundle());
    expect(bundle.title).toBe('FHIR export (Bundle)');
    expect(header(bundle)).toMatchObject({ 'Bundle type': 'collection', Resources: '4' });
    expect(tableOf(bundle, 'Contents').rows).toEqual([
      ['Claim', '1'],
      ['Coverage', '1'],
      ['ExplanationOfBenefit', '1'],
      ['Patient', '1'],
    ]);
    expect(tableOf(bundle, 'Explanations of benefits').objects).toEqual([
      {
        Date: '2023-02-27',
        Provider: 'Dr. Robin Lee',
        Insurer: 'Acme Health Plan',
        Billed: '$1,320.50',
        'Plan paid': '$552.00',
        'Patient responsibility': '$428.00',
        Outcome: 'Partly processed',
      },
    ]);
    expect(tableOf(bundle, 'Claims').rows).toEqual([
      ['2023-02-27', 'Dr. Robin Lee', 'Acme Health Plan', '$1,320.50', 'active'],
    ]);
    expect(tableOf(bundle, 'Coverage').objects[0]).toMatchObject({
      Payor: 'Acme Health Plan',
      'Member ID': 'ACM-5521',
    });

    const entries = (claimsBundle().entry as { resource: object }[]).map((entry) => JSON.stringify(entry.resource));
    const ndjson = readableFhir(Buffer.from(`${entries.join('\n')}\n${entries[1]}\n`));
    expect(ndjson.title).toBe('FHIR export (NDJSON)');
    expect(tableOf(ndjson, 'Contents').rows[0]).toEqual(['ExplanationOfBenefit', '2']);
  });

  it('turns a narrative into text: no script, no image, no markup of any kind', () => {
    const immunization = {
      resourceType: 'Immunization',
      status: 'completed',
      vaccineCode: {
        coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '158', display: 'Influenza, injectable' }],
      },
      occurrenceDateTime: '2023-10-02',
      text: {
        status: 'generated',
        div:
          '<div xmlns="http://www.w3.org/1999/xhtml"><p>Flu shot &amp; <b>booster</b></p>' +
          '<script>fetch("http://evil.example")</script><style>p{color:red}</style>' +
          '<img src="http://tracker.example/pixel.gif" onerror="alert(1)"/><a href="javascript:alert(2)">given</a> ' +
          '<p>left arm<!-- <script>hidden</script> --></p><svg><script>alert(3)</script></svg><iframe src="http://x"',
      },
    };
    const page = read(immunization);
    expect(page.title).toBe('Immunization');
    expect(blocks(page, 'Summary')).toEqual([
      { kind: 'paragraph', text: 'Flu shot & booster' },
      { kind: 'paragraph', text: 'given' },
      { kind: 'paragraph', text: 'left arm' },
    ]);
    expect(blocks(page, 'Details')[0]).toEqual({
      kind: 'fields',
      fields: [
        { label: 'Status', value: 'completed' },
        { label: 'Vaccine code', value: '158 — Influenza, injectable' },
        { label: 'Occurrence date time', value: '2023-10-02' },
      ],
    });
    for (const value of [page, read(carinEob())]) {
      const text = JSON.stringify(value);
      expect(text).not.toMatch(/<|script|alert|tracker|evil|onerror|javascript/i);
    }
  });

  it('caps a huge EOB at 2,000 service rows and a deep or wide resource at 500 values', () => {
    const eob = carinEob();
    const item = (eob.item as object[])[0]!;
    eob.item = Array.from({ length: 5_000 }, (_, index) => ({ ...item, sequence: index + 1 }));
    const page = read(eob);
    expect(tableOf(page, 'Services').rows).toHaveLength(2_000);
    expect(blocks(page, 'Services').at(-1)).toEqual({ kind: 'paragraph', text: '… 3,000 more services not shown.' });

    let deep: Record<string, unknown> = { leaf: 'bottom' };
    for (let level = 0; level < 50; level++) deep = { nested: deep };
    const generic = read({
      resourceType: 'Observation',
      deep,
      component: Array.from({ length: 3_000 }, (_, index) => ({ valueString: `value ${index}` })),
    });
    const details = blocks(generic, 'Details');
    expect(details[0]?.kind === 'fields' && details[0].fields.length).toBe(500);
    expect(details[1]).toEqual({ kind: 'paragraph', text: '… 2,500 more values not shown.' });
    expect(JSON.stringify(generic)).not.toContain('bottom');
  });

  it('reads a diagnostic report and a document reference that came without their content', () => {
    const report = read({
      resourceType: 'DiagnosticReport',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '24323-8', display: 'Comprehensive metabolic panel' }] },
      effectiveDateTime: '2023-02-28T07:30:00-05:00',
      issued: '2023-02-28T11:00:00-05:00',
      performer: [{ display: 'Lakeside Lab' }],
      conclusion: 'Within normal limits.',
      contained: [
        {
          resourceType: 'Observation',
          id: 'na',
          code: { text: 'Sodium' },
          valueQuantity: { value: 139, unit: 'mmol/L' },
          referenceRange: [{ low: { value: 135 }, high: { value: 145 } }],
        },
      ],
      result: [{ reference: '#na' }, { reference: 'Observation/k', display: 'Potassium 4.1 mmol/L' }],
      presentedForm: [{ contentType: 'application/pdf', url: 'https://lab.example/report.pdf' }],
    });
    expect(report.title).toBe('Comprehensive metabolic panel');
    expect(header(report)).toMatchObject({ Status: 'final', Effective: '2023-02-28 07:30', Performer: 'Lakeside Lab' });
    expect(blocks(report, 'Conclusion')).toEqual([{ kind: 'paragraph', text: 'Within normal limits.' }]);
    expect(tableOf(report, 'Results').rows).toEqual([
      ['Sodium', '139 mmol/L', '135 – 145'],
      ['Potassium 4.1 mmol/L', '', ''],
    ]);
    expect(blocks(report, 'Report document')[0]).toEqual({
      kind: 'paragraph',
      text: 'The content of this document (https://lab.example/report.pdf) was not included in the download; Medvault never fetches it.',
    });

    const reference = read({
      resourceType: 'DocumentReference',
      description: 'Clinic note',
      date: '2023-05-01',
      custodian: { display: 'Lakeside Medical Center' },
      content: [{ attachment: { contentType: 'application/pdf', url: 'https://portal.example/Binary/123' } }],
    });
    expect(header(reference)).toMatchObject({ Date: '2023-05-01', Custodian: 'Lakeside Medical Center' });
    expect(blocks(reference, 'Document')).toEqual([
      { kind: 'paragraph', text: 'Clinic note' },
      {
        kind: 'paragraph',
        text: 'The content of this document (https://portal.example/Binary/123) was not included in the download; Medvault never fetches it.',
      },
    ]);
  });

  it('refuses what is not FHIR JSON with a reason', () => {
    expect(() => readableFhir(Buffer.from('{"resourceType": "Bundle", '))).toThrow(FhirReadError);
    expect(() => readableFhir(Buffer.from('{"hello": 1}'))).toThrow('The JSON file is not a FHIR resource.');
    expect(() => readableFhir(Buffer.from('{"resourceType": "Patient"}\n[1]\n'))).toThrow(
      'A line of the NDJSON file is not a FHIR resource.',
    );
    expect(() => readableFhir(Buffer.from('\n\n'))).toThrow('The FHIR file is empty.');
  });

  it("reads with the importer's limits: a file nested past 100 levels is refused, not walked", () => {
    // The importer's reader (fhir/fhirJson.ts) is the page's too: the same refusal, in the same words.
    let nested: unknown = { resourceType: 'Observation' };
    for (let level = 0; level < 150; level++) nested = { extension: [nested] };
    const deep = Buffer.from(JSON.stringify({ resourceType: 'Observation', note: nested }));
    expect(() => readableFhir(deep)).toThrow(
      'The FHIR file nests deeper than 100 levels, which no real record does; it was not read.',
    );
    // Just inside the limit it is a page (its values cut at the page's own depth).
    let shallow: unknown = 'deep value';
    for (let level = 0; level < 40; level++) shallow = { extension: shallow };
    expect(readableFhir(Buffer.from(JSON.stringify({ resourceType: 'Observation', note: shallow }))).title).toBe(
      'Observation',
    );
  });
});

describe('reading an imported FHIR document through the service', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let service: MedvaultService;
  const events: ApiEvent[] = [];

  beforeEach(async () => {
    ({ path: root, cleanup } = await tempDir());
    service = new MedvaultService(join(root, 'vault'), (event) => events.push(event));
    await service.createVault({ passphrase: PASSPHRASE });
  });
  afterEach(async () => {
    await service.close();
    await cleanup();
  });

  it('imports a claims bundle, then shows the EOB and the export as pages', async () => {
    const file = join(root, 'claims.json');
    await writeFile(file, JSON.stringify(claimsBundle()));
    const { importId } = await service.startImport({ paths: [file] });
    await expect
      .poll(() => events.find((event) => event.name === 'import-finished' && event.payload.importId === importId))
      .toBeTruthy();

    const [eob] = await service.listDocuments({ type: 'explanation-of-benefits' });
    const result = await dispatch(service, 'getReadableDocument', [{ id: eob!.id }]);
    if (!result.ok) throw new Error(result.error.message);
    // dispatch is the UI's path: what it answers is the contract's ReadableDocument.
    const page = result.value as ReadableDocument;
    expect(page.title).toBe('Explanation of benefits — Dr. Robin Lee');
    expect(tableOf(page, 'Services').header).toContain('Paid to provider');
    expect(tableOf(page, 'Totals').rows).toContainEqual(['Plan paid', '$552.00']);

    const [bundle] = await service.listDocuments({ type: 'other-record' });
    const summary = await service.getReadableDocument({ id: bundle!.id });
    expect(tableOf(summary!, 'Contents').rows).toHaveLength(4);
  });
});
