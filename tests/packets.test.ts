/**
 * The appeal packet through the real `medvault export appeal` command: a vault with a PDF, a
 * C-CDA, a FHIR EOB, a PNG scan, a DICOM study, a psychotherapy note and wellness data; the PDF
 * written is read back with pdf.js and pdf-lib (pages, index, stamps, metadata, fonts), and the
 * disclosure log is checked, as JSON and as CSV.
 */
import { execFile } from 'node:child_process';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fontkit from '@pdf-lib/fontkit';
import { PDFDict, PDFDocument, PDFName, PDFRef, degrees } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaultDocument } from '../shared/documents';
import type { PacketPlan } from '../shared/packets';
import type { DisclosureJson } from '../shared/cliOutput';
import { PSYCHOTHERAPY_EXCLUDED_WARNING, PSYCHOTHERAPY_INCLUDED_WARNING } from '../shared/packets';
import { planPacket, writePdfPacket } from '../electron/core/usecases/packets';
import { packetKind } from '../electron/core/export/kinds';
import { listDisclosures } from '../electron/core/db/disclosures';
import { assemblePacket } from '../electron/core/export/pdf/assemble';
import { resolvePacket } from '../electron/core/export/resolvePacket';
import { Vault } from '../electron/core/vault/Vault';
import { describeRun, parseJson, runCli, type CliResult } from './support/cli';
import { JANE, SOP_CLASS, newUid, writeDicomImage } from './support/dicomFixtures';
import { claimsBundle } from './support/fhirFixtures';
import { makePng, tempDir } from './support/fixtures';
import { pageTexts } from './support/pdfText';
import { PASSPHRASE } from './support/vault';

const execFileAsync = promisify(execFile);
const PATIENT = 'Jane Q. Doe';
const DOB = '1970-01-01';
const THERAPY_MARKER = 'ZEBRAFINCH';
const WELLNESS_MARKER = 'STEPCOUNTER';

let root: string;
let cleanup: () => Promise<void>;
let vaultDir: string;
const ids: Record<'pdf' | 'ccda' | 'eob' | 'scan' | 'study' | 'therapy' | 'wellness', string> = {} as never;
let fileSha: Map<string, string>;

function cli(args: string[]): Promise<CliResult> {
  return runCli([...args, '--vault', vaultDir]);
}

/** A 3-page PDF whose font is embedded (so the packet's every font can be checked). */
async function embeddedFontPdf(pages: string[]): Promise<Buffer> {
  const require = createRequire(import.meta.url);
  const dir = require.resolve('pdfjs-dist/package.json').replace(/package\.json$/, 'standard_fonts/');
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(await readFile(`${dir}LiberationSans-Regular.ttf`));
  for (const text of pages) doc.addPage([612, 792]).drawText(text, { x: 56, y: 700, size: 14, font });
  doc.getPage(1).setRotation(degrees(90)); // as a scan turned by the patient is stored
  return Buffer.from(await doc.save());
}

function appealArgs(out: string, documentIds: string[], ...extra: string[]): string[] {
  return [
    'export',
    'appeal',
    '--out',
    out,
    '--ids',
    documentIds.join(','),
    '--patient-name',
    PATIENT,
    '--dob',
    DOB,
    '--recipient-name',
    'Appeals Unit',
    '--recipient-org',
    'Acme Health, "Plan B"',
    '--recipient-address',
    '1 Main St\nSpringfield',
    '--member-id',
    'ACM-5521',
    '--claim',
    'CLM-778',
    '--dates-of-service',
    '2024-03-01',
    '--denial-date',
    '2024-04-02',
    '--statement',
    'The MRI was medically necessary.',
    '--json',
    ...extra,
  ];
}

async function disclosures(): Promise<DisclosureJson[]> {
  const result = await cli(['disclosures', '--json']);
  expect(result.code, describeRun(result)).toBe(0);
  return parseJson<DisclosureJson[]>(result);
}

beforeAll(async () => {
  const temp = await tempDir('medvault-packets-');
  root = temp.path;
  cleanup = temp.cleanup;
  vaultDir = join(root, 'vault');
  const init = await cli(['init']);
  expect(init.code, describeRun(init)).toBe(0);

  const src = join(root, 'src');
  await mkdir(join(src, 'study'), { recursive: true });
  await writeFile(join(src, 'letter.pdf'), await embeddedFontPdf(['ALPHA-ONE', 'ALPHA-TWO', 'ALPHA-THREE']));
  await writeFile(join(src, 'ccd.xml'), await readFile(new URL('./fixtures/ccda/CCD.xml', import.meta.url)));
  await writeFile(join(src, 'claims.json'), JSON.stringify(claimsBundle()));
  await writeFile(join(src, 'scan.png'), makePng(200, 260, 7));
  await writeFile(join(src, 'therapy.txt'), `Session notes ${THERAPY_MARKER}\n`);
  await writeFile(join(src, 'steps.txt'), `Daily steps ${WELLNESS_MARKER}\n`);
  const study = {
    uid: newUid(),
    date: '20240301',
    description: 'MRI KNEE',
    institution: 'Mercy',
    studyId: 'S1',
    accession: 'A1',
  };
  const series = [1, 2].map((number) => ({
    uid: newUid(),
    number,
    description: `Knee series ${number}`,
    modality: 'MR',
    bodyPart: 'KNEE',
    sopClassUid: SOP_CLASS.mr,
  }));
  await Promise.all(
    [
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 1],
    ].map(([s, i]) =>
      writeDicomImage(join(src, 'study', `im${s}${i}`), {
        patient: JANE,
        study,
        series: series[s!]!,
        sopInstanceUid: newUid(),
        instanceNumber: i!,
        seed: s! * 10 + i!,
      }),
    ),
  );
  const imported = await cli(['import', src, '--json', '--skip-ocr']);
  expect(imported.code, describeRun(imported)).toBe(0);

  const list = await cli(['list', '--json']);
  const documents = parseJson<VaultDocument[]>(list);
  const find = (test: (d: VaultDocument) => boolean) => {
    const found = documents.find(test);
    expect(found, JSON.stringify(documents.map((d) => [d.title, d.type, d.mediaType]))).toBeDefined();
    return found!.id;
  };
  ids.pdf = find((d) => d.source.path.endsWith('letter.pdf'));
  ids.ccda = find((d) => d.source.path.endsWith('ccd.xml'));
  ids.eob = find((d) => d.type === 'explanation-of-benefits');
  ids.scan = find((d) => d.source.path.endsWith('scan.png'));
  ids.study = find((d) => d.type === 'imaging-study');
  ids.therapy = find((d) => d.source.path.endsWith('therapy.txt'));
  ids.wellness = find((d) => d.source.path.endsWith('steps.txt'));
  for (const [id, type] of [
    [ids.therapy, 'psychotherapy-note'],
    [ids.wellness, 'wellness-data'],
  ]) {
    const tagged = await cli(['tag', id!, '--type', type!]);
    expect(tagged.code, describeRun(tagged)).toBe(0);
  }
  fileSha = new Map();
  for (const id of Object.values(ids)) {
    const shown = await cli(['show', id, '--json']);
    fileSha.set(id, parseJson<{ files: { sha256: string }[] }>(shown).files[0]!.sha256);
  }
}, 180_000);

afterAll(async () => {
  await cleanup?.();
});

describe('medvault export appeal', () => {
  const order = () => [ids.pdf, ids.therapy, ids.ccda, ids.eob, ids.wellness, ids.scan, ids.study];
  let plan: PacketPlan;
  let bytes: Buffer;
  let texts: string[];

  it('writes one PDF: cover, index, then each document, psychotherapy notes and wellness data left out', async () => {
    const out = join(root, 'appeal.pdf');
    const result = await cli(appealArgs(out, order()));
    expect(result.code, describeRun(result)).toBe(0);
    plan = parseJson<PacketPlan>(result);
    bytes = await readFile(out);
    texts = await pageTexts(bytes);

    expect(plan.items.map((item) => item.documentId)).toEqual([ids.pdf, ids.ccda, ids.eob, ids.scan, ids.study]);
    expect(plan.excluded.map((e) => e.documentId).sort()).toEqual([ids.therapy, ids.wellness].sort());
    expect(plan.warnings).toContain(PSYCHOTHERAPY_EXCLUDED_WARNING);
    expect(plan.warnings.some((w) => /not covered by HIPAA/i.test(w))).toBe(true);

    const byId = new Map(plan.items.map((item) => [item.documentId, item]));
    expect(byId.get(ids.pdf)!.pageCount).toBe(3);
    expect(byId.get(ids.scan)!.pageCount).toBe(1);
    expect(byId.get(ids.study)!.pageCount).toBe(3); // the summary and one image per series
    const sum = plan.items.reduce((n, item) => n + item.pageCount, 0);
    expect(plan.totalPages).toBe(plan.coverPages + plan.indexPages + sum);
    expect(texts).toHaveLength(plan.totalPages);
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(plan.totalPages);

    // Ranges follow each other with no gap, after the cover and the index.
    let next = plan.coverPages + plan.indexPages + 1;
    for (const item of plan.items) {
      expect(item.firstPage).toBe(next);
      expect(item.lastPage).toBe(next + item.pageCount - 1);
      next = item.lastPage + 1;
    }
    // Each document's pages are where the index says.
    const page = (n: number) => texts[n - 1]!;
    const pdf = byId.get(ids.pdf)!;
    expect(
      [page(pdf.firstPage), page(pdf.firstPage + 1), page(pdf.lastPage)].map((t) => /ALPHA-\w+/.exec(t)?.[0]),
    ).toEqual(['ALPHA-ONE', 'ALPHA-TWO', 'ALPHA-THREE']);
    expect(page(byId.get(ids.ccda)!.firstPage)).toContain(byId.get(ids.ccda)!.title);
    expect(page(byId.get(ids.eob)!.firstPage)).toMatch(/ACM-5521|Explanation of Benefit/i);
    expect(page(byId.get(ids.study)!.firstPage)).toContain('MRI KNEE');
    expect(page(byId.get(ids.study)!.firstPage + 1)).toMatch(/Series 1/);
    expect(page(byId.get(ids.study)!.lastPage)).toMatch(/Series 2/);

    const index = texts.slice(plan.coverPages, plan.coverPages + plan.indexPages).join('\n');
    for (const item of plan.items) {
      const range = item.firstPage === item.lastPage ? `${item.firstPage}` : `${item.firstPage}–${item.lastPage}`;
      const line = index.split('\n').find((l) => l.includes(item.title));
      expect(line, `index line for ${item.title}:\n${index}`).toBeDefined();
      expect(line!).toContain(range);
    }
    for (const excluded of plan.excluded) expect(index).not.toContain(excluded.title);
    const cover = texts.slice(0, plan.coverPages).join('\n');
    for (const expected of [
      PATIENT,
      DOB,
      'ACM-5521',
      'CLM-778',
      '2024-03-01',
      '2024-04-02',
      'Acme Health',
      'The MRI was medically necessary.',
    ]) {
      expect(cover).toContain(expected);
    }
  }, 60_000);

  it('stamps every page with the name, the date of birth and "page X of N"', () => {
    texts.forEach((text, index) => {
      expect(text, `page ${index + 1}`).toContain(`page ${index + 1} of ${texts.length}`);
      expect(text).toContain(PATIENT);
      expect(text).toContain(DOB);
    });
    const all = texts.join('\n');
    expect(all).not.toContain(THERAPY_MARKER);
    expect(all).not.toContain(WELLNESS_MARKER);
  });

  it('sets the metadata and embeds every font', async () => {
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(doc.getAuthor()).toBe(PATIENT);
    expect(doc.getTitle()).toContain('CLM-778');
    expect(doc.getSubject()).toBe('Insurance appeal');
    expect(doc.getProducer()).toBe('Medvault');
    expect(doc.getCreationDate()).toBeInstanceOf(Date);

    const lookup = (value: unknown) => (value instanceof PDFRef ? doc.context.lookup(value) : value);
    let fonts = 0;
    for (const [, object] of doc.context.enumerateIndirectObjects()) {
      if (!(object instanceof PDFDict) || object.get(PDFName.of('Type')) !== PDFName.of('Font')) continue;
      const subtype = object.get(PDFName.of('Subtype'));
      if (subtype === PDFName.of('Type0') || subtype === PDFName.of('Type3')) continue; // their descendants are checked
      fonts++;
      const descriptor = lookup(object.get(PDFName.of('FontDescriptor'))) as PDFDict | undefined;
      expect(descriptor, `font ${String(object.get(PDFName.of('BaseFont')))} has no descriptor`).toBeInstanceOf(
        PDFDict,
      );
      expect(
        descriptor!.has(PDFName.of('FontFile2')) || descriptor!.has(PDFName.of('FontFile3')),
        `font ${String(object.get(PDFName.of('BaseFont')))} is not embedded`,
      ).toBe(true);
    }
    expect(fonts).toBeGreaterThanOrEqual(2);
  });

  it('is a PDF qpdf finds no syntax or stream error in', async () => {
    // qpdf exits 0 only when the cross-reference table, every object and every stream decode.
    const { stdout } = await execFileAsync('qpdf', ['--check', join(root, 'appeal.pdf')]);
    expect(stdout).toContain('No syntax or stream encoding errors found');
  });

  it('records the disclosure with each document id and SHA-256, and exports the log as CSV', async () => {
    const log = await disclosures();
    expect(log).toHaveLength(1);
    expect(log[0]!.purpose).toBe('insurance-appeal');
    expect(log[0]!.recipient).toEqual({
      name: 'Appeals Unit',
      organisation: 'Acme Health, "Plan B"',
      address: '1 Main St\nSpringfield',
    });
    expect(log[0]!.documents.map((d) => [d.documentId, d.sha256])).toEqual(
      plan.items.map((item) => [item.documentId, fileSha.get(item.documentId)]),
    );
    const csvPath = join(root, 'log.csv');
    const result = await cli(['disclosures', '--csv', csvPath]);
    expect(result.code, describeRun(result)).toBe(0);
    const rows = parseCsv(await readFile(csvPath, 'utf8'));
    expect(rows[0]).toContain('sha256');
    const body = rows.slice(1);
    expect(body).toHaveLength(plan.items.length);
    const column = (name: string) => rows[0]!.indexOf(name);
    expect(body.map((r) => r[column('document_id')])).toEqual(plan.items.map((i) => i.documentId));
    expect(body.map((r) => r[column('sha256')])).toEqual(plan.items.map((i) => fileSha.get(i.documentId)));
    expect(body[0]![column('recipient_organisation')]).toBe('Acme Health, "Plan B"');
    expect(body[0]![column('recipient_address')]).toBe('1 Main St\nSpringfield');
  });

  it('includes psychotherapy notes only when asked, with a warning', async () => {
    const out = join(root, 'with-notes.pdf');
    const result = await cli(appealArgs(out, [ids.pdf, ids.therapy], '--include-psychotherapy-notes'));
    expect(result.code, describeRun(result)).toBe(0);
    const withNotes = parseJson<PacketPlan>(result);
    expect(withNotes.items.map((i) => i.documentId)).toEqual([ids.pdf, ids.therapy]);
    expect(withNotes.warnings).toContain(PSYCHOTHERAPY_INCLUDED_WARNING);
    const text = (await pageTexts(await readFile(out))).join('\n');
    expect(text).toContain(THERAPY_MARKER);
    expect((await disclosures()).length).toBe(2);
  }, 30_000);

  it('leaves nothing when the folder does not exist, and says it is the folder', async () => {
    const result = await cli(appealArgs(join(root, 'no-such-folder', 'a.pdf'), [ids.pdf]));
    expect(result.code, describeRun(result)).toBe(1);
    expect(result.stderr.trim()).toBe(`medvault: The folder ${join(root, 'no-such-folder')} does not exist.`);
    expect((await disclosures()).length).toBe(2);
  });

  it('never writes over a file that is there', async () => {
    const out = join(root, 'taken.pdf');
    await writeFile(out, 'the patient’s own file');
    const result = await cli(appealArgs(out, [ids.pdf]));
    expect(result.code, describeRun(result)).toBe(1);
    expect(result.stderr.trim()).toBe(`medvault: ${out} already exists; choose another name.`);
    expect(await readFile(out, 'utf8')).toBe('the patient’s own file');
    expect((await disclosures()).length).toBe(2);
  });

  it('takes the patient name from the vault owner when none is given', async () => {
    const owner = await cli(['owner', '--name', 'Owner Person']);
    expect(owner.code, describeRun(owner)).toBe(0);
    const out = join(root, 'owner.pdf');
    const args = appealArgs(out, [ids.scan]);
    args.splice(args.indexOf('--patient-name'), 2);
    const result = await cli(args);
    expect(result.code, describeRun(result)).toBe(0);
    const text = await pageTexts(await readFile(out));
    text.forEach((page, index) =>
      expect(page).toContain(`Owner Person · DOB ${DOB} · page ${index + 1} of ${text.length}`),
    );
    expect((await disclosures()).length).toBe(3);
  }, 30_000);

  it('previews the same page list without writing anything', async () => {
    const vault = await Vault.open(vaultDir, { passphrase: PASSPHRASE });
    try {
      const preview = await planPacket(
        vault,
        {
          purpose: 'insurance-appeal',
          documentIds: order(),
          recipient: { name: 'Appeals Unit', organisation: 'Acme Health, "Plan B"', address: '1 Main St\nSpringfield' },
          appeal: {
            memberId: 'ACM-5521',
            claimNumber: 'CLM-778',
            datesOfService: '2024-03-01',
            denialDate: '2024-04-02',
            statement: 'The MRI was medically necessary.',
          },
          patient: { name: PATIENT, dateOfBirth: DOB },
        },
        { form: 'pdf' },
      );
      expect(preview.items).toEqual(plan.items);
      expect(preview.excluded).toEqual(plan.excluded);
      expect(preview.totalPages).toBe(plan.totalPages);
      expect(await vault.db.read((q) => listDisclosures(q))).toHaveLength(3);
    } finally {
      await vault.close();
    }
  });

  it("promises the patient's statement in the letter only when there is one", async () => {
    const vault = await Vault.open(vaultDir, { passphrase: PASSPHRASE });
    try {
      const letterWith = async (statement: string) => {
        const resolved = await resolvePacket(vault, {
          purpose: 'insurance-appeal',
          documentIds: [ids.pdf],
          recipient: { name: '', organisation: '', address: '' },
          appeal: { memberId: '', claimNumber: 'CLM-9', datesOfService: '', denialDate: '', statement },
          patient: { name: PATIENT, dateOfBirth: DOB },
        });
        const { doc } = await assemblePacket(vault, resolved, {
          coverLetter: packetKind('insurance-appeal').coverLetter,
        });
        return (await pageTexts(Buffer.from(await doc.save())))[0]!;
      };
      const without = await letterWith('  ');
      expect(without).toContain('The records that support my appeal are enclosed.');
      expect(without).not.toMatch(/is below|Statement/);
      const withStatement = await letterWith('The MRI was medically necessary.');
      expect(withStatement).toContain('in my own words, is below');
      expect(withStatement).toContain('The MRI was medically necessary.');
    } finally {
      await vault.close();
    }
  });

  it('removes the file when the disclosure cannot be recorded', async () => {
    const vault = await Vault.open(vaultDir, { passphrase: PASSPHRASE });
    try {
      const folder = join(root, 'db-failure');
      await mkdir(folder);
      const transaction = vault.db.transaction.bind(vault.db);
      // The record is written and the file renamed, then the commit fails.
      vault.db.transaction = ((work) =>
        transaction(async (tx) => {
          await work(tx);
          throw new Error('the disk is full');
        })) as typeof vault.db.transaction;
      await expect(
        writePdfPacket(
          vault,
          {
            purpose: 'insurance-appeal',
            documentIds: [ids.pdf],
            recipient: { name: '', organisation: '', address: '' },
            patient: { name: PATIENT, dateOfBirth: DOB },
          },
          join(folder, 'packet.pdf'),
        ),
      ).rejects.toThrow(/disk is full/);
      expect(await readdir(folder)).toEqual([]);
      vault.db.transaction = transaction;
      expect(await vault.db.read((q) => listDisclosures(q))).toHaveLength(3);
    } finally {
      await vault.close();
    }
  });

  it('leaves no file and no record when cancelled', async () => {
    const vault = await Vault.open(vaultDir, { passphrase: PASSPHRASE });
    try {
      const folder = join(root, 'cancelled');
      await mkdir(folder);
      const controller = new AbortController();
      await expect(
        writePdfPacket(
          vault,
          {
            purpose: 'insurance-appeal',
            documentIds: [ids.pdf, ids.ccda, ids.study],
            recipient: { name: '', organisation: '', address: '' },
            patient: { name: PATIENT, dateOfBirth: DOB },
          },
          join(folder, 'packet.pdf'),
          {
            signal: controller.signal,
            onProgress: (p) => {
              if (p.documentsDone === 1) controller.abort();
            },
          },
        ),
      ).rejects.toMatchObject({ code: 'cancelled' });
      expect(await readdir(folder)).toEqual([]);
      expect(await vault.db.read((q) => listDisclosures(q))).toHaveLength(3);
    } finally {
      await vault.close();
    }
  });
});

describe('medvault export new-provider', () => {
  it('writes the one-PDF packet with the general cover and logs the purpose new-provider', async () => {
    const out = join(root, 'new-provider.pdf');
    const result = await cli([
      'export',
      'new-provider',
      '--out',
      out,
      '--ids',
      [ids.pdf, ids.ccda, ids.therapy].join(','),
      '--patient-name',
      PATIENT,
      '--dob',
      DOB,
      '--recipient-name',
      'Dr. Newman',
      '--recipient-org',
      'Family Practice',
      '--json',
    ]);
    expect(result.code, describeRun(result)).toBe(0);
    const written = parseJson<PacketPlan & { disclosureId: string }>(result);
    expect(written.purpose).toBe('new-provider');
    expect(written.items.map((item) => item.documentId)).toEqual([ids.pdf, ids.ccda]);
    const texts = await pageTexts(await readFile(out));
    expect(texts).toHaveLength(written.totalPages);
    const cover = texts.slice(0, written.coverPages).join('\n');
    for (const expected of [
      'Medical records for a new provider',
      'The records listed below are enclosed.',
      PATIENT,
      DOB,
      'Dr. Newman',
    ]) {
      expect(cover).toContain(expected);
    }
    expect(cover).not.toMatch(/Appeal of a denied claim|Member ID|Claim number/);
    texts.forEach((text, index) =>
      expect(text).toContain(`${PATIENT} · DOB ${DOB} · page ${index + 1} of ${texts.length}`),
    );
    expect(texts.join('\n')).not.toContain(THERAPY_MARKER);
    const doc = await PDFDocument.load(await readFile(out), { updateMetadata: false });
    expect(doc.getSubject()).toBe('New provider');

    const log = await disclosures();
    const record = log.find((r) => r.id === written.disclosureId);
    expect(record).toMatchObject({
      purpose: 'new-provider',
      packetKind: 'appeal-pdf',
      recipient: { name: 'Dr. Newman', organisation: 'Family Practice', address: '' },
    });
    expect(record!.documents.map((d) => [d.documentId, d.sha256])).toEqual(
      [ids.pdf, ids.ccda].map((id) => [id, fileSha.get(id)]),
    );
  }, 60_000);

  it("refuses an appeal's options and a missing date of birth, writing nothing", async () => {
    const before = (await disclosures()).length;
    const out = join(root, 'refused.pdf');
    const base = ['export', 'new-provider', '--out', out, '--ids', ids.pdf, '--patient-name', PATIENT];
    const claim = await cli([...base, '--dob', DOB, '--claim', 'CLM-1']);
    expect(claim.code).toBe(1);
    expect(claim.stderr).toMatch(/--claim is for an appeal packet/);
    const noDob = await cli(base);
    expect(noDob.code).toBe(1);
    expect(noDob.stderr).toMatch(/--dob/);
    expect(await readdir(root)).not.toContain('refused.pdf');
    expect(await disclosures()).toHaveLength(before);
  }, 30_000);
});

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; records end in CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}
