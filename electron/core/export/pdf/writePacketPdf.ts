/**
 * Writes a packet as one PDF (any kind: its cover letter, the index, the records): every page
 * stamped with the patient's name, date of birth and "page X of N", written to a temporary file beside `out` and renamed into place in the same
 * step as its disclosure is recorded — a cancel or a failure leaves neither file nor record.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { PacketPlan, PacketProgress, PacketRequest } from '../../../../shared/packets';
import { MedvaultError, describeIoError } from '../../errors';
import type { Vault } from '../../vault/Vault';
import { recordDisclosure } from '../../db/disclosures';
import { checkPacketTarget } from '../packetTarget';
import { resolvePacket } from '../resolvePacket';
import { assemblePacket, throwIfCancelled, type CoverLetter } from './assemble';
import { finishPacketPdf } from './finishPdf';
import { PACKET_FILE_MODE } from '../../fileModes';

export interface PdfPacketOptions {
  out: string;
  coverLetter: CoverLetter;
  signal?: AbortSignal;
  onProgress?: (progress: PacketProgress) => void;
}

export interface PdfPacketResult {
  path: string;
  disclosureId: string;
  bytes: number;
  plan: PacketPlan;
}

export async function writePacketPdf(
  vault: Vault,
  request: PacketRequest,
  options: PdfPacketOptions,
): Promise<PdfPacketResult> {
  const out = resolve(options.out);
  await checkPacketTarget(out); // before the layout; the rename below would replace a file
  const resolved = await resolvePacket(vault, request);
  const { doc, fonts, plan } = await assemblePacket(vault, resolved, options);

  const bytes = await finishPacketPdf(doc, fonts, request, plan, { signal: options.signal });

  const temporary = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const handle = await open(temporary, 'wx', PACKET_FILE_MODE);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    throwIfCancelled(options.signal);
    // The record and the file appear together: the rename happens inside the transaction, and a
    // failed commit removes the file again.
    const disclosureId = await vault.db.transaction(async (tx) => {
      const id = await recordDisclosure(tx, {
        purpose: request.purpose,
        recipient: request.recipient,
        form: 'pdf',
        documents: plan.items.map((item) => ({ documentId: item.documentId, sha256: item.sha256 })),
      });
      await rename(temporary, out);
      renamed = true;
      return id;
    });
    return { path: out, disclosureId, bytes: bytes.length, plan };
  } catch (error) {
    await rm(temporary, { force: true });
    if (renamed) await rm(out, { force: true });
    if (error instanceof MedvaultError) throw error;
    if ((error as NodeJS.ErrnoException)?.code) throw describeIoError(error, `the file ${out}`);
    throw error;
  }
}
