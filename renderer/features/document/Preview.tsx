import { useEffect, useState } from 'react';
import { documentFileUrl } from '../../../shared/api';
import type { DicomStudySummary, DocumentFile } from '../../../shared/documents';
import { formatBytes, plural } from '../../lib/format';
import { Spinner } from '../../ui/Spinner';
import { PdfPreview } from './PdfPreview';
import { ReadablePreview } from './ReadablePreview';

/** Text previews read at most this much (a Range request): enough to recognise the document. */
const TEXT_PREVIEW_BYTES = 512 * 1024;
/** What an <img> can show in Chromium (TIFF cannot be shown without a decoder). */
const BROWSER_IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp', 'image/avif']);

function TextPreview({ url, bytes }: { url: string; bytes: number }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const partial = bytes > TEXT_PREVIEW_BYTES;

  useEffect(() => {
    const controller = new AbortController();
    fetch(url, {
      signal: controller.signal,
      credentials: 'same-origin',
      headers: partial ? { Range: `bytes=0-${TEXT_PREVIEW_BYTES - 1}` } : {},
    })
      .then(async (response) => {
        if (!response.ok) throw new Error(String(response.status));
        setText(new TextDecoder('utf-8', { fatal: false }).decode(await response.arrayBuffer()));
      })
      .catch(() => {
        if (!controller.signal.aborted) setError('This text cannot be shown.');
      });
    return () => controller.abort();
  }, [url, partial]);

  if (error) return <p className="preview-message">{error}</p>;
  if (text === null)
    return (
      <div className="preview-message">
        <Spinner label="Loading…" />
      </div>
    );
  return (
    <>
      <pre className="text-preview" tabIndex={0} aria-label="Text of the document">
        {text}
      </pre>
      {partial && (
        <p className="preview-note">
          Showing the first {formatBytes(TEXT_PREVIEW_BYTES)} of {formatBytes(bytes)}.
        </p>
      )}
    </>
  );
}

function ImagePreview({ url, title }: { url: string; title: string }) {
  const [failed, setFailed] = useState(false);
  if (failed) return <p className="preview-message">This image cannot be shown.</p>;
  return (
    <div className="image-preview">
      <img src={url} alt={title} onError={() => setFailed(true)} />
    </div>
  );
}

/** What a DICOM study holds, until the image viewer comes; its files are kept exactly as they were. */
function StudySummary({ dicom }: { dicom: DicomStudySummary }) {
  const patient = [dicom.patientName, dicom.patientId && `ID ${dicom.patientId}`].filter(Boolean).join(', ');
  return (
    <div className="preview-message study-summary" data-testid="study-summary">
      <p>
        <strong>{dicom.modalities.join(', ') || 'Imaging'} study</strong>
        {dicom.studyDescription ? ` — ${dicom.studyDescription}` : ''}
      </p>
      <p>
        {plural(dicom.seriesCount, 'series', 'series')}, {plural(dicom.instanceCount, 'image')}
        {patient ? `; patient ${patient}` : ''}.
      </p>
      <p>The original DICOM files are kept exactly as they came. Viewing the images comes in a later version.</p>
    </div>
  );
}

/** A plain preview of one file of a document; the full viewers come later. */
export function Preview({
  documentId,
  file,
  title,
  dicom,
}: {
  documentId: string;
  file: DocumentFile;
  title: string;
  dicom?: DicomStudySummary;
}) {
  const url = documentFileUrl(documentId, file.position);
  const type = file.mediaType.split(';')[0]!.trim().toLowerCase();
  let body;
  if (type === 'application/pdf') body = <PdfPreview url={url} title={title} />;
  else if (BROWSER_IMAGES.has(type)) body = <ImagePreview url={url} title={title} />;
  else if (type.startsWith('text/')) body = <TextPreview url={url} bytes={file.bytes} />;
  else if (type === 'application/dicom' && dicom) body = <StudySummary dicom={dicom} />;
  else if (type === 'application/xml') body = <ReadablePreview documentId={documentId} />;
  else
    body = (
      <p className="preview-message">
        No preview for {type === 'image/tiff' ? 'TIFF images' : `files of type ${type}`} yet.
      </p>
    );
  return (
    <div className="preview" data-testid="document-preview" data-media-type={type}>
      {body}
    </div>
  );
}
