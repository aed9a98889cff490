import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { useDebounced } from '../../lib/useDebounced';
import { FullWindow } from '../../ui/FullWindow';
import { Icon } from '../../ui/Icon';
import { Spinner } from '../../ui/Spinner';
import { PdfPage } from './PdfPage';
import { PageTextCache } from './pageText';
import { Thumbnails } from './Thumbnails';
import { firstHitFrom, stepHit, type PageHit } from './textSearch';
import { usePdfDocument } from './usePdfDocument';
import { useObserved } from './useObserved';
import { usePdfSearch } from './usePdfSearch';
import { ZoomControls } from './ZoomControls';
import {
  CSS_UNITS,
  currentPage,
  fitZoom,
  parsePageInput,
  renderWindow,
  turnedSize,
  zoomIn,
  zoomOut,
  type Size,
  type ZoomMode,
} from './viewerMath';
import './pdfViewer.css';

/** Set when page 1 is first drawn: `npm run bench` times the viewer by it. */
export const FIRST_PAGE_MARK = 'medvault:pdf-first-page';

const NO_HITS: readonly PageHit[] = [];
const FITS = [
  ['fit-width', 'Fit width'],
  ['fit-page', 'Fit page'],
] as const;
const THRESHOLDS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/**
 * The whole-window PDF viewer: continuous pages, thumbnails, zoom, quarter turns and find. Given
 * the document already open (the panel's preview has it), it draws at once; else it opens `url`.
 */
export function PdfViewer({
  url,
  title,
  onClose,
  document: opened,
}: {
  url: string;
  title: string;
  onClose: () => void;
  document?: PDFDocumentProxy | null;
}) {
  const loaded = usePdfDocument(opened ? null : url);
  const pdf = opened ?? loaded.pdf;
  const error = opened ? null : loaded.error;
  return pdf ? (
    <LoadedViewer pdf={pdf} title={title} onClose={onClose} />
  ) : (
    <FullWindow title={title} onClose={onClose} testId="pdf-viewer">
      <div className="pdf-viewer-message">{error ?? <Spinner label="Opening the PDF…" />}</div>
    </FullWindow>
  );
}

function LoadedViewer({ pdf, title, onClose }: { pdf: PDFDocumentProxy; title: string; onClose: () => void }) {
  const pageCount = pdf.numPages;
  const scroller = useRef<HTMLDivElement>(null);
  const findInput = useRef<HTMLInputElement>(null);
  const shown = useRef(new Map<number, number>()); // page → pixels of it in view

  // Page sizes in PDF points (their own /Rotate applied): the first page's for all until each is read.
  const [sizes, setSizes] = useState<Size[] | null>(null);
  const [rotation, setRotation] = useState(0);
  const [zoomMode, setZoomMode] = useState<ZoomMode>('fit-width');
  const [customZoom, setCustomZoom] = useState(1);
  const [box, setBox] = useState<Size | null>(null);
  const [visible, setVisible] = useState<number[]>([]);
  const [current, setCurrent] = useState(1);
  const currentRef = useRef(1);
  const [pageInput, setPageInput] = useState<string | null>(null); // null: not being edited
  const [showThumbs, setShowThumbs] = useState(() => window.innerWidth >= 900);
  const [firstDrawn, setFirstDrawn] = useState(false);
  const [findOpen, setFindOpen] = useState(false);
  const [findText, setFindText] = useState('');
  const query = useDebounced(findText, 200);
  const [hitIndex, setHitIndex] = useState(-1);
  const [scrollToken, setScrollToken] = useState(0);
  const texts = useMemo(() => new PageTextCache(pdf), [pdf]);
  const search = usePdfSearch(pdf, texts, findOpen ? query : '');

  useEffect(() => {
    let cancelled = false;
    void pdf.getPage(1).then((page) => {
      const { width, height } = page.getViewport({ scale: 1 });
      if (!cancelled) setSizes(Array.from({ length: pageCount }, () => ({ width, height })));
    });
    return () => {
      cancelled = true;
    };
  }, [pdf, pageCount]);

  // The other pages' sizes, read once the first page is up (not to slow it down).
  useEffect(() => {
    if (!firstDrawn) return;
    let cancelled = false;
    void (async () => {
      const read: Size[] = [];
      for (let number = 1; number <= pageCount; number++) {
        const page = await pdf.getPage(number).catch(() => null);
        if (cancelled) return;
        const viewport = page?.getViewport({ scale: 1 });
        read.push(viewport ? { width: viewport.width, height: viewport.height } : read[0]!);
      }
      setSizes((known) =>
        known?.every((size, index) => size.width === read[index]!.width && size.height === read[index]!.height)
          ? known
          : read,
      );
    })();
    return () => {
      cancelled = true;
    };
  }, [pdf, pageCount, firstDrawn]);

  const measure = useCallback((element: HTMLDivElement | null) => {
    if (!element) return;
    setBox({ width: element.clientWidth, height: element.clientHeight });
  }, []);
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    measure(element);
    const resize = new ResizeObserver(() => measure(element));
    resize.observe(element);
    return () => resize.disconnect();
  }, [measure, showThumbs]);

  const zoom =
    zoomMode === 'custom' || !sizes || !box ? customZoom : fitZoom(zoomMode, turnedSize(sizes[0]!, rotation), box);

  // Which pages are in view: the current page is the one filling most of it.
  const { register, elements: pages } = useObserved<HTMLDivElement>(scroller, { threshold: THRESHOLDS }, (entries) => {
    for (const { page, entry } of entries) {
      if (entry.isIntersecting) shown.current.set(page, entry.intersectionRect.height);
      else shown.current.delete(page);
    }
    const inView = [...shown.current.keys()].sort((a, b) => a - b);
    setVisible((before) => (before.join() === inView.join() ? before : inView));
    const now = currentPage(shown.current, currentRef.current);
    currentRef.current = now;
    setCurrent(now);
  });

  const goToPage = useCallback((page: number) => {
    const element = pages.current.get(page);
    const frame = scroller.current;
    if (!element || !frame) return;
    frame.scrollTop = element.offsetTop - 12;
    currentRef.current = page;
    setCurrent(page);
  }, []);

  // Zoom and turns keep the reader where they were: the same place on the same page.
  const anchor = useRef({ page: 1, fraction: 0 });
  const onScroll = () => {
    const element = pages.current.get(currentRef.current);
    const frame = scroller.current;
    if (!element || !frame) return;
    anchor.current = {
      page: currentRef.current,
      fraction: (frame.scrollTop - element.offsetTop) / Math.max(1, element.offsetHeight),
    };
  };
  const laidOut = useRef(false);
  useLayoutEffect(() => {
    if (!laidOut.current) {
      laidOut.current = sizes !== null;
      return;
    }
    const element = pages.current.get(anchor.current.page);
    if (element && scroller.current) {
      scroller.current.scrollTop = element.offsetTop + anchor.current.fraction * element.offsetHeight;
    }
  }, [zoom, rotation, sizes]);

  const marked = useRef(false);
  const onDrawn = useCallback((page: number) => {
    if (page !== 1 || marked.current) return;
    marked.current = true;
    performance.mark(FIRST_PAGE_MARK);
    setFirstDrawn(true);
  }, []);

  // Ctrl/Cmd+F anywhere in the viewer opens find (not the browser's own find); Ctrl/Cmd with +, -
  // and 0 zoom the pages (not the whole window).
  const zoomRef = useRef(zoom);
  useEffect(() => {
    zoomRef.current = zoom;
  }, [zoom]);
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === 'f') {
        setFindOpen(true);
        requestAnimationFrame(() => findInput.current?.select());
      } else if (key === '+' || key === '=') {
        setZoomMode('custom');
        setCustomZoom(zoomIn(zoomRef.current));
      } else if (key === '-') {
        setZoomMode('custom');
        setCustomZoom(zoomOut(zoomRef.current));
      } else if (key === '0') {
        setZoomMode('custom');
        setCustomZoom(1);
      } else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const hits = search.hits;
  const selectHit = useCallback(
    (index: number) => {
      const hit = hits[index];
      setHitIndex(index);
      if (!hit) return;
      setScrollToken((token) => token + 1);
      if (!shown.current.has(hit.page) || currentRef.current !== hit.page) goToPage(hit.page);
    },
    [hits, goToPage],
  );
  // A new search starts over; the first hit found from the current page is shown.
  useEffect(() => setHitIndex(-1), [search.query]);
  useEffect(() => {
    if (hitIndex >= 0 || hits.length === 0) return;
    // Pages after the reader's may still be being read: wait for them before going round.
    const ahead = hits.findIndex((hit) => hit.page >= currentRef.current);
    if (ahead >= 0 || search.done) selectHit(firstHitFrom(hits, currentRef.current));
  }, [hitIndex, hits, selectHit, search.done]);

  const hitsByPage = useMemo(() => {
    const map = new Map<number, PageHit[]>();
    for (const hit of hits) {
      const list = map.get(hit.page) ?? [];
      list.push(hit);
      map.set(hit.page, list);
    }
    return map;
  }, [hits]);
  const currentHit = hits[hitIndex];

  const onFindKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      selectHit(stepHit(hitIndex, hits.length, event.shiftKey ? -1 : 1));
    } else if (event.key === 'Escape') {
      event.preventDefault(); // closes the find bar, not the viewer
      setFindOpen(false);
    }
  };

  const { first, last } = renderWindow(visible, pageCount, 1);
  const count = hits.length;
  const findStatus = !query.trim()
    ? ''
    : count > 0
      ? `${hitIndex >= 0 ? hitIndex + 1 : 0} of ${count}${search.done ? '' : '…'}`
      : search.done
        ? 'No matches'
        : `Searching… page ${search.pagesSearched} of ${pageCount}`;

  const setZoom = (value: number) => {
    setZoomMode('custom');
    setCustomZoom(value);
  };

  const tools = (
    <>
      <button
        type="button"
        className="icon-button"
        aria-pressed={showThumbs}
        aria-label="Show thumbnails"
        title="Thumbnails"
        onClick={() => setShowThumbs((shown) => !shown)}
      >
        <Icon name="sidebar" />
      </button>
      <span className="viewer-separator" />
      <button
        type="button"
        className="icon-button"
        aria-label="Previous page"
        disabled={current <= 1}
        onClick={() => goToPage(current - 1)}
      >
        <Icon name="left" />
      </button>
      <input
        className="input viewer-page-input"
        aria-label="Page number"
        inputMode="numeric"
        value={pageInput ?? String(current)}
        onFocus={(event) => {
          setPageInput(String(current));
          event.target.select();
        }}
        onChange={(event) => setPageInput(event.target.value)}
        onBlur={() => setPageInput(null)}
        onKeyDown={(event) => {
          if (event.key !== 'Enter') return;
          const page = parsePageInput(event.currentTarget.value, pageCount);
          if (page) goToPage(page);
          setPageInput(String(page ?? current));
        }}
      />
      <span className="viewer-page-count" data-testid="pdf-page-count">
        of {pageCount}
      </span>
      <button
        type="button"
        className="icon-button"
        aria-label="Next page"
        disabled={current >= pageCount}
        onClick={() => goToPage(current + 1)}
      >
        <Icon name="right" />
      </button>
      <span className="viewer-separator" />
      <ZoomControls zoom={zoom} onZoom={setZoom} testId="pdf-zoom" />
      {FITS.map(([mode, label]) => (
        <button
          key={mode}
          type="button"
          className="button small"
          aria-pressed={zoomMode === mode}
          onClick={() => setZoomMode(mode)}
        >
          {label}
        </button>
      ))}
      <button
        type="button"
        className="button small"
        aria-pressed={zoomMode === 'custom' && customZoom === 1}
        onClick={() => setZoom(1)}
      >
        Actual size
      </button>
      <span className="viewer-separator" />
      <button
        type="button"
        className="icon-button"
        aria-label="Rotate pages clockwise"
        title="Rotate"
        onClick={() => setRotation((turn) => (turn + 90) % 360)}
      >
        <Icon name="rotate" />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Find in document"
        aria-pressed={findOpen}
        title="Find (Ctrl+F)"
        onClick={() => {
          setFindOpen((open) => !open);
          requestAnimationFrame(() => findInput.current?.focus());
        }}
      >
        <Icon name="search" />
      </button>
    </>
  );

  return (
    <FullWindow title={title} onClose={onClose} tools={tools} testId="pdf-viewer">
      <div className="pdf-viewer" data-rotation={rotation}>
        {showThumbs && sizes && firstDrawn && (
          <Thumbnails pdf={pdf} sizes={sizes} rotation={rotation} current={current} onSelect={goToPage} />
        )}
        <div className="pdf-main">
          {findOpen && (
            <div className="pdf-find" role="search">
              <input
                ref={findInput}
                className="input"
                type="search"
                aria-label="Find in document"
                placeholder="Find in document"
                value={findText}
                autoFocus
                onChange={(event) => setFindText(event.target.value)}
                onKeyDown={onFindKeyDown}
              />
              <span className="pdf-find-count" data-testid="pdf-find-count" aria-live="polite">
                {findStatus}
              </span>
              <button
                type="button"
                className="icon-button"
                aria-label="Previous match"
                disabled={count === 0}
                onClick={() => selectHit(stepHit(hitIndex, count, -1))}
              >
                <Icon name="up" />
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label="Next match"
                disabled={count === 0}
                onClick={() => selectHit(stepHit(hitIndex, count, 1))}
              >
                <Icon name="up" className="flip" />
              </button>
              <button type="button" className="icon-button" aria-label="Close find" onClick={() => setFindOpen(false)}>
                <Icon name="close" />
              </button>
            </div>
          )}
          <div className="pdf-scroller" ref={scroller} onScroll={onScroll} tabIndex={0} aria-label="Document pages">
            <div className="pdf-pages">
              {sizes &&
                box &&
                sizes.map((size, index) => {
                  const page = index + 1;
                  const turned = turnedSize(size, rotation);
                  const pageHits = hitsByPage.get(page) ?? NO_HITS;
                  return (
                    <PdfPage
                      key={page}
                      pdf={pdf}
                      pageNumber={page}
                      width={Math.floor(turned.width * zoom * CSS_UNITS)}
                      height={Math.floor(turned.height * zoom * CSS_UNITS)}
                      zoom={zoom}
                      rotation={rotation}
                      drawn={page >= first && page <= last}
                      hits={pageHits}
                      currentHit={currentHit?.page === page ? currentHit.index : -1}
                      scrollToken={currentHit?.page === page ? scrollToken : -1}
                      texts={texts}
                      onDrawn={onDrawn}
                      register={register}
                    />
                  );
                })}
            </div>
          </div>
        </div>
      </div>
    </FullWindow>
  );
}
