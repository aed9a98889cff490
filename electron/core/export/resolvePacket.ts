/**
 * Which documents go into a packet, in the patient's order, and which are left out and why:
 * psychotherapy notes only at the patient's explicit request (45 CFR §164.524 leaves them outside
 * the standard right of access), data HIPAA does not cover only when asked for.
 */
import type { DesignatedRecordSetType, RecordCategory } from '../../../shared/recordSet';
import {
  NOT_COVERED_EXCLUDED_WARNING,
  NOT_COVERED_INCLUDED_WARNING,
  PSYCHOTHERAPY_EXCLUDED_WARNING,
  PSYCHOTHERAPY_INCLUDED_WARNING,
  type PacketExclusion,
  type PacketRequest,
} from '../../../shared/packets';
import type { IsoDate, DicomStudySummary } from '../../../shared/documents';
import { firstDocumentFile, getDocument } from '../documents/repository';
import { MedvaultError } from '../errors';
import type { Vault } from '../vault/Vault';

/** A document that goes into the packet, with what the writer needs to read it. */
export interface PacketSource {
  documentId: string;
  title: string;
  type: DesignatedRecordSetType;
  category: RecordCategory;
  date: IsoDate | null;
  provider: string | null;
  mediaType: string;
  /** The first file: the document itself (a study's instances are read through its series). */
  blobId: string;
  sha256: string;
  dicom: DicomStudySummary | null;
}

export interface ResolvedPacket {
  request: PacketRequest;
  sources: PacketSource[];
  excluded: PacketExclusion[];
  warnings: string[];
}

export async function resolvePacket(vault: Vault, request: PacketRequest): Promise<ResolvedPacket> {
  if (request.documentIds.length === 0) {
    throw new MedvaultError('invalid-argument', 'Choose at least one document for the packet.');
  }
  const sources: PacketSource[] = [];
  const excluded: PacketExclusion[] = [];
  const seen = new Set<string>();
  let psychotherapy = 0;
  let notCovered = 0;
  await vault.db.read(async (q) => {
    for (const idOrPrefix of request.documentIds) {
      const document = await getDocument(q, idOrPrefix);
      if (seen.has(document.id)) {
        throw new MedvaultError('invalid-argument', `The document ${document.id} is listed twice.`);
      }
      seen.add(document.id);
      if (document.category === 'psychotherapy-note') {
        psychotherapy++;
        if (!request.includePsychotherapyNotes) {
          excluded.push({ documentId: document.id, title: document.title, reason: PSYCHOTHERAPY_EXCLUDED_WARNING });
          continue;
        }
      }
      if (document.category === 'not-covered') {
        notCovered++;
        if (!request.includeNotCovered) {
          excluded.push({ documentId: document.id, title: document.title, reason: NOT_COVERED_EXCLUDED_WARNING });
          continue;
        }
      }
      const file = await firstDocumentFile(q, document.id);
      if (!file) throw new MedvaultError('not-found', `The document ${document.id} has no file.`);
      sources.push({
        documentId: document.id,
        title: document.title,
        type: document.type,
        category: document.category,
        date: document.date,
        provider: document.provider,
        mediaType: document.dicom ? 'application/dicom' : file.mediaType,
        blobId: file.blobId,
        sha256: file.sha256,
        dicom: document.dicom ?? null,
      });
    }
  });
  const warnings: string[] = [];
  if (psychotherapy > 0) {
    warnings.push(request.includePsychotherapyNotes ? PSYCHOTHERAPY_INCLUDED_WARNING : PSYCHOTHERAPY_EXCLUDED_WARNING);
  }
  if (notCovered > 0)
    warnings.push(request.includeNotCovered ? NOT_COVERED_INCLUDED_WARNING : NOT_COVERED_EXCLUDED_WARNING);
  if (sources.length === 0) {
    throw new MedvaultError('invalid-argument', `Nothing is left to put in the packet. ${warnings.join(' ')}`);
  }
  return { request, sources, excluded, warnings };
}
