import { useEffect, useId, useRef, useState, type MouseEvent } from 'react';
import type { DisclosureDocument, DisclosureRecord } from '../../../shared/packets';
import { formatTimestamp, plural } from '../../lib/format';
import { Icon } from '../../ui/Icon';
import { documentTitle, packetFormLabel, packetPurposeLabel, recipientLine, shortSha256 } from './disclosureFormat';

/** [class, header] of the packets' columns and of an opened packet's documents. */
const PACKET_COLUMNS = [
  ['col-made', 'Made'],
  ['col-purpose', 'Purpose'],
  ['col-recipient', 'Recipient'],
  ['col-form', 'Form'],
  ['col-count', 'Documents'],
] as const;
const DOCUMENT_COLUMNS = [
  ['col-position', '#'],
  ['col-title', 'Title'],
  ['col-id', 'Document id'],
  ['col-sha', 'SHA-256 of the file sent'],
] as const;

function ColumnHeaders({ columns }: { columns: readonly (readonly [string, string])[] }) {
  return (
    <thead>
      <tr>
        {columns.map(([className, label]) => (
          <th key={className} scope="col" className={className}>
            {label}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** Every packet made, newest first; a row opens to show the address and the documents sent. */
export function DisclosureTable({ records }: { records: DisclosureRecord[] }) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [status, setStatus] = useState('');

  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      <table className="disclosure-table" data-testid="disclosure-table">
        <caption>
          {plural(records.length, 'packet')} made, newest first. Open a row to see its documents and the address.
        </caption>
        <ColumnHeaders columns={PACKET_COLUMNS} />
        {records.map((record) => (
          <DisclosureRows
            key={record.id}
            record={record}
            open={expanded.has(record.id)}
            onToggle={() => toggle(record.id)}
            onStatus={setStatus}
          />
        ))}
      </table>
      <p className="visually-hidden" role="status">
        {status}
      </p>
    </>
  );
}

function DisclosureRows({
  record,
  open,
  onToggle,
  onStatus,
}: {
  record: DisclosureRecord;
  open: boolean;
  onToggle: () => void;
  onStatus: (message: string) => void;
}) {
  const detailsId = useId();
  const { recipient } = record;

  // A click anywhere on the row opens it too, except on a control of its own or to select text.
  const onRowClick = (event: MouseEvent<HTMLTableRowElement>) => {
    if ((event.target as HTMLElement).closest('button, a, input')) return;
    if (window.getSelection()?.toString()) return;
    onToggle();
  };

  return (
    <tbody className={open ? 'open' : undefined} data-disclosure-id={record.id}>
      <tr className="disclosure-row" onClick={onRowClick}>
        <th scope="row" className="col-made">
          <button
            type="button"
            className="disclosure-toggle"
            aria-expanded={open}
            aria-controls={detailsId}
            onClick={onToggle}
            title={open ? 'Hide the documents' : 'Show the documents and the address'}
          >
            <Icon name="right" className="toggle-chevron" />
            <time dateTime={record.createdAt}>{formatTimestamp(record.createdAt)}</time>
          </button>
        </th>
        <td className="col-purpose">{packetPurposeLabel(record.purpose)}</td>
        <td className="col-recipient">
          <span className="recipient-name">{recipient.name || <span className="unknown">No name</span>}</span>
          {recipient.organisation && <span className="recipient-organisation">{recipient.organisation}</span>}
        </td>
        <td className="col-form">{packetFormLabel(record.form)}</td>
        <td className="col-count">{record.documents.length.toLocaleString()}</td>
      </tr>
      <tr className="disclosure-details" id={detailsId} hidden={!open}>
        <td colSpan={PACKET_COLUMNS.length}>{open && <DisclosureDetails record={record} onStatus={onStatus} />}</td>
      </tr>
    </tbody>
  );
}

function DisclosureDetails({ record, onStatus }: { record: DisclosureRecord; onStatus: (message: string) => void }) {
  const { recipient } = record;
  return (
    <div className="disclosure-details-body">
      <dl className="disclosure-facts">
        <div>
          <dt>Sent to</dt>
          <dd>
            {recipientLine(recipient) || <span className="unknown">No name given</span>}
            {recipient.address.trim() ? (
              <span className="recipient-address">{recipient.address}</span>
            ) : (
              <span className="recipient-address unknown">No address given</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Log entry</dt>
          <dd>
            <code>{record.id}</code>
          </dd>
        </div>
      </dl>
      <table className="disclosure-documents" data-testid="disclosure-documents">
        <caption>Documents in the packet, in the order they were sent</caption>
        <ColumnHeaders columns={DOCUMENT_COLUMNS} />
        <tbody>
          {record.documents.map((document, index) => (
            <tr key={`${index}-${document.documentId}`} data-document-id={document.documentId}>
              <td className="col-position">{index + 1}</td>
              <th scope="row" className={document.title === null ? 'document-title removed' : 'document-title'}>
                {documentTitle(document.title)}
              </th>
              <td className="col-id">
                <code>{document.documentId}</code>
              </td>
              <td className="col-sha">
                <Sha256 document={document} onStatus={onStatus} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The checksum shortened, in full in its tooltip, with a copy button (selected in full if copying is refused). */
function Sha256({ document, onStatus }: { document: DisclosureDocument; onStatus: (message: string) => void }) {
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const field = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (copy === 'failed') field.current?.select();
  }, [copy]);

  const name = documentTitle(document.title);
  const copyValue = async () => {
    clearTimeout(timer.current);
    try {
      await navigator.clipboard.writeText(document.sha256);
      setCopy('copied');
      onStatus(`The SHA-256 of ${name} is copied.`);
      timer.current = setTimeout(() => setCopy('idle'), 2000);
    } catch {
      setCopy('failed');
      onStatus('Copying is not allowed here: the SHA-256 is selected, press Ctrl+C (⌘C on a Mac).');
    }
  };

  return (
    <span className="sha-cell">
      {copy === 'failed' ? (
        <input
          ref={field}
          className="input sha-full"
          readOnly
          value={document.sha256}
          aria-label={`SHA-256 of ${name}`}
          onFocus={(event) => event.target.select()}
          onBlur={() => setCopy('idle')}
        />
      ) : (
        <code className="sha-short" title={document.sha256} data-sha256={document.sha256}>
          {shortSha256(document.sha256)}
        </code>
      )}
      <button
        type="button"
        className="icon-button sha-copy"
        onClick={() => void copyValue()}
        aria-label={`Copy the SHA-256 of ${name}`}
        title="Copy the full SHA-256"
      >
        <Icon name={copy === 'copied' ? 'check' : 'copy'} />
      </button>
    </span>
  );
}
