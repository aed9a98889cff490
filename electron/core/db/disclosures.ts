/**
 * The `disclosures` and `disclosure_documents` tables: every packet made — when, to whom, why, in
 * which form, which documents (by id and the SHA-256 of the file sent). Its CSV is written by
 * `export/disclosureLog.ts`.
 */
import type { DisclosureRecord, PacketRecipient } from '../../../shared/packets';
import { PACKET_FORM_LOG_NAMES, type PacketForm, type PacketPurpose } from '../../../shared/packetKinds';
import type { Queryable } from './Database';
import { newId, nowIso } from '../ids';

export interface NewDisclosure {
  purpose: PacketPurpose;
  recipient: PacketRecipient;
  form: PacketForm;
  documents: { documentId: string; sha256: string }[];
  note?: string;
}

const FORM_STORED_AS = new Map(
  Object.entries(PACKET_FORM_LOG_NAMES).map(([form, stored]) => [stored, form as PacketForm]),
);

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
      PACKET_FORM_LOG_NAMES[disclosure.form],
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
