import type { LibraryFacets } from '../../../shared/api';
import { FullWindow } from '../../ui/FullWindow';

/** Making a packet. (Being built.) */
export function PacketBuilder({
  onClose,
}: {
  facets: LibraryFacets | null;
  onClose: () => void;
  onDisclosureLog: () => void;
}) {
  return (
    <FullWindow title="Make a packet" onClose={onClose} testId="packet-builder">
      <p>Packet</p>
    </FullWindow>
  );
}
