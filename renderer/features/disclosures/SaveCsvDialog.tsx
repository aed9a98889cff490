import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useApi } from '../../api';
import { ErrorNote } from '../../ui/ErrorNote';
import { Icon } from '../../ui/Icon';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { FolderBrowser } from '../../ui/FolderBrowser';
import { csvNameProblem, defaultCsvName } from './disclosureFormat';

/**
 * "Save as CSV…": a folder on this computer and a file name; the core writes the whole log there
 * (one row per document sent) and refuses to overwrite a file.
 */
export function SaveCsvDialog({
  initialFolder,
  onFolderChange,
  onClose,
}: {
  /** Where the last CSV went (null: the home folder). */
  initialFolder: string | null;
  onFolderChange: (folder: string) => void;
  onClose: () => void;
}) {
  const api = useApi();
  const [folder, setFolder] = useState<string | null>(null);
  const [name, setName] = useState(() => defaultCsvName(new Date()));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [savedPath, setSavedPath] = useState<string | null>(null);
  const nameId = useId();
  const hintId = useId();
  const errorId = useId();
  const formId = useId();
  const nameField = useRef<HTMLInputElement>(null);

  // FolderBrowser lists its start folder again whenever this callback changes: it must stay the same.
  const folderChanged = useRef(onFolderChange);
  useEffect(() => {
    folderChanged.current = onFolderChange;
  });
  const onPathChange = useCallback((path: string) => {
    setFolder(path);
    folderChanged.current(path);
  }, []);

  const save = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!folder || saving) return;
    const problem = csvNameProblem(name);
    if (problem) {
      setError(problem);
      return;
    }
    setSaving(true);
    setError(null);
    const result = await api.saveDisclosuresCsv({ folder, name: name.trim() });
    setSaving(false);
    if (result.ok) setSavedPath(result.value.path);
    else setError(result.error.message);
  };

  if (savedPath) {
    return (
      <Modal
        title="Disclosure log saved"
        onClose={onClose}
        size="small"
        testId="save-disclosures-csv"
        step="saved"
        footer={
          <button type="button" className="button primary" onClick={onClose}>
            Done
          </button>
        }
      >
        <p className="saved-note" data-testid="saved-csv">
          <Icon name="check" className="saved-icon" />
          <span>
            Saved to <code className="saved-path">{savedPath}</code>
          </span>
        </p>
        <p className="muted">
          The file is not encrypted: anyone who can open it can read whom you sent records to. Keep it somewhere
          private, or delete it when you no longer need it.
        </p>
      </Modal>
    );
  }

  return (
    <Modal
      title="Save the disclosure log as CSV"
      description="A spreadsheet file with one row for each document sent, the packet's date, purpose and recipient repeated on each row."
      onClose={onClose}
      size="large"
      testId="save-disclosures-csv"
      step="choosing"
      initialFocus={nameField}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            form={formId}
            className="button primary"
            disabled={!folder}
            aria-disabled={saving || undefined}
          >
            {saving ? <Spinner /> : <Icon name="import" />} Save
          </button>
        </>
      }
    >
      <div className="field csv-folder">
        <span className="field-label">Save into this folder</span>
        <FolderBrowser chooseFolder initialPath={initialFolder} onPathChange={onPathChange} />
      </div>
      <form id={formId} className="field csv-name" onSubmit={(event) => void save(event)}>
        <label htmlFor={nameId}>File name</label>
        <div className="csv-name-row">
          <input
            ref={nameField}
            id={nameId}
            className="input"
            value={name}
            onChange={(event) => {
              setName(event.target.value);
              setError(null);
            }}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${hintId} ${errorId}` : hintId}
          />
          <span className="csv-extension" aria-hidden="true">
            .csv
          </span>
        </div>
        <span id={hintId} className="field-hint">
          Saved into the folder shown above; an existing file is never replaced.
        </span>
      </form>
      <ErrorNote message={error} id={errorId} />
    </Modal>
  );
}
