/**
 * Filing by a document's own text: type, date and provider suggested with a confidence and a
 * reason, and "needs review" below the threshold. The paper records in tests/fixtures/paper are
 * imported as PDFs through the real CLI, and what `medvault list --json` says is checked.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaultDocument } from '../shared/documents';
import type { DesignatedRecordSetType } from '../shared/recordSet';
import { suggestType } from '../electron/core/classify/documentType';
import { suggestProvider } from '../electron/core/classify/letterhead';
import { suggestDate } from '../electron/core/classify/serviceDate';
import { decideSuggestion } from '../electron/core/classify/textSuggestion';
import { describeRun, parseJson, runCli } from './support/cli';
import { makePdf, tempDir, writeTree } from './support/fixtures';
import { withNewVault } from './support/vault';
import { runImport } from '../electron/core/import/runImport';
import { editDocument, listDocuments } from '../electron/core/usecases/documents';

const PAPER = join(import.meta.dirname, 'fixtures/paper');

/** What a careful person would file each paper record as. */
const EXPECTED: Record<string, { type: DesignatedRecordSetType; date: string | null; provider: string | null }> = {
  'eob.txt': {
    type: 'explanation-of-benefits',
    date: '2024-02-27', // the date of service, not the fax stamp (03/18) nor the processing date (03/12)
    provider: 'Cedar Valley Life Insurance Company',
  },
  'itemized-bill.txt': {
    type: 'itemized-bill',
    date: '2024-01-22',
    provider: "St. Mary's Regional Medical Center",
  },
  'billing-statement.txt': {
    type: 'billing-statement',
    date: '2024-05-02',
    provider: 'Northside Family Medicine, LLC',
  },
  'denial-letter.txt': {
    type: 'denial-letter',
    date: '2024-06-10', // the letter's date: appeal deadlines count from it
    provider: 'Prairie State Health Plan', // the plan wrote it, about the imaging center's claim
  },
  'prior-auth.txt': { type: 'prior-authorization', date: '2024-08-01', provider: 'Great Lakes Health Plan' },
  'discharge-summary.txt': { type: 'discharge-summary', date: '2023-11-06', provider: 'Mercy General Hospital' },
  'operative-report.txt': { type: 'operative-report', date: '2023-09-19', provider: 'Valley Surgical Center' },
  'pathology-report.txt': {
    type: 'pathology-report',
    date: '2023-09-19',
    provider: 'Pacific Pathology Laboratories',
  },
  'lab-results.txt': {
    type: 'lab-result',
    date: '2024-04-03', // collected, not the date of birth on the same line nor the print date
    provider: 'Pinnacle Diagnostics Laboratories',
  },
  'medication-list.txt': { type: 'medication-list', date: '2024-07-12', provider: 'Lakeside Cardiology Associates' },
  'immunization-record.txt': {
    type: 'immunization-record',
    date: '2016-08-03',
    provider: 'Willamette County Health Department',
  },
  'psychotherapy-note.txt': { type: 'psychotherapy-note', date: '2024-02-08', provider: null },
  'imaging-report.txt': { type: 'imaging-report', date: '2024-07-02', provider: 'Springfield Imaging Center' },
  'progress-note.txt': { type: 'clinical-note', date: '2024-04-03', provider: 'Northside Family Medicine, LLC' },
  'faxed-referral.txt': { type: 'referral', date: '2023-12-28', provider: 'Cascade Neurology Clinic' },
  'unrecognisable.txt': { type: 'other-record', date: null, provider: null },
};

async function paperRecords(): Promise<Map<string, string>> {
  const names = (await readdir(PAPER)).filter((name) => name.endsWith('.txt')).sort();
  return new Map(
    await Promise.all(names.map(async (name) => [name, await readFile(join(PAPER, name), 'utf8')] as const)),
  );
}

describe('suggesting a type from the text', () => {
  it('names the phrase it went by, and is less sure when another type is nearly as likely', () => {
    expect(suggestType('EXPLANATION OF BENEFITS\nTHIS IS NOT A BILL\nAllowed  Plan paid')).toEqual({
      value: 'explanation-of-benefits',
      confidence: 0.92,
      reason: "phrase 'EXPLANATION OF BENEFITS' and 2 more signs",
    });
    const mixed = suggestType('Itemized statement\nStatement date: 01/02/2024');
    expect(mixed?.value).toBe('itemized-bill');
    expect(mixed?.reason).toMatch(/could also be a billing statement/);
    expect(mixed!.confidence).toBeLessThan(suggestType('Itemized statement\nTotal charges $20\nCPT 99213')!.confidence);
    expect(suggestType('Call about the parking validation.')).toBeNull();
    // One weak hint is not enough to file anything.
    expect(suggestType('We talked about the pharmacy.')).toBeNull();
  });

  it('a denial of a prior authorization is a denial letter', () => {
    const text =
      'Re: Prior authorization request\nAuthorization number: 123\nWe have denied this request because it is not medically necessary.\nYour right to appeal: ...';
    expect(suggestType(text)?.value).toBe('denial-letter');
  });
});

describe('finding the date of a record', () => {
  const today = new Date('2026-11-25T00:00:00Z');
  it('reads the common US formats', () => {
    for (const [written, iso] of [
      ['Date of service: 03/14/2024', '2024-03-14'],
      ['Date of service: 3/4/24', '2024-03-04'],
      ['Date of service: 03-14-2024', '2024-03-14'],
      ['Date of service: 2024-03-14', '2024-03-14'],
      ['Date of service: March 14, 2024', '2024-03-14'],
      ['Date of service: Mar. 14 2024', '2024-03-14'],
      ['Date of service: 14 March 2024', '2024-03-14'],
      ['DOS 3/14/99', '1999-03-14'],
    ] as const) {
      expect(suggestDate(written, null, today)?.value, written).toBe(iso);
    }
  });

  it('passes over fax stamps, birth dates, print dates, impossible and future dates', () => {
    const text = [
      '11/02/2024 14:05  FROM: 555 0100  FAX  P.001/003',
      'Patient: A. Person   DOB: 01/02/1960',
      'Printed: 11/01/2024',
      'Due date: 12/01/2024',
      'Visit on 02/30/2024 and 01/01/2031',
      'Seen 06/07/2024 for follow-up',
    ].join('\n');
    expect(suggestDate(text, null, today)).toEqual({
      value: '2024-06-07',
      confidence: 0.45,
      reason: "first date in the text, '06/07/2024'",
    });
  });

  it('prefers the date the type is dated by, and finds a date under its column heading', () => {
    const statement = 'Date of Service   Charges\n04/03/2024   $210.00\nStatement Date: 05/02/2024';
    expect(suggestDate(statement, 'billing-statement', today)?.value).toBe('2024-05-02');
    expect(suggestDate(statement, 'clinical-note', today)).toMatchObject({
      value: '2024-04-03',
      reason: "'Date of Service 04/03/2024'",
    });
  });
});

describe('finding the provider', () => {
  it('reads the letterhead, passing over fax stamps, addresses and phone numbers', () => {
    const text = '01/09/2024 16:41 FAX P.001\n1200 Harbor Way\n(503) 555-0100\nCascade Neurology Clinic\nReferral';
    expect(suggestProvider(text)).toEqual({
      value: 'Cascade Neurology Clinic',
      confidence: 0.65,
      reason: "letterhead 'Cascade Neurology Clinic'",
    });
    expect(suggestProvider('Notes to self\nbring the folder')).toBeNull();
  });
});

describe('the paper records', () => {
  it('are filed by their text: type, date and provider as a careful person would', async () => {
    const records = await paperRecords();
    expect([...records.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
    let right = 0;
    for (const [name, text] of records) {
      const decided = decideSuggestion(
        { title: name, type: 'other-record', date: null, provider: null },
        { text, today: new Date('2026-11-25T00:00:00Z') },
      );
      const expected = EXPECTED[name]!;
      expect({ type: decided.type, date: decided.date, provider: decided.provider }, name).toEqual(expected);
      if (decided.type === expected.type && decided.date === expected.date) right += 1;
      if (expected.type !== 'other-record') expect(decided.basis?.type?.reason, name).toMatch(/phrase|columns|units/);
    }
    expect(right).toBe(records.size);
  });

  it('what a file says of itself by a code goes before its text; a package’s metadata before both', () => {
    const own = {
      title: 'x',
      type: 'discharge-summary' as const,
      date: '2020-01-02',
      provider: 'Mercy',
      basis: {
        type: { confidence: 0.95, reason: 'LOINC 18842-5' },
        date: { confidence: 0.9, reason: 'CDA service event' },
      },
    };
    const decided = decideSuggestion(own, { text: 'LABORATORY REPORT\nReference range\nCollected: 03/04/2021' });
    expect(decided).toMatchObject({ type: 'discharge-summary', date: '2020-01-02', provider: 'Mercy' });
    const planned = decideSuggestion(own, {
      planned: { type: 'lab-result', basis: { type: { confidence: 0.9, reason: 'XDS type code, LOINC 11502-2' } } },
    });
    expect(planned.type).toBe('lab-result');
    expect(planned.basis?.type?.reason).toBe('XDS type code, LOINC 11502-2');
  });
});

describe('importing paper records and reviewing them (CLI)', () => {
  let root: { path: string; cleanup: () => Promise<void> };
  let vaultDir: string;
  const cli = (args: string[]) => runCli([...args, '--vault', vaultDir]);
  let documents: VaultDocument[];

  beforeAll(async () => {
    root = await tempDir();
    vaultDir = join(root.path, 'vault');
    const records = await paperRecords();
    const pdfs: Record<string, Buffer> = {};
    for (const [name, text] of records) pdfs[name.replace(/\.txt$/, '.pdf')] = await makePdf([text]);
    await writeTree(join(root.path, 'paper'), pdfs);
    const init = await cli(['init', '--json']);
    expect(init.code, describeRun(init)).toBe(0);
    const imported = await cli(['import', join(root.path, 'paper'), '--json']);
    expect(imported.code, describeRun(imported)).toBe(0);
    const list = await cli(['list', '--json']);
    documents = parseJson<VaultDocument[]>(list);
  }, 60_000);
  afterAll(() => root.cleanup());

  it('`medvault list --json` shows the type, date and provider each PDF was filed under, with reasons', () => {
    expect(documents).toHaveLength(Object.keys(EXPECTED).length);
    let right = 0;
    for (const [name, expected] of Object.entries(EXPECTED)) {
      const document = documents.find((d) => d.source.path.endsWith(`/${name.replace(/\.txt$/, '.pdf')}`))!;
      expect({ type: document.type, date: document.date, provider: document.provider }, name).toEqual(expected);
      if (document.type === expected.type && document.date === expected.date) right += 1;
      if (expected.type !== 'other-record') {
        expect(document.suggested.type!.confidence, name).toBeGreaterThanOrEqual(0.6);
        expect(document.needsReview, name).toBe(false);
      }
    }
    expect(right / documents.length).toBe(1);
  });

  it('lists what needs review, shows why, and forgets it once the patient says it is right', async () => {
    const unsure = parseJson<VaultDocument[]>(await cli(['list', '--json', '--needs-review']));
    expect(unsure.map((d) => d.source.path.split('/').at(-1))).toEqual(['unrecognisable.pdf']);

    const eob = documents.find((d) => d.type === 'explanation-of-benefits')!;
    const shown = await cli(['show', eob.id]);
    expect(shown.stdout).toMatch(
      /type: +explanation-of-benefits \(health-plan-record\) +— suggested, 92%: phrase 'EXPLANATION OF BENEFITS'/,
    );
    expect(shown.stdout).toMatch(/date: +2024-02-27 +— suggested, 90%: 'Date\(s\) of Service 02\/27\/2024'/);

    const table = await cli(['list']);
    expect(table.stdout).toMatch(/other-record\?/);
    expect(table.stdout).toMatch(/1 needs review/);

    const reviewed = await cli(['tag', unsure[0]!.id, '--reviewed', '--json']);
    expect(reviewed.code, describeRun(reviewed)).toBe(0);
    expect(parseJson<VaultDocument>(reviewed).needsReview).toBe(false);
    expect(parseJson<VaultDocument[]>(await cli(['list', '--json', '--needs-review']))).toEqual([]);
  }, 30_000);
});

describe('review state in the vault', () => {
  it('a hand-set type and date settle a review; a later import never reopens one', async () => {
    const { vault, root, cleanup } = await withNewVault();
    try {
      await writeTree(join(root, 'in'), { 'note.txt': 'Call about the parking validation.' });
      await runImport(vault, [join(root, 'in')]);
      const [note] = await listDocuments(vault, { needsReview: true });
      expect(note).toMatchObject({ type: 'other-record', date: null, needsReview: true, suggested: {} });

      expect((await editDocument(vault, note!.id, { type: 'clinical-note' })).needsReview).toBe(true); // date still unknown
      const settled = await editDocument(vault, note!.id, { date: '2024-01-02' });
      expect(settled).toMatchObject({ needsReview: false, editedFields: ['date', 'type'] });
      expect(await listDocuments(vault, { needsReview: true })).toEqual([]);
      expect((await listDocuments(vault, { needsReview: false })).map((d) => d.id)).toEqual([note!.id]);
    } finally {
      await cleanup();
    }
  });
});
