/** A DocumentReference: what the document is, and what became of its content. */
import {
  arr,
  codeAndDisplay,
  conceptText,
  type FhirObject,
  obj,
  period,
  reference,
  str,
  when,
} from '../../fhir/fhirValues';
import { Fields, section } from './blocks';
import type { ReadableBlock, ReadableDocument } from '../../../../shared/readable';
export function readDocumentReference(document: FhirObject): ReadableDocument {
  const header = new Fields();
  header.add('Type', codeAndDisplay(document.type));
  header.add('Category', arr(document.category).map(conceptText).filter(Boolean).join(', '));
  header.add('Date', when(document.date));
  header.add('Period', period(obj(document.context)?.period));
  header.add('Author', arr(document.author).map(reference).filter(Boolean).join('; '));
  header.add('Custodian', reference(document.custodian));
  header.add('Patient', reference(document.subject));
  header.add('Status', str(document.status));

  const blocks: ReadableBlock[] = [];
  const description = str(document.description);
  if (description) blocks.push({ kind: 'paragraph', text: description });
  const content = arr(document.content).map((entry) => attachmentSentence(obj(entry.attachment) ?? {}));
  blocks.push(...content.map((text) => ({ kind: 'paragraph' as const, text })));
  return {
    title: description ?? conceptText(document.type) ?? 'Document reference',
    header: header.list,
    sections: blocks.length ? [section('Document', blocks)] : [],
  };
}

/** What became of an attachment; its URL is shown, never fetched (Medvault is offline). */
export function attachmentSentence(attachment: FhirObject): string {
  const what = [str(attachment.title), str(attachment.contentType)].filter(Boolean).join(', ');
  const url = str(attachment.url);
  if (attachment.data !== undefined) {
    return `The content${what ? ` (${what})` : ''} came with the download and is kept as a document of its own.`;
  }
  if (url) return `The content of this document (${url}) was not included in the download; Medvault never fetches it.`;
  return `The content of this document${what ? ` (${what})` : ''} was not included in the download.`;
}
