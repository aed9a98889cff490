/**
 * An insurance appeal (45 CFR §147.136 gives the patient a written internal appeal): the cover
 * letter names the denied claim and carries the patient's statement, then encloses the records.
 */
import type { PacketKind } from '../kind';
import { writeLetter } from '../letter';

export const insuranceAppeal: PacketKind = {
  purpose: 'insurance-appeal',
  coverLetter(w, packet) {
    const { patient, recipient, appeal } = packet.request;
    writeLetter(w, packet, () => {
      w.heading(`Appeal of a denied claim${appeal?.claimNumber ? ` (claim ${appeal.claimNumber})` : ''}`);
      w.fields([
        { label: 'Patient', value: patient.name },
        { label: 'Date of birth', value: patient.dateOfBirth },
        { label: 'Member ID', value: appeal?.memberId || '—' },
        { label: 'Claim number', value: appeal?.claimNumber || '—' },
        { label: 'Date(s) of service', value: appeal?.datesOfService || '—' },
        { label: 'Date of the denial', value: appeal?.denialDate || '—' },
      ]);
      w.paragraph(`To ${recipient.name.trim() || 'whom it may concern'},`);
      const statement = appeal?.statement.trim();
      // The letter promises a statement only when there is one.
      w.paragraph(
        statement
          ? 'I am appealing the denial of the claim above. Why the denial is wrong, in my own words, is below; the records that support it are enclosed.'
          : 'I am appealing the denial of the claim above. The records that support my appeal are enclosed.',
      );
      if (statement) {
        w.heading('Statement', 12);
        w.paragraph(statement);
      }
    });
  },
};
