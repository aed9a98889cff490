/**
 * A packet's PDF laid out in memory: its kind's cover letter, the index, then each document's
 * pages. Used both to preview the page list (nothing saved) and by the writer, so the two always
 * agree. Without a letter it is a disc's summary PDF.
 */
import { PNG } from 'pngjs';
import UTIF from 'utif2';
import { EncryptedPDFError, PDFDocument, rgb, type PDFImage, type PDFPage } from 'pdf-lib';
import type { ReadableBlock, ReadableSection } from '../../../../shared/readable';
import {
  type PacketPlan,
  type PacketPatient,
  type PacketPlanItem,
  type PacketProgress,
} from '../../../../shared/packets';
import type { DicomInstanceView, DicomSeriesView, DicomStudyView } from '../../../../shared/dicom';
import { getDicomStudy } from '../../documents/dicomStudy';
import { findDocumentFile } from '../../documents/repository';
import { hasReadableView, readableView } from '../../readable/readableDocument';
import { MedvaultError } from '../../errors';
import { decodeFrame } from '../../imaging/decodeFrame';
import { renderToRgba } from '../../imaging/render';
import type { Vault } from '../../vault/Vault';
import type { PacketSource, ResolvedPacket } from '../resolvePacket';
import { FOOTER_SPACE, MARGIN, PAGE_SIZE, PageWriter, embedFonts, fitLine, type Fonts } from './layout';

/** Writes a kind's cover letter (`export/kinds/`) on the pages `w` adds before the index. */
export type CoverLetter = (w: PageWriter, packet: ResolvedPacket) => void;

export interface AssembleOptions {
  /**
   * None: the index opens as a summary (patient, date of birth, date, "Summary of records") — a
   * disc's SUMMARY.PDF.
   */
  coverLetter?: CoverLetter;
  signal?: AbortSignal;
  onProgress?: (progress: PacketProgress) => void;
}

export interface Assembled {
  doc: PDFDocument;
  fonts: Fonts;
  plan: PacketPlan;
}

/** Index rows are one line each, so the index's page count is known before it is drawn. */
const INDEX_ROW = 14;
const INDEX_FIRST_PAGE_ROWS = Math.floor((PAGE_SIZE[1] - 2 * MARGIN - FOOTER_SPACE - 60) / INDEX_ROW);
/** Without a letter the first index page also names the patient: three more lines. */
const SUMMARY_FIRST_PAGE_ROWS = INDEX_FIRST_PAGE_ROWS - 4;
const INDEX_PAGE_ROWS = Math.floor((PAGE_SIZE[1] - 2 * MARGIN - FOOTER_SPACE - 20) / INDEX_ROW);

export function typeLabel(type: string): string {
  const words = type.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new MedvaultError('cancelled', 'The packet was cancelled; nothing was written.');
}

export async function assemblePacket(
  vault: Vault,
  resolved: ResolvedPacket,
  options: AssembleOptions = {},
): Promise<Assembled> {
  const { signal, onProgress } = options;
  const doc = await PDFDocument.create();
  const fonts = await embedFonts(doc);
  const counts: number[] = [];
  let pagesDone = 0;
  onProgress?.({ documentsDone: 0, documentsTotal: resolved.sources.length, pagesDone });
  for (const source of resolved.sources) {
    throwIfCancelled(signal);
    const before = doc.getPageCount();
    await appendDocument(vault, doc, fonts, source, signal);
    if (doc.getPageCount() === before) placeholder(doc, fonts, source, 'This document has no pages.');
    counts.push(doc.getPageCount() - before);
    pagesDone = doc.getPageCount();
    onProgress?.({ documentsDone: counts.length, documentsTotal: resolved.sources.length, pagesDone });
  }
  throwIfCancelled(signal);

  let front = 0;
  const insert = () => doc.insertPage(front++, PAGE_SIZE);
  const letter = options.coverLetter !== undefined;
  let coverPages = 0;
  if (options.coverLetter) {
    const writer = new PageWriter(insert, fonts);
    options.coverLetter(writer, resolved);
    coverPages = writer.pages.length;
  }
  const firstRows = letter ? INDEX_FIRST_PAGE_ROWS : SUMMARY_FIRST_PAGE_ROWS;
  const indexPages = indexPageCount(resolved.sources.length, firstRows);
  let next = coverPages + indexPages + 1;
  const items: PacketPlanItem[] = resolved.sources.map((source, n) => {
    const item: PacketPlanItem = {
      documentId: source.documentId,
      title: source.title,
      type: source.type,
      category: source.category,
      date: source.date,
      sha256: source.sha256,
      pageCount: counts[n]!,
      firstPage: next,
      lastPage: next + counts[n]! - 1,
    };
    next += counts[n]!;
    return item;
  });
  const { patient } = resolved.request;
  drawIndex(insert, fonts, items, indexPages, letter ? null : patient);
  const plan: PacketPlan = {
    purpose: resolved.request.purpose,
    items,
    excluded: resolved.excluded,
    warnings: resolved.warnings,
    coverPages,
    indexPages,
    totalPages: doc.getPageCount(),
  };
  return { doc, fonts, plan };
}

/** Pages of the index: a header row on each page, then one row per document. */
function indexPageCount(documents: number, firstRows: number): number {
  if (documents <= firstRows - 1) return 1;
  return 1 + Math.ceil((documents - (firstRows - 1)) / (INDEX_PAGE_ROWS - 1));
}

function drawIndex(
  insert: () => PDFPage,
  fonts: Fonts,
  items: PacketPlanItem[],
  pages: number,
  summaryOf: PacketPatient | null,
): void {
  const width = PAGE_SIZE[0] - 2 * MARGIN;
  const columns = [
    { label: '#', x: 0, width: 22 },
    { label: 'Title', x: 22, width: width - 22 - 110 - 64 - 62 },
    { label: 'Type', x: width - 110 - 64 - 62, width: 110 },
    { label: 'Date', x: width - 64 - 62, width: 64 },
    { label: 'Pages', x: width - 62, width: 62 },
  ];
  let row = 0;
  for (let p = 0; p < pages; p++) {
    const page = insert();
    let y = PAGE_SIZE[1] - MARGIN;
    if (p === 0 && summaryOf) {
      page.drawText('Summary of records', { x: MARGIN, y: y - 16, size: 16, font: fonts.bold });
      y -= 26;
      for (const line of [
        `Patient: ${summaryOf.name}`,
        `Date of birth: ${summaryOf.dateOfBirth}`,
        `Made on ${new Date().toISOString().slice(0, 10)}; the records follow in this order.`,
      ]) {
        page.drawText(fitLine(line, fonts.regular, 10, width), { x: MARGIN, y: y - 10, size: 10, font: fonts.regular });
        y -= INDEX_ROW;
      }
      y -= 14;
    } else if (p === 0) {
      page.drawText('Index', { x: MARGIN, y: y - 16, size: 16, font: fonts.bold });
      y -= 40;
    }
    const drawRow = (cells: string[], bold: boolean) => {
      const font = bold ? fonts.bold : fonts.regular;
      columns.forEach((column, c) => {
        const text = fitLine(cells[c]!, font, 9, column.width - 4);
        page.drawText(text, { x: MARGIN + column.x, y: y - 9, size: 9, font, color: rgb(0, 0, 0) });
      });
      y -= INDEX_ROW;
    };
    drawRow(
      columns.map((c) => c.label),
      true,
    );
    const rows = p > 0 ? INDEX_PAGE_ROWS : summaryOf ? SUMMARY_FIRST_PAGE_ROWS : INDEX_FIRST_PAGE_ROWS;
    for (let n = 0; n < rows - 1 && row < items.length; n++, row++) {
      const item = items[row]!;
      drawRow(
        [
          String(row + 1),
          item.title,
          typeLabel(item.type),
          item.date ?? 'undated',
          item.firstPage === item.lastPage ? `${item.firstPage}` : `${item.firstPage}–${item.lastPage}`,
        ],
        false,
      );
    }
  }
}

async function appendDocument(
  vault: Vault,
  doc: PDFDocument,
  fonts: Fonts,
  source: PacketSource,
  signal: AbortSignal | undefined,
): Promise<void> {
  const mediaType = source.mediaType.split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/dicom') return appendStudy(vault, doc, fonts, source, signal);
  const bytes = await vault.blobs.readAll(source.blobId);
  if (mediaType === 'application/pdf') return appendPdf(doc, fonts, source, bytes);
  if (hasReadableView(mediaType)) {
    let readable;
    try {
      readable = readableView(mediaType, bytes);
    } catch (error) {
      placeholder(doc, fonts, source, `This document could not be read: ${(error as Error).message}`);
      return;
    }
    if (readable) {
      const w = new PageWriter(() => doc.addPage(PAGE_SIZE), fonts);
      w.heading(readable.title || source.title, 16);
      if (readable.header.length > 0) w.fields(readable.header, 10);
      for (const section of readable.sections) drawSection(w, section, 0);
      return;
    }
  }
  if (mediaType === 'image/png' || mediaType === 'image/jpeg') {
    try {
      const image = mediaType === 'image/png' ? await doc.embedPng(bytes) : await doc.embedJpg(bytes);
      imagePage(doc, image);
    } catch {
      placeholder(doc, fonts, source, 'This image could not be read.');
    }
    return;
  }
  if (mediaType === 'image/tiff') return appendTiff(doc, fonts, source, bytes);
  if (mediaType.startsWith('text/')) {
    const w = new PageWriter(() => doc.addPage(PAGE_SIZE), fonts);
    w.heading(source.title, 14);
    w.paragraph(bytes.toString('utf8'), { size: 10 });
    return;
  }
  placeholder(
    doc,
    fonts,
    source,
    `Files of this type (${mediaType}) cannot be laid out as pages; ask for it separately.`,
  );
}

async function appendPdf(doc: PDFDocument, fonts: Fonts, source: PacketSource, bytes: Buffer): Promise<void> {
  let pdf: PDFDocument;
  try {
    pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (error) {
    placeholder(
      doc,
      fonts,
      source,
      error instanceof EncryptedPDFError
        ? 'This PDF is protected by a password, so its pages cannot be copied into the packet. Send it separately.'
        : 'This PDF is damaged, so its pages cannot be copied into the packet.',
    );
    return;
  }
  let pages: PDFPage[];
  try {
    pages = await doc.copyPages(pdf, pdf.getPageIndices());
  } catch {
    placeholder(doc, fonts, source, 'This PDF is damaged, so its pages cannot be copied into the packet.');
    return;
  }
  for (const page of pages) doc.addPage(page);
}

function appendTiff(doc: PDFDocument, fonts: Fonts, source: PacketSource, bytes: Buffer): Promise<void> {
  return (async () => {
    let pngs: Buffer[];
    try {
      const ifds = UTIF.decode(bytes).filter((ifd) => ifd['t256'] !== undefined);
      pngs = ifds.map((ifd) => {
        UTIF.decodeImage(bytes, ifd);
        return rgbaToPng(UTIF.toRGBA8(ifd), ifd.width!, ifd.height!);
      });
    } catch {
      placeholder(doc, fonts, source, 'This TIFF image could not be read.');
      return;
    }
    for (const png of pngs) imagePage(doc, await doc.embedPng(png));
  })();
}

/** The sentence on a study's summary page when the patient marked no key image. */
export const NO_KEY_IMAGES_SENTENCE = 'No key images marked; the middle image of each series is shown.';

interface StudyImage {
  series: DicomSeriesView;
  /** The series' label: its number, else its place in the study. */
  label: string;
  description: string;
  instance: DicomInstanceView;
  frame: number;
}

/**
 * A study: a page with its summary, then its key images — those the patient marked in the viewer,
 * in the order marked — each on a page of its own through the snapshot renderer. Without key
 * images each series' middle image stands in, and the summary says so.
 */
async function appendStudy(
  vault: Vault,
  doc: PDFDocument,
  fonts: Fonts,
  source: PacketSource,
  signal: AbortSignal | undefined,
): Promise<void> {
  const study = await vault.db.read((q) => getDicomStudy(q, source.documentId));
  const w = new PageWriter(() => doc.addPage(PAGE_SIZE), fonts);
  w.heading(source.title, 16);
  const summary = source.dicom;
  w.fields([
    { label: 'Study', value: summary?.studyDescription || '—' },
    { label: 'Date', value: source.date ?? 'undated' },
    { label: 'Provider', value: source.provider ?? '—' },
    { label: 'Modalities', value: summary?.modalities.join(', ') || '—' },
    { label: 'Series', value: String(study.series.length) },
    { label: 'Images', value: String(study.series.reduce((n, s) => n + s.instances.length, 0)) },
  ]);
  const shown = studyImages(study);
  const keyed = study.keyImages.length > 0;
  const images: { caption: string; png: Buffer }[] = [];
  const inPacket = new Map<DicomSeriesView, string[]>();
  for (const [n, image] of shown.entries()) {
    throwIfCancelled(signal);
    const { series, instance, frame } = image;
    const frames = instance.frames > 1 ? `, frame ${frame + 1} of ${instance.frames}` : '';
    const name = `image ${instance.instanceNumber ?? '?'}${frames}`;
    const notes = inPacket.get(series) ?? [];
    inPacket.set(series, notes);
    try {
      const file = await vault.db.read((q) => findDocumentFile(q, study.documentId, instance.position));
      const decoded = await decodeFrame(await vault.blobs.readAll(file.blobId), frame);
      const rendered = renderToRgba(decoded);
      const where = `Series ${image.label}${image.description ? ` (${image.description})` : ''}, image ${instance.instanceNumber ?? '?'} of ${series.instances.length}${frames}`;
      images.push({
        caption: keyed ? `Key image ${n + 1} of ${shown.length}: ${where}` : where,
        png: rgbaToPng(rendered.rgba, rendered.width, rendered.height),
      });
      notes.push(keyed ? `${name} (key image ${n + 1})` : `${name} shown`);
    } catch {
      notes.push(`${name} could not be rendered`);
    }
  }
  const rows = study.series.map((series, index) => [
    `${series.seriesNumber ?? index + 1}`,
    seriesDescription(series) || '—',
    String(series.instances.length),
    inPacket.get(series)?.join('; ') || (keyed || !series.instances.some((i) => i.hasPixels) ? '—' : 'no image'),
  ]);
  w.table(['Series', 'Description', 'Images', 'In this packet'], rows, 9);
  w.paragraph(
    `${
      keyed
        ? `The ${shown.length === 1 ? 'key image' : `${shown.length} key images`} marked in the viewer ${shown.length === 1 ? 'is' : 'are'} shown, in the order marked.`
        : NO_KEY_IMAGES_SENTENCE
    } The complete study in its original form can be provided on request.`,
    { size: 9 },
  );
  for (const image of images) {
    const page = imagePage(doc, await doc.embedPng(image.png), 24);
    page.drawText(fitLine(image.caption, fonts.regular, 10, PAGE_SIZE[0] - 2 * MARGIN), {
      x: MARGIN,
      y: PAGE_SIZE[1] - MARGIN + 12,
      size: 10,
      font: fonts.regular,
    });
  }
}

function seriesDescription(series: DicomSeriesView): string {
  return [series.modality, series.description, series.bodyPart].filter(Boolean).join(' · ');
}

/** What a packet shows of a study: its key images in marking order, else each series' middle image. */
function studyImages(study: DicomStudyView): StudyImage[] {
  const place = (series: DicomSeriesView, index: number) => ({
    series,
    label: `${series.seriesNumber ?? index + 1}`,
    description: seriesDescription(series),
  });
  if (study.keyImages.length > 0) {
    const bySop = new Map<string, Omit<StudyImage, 'frame'>>();
    study.series.forEach((series, index) => {
      for (const instance of series.instances)
        bySop.set(instance.sopInstanceUid, { ...place(series, index), instance });
    });
    return study.keyImages.flatMap((key) => {
      const found = bySop.get(key.sopInstanceUid);
      return found ? [{ ...found, frame: key.frame }] : [];
    });
  }
  return study.series.flatMap((series, index) => {
    const withPixels = series.instances.filter((i) => i.hasPixels);
    const instance = withPixels[Math.floor((withPixels.length - 1) / 2)];
    return instance ? [{ ...place(series, index), instance, frame: 0 }] : [];
  });
}

function rgbaToPng(rgba: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png);
}

/** A Letter page with the image as large as fits above the stamp, centred. */
function imagePage(doc: PDFDocument, image: PDFImage, top = 0): PDFPage {
  const page = doc.addPage(PAGE_SIZE);
  const boxWidth = PAGE_SIZE[0] - 2 * MARGIN;
  const boxHeight = PAGE_SIZE[1] - 2 * MARGIN - FOOTER_SPACE / 2 - top;
  const scale = Math.min(boxWidth / image.width, boxHeight / image.height);
  const width = image.width * scale;
  const height = image.height * scale;
  page.drawImage(image, {
    x: MARGIN + (boxWidth - width) / 2,
    y: MARGIN + FOOTER_SPACE / 2 + (boxHeight - height) / 2,
    width,
    height,
  });
  return page;
}

function placeholder(doc: PDFDocument, fonts: Fonts, source: PacketSource, why: string): void {
  const w = new PageWriter(() => doc.addPage(PAGE_SIZE), fonts);
  w.heading(source.title, 16);
  w.fields([
    { label: 'Type', value: typeLabel(source.type) },
    { label: 'Date', value: source.date ?? 'undated' },
    { label: 'Document ID', value: source.documentId },
  ]);
  w.paragraph(why);
}

function drawSection(w: PageWriter, section: ReadableSection, depth: number): void {
  if (section.title) w.heading(section.title, depth === 0 ? 13 : 11.5);
  for (const block of section.blocks) drawBlock(w, block);
  for (const child of section.sections) drawSection(w, child, depth + 1);
}

function drawBlock(w: PageWriter, block: ReadableBlock): void {
  switch (block.kind) {
    case 'paragraph':
      return w.paragraph(block.text, { size: 10 });
    case 'list':
      return w.list(block.items, block.ordered, 10);
    case 'fields':
      return w.fields(block.fields, 10);
    case 'table':
      return w.table(block.header, block.rows, 8.5, block.caption);
  }
}
