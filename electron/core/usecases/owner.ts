/** Whose vault this is: imports warn about records of other patients. */
import type { PatientIdentity } from '../../../shared/imports';
import { getOwner as readOwner, setOwner as writeOwner } from '../documents/owner';
import type { Vault } from '../vault/Vault';

export function getOwner(vault: Vault): Promise<PatientIdentity | null> {
  return vault.db.read((q) => readOwner(q));
}

export function setOwner(vault: Vault, owner: PatientIdentity | null): Promise<PatientIdentity | null> {
  return vault.db.transaction((tx) => writeOwner(tx, owner));
}
