/** Making a packet: documents, recipient and details, then check and write. */
export { PacketBuilder } from './PacketBuilder';
