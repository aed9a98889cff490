import { useCallback, useEffect, useState } from 'react';
import type { PacketProgress } from '../../../shared/packets';
import { PACKET_KINDS, PACKET_PURPOSES } from '../../../shared/packetKinds';
import { useApi } from '../../api';
import { plural } from '../../lib/format';
import { ErrorNote } from '../../ui/ErrorNote';
import { FullWindow } from '../../ui/FullWindow';
import { Icon } from '../../ui/Icon';
import { Spinner } from '../../ui/Spinner';
import { DocumentPicker } from './DocumentPicker';
import { PacketDetails } from './PacketDetails';
import { PacketOrder } from './PacketOrder';
import { PacketReview } from './PacketReview';
import {
  addDocuments,
  moveDocument,
  newDraft,
  problems,
  removeDocument,
  sensitiveDocuments,
  toOutput,
  toRequest,
  withPurpose,
  type PacketDraft,
} from './packetDraft';
import { usePacketWriter } from './usePacketWriter';
import './packet.css';

type Step = 'documents' | 'details' | 'review';
const STEPS: { step: Step; label: string }[] = [
  { step: 'documents', label: 'Documents' },
  { step: 'details', label: 'Recipient and details' },
  { step: 'review', label: 'Check and write' },
];

function progressText(progress: PacketProgress | null): string {
  if (!progress) return 'Starting…';
  const pages = progress.pagesDone ? `, ${plural(progress.pagesDone, 'page')}` : '';
  switch (progress.phase) {
    case 'reading':
      return `Reading the records: ${progress.documentsDone} of ${plural(progress.documentsTotal, 'document')}`;
    case 'summary':
      return `Laying out the summary PDF: ${progress.documentsDone} of ${plural(progress.documentsTotal, 'document')}${pages}`;
    case 'writing':
      return `Writing the files: ${progress.filesDone ?? 0} of ${progress.filesTotal ?? 0}`;
    default:
      return `${progress.documentsDone} of ${plural(progress.documentsTotal, 'document')}${pages}`;
  }
}

function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * Making a packet: choose the purpose and the documents (by the library's filters and by hand,
 * in the order they are read), say who it is for, check the page list and what is left out,
 * then write it — with progress, cancellable, recorded in the disclosure log.
 */
export function PacketBuilder({ onClose, onDisclosureLog }: { onClose: () => void; onDisclosureLog: () => void }) {
  const api = useApi();
  const [draft, setDraft] = useState<PacketDraft | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [step, setStep] = useState<Step>('documents');
  const writer = usePacketWriter();

  useEffect(() => {
    let current = true;
    void api.getPacketDefaults().then((result) => {
      if (!current) return;
      if (result.ok) setDraft(newDraft({ ...result.value, today: today() }));
      else setLoadError(result.error.message);
    });
    return () => {
      current = false;
    };
  }, [api]);

  const onFolder = useCallback((folder: string) => setDraft((draft) => (draft ? { ...draft, folder } : draft)), []);
  const writing = writer.state.phase === 'starting' || writer.state.phase === 'writing';
  const close = () => {
    if (writer.state.phase === 'writing') writer.cancel();
    onClose();
  };

  if (!draft) {
    return (
      <FullWindow title="Make a packet" onClose={onClose} testId="packet-builder">
        <div className="packet-loading">
          {loadError ? <ErrorNote message={loadError} /> : <Spinner label="Opening…" />}
        </div>
      </FullWindow>
    );
  }

  const { psychotherapy, notCovered } = sensitiveDocuments(draft);
  const leftOut = new Set(
    [...(draft.includePsychotherapyNotes ? [] : psychotherapy), ...(draft.includeNotCovered ? [] : notCovered)].map(
      (document) => document.id,
    ),
  );
  const todo = problems(draft);
  const index = STEPS.findIndex((entry) => entry.step === step);

  let body;
  if (writer.state.phase === 'writing' || writer.state.phase === 'starting') {
    const progress = writer.state.phase === 'writing' ? writer.state.progress : null;
    body = (
      <div className="packet-status" data-testid="packet-writing">
        <h3>Writing the packet…</h3>
        <progress
          max={(progress?.phase === 'writing' ? progress.filesTotal : progress?.documentsTotal) || 1}
          value={(progress?.phase === 'writing' ? progress.filesDone : progress?.documentsDone) ?? 0}
          aria-label="Progress of the packet"
        />
        <p className="muted" role="status">
          {progressText(progress)}
        </p>
        <button
          type="button"
          className="button"
          onClick={writer.cancel}
          disabled={writer.state.phase !== 'writing' || writer.state.cancelling}
        >
          {writer.state.phase === 'writing' && writer.state.cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
    );
  } else if (writer.state.phase === 'done') {
    const { result } = writer.state;
    body = (
      <div className="packet-status done" data-testid="packet-done">
        <h3>
          <Icon name="check" /> The packet is written
        </h3>
        <p>
          Saved as <span className="mono-path">{result.path}</span>
          {result.pages !== null && ` (${plural(result.pages, 'page')})`}
          {result.files !== null && ` (${plural(result.files, 'file')})`}.
        </p>
        {result.warnings.length > 0 && (
          <ul className="packet-warnings">
            {result.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        )}
        <p className="muted">It is recorded in your disclosure log: when, to whom, why and which documents.</p>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onDisclosureLog}>
            Show the disclosure log
          </button>
          <button type="button" className="button primary" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    );
  } else {
    body = (
      <>
        <ol className="packet-steps" aria-label="Steps">
          {STEPS.map((entry, n) => (
            <li key={entry.step}>
              <button
                type="button"
                className="packet-step"
                aria-current={entry.step === step ? 'step' : undefined}
                onClick={() => setStep(entry.step)}
                disabled={n > 0 && draft.documents.length === 0}
              >
                <span className="packet-step-number">{n + 1}</span> {entry.label}
              </button>
            </li>
          ))}
        </ol>
        <div className="packet-step-body">
          {step === 'documents' && (
            <>
              <div className="packet-purposes" role="radiogroup" aria-label="Purpose">
                {PACKET_PURPOSES.map((purpose) => (
                  <label key={purpose} className={`packet-purpose${draft.purpose === purpose ? ' selected' : ''}`}>
                    <input
                      type="radio"
                      name="packet-purpose"
                      value={purpose}
                      checked={draft.purpose === purpose}
                      onChange={() => setDraft(withPurpose(draft, purpose, today()))}
                    />
                    <span>
                      <strong>{PACKET_KINDS[purpose].label}</strong>
                      <span className="field-hint">{PACKET_KINDS[purpose].hint}</span>
                    </span>
                  </label>
                ))}
              </div>
              <div className="packet-columns">
                <DocumentPicker
                  chosen={draft.documents}
                  onAdd={(documents) => setDraft(addDocuments(draft, documents))}
                  onRemove={(id) => setDraft(removeDocument(draft, id))}
                />
                <PacketOrder
                  documents={draft.documents}
                  leftOut={leftOut}
                  onMove={(from, to) => setDraft((draft) => (draft ? moveDocument(draft, from, to) : draft))}
                  onRemove={(id) => setDraft(removeDocument(draft, id))}
                />
              </div>
            </>
          )}
          {step === 'details' && <PacketDetails draft={draft} onChange={setDraft} onFolder={onFolder} />}
          {step === 'review' && <PacketReview draft={draft} onChange={setDraft} />}
          {writer.state.phase === 'failed' && <ErrorNote message={writer.state.error.message} />}
        </div>
        <footer className="packet-footer">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <span className="packet-footer-space" />
          {index > 0 && (
            <button type="button" className="button" onClick={() => setStep(STEPS[index - 1]!.step)}>
              Back
            </button>
          )}
          {step !== 'review' ? (
            <button
              type="button"
              className="button primary"
              onClick={() => setStep(STEPS[index + 1]!.step)}
              disabled={draft.documents.length === 0}
            >
              Next
            </button>
          ) : (
            <button
              type="button"
              className="button primary"
              disabled={todo.length > 0 || writing}
              onClick={() => void writer.start(toRequest(draft), toOutput(draft))}
            >
              Write the packet
            </button>
          )}
        </footer>
      </>
    );
  }

  return (
    <FullWindow title="Make a packet" onClose={close} testId="packet-builder">
      <div className="packet-builder">{body}</div>
    </FullWindow>
  );
}
