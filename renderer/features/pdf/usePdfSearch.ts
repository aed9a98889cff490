import { useEffect, useState } from 'react';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import type { PageTextCache } from './pageText';
import { findInRuns, type PageHit, type TextRun } from './textSearch';

export interface SearchState {
  query: string;
  hits: PageHit[];
  /** Pages read so far; the search is done when it equals the page count. */
  pagesSearched: number;
  done: boolean;
}

const EMPTY: PageHit[] = [];

/**
 * Every hit of `query` in the document, page by page from the first; the hits found so far are
 * shown while the rest of the pages are read (a new query stops the old search).
 */
export function usePdfSearch(pdf: PDFDocumentProxy | null, texts: PageTextCache | null, query: string): SearchState {
  const [state, setState] = useState<SearchState>({ query: '', hits: EMPTY, pagesSearched: 0, done: true });

  useEffect(() => {
    if (!pdf || !texts || !query.trim()) {
      setState({ query, hits: EMPTY, pagesSearched: 0, done: true });
      return;
    }
    let cancelled = false;
    const hits: PageHit[] = [];
    setState({ query, hits: EMPTY, pagesSearched: 0, done: false });
    void (async () => {
      let shownAt = performance.now();
      for (let page = 1; page <= pdf.numPages; page++) {
        let runs: TextRun[];
        try {
          runs = await texts.get(page);
        } catch {
          runs = []; // a page whose text cannot be read has no hits
        }
        if (cancelled) return;
        hits.push(...findInRuns(runs, query, page));
        // Partial results a few times a second, not a render per page.
        if (page === pdf.numPages || performance.now() - shownAt > 150) {
          shownAt = performance.now();
          setState({ query, hits: [...hits], pagesSearched: page, done: page === pdf.numPages });
        }
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [pdf, texts, query]);

  return state.query === query ? state : { query, hits: EMPTY, pagesSearched: 0, done: !query.trim() };
}
