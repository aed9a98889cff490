import { useId } from 'react';
import type { LibraryFacets } from '../../../shared/api';
import { Icon } from '../../ui/Icon';
import { RecordTypeSelect } from '../../ui/RecordTypeSelect';
import { Spinner } from '../../ui/Spinner';
import { hasToolbarFilters, withType, type LibraryFilters } from './filters';
import './search.css';

export function Toolbar({
  filters,
  onFilters,
  onClear,
  searchText,
  onSearchText,
  searchPending,
  facets,
  importButton,
}: {
  filters: LibraryFilters;
  onFilters: (filters: LibraryFilters) => void;
  onClear: () => void;
  searchText: string;
  onSearchText: (text: string) => void;
  searchPending: boolean;
  facets: LibraryFacets | null;
  importButton: React.ReactNode;
}) {
  const ids = { type: useId(), from: useId(), to: useId(), provider: useId(), tag: useId() };
  const active = hasToolbarFilters({ ...filters, text: searchText });
  const providers = facets?.providers ?? [];
  const tags = facets?.tags ?? [];

  return (
    <div className="toolbar">
      <div className="toolbar-row">
        <div className="search-box">
          <Icon name="search" />
          <input
            type="search"
            className="input"
            placeholder="Search titles, providers, tags and document text"
            aria-label="Search documents"
            value={searchText}
            onChange={(event) => onSearchText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape' && searchText) {
                event.stopPropagation();
                onSearchText('');
              }
            }}
            maxLength={500}
          />
          {searchPending && <Spinner />}
        </div>
        {importButton}
      </div>
      <div className="filter-row" role="group" aria-label="Filters">
        <div className="filter">
          <label htmlFor={ids.type}>Type</label>
          <RecordTypeSelect
            id={ids.type}
            value={filters.type}
            anyLabel="Any type"
            onChange={(type) => onFilters(withType(filters, type))}
          />
        </div>
        <div className="filter">
          <label htmlFor={ids.from}>From</label>
          <input
            id={ids.from}
            type="date"
            className="input"
            value={filters.from}
            max={filters.to || undefined}
            onChange={(event) => onFilters({ ...filters, from: event.target.value })}
          />
        </div>
        <div className="filter">
          <label htmlFor={ids.to}>To</label>
          <input
            id={ids.to}
            type="date"
            className="input"
            value={filters.to}
            min={filters.from || undefined}
            onChange={(event) => onFilters({ ...filters, to: event.target.value })}
          />
        </div>
        <div className="filter">
          <label htmlFor={ids.provider}>Provider</label>
          <select
            id={ids.provider}
            className="select"
            value={filters.provider}
            onChange={(event) => onFilters({ ...filters, provider: event.target.value })}
          >
            <option value="">Any provider</option>
            {providers.map((provider) => (
              <option key={provider} value={provider}>
                {provider}
              </option>
            ))}
            {filters.provider && !providers.includes(filters.provider) && (
              <option value={filters.provider}>{filters.provider}</option>
            )}
          </select>
        </div>
        <div className="filter">
          <label htmlFor={ids.tag}>Tag</label>
          <select
            id={ids.tag}
            className="select"
            value={filters.tag}
            onChange={(event) => onFilters({ ...filters, tag: event.target.value })}
          >
            <option value="">Any tag</option>
            {tags.map((tag) => (
              <option key={tag} value={tag}>
                {tag}
              </option>
            ))}
            {filters.tag && !tags.includes(filters.tag) && <option value={filters.tag}>{filters.tag}</option>}
          </select>
        </div>
        <button type="button" className="button ghost small clear-filters" onClick={onClear} disabled={!active}>
          <Icon name="close" /> Clear filters
        </button>
      </div>
    </div>
  );
}
