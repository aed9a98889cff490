/**
 * The second-opinion packet from the vault: the chosen studies' DICOM files as they were received
 * (or de-identified) and the chosen PDF reports, in the IHE PDI folder layout (`packet.ts`),
 * recorded in the disclosure log in the transaction that renames the folder into place.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { PacketRequest } from '../../../../shared/packets';
import { getDicomStudy } from '../../documents/dicomStudy';
import { MedvaultError } from '../../errors';
import type { Vault } from '../../vault/Vault';
import { recordDisclosure } from '../disclosureLog';
import { resolvePacket } from '../packetPlan';
import { writeSecondOpinionFolder, type PacketInstanceInput } from './packet';

export interface SecondOpinionResult {
  out: string;
  disclosureId: string;
  studies: number;
  instances: number;
  reports: number;
  files: number;
  /** Documents chosen but not placed, and why; warnings for the patient (exclusions, burned-in pixels). */
  warnings: string[];
}

export async function writeSecondOpinionPacket(
  vault: Vault,
  request: PacketRequest,
  options: { out: string; deidentify?: boolean; signal?: AbortSignal },
): Promise<SecondOpinionResult> {
  const out = resolve(options.out);
  const resolved = await resolvePacket(vault, request);
  const warnings = [...resolved.warnings];
  const studies: { instances: PacketInstanceInput[] }[] = [];
  const reports: { name: string; bytes: Buffer }[] = [];
  let instances = 0;
  for (const source of resolved.sources) {
    options.signal?.throwIfAborted();
    if (source.dicom) {
      const study = await vault.db.read((q) => getDicomStudy(q, source.documentId));
      const positions = study.series.flatMap((series) => series.instances.map((instance) => instance.position));
      const blobs = await vault.db.read((q) =>
        q.all<{ position: number; blob_id: string }>(
          'SELECT position, blob_id FROM document_files WHERE document_id = ?',
          [source.documentId],
        ),
      );
      const blobAt = new Map(blobs.map((row) => [row.position, row.blob_id]));
      const files: PacketInstanceInput[] = [];
      for (const position of positions) {
        files.push({ bytes: await readBlob(vault, blobAt.get(position)!) });
      }
      instances += files.length;
      studies.push({ instances: files });
    } else if (source.mediaType === 'application/pdf') {
      reports.push({ name: source.title, bytes: await readBlob(vault, source.blobId) });
    } else {
      warnings.push(
        `${source.title} was not put on the disc: a second-opinion disc carries DICOM studies and PDF reports (use an appeal packet for other documents).`,
      );
    }
  }
  if (studies.length === 0 && reports.length === 0) {
    throw new MedvaultError('invalid-argument', `Nothing to put on the disc. ${warnings.join(' ')}`);
  }
  if (options.deidentify && reports.length > 0) {
    warnings.push('PDF reports cannot be de-identified reliably: check them before sending the packet.');
  }
  options.signal?.throwIfAborted();
  let disclosureId = '';
  let published = false;
  let packet;
  try {
    packet = await writeSecondOpinionFolder({
      outDir: out,
      studies,
      reports,
      deidentify: options.deidentify,
      publish: (rename) =>
        vault.db.transaction(async (tx) => {
          disclosureId = await recordDisclosure(tx, {
            purpose: request.purpose,
            recipient: request.recipient,
            packetKind: 'second-opinion-folder',
            documents: resolved.sources.map((source) => ({ documentId: source.documentId, sha256: source.sha256 })),
            note: options.deidentify ? 'DICOM de-identified (PS3.15 Basic Profile)' : undefined,
          });
          await rename();
          published = true;
        }),
    });
  } catch (error) {
    // The rename happened but the commit did not: the packet goes, as its record did.
    if (published) await rm(out, { recursive: true, force: true });
    if (error instanceof Error && /already exists/.test(error.message)) {
      throw new MedvaultError('invalid-argument', error.message);
    }
    throw error;
  }
  return {
    out,
    disclosureId,
    studies: studies.length,
    instances,
    reports: reports.length,
    files: packet.files.length,
    warnings: [...warnings, ...packet.warnings],
  };
}

async function readBlob(vault: Vault, blobId: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of vault.blobs.read(blobId)) parts.push(part);
  return Buffer.concat(parts);
}
