/**
 * Writes the appeal packet: one PDF, every page stamped with the patient's name, date of birth
 * and "page X of N", written to a temporary file beside `out` and renamed into place in the same
 * step as its disclosure is recorded — a cancel or a failure leaves neither file nor record.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { degrees, rgb, type PDFPage } from 'pdf-lib';
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

/**
 * The stamp on a white band at the foot of the page as it is shown, so it reads over any content:
 * a page turned with /Rotate (a scan, say) gets it along the edge that is shown at the bottom.
 */
function stamp(page: PDFPage, fonts: Fonts, text: string): void {
  const box = page.getCropBox();
  const size = 8;
  const width = fonts.regular.widthOfTextAtSize(text, size);
  const angle = (((page.getRotation().angle % 360) + 360) % 360) as 0 | 90 | 180 | 270;
  // Where the text starts, in the page's own coordinates; it runs along `angle` (counter-clockwise).
  const origin = {
    0: { x: box.x + (box.width - width) / 2, y: box.y + 14 },
    90: { x: box.x + box.width - 14, y: box.y + (box.height - width) / 2 },
    180: { x: box.x + (box.width + width) / 2, y: box.y + box.height - 14 },
    270: { x: box.x + 14, y: box.y + (box.height + width) / 2 },
  }[angle] ?? { x: box.x + (box.width - width) / 2, y: box.y + 14 };
  const turn = [0, 90, 180, 270].includes(angle) ? angle : 0;
  const cos = Math.round(Math.cos((turn * Math.PI) / 180));
  const sin = Math.round(Math.sin((turn * Math.PI) / 180));
  // The band starts 4 pt before and 3 pt below the text, in the text's own direction.
  const band = { x: origin.x - 4 * cos + 3 * sin, y: origin.y - 4 * sin - 3 * cos };
  page.drawRectangle({ ...band, width: width + 8, height: size + 6, color: rgb(1, 1, 1), rotate: degrees(turn) });
  page.drawText(text, { ...origin, size, font: fonts.regular, color: rgb(0.2, 0.2, 0.2), rotate: degrees(turn) });
}
