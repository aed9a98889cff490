import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOwner, setOwner } from '../electron/core/documents/owner';
import { runImport } from '../electron/core/import/runImport';
import type { Vault } from '../electron/core/vault/Vault';
import { JANE, makeDisc } from './support/dicomFixtures';
import { withNewVault } from './support/vault';

describe("the vault's owner", () => {
  it('is recognised by patient ID, or by name whatever its order, case or accents', () => {
    const owner = { name: 'Jane Doe', id: 'MRN12345' };
    expect(isOwner(owner, { name: 'JANE DOE', id: 'mrn12345' })).toBe(true);
    expect(isOwner(owner, { name: 'DOE JANE', id: 'OTHER-HOSPITAL-7' })).toBe(true);
    expect(isOwner({ name: 'Zoë Ángel', id: null }, { name: 'ANGEL ZOE', id: 'X' })).toBe(true);
    expect(isOwner(owner, { name: 'JOHN DOE', id: 'MRN99' })).toBe(false);
    expect(isOwner({ name: null, id: 'MRN1' }, { name: 'JANE DOE', id: null })).toBe(false);
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
  });
});
