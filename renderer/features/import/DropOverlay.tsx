import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { DroppedItems } from '../../api';
import { Icon } from '../../ui/Icon';

function hasFiles(event: DragEvent): boolean {
  return Boolean(event.dataTransfer?.types.includes('Files'));
}

/** Takes what is in the drop event before it ends (the browser empties it afterwards). */
function capture(transfer: DataTransfer): DroppedItems {
  const files = [...transfer.files];
  const entries = [...transfer.items]
    .filter((item) => item.kind === 'file')
    .map((item) => (typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null));
  return { files, entries };
}

/**
 * Files dragged over the window show a full-window target; dropping them imports them.
 * While an import is under way the overlay says so and the drop is ignored.
 */
export function DropOverlay({ onDrop, busy }: { onDrop: (items: DroppedItems) => void; busy: boolean }) {
  const [visible, setVisible] = useState(false);
  const depth = useRef(0);
  const latest = useRef({ onDrop, busy });
  useEffect(() => {
    latest.current = { onDrop, busy };
  });

  useEffect(() => {
    const enter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth.current += 1;
      setVisible(true);
    };
    const leave = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setVisible(false);
    };
    const over = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = latest.current.busy ? 'none' : 'copy';
    };
    const drop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth.current = 0;
      setVisible(false);
      if (latest.current.busy || !event.dataTransfer) return;
      latest.current.onDrop(capture(event.dataTransfer));
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);

  if (!visible) return null;
  return createPortal(
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-target">
        <Icon name="import" />
        <p className="drop-title">{busy ? 'An import is already under way' : 'Drop to import into your vault'}</p>
        <p className="drop-text">
          {busy
            ? 'Wait for it to finish, then drop these files again.'
            : 'Files and folders are encrypted as they are added.'}
        </p>
      </div>
    </div>,
    document.getElementById('overlay-root') ?? document.body,
  );
}
