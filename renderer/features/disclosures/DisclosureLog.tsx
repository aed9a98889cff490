import { FullWindow } from '../../ui/FullWindow';

/** The disclosure log: every packet made. (Being built: the list, its documents, Save as CSV.) */
export function DisclosureLog({ onClose }: { onClose: () => void }) {
  return (
    <FullWindow title="Disclosure log" onClose={onClose} testId="disclosure-log">
      <p>Disclosure log</p>
    </FullWindow>
  );
}
