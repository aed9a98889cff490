import { memo, useCallback, useEffect, useRef, useState } from 'react';
import type { PDFDocumentProxy, PDFPageProxy, RenderTask } from 'pdfjs-dist';
import { loadPdfJs } from '../../ui/pdfJs';
import { measurerFor, type PageTextCache } from './pageText';
import { segmentQuad, type PageHit } from './textSearch';
import { CSS_UNITS, outputScale } from './viewerMath';

interface HighlightBox {
  left: number;
  top: number;
  width: number;
  height: number;
  /** The hit's index on its page. */
  hit: number;
}

function isCancelled(reason: unknown): boolean {
  return (reason as { name?: string } | null)?.name === 'RenderingCancelledException';
}

/**
 * One page of the document: a box the size the page will be (so scrolling is stable before it is
 * drawn), a canvas while it is near the view (`drawn`), and the search hits on it as boxes over
 * the canvas — plain empty elements; nothing of the PDF's text or links becomes HTML.
 */
export const PdfPage = memo(function PdfPage({
  pdf,
  pageNumber,
  width,
  height,
  zoom,
  rotation,
  drawn,
  hits,
  currentHit,
  scrollToken,
  texts,
  onDrawn,
  register,
}: {
  pdf: PDFDocumentProxy;
  pageNumber: number;
  /** Its size in CSS pixels as shown (zoom and turns applied). */
  width: number;
  height: number;
  zoom: number;
  /** The viewer's quarter turns, added to the page's own. */
  rotation: number;
  drawn: boolean;
  hits: readonly PageHit[] | undefined;
  /** The index on this page of the current hit, or -1. */
  currentHit: number;
  /** Changes each time the reader moves to a hit: the current one is scrolled into view. */
  scrollToken: number;
  texts: PageTextCache;
  onDrawn: (pageNumber: number) => void;
  register: (pageNumber: number, element: HTMLDivElement | null) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [page, setPage] = useState<PDFPageProxy | null>(null);
  const [rendered, setRendered] = useState(false);
  const [failed, setFailed] = useState(false);
  const [boxes, setBoxes] = useState<HighlightBox[]>([]);
  const currentBox = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!drawn) return;
    let cancelled = false;
    void pdf.getPage(pageNumber).then(
      (proxy) => !cancelled && setPage(proxy),
      () => !cancelled && setFailed(true),
    );
    return () => {
      cancelled = true;
      setPage(null);
    };
  }, [pdf, pageNumber, drawn]);

  useEffect(() => {
    const target = canvas.current;
    if (!page || !target) return;
    const viewport = page.getViewport({ scale: zoom * CSS_UNITS, rotation: (page.rotate + rotation) % 360 });
    const ratio = outputScale(viewport.width, viewport.height, window.devicePixelRatio || 1);
    target.width = Math.floor(viewport.width * ratio);
    target.height = Math.floor(viewport.height * ratio);
    let task: RenderTask | null = page.render({
      canvas: target,
      viewport,
      transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0],
    });
    task.promise.then(
      () => {
        task = null;
        setRendered(true);
        onDrawn(pageNumber);
      },
      (reason: unknown) => {
        task = null;
        if (!isCancelled(reason)) setFailed(true);
      },
    );
    return () => {
      task?.cancel();
      setRendered(false);
    };
  }, [page, zoom, rotation, pageNumber, onDrawn]);

  // The text layer: the page's text as transparent spans over the canvas, so it can be selected
  // and copied. pdf.js's TextLayer only ever sets text (textContent) and styles; no annotation
  // layer is drawn, so none of the PDF's links or forms become live.
  const textLayer = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const container = textLayer.current;
    if (!page || !container) return;
    let cancelled = false;
    let layer: { cancel(): void } | null = null;
    const scale = zoom * CSS_UNITS;
    container.replaceChildren();
    container.style.setProperty('--total-scale-factor', String(scale));
    void Promise.all([loadPdfJs(), texts.content(page)]).then(([pdfjs, content]) => {
      if (cancelled) return;
      const viewport = page.getViewport({ scale, rotation: (page.rotate + rotation) % 360 });
      const created = new pdfjs.TextLayer({ textContentSource: content, container, viewport });
      layer = created;
      created.render().catch(() => undefined); // cancelled, or text that cannot be laid out: none
    });
    return () => {
      cancelled = true;
      layer?.cancel();
    };
  }, [page, zoom, rotation, texts]);

  // The canvas is given back when the page leaves the view: its pixels are the memory that counts.
  useEffect(() => {
    if (drawn) return;
    const target = canvas.current;
    if (target) {
      target.width = 0;
      target.height = 0;
    }
  }, [drawn]);

  useEffect(() => {
    if (!page || !hits?.length) {
      setBoxes((before) => (before.length ? [] : before));
      return;
    }
    let cancelled = false;
    void texts.get(page).then((runs) => {
      if (cancelled) return;
      const viewport = page.getViewport({ scale: zoom * CSS_UNITS, rotation: (page.rotate + rotation) % 360 });
      const next: HighlightBox[] = [];
      for (const hit of hits) {
        for (const segment of hit.segments) {
          const run = runs[segment.item];
          if (!run) continue;
          const corners = segmentQuad(run, segment.start, segment.end, measurerFor(run.fontFamily)).map(([x, y]) =>
            viewport.convertToViewportPoint(x, y),
          );
          const xs = corners.map((point) => point[0]!);
          const ys = corners.map((point) => point[1]!);
          const left = Math.min(...xs);
          const top = Math.min(...ys);
          next.push({
            left,
            top,
            width: Math.max(...xs) - left,
            height: Math.max(...ys) - top,
            hit: hit.index,
          });
        }
      }
      setBoxes(next);
    });
    return () => {
      cancelled = true;
    };
  }, [page, hits, zoom, rotation, texts]);

  // Once per move to a hit (its box may only appear after the page is drawn), not on every zoom.
  const scrolledFor = useRef(-1);
  useEffect(() => {
    if (scrollToken === scrolledFor.current || currentHit < 0) return;
    if (!boxes.some((box) => box.hit === currentHit)) return;
    scrolledFor.current = scrollToken;
    currentBox.current?.scrollIntoView({ block: 'center', inline: 'nearest' });
  }, [scrollToken, boxes, currentHit]);

  const ref = useCallback((element: HTMLDivElement | null) => register(pageNumber, element), [register, pageNumber]);

  return (
    <div
      ref={ref}
      className="pdf-page"
      style={{ width, height }}
      data-page={pageNumber}
      data-rendered={rendered}
      aria-label={`Page ${pageNumber}`}
      role="img"
    >
      {drawn && <canvas ref={canvas} style={{ width, height }} />}
      {drawn && <div ref={textLayer} className="textLayer" />}
      {failed && <p className="pdf-page-message">This page cannot be shown.</p>}
      {boxes.map((box, index) => (
        <div
          key={index}
          ref={box.hit === currentHit ? currentBox : undefined}
          className={box.hit === currentHit ? 'pdf-hit current' : 'pdf-hit'}
          style={{ left: box.left, top: box.top, width: box.width, height: box.height }}
        />
      ))}
    </div>
  );
});
