import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOwner, setOwner } from '../electron/core/documents/owner';
import { runImport } from '../electron/core/import/runImport';
import type { Vault } from '../electron/core/vault/Vault';
import { JANE, makeDisc } from './support/dicomFixtures';
import { withNewVault } from './support/vault';

const SAMPLES = fileURLToPath(new URL('./fixtures/ccda', import.meta.url));

describe("the vault's owner", () => {
  it('is recognised by patient ID, or by name whatever its order, case or accents', () => {
    const owner = { name: 'Jane Doe', id: 'MRN12345' };
    expect(isOwner(owner, { name: 'JANE DOE', id: 'mrn12345' })).toBe(true);
    expect(isOwner(owner, { name: 'DOE JANE', id: 'OTHER-HOSPITAL-7' })).toBe(true);
    expect(isOwner({ name: 'Zoë Ángel', id: null }, { name: 'ANGEL ZOE', id: 'X' })).toBe(true);
    expect(isOwner(owner, { name: 'JOHN DOE', id: 'MRN99' })).toBe(false);
    expect(isOwner({ name: null, id: 'MRN1' }, { name: 'JANE DOE', id: null })).toBe(false);
    // A middle name on one record and not the other; but one word alone is not enough.
    expect(isOwner(owner, { name: 'DOE^JANE^QUINN', id: null })).toBe(true);
    expect(isOwner({ name: 'Jane Quinn Doe', id: null }, { name: 'Jane Doe', id: null })).toBe(true);
    expect(isOwner({ name: 'Doe', id: null }, { name: 'Jane Doe', id: null })).toBe(false);
    expect(isOwner(owner, { name: 'Jane Dorothy', id: null })).toBe(false);
  });

  describe('and imports', () => {
    let vault: Vault;
    let root: string;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ vault, root, cleanup } = await withNewVault());
    });
    afterEach(() => cleanup());

    it('warn when a disc names someone other than the owner, and not when it names the owner', async () => {
      const disc = await makeDisc(join(root, 'disc'));
      await vault.db.transaction((tx) => setOwner(tx, { name: 'Richard Roe', id: null }));
      const first = await runImport(vault, [disc.root]);
      expect(first.patients).toEqual([{ name: 'JANE DOE', id: JANE.id }]);
      expect(first.warnings).toContainEqual({
        path: disc.root,
        reason: `These files name JANE DOE, ID ${JANE.id}, not the vault's owner (Richard Roe).`,
      });
      await vault.db.transaction((tx) => setOwner(tx, { name: 'Jane Doe', id: null }));
      const second = await runImport(vault, [disc.root]);
      expect(second.warnings.filter((warning) => warning.reason.includes('owner'))).toEqual([]);
    });

    it('warn when a portal download (C-CDA) is someone else’s, naming them without a Social Security number', async () => {
      const samples = join(root, 'portal');
      await mkdir(samples);
      // HL7's examples are of three patients: Isabella Jones, Adam Everyman (twice) and Eve Betterhalf.
      for (const name of ['Discharge_Summary.xml', 'Progress_Note.xml', 'Diagnostic_Imaging_Report.xml', 'CCD.xml']) {
        await copyFile(join(SAMPLES, name), join(samples, name));
      }
      await vault.db.transaction((tx) => setOwner(tx, { name: 'Isabella Jones', id: null }));
      const report = await runImport(vault, [samples]);
      expect(report.imported).toBe(4);
      expect(report.patients).toEqual(
        expect.arrayContaining([
          { name: 'Isabella Jones', id: '998991' },
          { name: 'Adam Everyman', id: '12345' }, // Progress note: "Frankie" is his call-me name
          { name: 'Eve Betterhalf', id: null }, // her only id is her SSN: left out
        ]),
      );
      const text = JSON.stringify(report);
      for (const ssn of ['111-00-2330', '111-00-1234', '444222222']) expect(text).not.toContain(ssn);
      const owners = report.warnings.filter((warning) => warning.reason.includes("not the vault's owner"));
      expect(owners).toHaveLength(1);
      expect(owners[0]!.reason).toContain('Adam Everyman');
      expect(owners[0]!.reason).toContain('Eve Betterhalf');
      expect(owners[0]!.reason).toMatch(/^These files name [^]*, not the vault's owner \(Isabella Jones\)\.$/);
      expect(owners[0]!.reason.split("not the vault's owner")[0]).not.toContain('Isabella');
    });
  });
});
