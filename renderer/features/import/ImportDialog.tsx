import { useId, useState } from 'react';
import type { FolderEntry } from '../../../shared/api';
import type { DocumentSourceKind } from '../../../shared/documents';
import { useTransport } from '../../api';
import { formatMegabytes, plural } from '../../lib/format';
import { ErrorNote } from '../../ui/ErrorNote';
import { Icon } from '../../ui/Icon';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { FolderBrowser } from '../../ui/FolderBrowser';
import { ScanPagesStep } from '../scan';
import { ImportProgressView } from './ImportProgressView';
import { ImportReportView } from './ImportReportView';
import type { ImportController } from './useImport';
import './import.css';

const SOURCE_KINDS: { value: DocumentSourceKind; label: string }[] = [
  { value: 'file', label: 'Files on this computer' },
  { value: 'disc', label: 'A CD, DVD or USB stick from a provider' },
  { value: 'download', label: 'Downloaded from a patient portal' },
  { value: 'scan', label: 'Scanned paper records' },
];

/** What to import: the system dialog in Electron, the folder browser in browser mode. Fresh each time. */
function ChooseStep({
  controller,
  error,
  initialSourceKind,
}: {
  controller: ImportController;
  error: string | null;
  initialSourceKind: DocumentSourceKind;
}) {
  const transport = useTransport();
  const [sourceKind, setSourceKind] = useState<DocumentSourceKind>(initialSourceKind);
  const [selected, setSelected] = useState<Map<string, FolderEntry>>(new Map());
  const [choosing, setChoosing] = useState(false);
  const sourceId = useId();

  const chooseNative = async (kind: 'files' | 'folder') => {
    if (!transport.chooseImportPaths) return;
    setChoosing(true);
    const paths = await transport.chooseImportPaths(kind);
    setChoosing(false);
    if (paths.length > 0) void controller.importPaths(paths, sourceKind);
  };

  const sourcePicker = (
    <div className="field source-kind">
      <label htmlFor={sourceId}>Where are these records from?</label>
      <select
        id={sourceId}
        className="select"
        value={sourceKind}
        onChange={(event) => setSourceKind(event.target.value as DocumentSourceKind)}
      >
        {SOURCE_KINDS.map((kind) => (
          <option key={kind.value} value={kind.value}>
            {kind.label}
          </option>
        ))}
      </select>
    </div>
  );

  // Scanned paper has its own step: the pages of a document, in order and upright.
  if (sourceKind === 'scan') return <ScanPagesStep controller={controller} error={error} sourcePicker={sourcePicker} />;

  const paths = [...selected.keys()];
  const folders = [...selected.values()].filter((entry) => entry.kind === 'folder').length;
  const files = selected.size - folders;
  const summary = [folders ? plural(folders, 'folder') : '', files ? plural(files, 'file') : '']
    .filter(Boolean)
    .join(' and ');
  return (
    <Modal
      title="Import records"
      onClose={controller.close}
      size={transport.chooseImportPaths ? 'medium' : 'large'}
      testId="import-dialog"
      step="choosing"
      footer={
        transport.chooseImportPaths ? (
          <button type="button" className="button" onClick={controller.close}>
            Cancel
          </button>
        ) : (
          <>
            <span className="footer-note">{selected.size > 0 ? `${summary} selected` : 'Nothing selected yet'}</span>
            <button type="button" className="button" onClick={controller.close}>
              Cancel
            </button>
            <button
              type="button"
              className="button primary"
              disabled={selected.size === 0}
              onClick={() => void controller.importPaths(paths, sourceKind)}
            >
              <Icon name="import" /> Import
            </button>
          </>
        )
      }
    >
      <ErrorNote message={error} />
      {sourcePicker}
      {transport.chooseImportPaths ? (
        <div className="choose-native">
          <button type="button" className="choice" onClick={() => void chooseNative('files')} disabled={choosing}>
            <Icon name="files" />
            <span className="choice-title">Choose files…</span>
            <span className="choice-text">PDFs, images and text files</span>
          </button>
          <button type="button" className="choice" onClick={() => void chooseNative('folder')} disabled={choosing}>
            <Icon name="folder" />
            <span className="choice-title">Choose a folder…</span>
            <span className="choice-text">Everything in it, such as a provider&rsquo;s CD</span>
          </button>
        </div>
      ) : (
        <FolderBrowser
          selected={selected}
          onSelectedChange={setSelected}
          initialPath={controller.lastFolder}
          onPathChange={controller.setLastFolder}
        />
      )}
      <p className="drop-tip">
        <Icon name="import" /> You can also drop files or folders anywhere on the Medvault window.
      </p>
    </Modal>
  );
}

export function ImportDialog({ controller }: { controller: ImportController }) {
  const { state } = controller;

  if (!controller.dialogOpen || state.phase === 'idle') return null;

  if (state.phase === 'choosing') {
    return <ChooseStep controller={controller} error={state.error} initialSourceKind={state.sourceKind ?? 'file'} />;
  }

  if (state.phase === 'uploading' || state.phase === 'starting') {
    const progress = state.phase === 'uploading' ? state.progress : null;
    return (
      <Modal title="Importing records" size="medium" testId="import-dialog" step={state.phase}>
        <div className="import-progress" data-testid="import-progress">
          {progress ? (
            <>
              <p className="progress-line">
                Adding the dropped files to the vault: {progress.filesDone} of {plural(progress.filesTotal, 'file')}
              </p>
              <progress max={progress.bytesTotal || 1} value={progress.bytesDone} aria-label="Upload progress" />
              <p className="progress-meta">
                {formatMegabytes(progress.bytesDone)} of {formatMegabytes(progress.bytesTotal)}
              </p>
            </>
          ) : (
            <Spinner label="Starting the import…" />
          )}
        </div>
        <div className="dialog-actions">
          {state.phase === 'uploading' && (
            <button type="button" className="button danger" onClick={() => void controller.cancel()}>
              Cancel
            </button>
          )}
        </div>
      </Modal>
    );
  }

  if (state.phase === 'running') {
    return (
      <Modal
        title="Importing records"
        onClose={controller.close}
        size="medium"
        testId="import-dialog"
        step={state.phase}
      >
        <ImportProgressView progress={state.progress} secondsLeft={state.secondsLeft} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={controller.close}>
            Continue in the background
          </button>
          <button
            type="button"
            className="button danger"
            onClick={() => void controller.cancel()}
            disabled={state.cancelling}
          >
            {state.cancelling ? 'Cancelling…' : 'Cancel import'}
          </button>
        </div>
      </Modal>
    );
  }

  if (state.phase === 'finished') {
    return (
      <Modal
        title={state.report.status === 'cancelled' ? 'Import cancelled' : 'Import finished'}
        onClose={controller.close}
        size="medium"
        testId="import-dialog"
        step={state.phase}
        footer={
          <button type="button" className="button primary" onClick={controller.close}>
            Done
          </button>
        }
      >
        <ImportReportView report={state.report} />
      </Modal>
    );
  }

  // failed
  return (
    <Modal
      title="The import did not work"
      onClose={controller.close}
      size="small"
      testId="import-dialog"
      step={state.phase}
      footer={
        <>
          <button type="button" className="button" onClick={controller.close}>
            Close
          </button>
          <button type="button" className="button primary" onClick={controller.retry}>
            Try again
          </button>
        </>
      }
    >
      <ErrorNote message={state.error.message} />
    </Modal>
  );
}
