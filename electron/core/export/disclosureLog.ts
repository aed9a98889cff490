/** The disclosure log as CSV (RFC 4180): one row per document sent, for the patient's own records. */
import type { DisclosureRecord } from '../../../shared/packets';
import { PACKET_FORM_LOG_NAMES, packetPurposeLabel } from '../../../shared/packetKinds';

export const DISCLOSURE_CSV_HEADER = [
  'disclosure_id',
  'created_at',
  'purpose',
  'recipient_name',
  'recipient_organisation',
  'recipient_address',
  'packet_kind',
  'position',
  'document_id',
  'document_title',
  'sha256',
];

/** One row per document sent (a packet's fields repeated on each), CRLF line ends, RFC 4180 quoting. */
export function disclosuresCsv(records: DisclosureRecord[]): string {
  const lines = [DISCLOSURE_CSV_HEADER];
  for (const record of records) {
    record.documents.forEach((document, position) => {
      lines.push([
        record.id,
        record.createdAt,
        packetPurposeLabel(record.purpose),
        record.recipient.name,
        record.recipient.organisation,
        record.recipient.address,
        PACKET_FORM_LOG_NAMES[record.form] ?? record.form,
        String(position + 1),
        document.documentId,
        document.title ?? '',
        document.sha256,
      ]);
    });
  }
  return lines.map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function csvField(value: string): string {
  // A leading =, +, - or @ would be run as a formula by spreadsheets: quoted and prefixed.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
