import { useCallback } from 'react';
import type { VaultDocument } from '../../../shared/documents';
import { RECORD_CATEGORY_LABELS } from '../../../shared/recordSet';
import { formatIsoDate, plural, recordTypeLabel } from '../../lib/format';
import { ErrorNote } from '../../ui/ErrorNote';
import { Icon } from '../../ui/Icon';
import { Spinner } from '../../ui/Spinner';
import { Toolbar, clearToolbarFilters, useLibrary } from '../search';

/**
 * The library's search and filters, to find documents for the packet: tick them one by one, or
 * add every document the filters show at once.
 */
export function DocumentPicker({
  chosen,
  onAdd,
  onRemove,
}: {
  chosen: VaultDocument[];
  onAdd: (documents: VaultDocument[]) => void;
  onRemove: (id: string) => void;
}) {
  const library = useLibrary();
  const { documents, facets, filters, setFilters, setSearchText } = library;
  const chosenIds = new Set(chosen.map((document) => document.id));
  const notYetChosen = (documents ?? []).filter((document) => !chosenIds.has(document.id));

  const clear = useCallback(() => {
    setFilters(clearToolbarFilters(filters));
    setSearchText('');
  }, [filters, setFilters, setSearchText]);

  return (
    <section className="packet-picker" aria-labelledby="packet-picker-heading">
      <div className="packet-column-header">
        <h3 id="packet-picker-heading">Find documents</h3>
        <button
          type="button"
          className="button small"
          onClick={() => onAdd(notYetChosen)}
          disabled={notYetChosen.length === 0}
        >
          <Icon name="plus" /> Add all{' '}
          {notYetChosen.length > 0 ? plural(notYetChosen.length, 'shown document') : 'shown'}
        </button>
      </div>
      <Toolbar
        filters={filters}
        onFilters={setFilters}
        onClear={clear}
        searchText={library.searchText}
        onSearchText={setSearchText}
        searchPending={library.searchPending}
        facets={facets}
        importButton={null}
      />
      <ErrorNote message={library.error} />
      <div className="packet-picker-list" aria-busy={library.loading}>
        {documents === null ? (
          <Spinner label="Loading your records…" />
        ) : documents.length === 0 ? (
          <p className="muted packet-empty">No documents match the search and filters.</p>
        ) : (
          <ul aria-label="Documents found">
            {documents.map((document) => {
              const inPacket = chosenIds.has(document.id);
              return (
                <li key={document.id} className={inPacket ? 'chosen' : undefined}>
                  <label className="packet-pick">
                    <input
                      type="checkbox"
                      checked={inPacket}
                      onChange={(event) => (event.target.checked ? onAdd([document]) : onRemove(document.id))}
                    />
                    <span className="packet-doc">
                      <span className="packet-doc-title">{document.title}</span>
                      <span className="packet-doc-meta">
                        {recordTypeLabel(document.type)} · {formatIsoDate(document.date)}
                        {document.provider ? ` · ${document.provider}` : ''}
                      </span>
                    </span>
                    {(document.category === 'psychotherapy-note' || document.category === 'not-covered') && (
                      <span className="badge warning">{RECORD_CATEGORY_LABELS[document.category]}</span>
                    )}
                  </label>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </section>
  );
}
