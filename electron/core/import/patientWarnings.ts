/**
 * What a run says about whose records it brought in: records naming someone other than the vault's
 * owner, and records of more than one patient — a household's records kept apart only if noticed.
 */
import type { PatientIdentity } from '../../../shared/imports';
import { isOwner } from '../documents/owner';

export function patientWarnings(owner: PatientIdentity | null, patients: readonly PatientIdentity[]): string[] {
  const warnings: string[] = [];
  const strangers = owner ? patients.filter((patient) => !isOwner(owner, patient)) : [];
  if (owner && strangers.length > 0) {
    warnings.push(
      `These files name ${strangers.map(describePatient).join('; ')}, not the vault's owner (${describePatient(owner)}).`,
    );
  }
  if (patients.length > 1) {
    warnings.push(
      `These files hold records of ${patients.length} different patients: ${patients
        .map(describePatient)
        .join('; ')}. Check that they are all yours.`,
    );
  }
  return warnings;
}

function describePatient(patient: PatientIdentity): string {
  return [patient.name, patient.id && `ID ${patient.id}`].filter(Boolean).join(', ');
}
