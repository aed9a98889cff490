/** Records for a new doctor, who needs the history rather than one question answered. */
import type { PacketKind } from '../kind';
import { recordsLetter } from '../letter';

export const newProvider: PacketKind = {
  purpose: 'new-provider',
  coverLetter: recordsLetter('Medical records for a new provider'),
};
