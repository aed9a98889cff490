/**
 * What makes a laid-out packet PDF final, the same for a one-PDF packet and a disc's summary: every page stamped with the patient's name, date of birth and
 * "page X of N", the document's metadata set, and the bytes saved.
 */
import { degrees, rgb, type PDFDocument, type PDFPage } from 'pdf-lib';
import { PACKET_KINDS } from '../../../../shared/packetKinds';
import type { PacketPlan, PacketRequest } from '../../../../shared/packets';
import { throwIfCancelled } from './assemble';
import { cleanText, type Fonts } from './layout';

export interface FinishPdfOptions {
  /** The document title, before " — name" (default: the purpose's label, and the claim for an appeal). */
  title?: string;
  signal?: AbortSignal;
}

/** Stamps every page, sets the metadata and saves the PDF. */
export async function finishPacketPdf(
  doc: PDFDocument,
  fonts: Fonts,
  request: PacketRequest,
  plan: PacketPlan,
  options: FinishPdfOptions = {},
): Promise<Uint8Array> {
  const pages = doc.getPages();
  const stampText = (n: number) =>
    cleanText(`${request.patient.name} · DOB ${request.patient.dateOfBirth} · page ${n} of ${pages.length}`);
  pages.forEach((page, index) => stamp(page, fonts, stampText(index + 1)));

  const label = PACKET_KINDS[request.purpose].label;
  const claim = request.appeal?.claimNumber ? ` — claim ${request.appeal.claimNumber}` : '';
  doc.setTitle(`${options.title ?? `${label}${claim}`} — ${request.patient.name}`, { showInWindowTitleBar: true });
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
  return bytes;
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
