import { useEffect, useState } from 'react';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { openPdf } from '../../ui/pdfJs';

export const PDF_OPEN_ERROR = 'This PDF cannot be shown. It may be damaged or protected with a password.';

/**
 * A PDF opened by pdf.js from a document file URL, destroyed when the URL changes or on unmount;
 * a null URL opens nothing (the caller has the document already).
 */
export function usePdfDocument(url: string | null): { pdf: PDFDocumentProxy | null; error: string | null } {
  const [state, setState] = useState<{ url: string | null; pdf: PDFDocumentProxy | null; error: string | null }>({
    url,
    pdf: null,
    error: null,
  });

  useEffect(() => {
    if (url === null) return;
    let cancelled = false;
    let task: { destroy(): Promise<void> } | null = null;
    openPdf(url)
      .then(async (loadingTask) => {
        task = loadingTask;
        if (cancelled) return void loadingTask.destroy();
        const pdf = await loadingTask.promise;
        if (!cancelled) setState({ url, pdf, error: null });
      })
      .catch(() => {
        if (!cancelled) setState({ url, pdf: null, error: PDF_OPEN_ERROR });
      });
    return () => {
      cancelled = true;
      void task?.destroy();
    };
  }, [url]);

  // A new URL shows nothing of the old document while it opens.
  return state.url === url ? { pdf: state.pdf, error: state.error } : { pdf: null, error: null };
}
