/** Records for a specialist's second opinion: usually a disc of the studies, with the reports. */
import type { PacketKind } from '../kind';
import { recordsLetter } from '../letter';

export const secondOpinion: PacketKind = {
  purpose: 'second-opinion',
  coverLetter: recordsLetter('Medical records for a second opinion'),
};
