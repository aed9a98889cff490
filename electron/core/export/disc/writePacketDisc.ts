/**
 * A packet as a disc (any kind, most often a second opinion): the chosen studies' DICOM files as
 * they were received (or de-identified), the chosen PDF reports, and a summary PDF of every chosen
 * record (the PDF writer's layout without a letter, stamped the same way), in the IHE PDI layout (`folder.ts`)
 * as a folder or a stored zip, recorded in the disclosure log in the transaction that renames it
 * into place.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DiscPacketJson } from '../../../../shared/cliOutput';
import type { PacketProgress, PacketRequest } from '../../../../shared/packets';
import { getDicomStudy } from '../../documents/dicomStudy';
import { documentFileBlobs } from '../../documents/repository';
import { MedvaultError, describeIoError } from '../../errors';
import type { Vault } from '../../vault/Vault';
import { assemblePacket } from '../pdf/assemble';
import { finishPacketPdf } from '../pdf/finishPdf';
import { recordDisclosure } from '../../db/disclosures';
import { checkPacketTarget } from '../packetTarget';
import { resolvePacket, type ResolvedPacket } from '../resolvePacket';
import { writeDiscFolder, type PacketInstanceInput, type PacketWriteOptions } from './folder';
import { writeDiscZip } from './zip';

export interface DiscPacketOptions {
  /** The folder (or, with `zip`, the file) to create; it must not exist yet. */
  out: string;
  deidentify?: boolean;
  /** One stored zip at `out` instead of a folder. */
  zip?: boolean;
  signal?: AbortSignal;
  /** As the documents are read ('reading'), the summary laid out ('summary'), the files written ('writing'). */
  onProgress?: (progress: PacketProgress) => void;
}

/** What was written; the CLI prints it as it is with `--json`. */
export type DiscPacketResult = DiscPacketJson;

export const SUMMARY_DEIDENTIFIED_WARNING =
  'No summary PDF was put on the disc: it names the patient on every page, and this packet is de-identified.';
export const SUMMARY_NO_PATIENT_WARNING =
  "No summary PDF was put on the disc: it needs the patient's name and date of birth, which stamp its every page.";

export async function writePacketDisc(
  vault: Vault,
  request: PacketRequest,
  options: DiscPacketOptions,
): Promise<DiscPacketResult> {
  const out = resolve(options.out);
  const { signal, onProgress } = options;
  // Refused before the slow part: the folder or zip is never written over.
  await checkPacketTarget(out);
  const resolved = await resolvePacket(vault, request);
  requireStudy(resolved);
  const warnings = [...resolved.warnings];
  const studies: { instances: PacketInstanceInput[] }[] = [];
  const reports: { name: string; bytes: Buffer }[] = [];
  const others: string[] = [];
  let instances = 0;
  const documentsTotal = resolved.sources.length;
  onProgress?.({ phase: 'reading', documentsDone: 0, documentsTotal, pagesDone: 0 });
  for (const [n, source] of resolved.sources.entries()) {
    signal?.throwIfAborted();
    if (source.dicom) {
      const study = await vault.db.read((q) => getDicomStudy(q, source.documentId));
      const positions = study.series.flatMap((series) => series.instances.map((instance) => instance.position));
      const blobAt = await vault.db.read((q) => documentFileBlobs(q, source.documentId));
      const files: PacketInstanceInput[] = [];
      for (const position of positions) {
        files.push({ bytes: await readBlob(vault, blobAt.get(position)!) });
      }
      instances += files.length;
      studies.push({ instances: files });
    } else if (source.mediaType === 'application/pdf') {
      reports.push({ name: source.title, bytes: await readBlob(vault, source.blobId) });
    } else {
      others.push(source.title);
    }
    onProgress?.({ phase: 'reading', documentsDone: n + 1, documentsTotal, pagesDone: 0 });
  }

  const withName = request.patient.name.trim() !== '' && request.patient.dateOfBirth !== '';
  let summaryPdf: Buffer | undefined;
  let summaryPages: number | null = null;
  if (options.deidentify) warnings.push(SUMMARY_DEIDENTIFIED_WARNING);
  else if (!withName) warnings.push(SUMMARY_NO_PATIENT_WARNING);
  else ({ bytes: summaryPdf, pages: summaryPages } = await summary(vault, resolved, options));
  if (!summaryPdf) {
    for (const title of others) {
      warnings.push(
        `${title} was not put on the disc: without the summary PDF a second-opinion disc carries only DICOM studies and PDF reports.`,
      );
    }
  }
  signal?.throwIfAborted();

  let disclosureId = '';
  let published = false;
  let packet;
  const write: PacketWriteOptions = {
    signal,
    onFileWritten: (filesDone, filesTotal) =>
      onProgress?.({
        phase: 'writing',
        documentsDone: documentsTotal,
        documentsTotal,
        pagesDone: 0,
        filesDone,
        filesTotal,
      }),
    publish: (rename) =>
      vault.db.transaction(async (tx) => {
        disclosureId = await recordDisclosure(tx, {
          purpose: request.purpose,
          recipient: request.recipient,
          form: options.zip ? 'zip' : 'folder',
          documents: resolved.sources.map((source) => ({ documentId: source.documentId, sha256: source.sha256 })),
          note: options.deidentify ? 'DICOM de-identified (PS3.15 Basic Profile)' : undefined,
        });
        await rename();
        published = true;
      }),
  };
  const input = {
    studies,
    reports,
    summaryPdf,
    inSummary: summaryPdf ? others : [],
    deidentify: options.deidentify,
    ...write,
  };
  try {
    packet = options.zip
      ? await writeDiscZip({ outFile: out, ...input })
      : await writeDiscFolder({ outDir: out, ...input });
  } catch (error) {
    // The rename happened but the commit did not: the packet goes, as its record did.
    if (published) await rm(out, { recursive: true, force: true });
    // A full disk or a stick pulled out: one sentence (nothing of the packet is left).
    if (!(error instanceof MedvaultError) && (error as NodeJS.ErrnoException)?.code) {
      throw describeIoError(error, `the packet ${out}`);
    }
    throw error;
  }
  return {
    out,
    disclosureId,
    studies: studies.length,
    instances,
    reports: reports.length,
    summary: summaryPdf !== undefined,
    summaryPages,
    files: packet.files.length,
    warnings: [...warnings, ...packet.warnings],
  };
}

/** SUMMARY.PDF: every chosen record laid out as the PDF writer does, without a letter, stamped. */
async function summary(
  vault: Vault,
  resolved: ResolvedPacket,
  options: DiscPacketOptions,
): Promise<{ bytes: Buffer; pages: number }> {
  const { doc, fonts, plan } = await assemblePacket(vault, resolved, {
    signal: options.signal,
    onProgress: options.onProgress && ((p) => options.onProgress!({ ...p, phase: 'summary' })),
  });
  const bytes = await finishPacketPdf(doc, fonts, resolved.request, plan, {
    title: 'Summary of records',
    signal: options.signal,
  });
  return { bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), pages: plan.totalPages };
}

/** A disc is for imaging (a viewer or PACS imports it): refused before anything is read when no study was chosen. */
export function requireStudy(resolved: ResolvedPacket): void {
  if (resolved.sources.some((source) => source.dicom)) return;
  throw new MedvaultError(
    'invalid-argument',
    `A disc folder or zip is for imaging studies: choose at least one study, or make a PDF packet. ${resolved.warnings.join(' ')}`.trim(),
  );
}

async function readBlob(vault: Vault, blobId: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of vault.blobs.read(blobId)) parts.push(part);
  return Buffer.concat(parts);
}
