import { useEffect, useRef, useState } from 'react';
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { Icon } from '../../ui/Icon';
import { Spinner } from '../../ui/Spinner';
import { openPdf } from '../../ui/pdfJs';
import { PdfViewer } from '../pdf';

/** Set each time the preview has drawn page 1 (`npm run bench`). */
export const PREVIEW_PAGE_MARK = 'medvault:pdf-preview-page';

/**
 * A PDF drawn page by page into a canvas (no plugin, no iframe), with previous and next; "Open"
 * shows it in the whole-window viewer.
 */
export function PdfPreview({ url, title }: { url: string; title: string }) {
  const [viewing, setViewing] = useState(false);
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [page, setPage] = useState(1);
  const [error, setError] = useState<string | null>(null);
  const [rendering, setRendering] = useState(false);
  const canvas = useRef<HTMLCanvasElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);

  useEffect(() => {
    let cancelled = false;
    let task: Awaited<ReturnType<typeof openPdf>> | null = null;
    let opened: PDFDocumentProxy | null = null;
    openPdf(url)
      .then(async (loadingTask) => {
        task = loadingTask;
        if (cancelled) return void loadingTask.destroy();
        opened = await loadingTask.promise;
        if (!cancelled) setPdf(opened);
      })
      .catch(() => {
        if (!cancelled) setError('This PDF cannot be shown. It may be damaged or protected with a password.');
      });
    return () => {
      cancelled = true;
      setPdf(null);
      void (task as { destroy(): Promise<void> } | null)?.destroy();
    };
  }, [url]);

  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (!pdf || !canvas.current || width === 0) return;
    let task: RenderTask | null = null;
    let cancelled = false;
    setRendering(true);
    void pdf
      .getPage(page)
      .then((pdfPage) => {
        if (cancelled || !canvas.current) return;
        const base = pdfPage.getViewport({ scale: 1 });
        const scale = width / base.width;
        const ratio = window.devicePixelRatio || 1;
        const viewport = pdfPage.getViewport({ scale: scale * ratio });
        const target = canvas.current;
        target.width = Math.floor(viewport.width);
        target.height = Math.floor(viewport.height);
        target.style.width = `${Math.floor(viewport.width / ratio)}px`;
        target.style.height = `${Math.floor(viewport.height / ratio)}px`;
        task = pdfPage.render({ canvas: target, viewport });
        return task.promise;
      })
      .then(() => {
        if (cancelled) return;
        setRendering(false);
        // `npm run bench` times a document's opening by this.
        if (page === 1) performance.mark(PREVIEW_PAGE_MARK);
      })
      .catch((reason: unknown) => {
        if (cancelled || (reason as { name?: string })?.name === 'RenderingCancelledException') return;
        setRendering(false);
        setError('This page cannot be shown.');
      });
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [pdf, page, width]);

  const pages = pdf?.numPages ?? 0;

  return (
    <div className="pdf-preview">
      <div className="pdf-frame" ref={frame}>
        {error ? (
          <p className="preview-message">{error}</p>
        ) : (
          <>
            {!pdf && (
              <div className="preview-message">
                <Spinner label="Opening the PDF…" />
              </div>
            )}
            <canvas
              ref={canvas}
              className={pdf ? undefined : 'hidden'}
              role="img"
              aria-label={pdf ? `${title}, page ${page} of ${pages}` : undefined}
              aria-busy={rendering}
            />
          </>
        )}
      </div>
      {pdf && pages > 0 && (
        <div className="pdf-nav" role="group" aria-label="Pages">
          <button
            type="button"
            className="icon-button"
            onClick={() => setPage((current) => Math.max(1, current - 1))}
            disabled={page <= 1}
            aria-label="Previous page"
          >
            <Icon name="left" />
          </button>
          <span className="pdf-page" aria-live="polite">
            Page {page} of {pages}
          </span>
          <button
            type="button"
            className="icon-button"
            onClick={() => setPage((current) => Math.min(pages, current + 1))}
            disabled={page >= pages}
            aria-label="Next page"
          >
            <Icon name="right" />
          </button>
          <button type="button" className="button small pdf-open" onClick={() => setViewing(true)}>
            <Icon name="expand" /> Open
          </button>
        </div>
      )}
      {viewing && <PdfViewer url={url} title={title} document={pdf} onClose={() => setViewing(false)} />}
    </div>
  );
}
