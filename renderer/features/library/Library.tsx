import { useCallback, useEffect, useState } from 'react';
import type { VaultStatus } from '../../../shared/api';
import { RECORD_CATEGORY_LABELS } from '../../../shared/recordSet';
import type { TextRecognitionProgress } from '../../../shared/imports';
import { useApiEvent } from '../../api';
import { plural } from '../../lib/format';
import { ErrorNote } from '../../ui/ErrorNote';
import { Icon } from '../../ui/Icon';
import { Spinner } from '../../ui/Spinner';
import { DisclosureLog } from '../disclosures';
import { DocumentPanel } from '../document';
import { DropOverlay, ImportDialog, useImport } from '../import';
import { PacketBuilder } from '../packet';
import { VaultCheckDialog } from '../vaultCheck';
import { DocumentTable } from './DocumentTable';
import { EmptyState } from '../../ui/EmptyState';
import { Toolbar, clearToolbarFilters, hasToolbarFilters, useLibrary, withCategory, withNeedsReview } from '../search';
import { Sidebar } from './Sidebar';
import './library.css';

export function Library({
  status,
  onStatusChange,
  onLock,
  onImportingChange,
}: {
  status: VaultStatus;
  onStatusChange: (status: VaultStatus) => void;
  onLock: () => void;
  onImportingChange: (importing: boolean) => void;
}) {
  const library = useLibrary();
  const { filters, setFilters, documents, facets, refresh } = library;
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [sharing, setSharing] = useState<'packet' | 'disclosures' | null>(null);
  const [checking, setChecking] = useState(false);
  const [textProgress, setTextProgress] = useState<TextRecognitionProgress | null>(null);
  // OCR after an import: each document read becomes searchable, and may be filed by its text.
  useApiEvent('text-progress', (progress) => {
    setTextProgress(progress);
    if (progress.current === null) refresh();
  });
  useApiEvent('text-finished', () => {
    setTextProgress(null);
    refresh();
  });
  const imports = useImport({ onFinished: refresh });

  useEffect(() => onImportingChange(imports.busy), [imports.busy, onImportingChange]);

  const clearFilters = useCallback(() => {
    setFilters(clearToolbarFilters(filters));
    library.setSearchText('');
  }, [filters, library, setFilters]);

  const filtered = hasToolbarFilters({ ...filters, text: library.searchText });
  const heading = filters.needsReview
    ? 'Needs review'
    : filters.category
      ? RECORD_CATEGORY_LABELS[filters.category]
      : 'All documents';
  const vaultEmpty = facets?.total === 0;

  const running = imports.state.phase === 'running' ? imports.state.progress : null;
  const percent = running && running.bytesTotal > 0 ? Math.floor((running.bytesDone / running.bytesTotal) * 100) : null;
  const importButton =
    imports.busy && !imports.dialogOpen ? (
      <button
        type="button"
        className="button import-button running"
        onClick={() => imports.open()}
        aria-label="Importing: show progress"
      >
        <Spinner /> Importing{percent === null ? '…' : ` ${percent}%`}
      </button>
    ) : (
      <>
        <button type="button" className="button import-button" onClick={() => imports.open('disc')}>
          <Icon name="import" /> Import disc or USB…
        </button>
        <button type="button" className="button primary import-button" onClick={() => imports.open()}>
          <Icon name="import" /> Import…
        </button>
      </>
    );

  let content;
  if (documents === null) {
    content = library.error ? (
      <div className="content-message">
        <ErrorNote message={library.error} />
      </div>
    ) : (
      <div className="content-message">
        <Spinner label="Loading your records…" />
      </div>
    );
  } else if (documents.length === 0 && vaultEmpty && !filtered) {
    content = (
      <EmptyState
        icon="library"
        title="Your vault is empty"
        testId="empty-vault"
        action={
          <button type="button" className="button primary large" onClick={() => imports.open()}>
            <Icon name="import" /> Import records…
          </button>
        }
      >
        <p>Add your records in any of these ways:</p>
        <ul className="empty-ways">
          <li>
            Use <strong>Import…</strong> to choose files or a folder, or <strong>Import disc or USB…</strong> for a CD
            or USB stick from a provider.
          </li>
          <li>Drag files or folders from your file manager and drop them anywhere on this window.</li>
          <li>
            From a terminal, run <code>npx medvault import PATH</code>.
          </li>
        </ul>
      </EmptyState>
    );
  } else if (documents.length === 0 && filtered) {
    content = (
      <EmptyState
        icon="search"
        title="No documents match"
        testId="no-matches"
        action={
          <button type="button" className="button" onClick={clearFilters}>
            Clear filters
          </button>
        }
      >
        <p>
          Nothing in {filters.category ? RECORD_CATEGORY_LABELS[filters.category].toLowerCase() : 'your vault'} matches
          the search and filters. Try fewer words, another date range, or clear the filters.
        </p>
      </EmptyState>
    );
  } else if (documents.length === 0 && filters.needsReview) {
    content = (
      <EmptyState icon="check" title="Nothing needs review" testId="nothing-to-review">
        <p>
          Every document&rsquo;s type and date were suggested with confidence, or you have checked them. Documents
          Medvault is unsure of appear here after an import.
        </p>
      </EmptyState>
    );
  } else if (documents.length === 0) {
    content = (
      <EmptyState icon="files" title={`No ${heading.toLowerCase()} yet`} testId="empty-category">
        <p>
          Documents appear here when their type belongs to this category. You can change a document&rsquo;s type in its
          details.
        </p>
      </EmptyState>
    );
  } else {
    content = (
      <DocumentTable
        documents={documents}
        selectedId={selectedId}
        onOpen={setSelectedId}
        busy={library.loading}
        caption={`${heading}: ${plural(documents.length, 'document')}`}
      />
    );
  }

  return (
    <div className="library">
      <Sidebar
        facets={facets}
        category={filters.category}
        onCategory={(category) => setFilters(withCategory(filters, category))}
        needsReview={filters.needsReview}
        onNeedsReview={() => setFilters(withNeedsReview(filters))}
        status={status}
        onStatusChange={onStatusChange}
        onLock={onLock}
        onNewPacket={() => setSharing('packet')}
        onDisclosureLog={() => setSharing('disclosures')}
        onCheckVault={() => setChecking(true)}
      />
      <main className="library-main" aria-label="Documents">
        <Toolbar
          filters={filters}
          onFilters={setFilters}
          onClear={clearFilters}
          searchText={library.searchText}
          onSearchText={library.setSearchText}
          searchPending={library.searchPending}
          facets={facets}
          importButton={importButton}
        />
        <div className={`library-content${selectedId ? ' with-panel' : ''}`}>
          <section className="documents" aria-labelledby="documents-heading">
            <div className="documents-header">
              <h1 id="documents-heading">{heading}</h1>
              {documents && documents.length > 0 && (
                <span className="documents-count" role="status">
                  {plural(documents.length, 'document')}
                  {filtered ? (documents.length === 1 ? ' matches' : ' match') : ''}
                </span>
              )}
              {library.loading && documents !== null && <Spinner />}
              {textProgress && textProgress.done < textProgress.total && (
                <span className="text-progress" role="status" data-testid="text-progress">
                  <Spinner /> Reading the text of scans and images: {textProgress.done} of {textProgress.total}
                </span>
              )}
            </div>
            {library.error && documents !== null && <ErrorNote message={library.error} />}
            <div className="documents-scroll">{content}</div>
          </section>
          {selectedId && (
            <DocumentPanel
              key={selectedId}
              id={selectedId}
              facets={facets}
              onClose={() => {
                const id = selectedId;
                setSelectedId(null);
                requestAnimationFrame(() =>
                  document.querySelector<HTMLElement>(`tr[data-document-id="${CSS.escape(id)}"]`)?.focus(),
                );
              }}
              onSaved={refresh}
            />
          )}
        </div>
      </main>
      {sharing === 'packet' && (
        <PacketBuilder onClose={() => setSharing(null)} onDisclosureLog={() => setSharing('disclosures')} />
      )}
      {sharing === 'disclosures' && <DisclosureLog onClose={() => setSharing(null)} />}
      {checking && <VaultCheckDialog onClose={() => setChecking(false)} />}
      <ImportDialog controller={imports} />
      <DropOverlay onDrop={(items) => void imports.importDrop(items)} busy={imports.busy} />
    </div>
  );
}
