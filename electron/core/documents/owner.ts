import type { PatientIdentity } from '../../../shared/imports';
import type { Queryable } from '../db/Database';
import { MedvaultError } from '../errors';

const OWNER_SETTING = 'owner';

/** Whose records the vault holds, as the patient set it; imports compare what files name with it. */
export async function getOwner(q: Queryable): Promise<PatientIdentity | null> {
  const row = await q.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [OWNER_SETTING]);
  return row ? (JSON.parse(row.value) as PatientIdentity) : null;
}

export async function setOwner(q: Queryable, owner: PatientIdentity | null): Promise<PatientIdentity | null> {
  if (owner === null) {
    await q.run('DELETE FROM settings WHERE key = ?', [OWNER_SETTING]);
    return null;
  }
  const cleaned = { name: owner.name?.trim() || null, id: owner.id?.trim() || null };
  if (!cleaned.name && !cleaned.id)
    throw new MedvaultError('invalid-argument', 'Give the owner a name or a patient ID.');
  await q.run(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [OWNER_SETTING, JSON.stringify(cleaned)],
  );
  return cleaned;
}

/**
 * Whether records naming `patient` are the owner's. IDs decide when both have one (IDs differ
 * between hospitals, so a differing ID with the same name still counts as a match); names are
 * compared as sets of words, so `DOE^JANE`, `Jane Doe` and `JANE DOE` are the same person, and
 * so is `Jane Q. Doe`: a name of two words or more whose words all appear in the other (one
 * record has the middle name, another leaves it out).
 */
export function isOwner(owner: PatientIdentity, patient: PatientIdentity): boolean {
  if (owner.id && patient.id && normalizeId(owner.id) === normalizeId(patient.id)) return true;
  if (!owner.name || !patient.name) return false;
  const [shorter, longer] = [nameWords(owner.name), nameWords(patient.name)].sort((a, b) => a.size - b.size) as [
    Set<string>,
    Set<string>,
  ];
  return (shorter.size >= 2 || shorter.size === longer.size) && [...shorter].every((word) => longer.has(word));
}

function normalizeId(id: string): string {
  return id.trim().toUpperCase();
}

function nameWords(name: string): Set<string> {
  return new Set(
    name
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toUpperCase()
      .split(/[^A-Z0-9]+/)
      .filter(Boolean),
  );
}
