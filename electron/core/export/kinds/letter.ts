/**
 * What every cover letter has, whatever the packet is for: the patient and the date, the
 * recipient's address, the kind's own part (`body`), the enclosures in packet order and the
 * signature.
 */
import type { PageWriter } from '../pdf/layout';
import { typeLabel } from '../pdf/assemble';
import type { ResolvedPacket } from '../resolvePacket';

export function writeLetter(w: PageWriter, packet: ResolvedPacket, body: () => void): void {
  const { patient, recipient } = packet.request;
  w.paragraph(patient.name, { bold: true });
  w.paragraph(`Date of birth: ${patient.dateOfBirth}`);
  w.paragraph(new Date().toISOString().slice(0, 10));
  w.space(8);
  const to = [recipient.name, recipient.organisation, recipient.address].filter((line) => line.trim());
  if (to.length > 0) w.paragraph(to.join('\n'));
  w.space(8);
  body();
  w.heading(`Enclosures (${packet.sources.length})`, 12);
  w.list(
    packet.sources.map((s) => `${s.title} — ${typeLabel(s.type)}${s.date ? `, ${s.date}` : ''}`),
    true,
  );
  w.space(8);
  w.paragraph('Sincerely,');
  w.space(12);
  w.paragraph(patient.name);
}

/** A letter that says what the records are for and encloses them. */
export function recordsLetter(heading: string) {
  return (w: PageWriter, packet: ResolvedPacket): void =>
    writeLetter(w, packet, () => {
      w.heading(heading);
      w.fields([
        { label: 'Patient', value: packet.request.patient.name },
        { label: 'Date of birth', value: packet.request.patient.dateOfBirth },
      ]);
      w.paragraph('The records listed below are enclosed.');
    });
}
