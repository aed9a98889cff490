import { useState } from 'react';
import type { VaultDocument } from '../../../shared/documents';
import { RECORD_CATEGORY_LABELS } from '../../../shared/recordSet';
import { formatIsoDate, plural, recordTypeLabel } from '../../lib/format';
import { Icon } from '../../ui/Icon';

/**
 * The documents in the packet, in the order they go in: dragged into place, or moved with the
 * arrow buttons (or Alt+Up / Alt+Down) by keyboard.
 */
export function PacketOrder({
  documents,
  onMove,
  onRemove,
  leftOut,
}: {
  documents: VaultDocument[];
  onMove: (from: number, to: number) => void;
  onRemove: (id: string) => void;
  /** Ids of chosen documents that will stay out unless the patient includes them. */
  leftOut: Set<string>;
}) {
  const [dragging, setDragging] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);

  const move = (from: number, to: number, focus: boolean) => {
    onMove(from, to);
    if (focus) {
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>(`[data-order-index="${Math.max(0, to)}"] .packet-order-handle`)?.focus(),
      );
    }
  };

  return (
    <section className="packet-order" aria-labelledby="packet-order-heading">
      <div className="packet-column-header">
        <h3 id="packet-order-heading">In the packet</h3>
        <span className="muted" role="status">
          {plural(documents.length, 'document')}
        </span>
      </div>
      {documents.length === 0 ? (
        <p className="muted packet-empty">
          Tick documents on the left, or add every document the search shows. Drag them here into the order they should
          be read.
        </p>
      ) : (
        <ol aria-label="Documents in the packet, in order">
          {documents.map((document, index) => (
            <li
              key={document.id}
              data-order-index={index}
              data-testid="packet-item"
              className={[
                dragging === index ? 'dragging' : '',
                over === index && dragging !== null && dragging !== index ? 'drop-target' : '',
                leftOut.has(document.id) ? 'left-out' : '',
              ]
                .filter(Boolean)
                .join(' ')}
              draggable
              onDragStart={(event) => {
                setDragging(index);
                event.dataTransfer.effectAllowed = 'move';
                event.dataTransfer.setData('text/plain', String(index));
              }}
              onDragEnd={() => {
                setDragging(null);
                setOver(null);
              }}
              onDragOver={(event) => {
                event.preventDefault();
                event.dataTransfer.dropEffect = 'move';
                setOver(index);
              }}
              onDrop={(event) => {
                event.preventDefault();
                const from = Number(event.dataTransfer.getData('text/plain'));
                if (Number.isInteger(from)) move(from, index, false);
                setDragging(null);
                setOver(null);
              }}
            >
              <button
                type="button"
                className="icon-button packet-order-handle"
                aria-label={`${document.title}, position ${index + 1} of ${documents.length}. Alt+Up or Alt+Down moves it.`}
                title="Drag to reorder"
                onKeyDown={(event) => {
                  if (!event.altKey) return;
                  if (event.key === 'ArrowUp' && index > 0) {
                    event.preventDefault();
                    move(index, index - 1, true);
                  } else if (event.key === 'ArrowDown' && index < documents.length - 1) {
                    event.preventDefault();
                    move(index, index + 1, true);
                  }
                }}
              >
                <span aria-hidden="true">⠿</span>
              </button>
              <span className="packet-order-number" aria-hidden="true">
                {index + 1}
              </span>
              <span className="packet-doc">
                <span className="packet-doc-title">{document.title}</span>
                <span className="packet-doc-meta">
                  {recordTypeLabel(document.type)} · {formatIsoDate(document.date)}
                </span>
                {leftOut.has(document.id) && (
                  <span className="badge warning">
                    Left out unless you include {RECORD_CATEGORY_LABELS[document.category].toLowerCase()}
                  </span>
                )}
              </span>
              <span className="packet-order-buttons">
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Move ${document.title} up`}
                  disabled={index === 0}
                  onClick={() => move(index, index - 1, false)}
                >
                  <Icon name="up" />
                </button>
                <button
                  type="button"
                  className="icon-button flip"
                  aria-label={`Move ${document.title} down`}
                  disabled={index === documents.length - 1}
                  onClick={() => move(index, index + 1, false)}
                >
                  <Icon name="up" />
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove ${document.title} from the packet`}
                  onClick={() => onRemove(document.id)}
                >
                  <Icon name="close" />
                </button>
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
