import { useCallback, useEffect, useRef, useState } from 'react';
import type { LibraryFacets } from '../../../shared/api';
import type { VaultDocument } from '../../../shared/documents';
import { useApi } from '../../api';
import { useDebounced } from '../../lib/useDebounced';
import { NO_FILTERS, toDocumentFilter, type LibraryFilters } from './filters';

export const SEARCH_DEBOUNCE_MS = 250;

/**
 * The library's data: the filters (search text debounced), the matching documents in the core's
 * order (newest date first) and the facets for the sidebar and filter menus.
 */
export function useLibrary() {
  const api = useApi();
  const [filters, setFilters] = useState<LibraryFilters>(NO_FILTERS);
  const [searchText, setSearchText] = useState('');
  const debouncedText = useDebounced(searchText, SEARCH_DEBOUNCE_MS);
  const [version, setVersion] = useState(0);
  const [documents, setDocuments] = useState<VaultDocument[] | null>(null);
  const [facets, setFacets] = useState<LibraryFacets | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const request = useRef(0);

  const effective: LibraryFilters = { ...filters, text: debouncedText };
  const filterKey = JSON.stringify(toDocumentFilter(effective));

  useEffect(() => {
    const id = ++request.current;
    setLoading(true);
    void api.listDocuments(JSON.parse(filterKey)).then((result) => {
      if (id !== request.current) return; // a newer request is under way
      setLoading(false);
      if (result.ok) {
        setDocuments(result.value);
        setError(null);
      } else setError(result.error.message);
    });
  }, [api, filterKey, version]);

  useEffect(() => {
    let current = true;
    void api.getFacets().then((result) => {
      if (current && result.ok) setFacets(result.value);
    });
    return () => {
      current = false;
    };
  }, [api, version]);

  const refresh = useCallback(() => setVersion((count) => count + 1), []);

  return {
    filters: effective,
    setFilters,
    searchText,
    setSearchText,
    /** True while typed search text has not reached the list yet. */
    searchPending: searchText !== debouncedText,
    documents,
    facets,
    loading,
    error,
    refresh,
  };
}
