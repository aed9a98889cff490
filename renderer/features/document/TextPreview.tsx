import { useEffect, useState } from 'react';
import { formatBytes } from '../../lib/format';
import { Spinner } from '../../ui/Spinner';

/** Text previews read at most this much (a Range request): enough to recognise the document. */
export const TEXT_PREVIEW_BYTES = 512 * 1024;

/** A file's text, shown as text (never parsed as markup); a large file only up to `limit` bytes. */
export function TextPreview({
  url,
  bytes,
  limit = TEXT_PREVIEW_BYTES,
  label = 'Text of the document',
}: {
  url: string;
  bytes: number;
  limit?: number;
  label?: string;
}) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const partial = bytes > limit;

  useEffect(() => {
    const controller = new AbortController();
    fetch(url, {
      signal: controller.signal,
      credentials: 'same-origin',
      headers: partial ? { Range: `bytes=0-${limit - 1}` } : {},
    })
      .then(async (response) => {
        if (!response.ok) throw new Error(String(response.status));
        setText(new TextDecoder('utf-8', { fatal: false }).decode(await response.arrayBuffer()));
      })
      .catch(() => {
        if (!controller.signal.aborted) setError('This text cannot be shown.');
      });
    return () => controller.abort();
  }, [url, partial, limit]);

  if (error) return <p className="preview-message">{error}</p>;
  if (text === null)
    return (
      <div className="preview-message">
        <Spinner label="Loading…" />
      </div>
    );
  return (
    <>
      <pre className="text-preview" tabIndex={0} aria-label={label}>
        {text}
      </pre>
      {partial && (
        <p className="preview-note">
          Showing the first {formatBytes(limit)} of {formatBytes(bytes)}.
        </p>
      )}
    </>
  );
}
