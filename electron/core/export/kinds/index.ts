/**
 * The packet kinds, one folder each. A new kind is its folder here, its entry below and its
 * description in `shared/packetKinds.ts`; the compiler names anything else that must know it.
 */
import type { PacketPurpose } from '../../../../shared/packetKinds';
import type { PacketKind } from './kind';
import { insuranceAppeal } from './insuranceAppeal';
import { newProvider } from './newProvider';
import { secondOpinion } from './secondOpinion';

export type { PacketKind } from './kind';

const PACKET_KINDS: Record<PacketPurpose, PacketKind> = {
  'insurance-appeal': insuranceAppeal,
  'second-opinion': secondOpinion,
  'new-provider': newProvider,
};

export function packetKind(purpose: PacketPurpose): PacketKind {
  return PACKET_KINDS[purpose];
}
