import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { LibraryFacets } from '../../../shared/api';
import type { DocumentDetails, VaultDocument } from '../../../shared/documents';
import { REVIEW_THRESHOLD } from '../../../shared/documents';
import { RECORD_CATEGORY_LABELS, categoryOf } from '../../../shared/recordSet';
import { useApi } from '../../api';
import { formatBytes, formatTimestamp } from '../../lib/format';
import { ErrorNote } from '../../ui/ErrorNote';
import { Icon } from '../../ui/Icon';
import { RecordTypeSelect } from '../../ui/RecordTypeSelect';
import { Spinner } from '../../ui/Spinner';
import {
  draftOf,
  draftProblem,
  editFromDraft,
  isEmptyEdit,
  MAX_PROVIDER,
  MAX_TITLE,
  type DocumentDraft,
} from './documentDraft';
import { Preview } from './Preview';
import { SuggestionNote } from './SuggestionNote';
import { TagEditor } from './TagEditor';
import './document.css';

const SOURCE_LABELS: Record<VaultDocument['source']['kind'], string> = {
  file: 'A file on this computer',
  disc: 'A CD or DVD',
  download: 'A patient-portal download',
  scan: 'A scan',
};

/** Which suggestions are unsure, in words. */
function reviewMessage(details: DocumentDetails): string {
  const typeUnsure =
    !details.editedFields.includes('type') &&
    (details.suggested.type ? details.suggested.type.confidence < REVIEW_THRESHOLD : details.type === 'other-record');
  const dateUnsure =
    !details.editedFields.includes('date') &&
    (details.date === null || (details.suggested.date?.confidence ?? 1) < REVIEW_THRESHOLD);
  const what =
    typeUnsure && dateUnsure ? 'the type and the date' : typeUnsure ? 'the type' : dateUnsure ? 'the date' : 'this';
  return `Medvault could not be sure of ${what} of this document.`;
}

/** The details of one document beside the table: preview, editable fields, and where it came from. */
export function DocumentPanel({
  id,
  facets,
  onClose,
  onSaved,
}: {
  id: string;
  facets: LibraryFacets | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const api = useApi();
  const [details, setDetails] = useState<DocumentDetails | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<DocumentDraft | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [filePosition, setFilePosition] = useState(0);
  const panel = useRef<HTMLElement>(null);
  const ids = { title: useId(), type: useId(), date: useId(), provider: useId(), providers: useId(), heading: useId() };

  useEffect(() => {
    let current = true;
    void api.getDocument({ id }).then((result) => {
      if (!current) return;
      if (result.ok) {
        setDetails(result.value);
        setDraft(draftOf(result.value));
      } else setLoadError(result.error.message);
    });
    return () => {
      current = false;
    };
  }, [api, id]);

  useEffect(() => {
    panel.current?.focus();
  }, []);

  const edit = details && draft ? editFromDraft(details, draft) : {};
  const changed = !isEmptyEdit(edit);
  const problem = draft ? draftProblem(draft) : null;

  const update = (patch: Partial<DocumentDraft>) => {
    setDraft((current) => (current ? { ...current, ...patch } : current));
    setSavedAt(null);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!details || !draft || !changed || problem || saving) return;
    setSaving(true);
    setSaveError(null);
    const result = await api.editDocument({ id, edit });
    setSaving(false);
    if (!result.ok) {
      setSaveError(result.error.message);
      return;
    }
    const updated = { ...details, ...result.value };
    setDetails(updated);
    setDraft(draftOf(updated));
    setSavedAt(Date.now());
    panel.current?.focus(); // Save is disabled now; keep focus in the panel
    onSaved();
  };

  const markReviewed = async () => {
    if (!details || saving) return;
    setSaving(true);
    setSaveError(null);
    const result = await api.editDocument({ id, edit: { reviewed: true } });
    setSaving(false);
    if (!result.ok) {
      setSaveError(result.error.message);
      return;
    }
    setDetails({ ...details, ...result.value });
    setSavedAt(Date.now());
    panel.current?.focus();
    onSaved();
  };

  // Escape closes the panel, from inside it or when focus is nowhere in particular (the body,
  // say after Save was disabled); not while a dialog is open or when another control used it.
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  });
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      if (document.getElementById('root')?.hasAttribute('inert')) return;
      const active = document.activeElement;
      const inPanel = panel.current?.contains(active) ?? false;
      if (!inPanel && active && active !== document.body) return;
      event.preventDefault();
      closeRef.current();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const file = details?.files.find((entry) => entry.position === filePosition) ?? details?.files[0];
  const providers = facets?.providers ?? [];

  return (
    <aside
      className="document-panel"
      aria-labelledby={ids.heading}
      ref={panel}
      tabIndex={-1}
      data-testid="document-panel"
    >
      <header className="panel-header">
        <h2 id={ids.heading} className="panel-title" title={details?.title}>
          {details?.title ?? 'Document'}
        </h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close document details">
          <Icon name="close" />
        </button>
      </header>
      <div className="panel-body">
        {loadError && <ErrorNote message={loadError} />}
        {!details && !loadError && (
          <div className="content-message">
            <Spinner label="Opening…" />
          </div>
        )}
        {details && draft && (
          <>
            {file && <Preview documentId={details.id} file={file} title={details.title} dicom={details.dicom} />}
            {/* A study's instances are shown by the summary (and later the viewer), not one by one. */}
            {details.files.length > 1 && details.mediaType !== 'application/dicom' && (
              <div className="file-switch" role="group" aria-label="Files of this document">
                {details.files.map((entry, index) => (
                  <button
                    key={entry.position}
                    type="button"
                    className="button small"
                    aria-pressed={entry.position === file?.position}
                    onClick={() => setFilePosition(entry.position)}
                  >
                    File {index + 1}
                  </button>
                ))}
              </div>
            )}

            <form className="document-form" onSubmit={save} aria-label="Edit document">
              {details.needsReview && (
                <div className="review-banner" role="note" data-testid="review-banner">
                  <Icon name="flag" />
                  <p>{reviewMessage(details)} Change what is wrong and save, or confirm what Medvault suggested.</p>
                  <button
                    type="button"
                    className="button small"
                    disabled={changed || saving}
                    title={changed ? 'Save your changes first' : undefined}
                    onClick={() => void markReviewed()}
                  >
                    <Icon name="check" /> Looks right
                  </button>
                </div>
              )}
              <div className="field">
                <label htmlFor={ids.title}>Title</label>
                <input
                  id={ids.title}
                  className="input"
                  value={draft.title}
                  maxLength={MAX_TITLE}
                  onChange={(event) => update({ title: event.target.value })}
                  aria-invalid={!draft.title.trim()}
                />
              </div>
              <div className="field-row">
                <div className="field">
                  <label htmlFor={ids.type}>Type</label>
                  <RecordTypeSelect id={ids.type} value={draft.type} onChange={(type) => type && update({ type })} />
                  <span className="field-hint">Category: {RECORD_CATEGORY_LABELS[categoryOf(draft.type)]}</span>
                  <SuggestionNote basis={details.suggested.type} testId="type-basis" />
                </div>
                <div className="field">
                  <label htmlFor={ids.date}>Date</label>
                  <div className="date-input">
                    <input
                      id={ids.date}
                      type="date"
                      className="input"
                      value={draft.date}
                      onChange={(event) => update({ date: event.target.value })}
                    />
                    <button
                      type="button"
                      className="icon-button"
                      onClick={() => update({ date: '' })}
                      disabled={!draft.date}
                      aria-label="Clear the date (unknown)"
                      title="Clear the date"
                    >
                      <Icon name="close" />
                    </button>
                  </div>
                  {!draft.date && <span className="field-hint">Unknown</span>}
                  <SuggestionNote basis={details.suggested.date} testId="date-basis" />
                </div>
              </div>
              <div className="field">
                <label htmlFor={ids.provider}>Provider</label>
                <input
                  id={ids.provider}
                  className="input"
                  value={draft.provider}
                  list={ids.providers}
                  maxLength={MAX_PROVIDER}
                  placeholder="Unknown"
                  autoComplete="off"
                  onChange={(event) => update({ provider: event.target.value })}
                />
                <datalist id={ids.providers}>
                  {providers.map((provider) => (
                    <option key={provider} value={provider} />
                  ))}
                </datalist>
                <SuggestionNote basis={details.suggested.provider} testId="provider-basis" />
              </div>
              <TagEditor tags={draft.tags} onChange={(tags) => update({ tags })} suggestions={facets?.tags ?? []} />

              {problem && changed && <p className="field-error">{problem}</p>}
              <ErrorNote message={saveError} />
              <div className="form-actions">
                <span className="save-status" role="status">
                  {savedAt && !changed ? (
                    <>
                      <Icon name="check" /> Saved
                    </>
                  ) : changed ? (
                    'Unsaved changes'
                  ) : (
                    ''
                  )}
                </span>
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    setDraft(draftOf(details));
                    setSaveError(null);
                  }}
                  disabled={!changed || saving}
                >
                  Undo changes
                </button>
                <button type="submit" className="button primary" disabled={!changed || Boolean(problem) || saving}>
                  {saving ? 'Saving…' : 'Save'}
                </button>
              </div>
            </form>

            <section className="document-facts" aria-label="About this file">
              <h3>About this document</h3>
              <dl>
                <dt>Source</dt>
                <dd className="source-path" title={details.source.path}>
                  {details.source.path}
                </dd>
                <dt>From</dt>
                <dd>{SOURCE_LABELS[details.source.kind]}</dd>
                <dt>Media type</dt>
                <dd>{details.mediaType}</dd>
                <dt>Size</dt>
                <dd>{formatBytes(details.bytes)}</dd>
                <dt>Imported</dt>
                <dd>{formatTimestamp(details.importedAt)}</dd>
                {details.files.length > 1 && (
                  <>
                    <dt>Files</dt>
                    <dd>{details.files.length}</dd>
                  </>
                )}
              </dl>
            </section>
          </>
        )}
      </div>
    </aside>
  );
}
