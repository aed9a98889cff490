import type { PacketPurpose } from '../../../../shared/packetKinds';
import type { CoverLetter } from '../pdf/assemble';

/**
 * The core's part of a packet kind: what its cover letter says. What the form shows of it (label,
 * hint, default form, name, whether it asks for a claim) is in `shared/packetKinds.ts`; the PDF
 * and disc writers are the same for every kind.
 */
export interface PacketKind {
  purpose: PacketPurpose;
  coverLetter: CoverLetter;
}
