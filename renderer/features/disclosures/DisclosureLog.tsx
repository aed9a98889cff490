import { useState } from 'react';
import { ErrorNote } from '../../ui/ErrorNote';
import { FullWindow } from '../../ui/FullWindow';
import { Icon } from '../../ui/Icon';
import { Spinner } from '../../ui/Spinner';
import { EmptyState } from '../../ui/EmptyState';
import { DisclosureTable } from './DisclosureTable';
import { SaveCsvDialog } from './SaveCsvDialog';
import { useDisclosures } from './useDisclosures';
import './disclosures.css';

/** Where the last CSV was saved, for the next time the dialog opens (this session only). */
let lastCsvFolder: string | null = null;

/** The disclosure log: every packet made — when, to whom, why, which documents — and Save as CSV. */
export function DisclosureLog({ onClose }: { onClose: () => void }) {
  const { records, error, loading } = useDisclosures();
  const [saving, setSaving] = useState(false);
  const empty = !records || records.length === 0;

  // The dialog is not a child of the viewer: its keys (Tab, Escape) are its own.
  return (
    <>
      <FullWindow
        title="Disclosure log"
        onClose={onClose}
        testId="disclosure-log"
        tools={
          <button
            type="button"
            className="button small"
            onClick={() => setSaving(true)}
            disabled={empty}
            title={empty ? 'There is nothing in the log to save yet' : 'Save the whole log as a spreadsheet file'}
          >
            <Icon name="import" /> Save as CSV…
          </button>
        }
      >
        <div className="disclosure-log" aria-busy={loading}>
          <div className="disclosure-log-inner">
            <p className="disclosure-note" data-testid="disclosure-note">
              <Icon name="shield" />
              <span>
                HIPAA lets you ask your providers for an accounting of the disclosures they made. This log is your own
                record of what you sent: every packet made in Medvault, kept encrypted in your vault.
              </span>
            </p>
            <ErrorNote message={error} />
            {records === null ? (
              !error && (
                <div className="disclosure-loading">
                  <Spinner label="Reading the log…" />
                </div>
              )
            ) : records.length === 0 ? (
              <EmptyState icon="clock" title="No packets yet" testId="disclosure-empty">
                <p>
                  No packets have been made yet. Packets you make are listed here: when, to whom, why and which
                  documents, each with the checksum of the file sent.
                </p>
              </EmptyState>
            ) : (
              <DisclosureTable records={records} />
            )}
          </div>
        </div>
      </FullWindow>
      {saving && (
        <SaveCsvDialog
          initialFolder={lastCsvFolder}
          onFolderChange={(folder) => (lastCsvFolder = folder)}
          onClose={() => setSaving(false)}
        />
      )}
    </>
  );
}
