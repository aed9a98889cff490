import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runImport } from '../electron/core/import/runImport';
import type { Vault } from '../electron/core/vault/Vault';
import { makePdf, writeTree } from './support/fixtures';
import { withNewVault } from './support/vault';
import { getDocument, listDocuments } from '../electron/core/usecases/documents';

/** HL7's own C-CDA R2.1 examples (CC0), copied unchanged from the shared samples. */
const SAMPLES = fileURLToPath(new URL('./fixtures/ccda', import.meta.url));

/** A minimal CDA R2 document around `body` (the way portals wrap a scanned PDF, for instance). */
function cda(body: string, code = '11506-3'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <code code="${code}" codeSystem="2.16.840.1.113883.6.1"/>
  <title>Office visit</title>
  <effectiveTime value="20240212093000-0500"/>
  <custodian><assignedCustodian><representedCustodianOrganization>
    <name>Riverside Family Practice</name>
  </representedCustodianOrganization></assignedCustodian></custodian>
  <component>${body}</component>
</ClinicalDocument>`;
}

describe('importing C-CDA documents from a patient portal', () => {
  let vault: Vault;
  let root: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ vault, root, cleanup } = await withNewVault());
  });
  afterEach(() => cleanup());

  it("files HL7's examples by their LOINC code, dated and attributed from the header", async () => {
    const samples = ['CCD.xml', 'Discharge_Summary.xml', 'Progress_Note.xml', 'Diagnostic_Imaging_Report.xml'];
    const report = await runImport(
      vault,
      samples.map((name) => join(SAMPLES, name)),
    );
    expect(report).toMatchObject({ imported: 4, failed: [] });
    const byFile = Object.fromEntries((await listDocuments(vault)).map((d) => [d.source.path.split('/').pop(), d]));
    expect(byFile['CCD.xml']).toMatchObject({
      type: 'care-summary',
      category: 'medical-record',
      date: '2013-08-15', // a summary's own date: its service event starts in 1975
      provider: 'Good Health HIE',
      title: 'Patient Chart Summary',
      mediaType: 'application/xml',
    });
    expect(byFile['Discharge_Summary.xml']).toMatchObject({
      type: 'discharge-summary',
      date: '2014-09-09', // the admission that the summary is about
      provider: 'Community Health and Hospitals',
    });
    expect(byFile['Progress_Note.xml']).toMatchObject({
      type: 'clinical-note',
      date: '2010-06-01',
      provider: 'Good Health Clinic',
    });
    expect(byFile['Diagnostic_Imaging_Report.xml']).toMatchObject({
      type: 'imaging-report',
      title: 'Chest X-Ray, PA and LAT View',
      provider: 'Good Health Clinic',
    });
    // The narrative is searchable.
    const found = (await listDocuments(vault, { text: 'pneumonia' })).map((d) => d.source.path.split('/').pop()).sort();
    expect(found).toEqual(['CCD.xml', 'Progress_Note.xml']);
  });

  it('makes a nonXMLBody PDF the document, the XML kept beside it', async () => {
    const pdf = await makePdf(['Scanned visit note', 'Marker: tapir']);
    const xml = cda(
      `<nonXMLBody><text mediaType="application/pdf" representation="B64">${pdf.toString('base64')}</text></nonXMLBody>`,
    );
    await writeTree(root, { 'portal/visit.xml': xml });
    const report = await runImport(vault, [join(root, 'portal')]);
    expect(report).toMatchObject({ imported: 1, failed: [] });
    const [document] = await listDocuments(vault, { text: 'tapir' });
    expect(document).toMatchObject({
      mediaType: 'application/pdf',
      type: 'clinical-note',
      date: '2024-02-12',
      provider: 'Riverside Family Practice',
    });
    const details = await getDocument(vault, document!.id);
    expect(details.files.map((file) => file.mediaType)).toEqual(['application/pdf', 'application/xml']);
    const [first] = await vault.db.read((q) =>
      q.all<{ blob_id: string }>('SELECT blob_id FROM document_files WHERE document_id = ? ORDER BY position', [
        document!.id,
      ]),
    );
    expect((await vault.blobs.readAll(first!.blob_id)).equals(pdf)).toBe(true);
  });

  it('refuses XML with a DTD (external entities, billion laughs) and broken base64, and imports the rest', async () => {
    await writeTree(root, {
      'in/xxe.xml': `<?xml version="1.0"?>
<!DOCTYPE ClinicalDocument [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&secret;</title></ClinicalDocument>`,
      'in/laughs.xml': `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&lol2;</title></ClinicalDocument>`,
      'in/badbase64.xml': cda(
        '<nonXMLBody><text mediaType="application/pdf" representation="B64">%%%not base64%%%</text></nonXMLBody>',
      ),
      'in/good.xml': cda(
        '<structuredBody><component><section><title>Plan</title><text>Rest and fluids.</text></section></component></structuredBody>',
      ),
    });
    const report = await runImport(vault, [join(root, 'in')]);
    const reasons = Object.fromEntries(report.failed.map((f) => [f.path.split('/').pop(), f.reason]));
    expect(reasons['xxe.xml']).toMatch(/DTD or entities/);
    expect(reasons['laughs.xml']).toMatch(/DTD or entities/);
    expect(reasons['badbase64.xml']).toMatch(/not valid base64/);
    expect(report.imported).toBe(1);
    expect(await listDocuments(vault, { text: 'fluids' })).toHaveLength(1);
    // Nothing of /etc/passwd was read into the vault.
    expect(await listDocuments(vault, { text: 'root' })).toEqual([]);
  });
});

describe('reading a C-CDA document as a page', () => {
  it('lays out the header and every section as plain text: paragraphs, lists, tables', async () => {
    const { readableCcda } = await import('../electron/core/readable/readableCcda');
    const { readFile } = await import('node:fs/promises');
    const page = readableCcda(await readFile(join(SAMPLES, 'Progress_Note.xml')));
    expect(page.title).toBe('Progress Note');
    expect(page.header).toContainEqual({ label: 'Patient', value: 'Adam Frankie Everyman' });
    expect(page.header).toContainEqual({ label: 'Date of service', value: '2010-06-01 to 2010-09-15' });
    const byTitle = Object.fromEntries(page.sections.map((section) => [section.title, section]));
    expect(byTitle['CHIEF COMPLAINT']?.blocks).toEqual([{ kind: 'paragraph', text: 'Dark stools.' }]);
    expect(byTitle['ALLERGIES AND ADVERSE REACTIONS']?.blocks[0]).toEqual({
      kind: 'table',
      caption: null,
      header: ['Substance', 'Reaction'],
      rows: [
        ['Penicillin', 'Nausea'],
        ['Codeine', 'Wheezing'],
      ],
    });
    expect(byTitle['ASSESSMENT']?.blocks[0]).toMatchObject({ kind: 'list', ordered: true });
    // Nothing of the markup survives: no angle brackets in any text.
    expect(JSON.stringify(page)).not.toMatch(/[<>]/);
  });
});
