/**
 * Writes the appeal packet: one PDF, every page stamped with the patient's name, date of birth
 * and "page X of N", written to a temporary file beside `out` and renamed into place in the same
 * step as its disclosure is recorded — a cancel or a failure leaves neither file nor record.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { rgb } from 'pdf-lib';
import {
  PACKET_PURPOSE_LABELS,
  type PacketPlan,
  type PacketProgress,
  type PacketRequest,
} from '../../../../shared/packets';
import { MedvaultError, describeIoError } from '../../errors';
import type { Vault } from '../../vault/Vault';
import { recordDisclosure } from '../disclosureLog';
import { resolvePacket } from '../packetPlan';
import { assemblePacket, throwIfCancelled } from './assemble';
import { cleanText, type Fonts } from './layout';

export interface WriteAppealOptions {
  out: string;
  signal?: AbortSignal;
  onProgress?: (progress: PacketProgress) => void;
}

export interface AppealPacketResult {
  path: string;
  disclosureId: string;
  bytes: number;
  plan: PacketPlan;
}

export async function writeAppealPacket(
  vault: Vault,
  request: PacketRequest,
  options: WriteAppealOptions,
): Promise<AppealPacketResult> {
  const out = resolve(options.out);
  const resolved = await resolvePacket(vault, request);
  const { doc, fonts, plan } = await assemblePacket(vault, resolved, options);

  const pages = doc.getPages();
  const stampText = (n: number) =>
    cleanText(`${request.patient.name} · DOB ${request.patient.dateOfBirth} · page ${n} of ${pages.length}`);
  pages.forEach((page, index) => stamp(page, fonts, stampText(index + 1)));

  const label = PACKET_PURPOSE_LABELS[request.purpose];
  const claim = request.appeal?.claimNumber ? ` — claim ${request.appeal.claimNumber}` : '';
  doc.setTitle(`${label}${claim} — ${request.patient.name}`, { showInWindowTitleBar: true });
  doc.setAuthor(request.patient.name);
  doc.setSubject(label);
  doc.setKeywords([request.purpose, ...plan.items.map((item) => item.documentId)]);
  doc.setCreator('Medvault');
  doc.setProducer('Medvault');
  const now = new Date();
  doc.setCreationDate(now);
  doc.setModificationDate(now);
  throwIfCancelled(options.signal);
  const bytes = await doc.save({ useObjectStreams: true });
  throwIfCancelled(options.signal);

  const temporary = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const handle = await open(temporary, 'wx');
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
        packetKind: 'appeal-pdf',
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

/** The stamp on a white band at the foot of the page, so it reads over any content. */
function stamp(page: import('pdf-lib').PDFPage, fonts: Fonts, text: string): void {
  const box = page.getCropBox();
  const size = 8;
  const width = fonts.regular.widthOfTextAtSize(text, size);
  const x = box.x + (box.width - width) / 2;
  const y = box.y + 14;
  page.drawRectangle({ x: x - 4, y: y - 3, width: width + 8, height: size + 6, color: rgb(1, 1, 1) });
  page.drawText(text, { x, y, size, font: fonts.regular, color: rgb(0.2, 0.2, 0.2) });
}
