import { useState } from 'react';
import { documentFileUrl } from '../../../shared/api';
import type { DicomStudySummary, DocumentFile } from '../../../shared/documents';
import { plural } from '../../lib/format';
import { DicomViewer, useDicomPreload } from '../dicom';
import { ImagePreview } from '../image';
import { PdfPreview } from './PdfPreview';
import { ReadablePreview } from './ReadablePreview';
import { TextPreview } from './TextPreview';

/** What an <img> can show in Chromium (TIFF cannot be shown without a decoder). */
const BROWSER_IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp', 'image/avif']);

/** What a DICOM study holds, and the viewer its images open in; its files are kept exactly as they were. */
function StudySummary({ documentId, dicom }: { documentId: string; dicom: DicomStudySummary }) {
  const [viewing, setViewing] = useState(false);
  useDicomPreload(documentId);
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
      <p>The original DICOM files are kept exactly as they came.</p>
      <button type="button" className="button primary" onClick={() => setViewing(true)}>
        Open viewer
      </button>
      {viewing && <DicomViewer documentId={documentId} onClose={() => setViewing(false)} />}
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
  else if (type === 'application/dicom' && dicom) body = <StudySummary documentId={documentId} dicom={dicom} />;
  else if (type === 'application/xml' || type === 'application/fhir+json')
    body = <ReadablePreview documentId={documentId} url={url} bytes={file.bytes} />;
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
