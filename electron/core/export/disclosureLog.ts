/**
 * The disclosure log: every packet made — when, to whom, why, which documents (by id and the
 * SHA-256 of the file sent). Listed for its view and exported as CSV (RFC 4180).
 */
import type { DisclosureRecord, PacketRecipient } from '../../../shared/packets';
import {
  PACKET_FORM_LOG_NAMES,
  packetPurposeLabel,
  type PacketForm,
  type PacketPurpose,
} from '../../../shared/packetKinds';
import type { Queryable } from '../db/Database';
import { newId, nowIso } from '../ids';

export interface NewDisclosure {
  purpose: PacketPurpose;
  recipient: PacketRecipient;
  form: PacketForm;
  documents: { documentId: string; sha256: string }[];
  note?: string;
}

const STORED_FORM = PACKET_FORM_LOG_NAMES;
const FORM_STORED_AS = new Map(Object.entries(STORED_FORM).map(([form, stored]) => [stored, form as PacketForm]));

/** Records one packet; call inside the transaction that makes the packet appear. */
export async function recordDisclosure(tx: Queryable, disclosure: NewDisclosure): Promise<string> {
  const id = newId();
  await tx.run(
    'INSERT INTO disclosures (id, created_at, purpose, recipient, packet_kind, note) VALUES (?, ?, ?, ?, ?, ?)',
    [
      id,
      nowIso(),
      disclosure.purpose,
      JSON.stringify(disclosure.recipient),
      STORED_FORM[disclosure.form],
      disclosure.note ?? null,
    ],
  );
  for (const [position, document] of disclosure.documents.entries()) {
    await tx.run(
      'INSERT INTO disclosure_documents (disclosure_id, document_id, sha256, position) VALUES (?, ?, ?, ?)',
      [id, document.documentId, document.sha256, position],
    );
  }
  return id;
}

/** Every disclosure, newest first, its documents in packet order. */
export async function listDisclosures(q: Queryable): Promise<DisclosureRecord[]> {
  const rows = await q.all<{ id: string; created_at: string; purpose: string; recipient: string; packet_kind: string }>(
    'SELECT id, created_at, purpose, recipient, packet_kind FROM disclosures ORDER BY created_at DESC, id',
  );
  const documents = await q.all<{ disclosure_id: string; document_id: string; sha256: string; title: string | null }>(
    `SELECT d.disclosure_id, d.document_id, d.sha256, doc.title
     FROM disclosure_documents d LEFT JOIN documents doc ON doc.id = d.document_id
     ORDER BY d.disclosure_id, d.position`,
  );
  const byDisclosure = new Map<string, DisclosureRecord['documents']>();
  for (const row of documents) {
    const list = byDisclosure.get(row.disclosure_id) ?? [];
    list.push({ documentId: row.document_id, sha256: row.sha256, title: row.title });
    byDisclosure.set(row.disclosure_id, list);
  }
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.created_at,
    purpose: row.purpose as PacketPurpose,
    recipient: JSON.parse(row.recipient) as PacketRecipient,
    // A form only a later version knows stays as it is stored (the log shows it so).
    form: FORM_STORED_AS.get(row.packet_kind) ?? (row.packet_kind as PacketForm),
    documents: byDisclosure.get(row.id) ?? [],
  }));
}

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
        STORED_FORM[record.form] ?? record.form,
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
