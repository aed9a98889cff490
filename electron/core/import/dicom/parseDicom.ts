import { inflateRawSync } from 'node:zlib';
import dicomParser, { type DataSet } from 'dicom-parser';
import { isIsoDate } from '../../../../shared/documents';

/**
 * Reading one DICOM file's header: what the importer needs to file the instance (identity,
 * study/series/instance, image geometry) and to judge whether the file is whole. Pixel data is
 * never decoded here; it is kept byte for byte.
 */
export interface DicomInstance {
  sopInstanceUid: string;
  sopClassUid: string | null;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  transferSyntax: string;
  modality: string | null;
  bodyPart: string | null;
  studyDescription: string | null;
  seriesDescription: string | null;
  seriesNumber: number | null;
  instanceNumber: number | null;
  studyDate: string | null;
  institutionName: string | null;
  patientName: string | null;
  patientId: string | null;
  rows: number | null;
  columns: number | null;
  frames: number;
  /** The PDF inside an Encapsulated PDF instance. */
  encapsulatedPdf: Buffer | null;
  /** Text of a structured report's content tree, for search. */
  reportText: string | null;
  /** Things wrong with the file that do not stop it being kept (shown in the import report). */
  warnings: string[];
}

export class DicomReadError extends Error {}

export const ENCAPSULATED_PDF_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.104.1';
export const SR_SOP_CLASS_PREFIX = '1.2.840.10008.5.1.4.1.1.88.';
const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const DEFLATED_LE = '1.2.840.10008.1.2.1.99';
const NATIVE_SYNTAXES = new Set([IMPLICIT_LE, EXPLICIT_LE, EXPLICIT_BE, DEFLATED_LE]);
/** A deflated data set may not inflate beyond this (a "zip bomb" in a DICOM file). */
export const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

const VR_CODES = new Set(
  'AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '),
);

export type DicomLayout =
  'part10' | 'meta-without-preamble' | 'dataset-explicit' | 'dataset-implicit' | 'dataset-big-endian';

/**
 * Recognises DICOM by content: the `DICM` marker after the 128-byte preamble, or, for files
 * written without it, a first element that is a plausible group 0002 or 0008 tag.
 */
export function sniffDicom(head: Buffer): DicomLayout | null {
  if (head.length >= 132 && head.toString('latin1', 128, 132) === 'DICM') return 'part10';
  if (head.length < 8) return null;
  const group = head.readUInt16LE(0);
  const element = head.readUInt16LE(2);
  // Explicit VR big endian (retired, but old archives hold it): group 0008 with its bytes swapped.
  if (
    head.readUInt16BE(0) === 0x0008 &&
    head.readUInt16BE(2) <= 0x0100 &&
    VR_CODES.has(head.toString('latin1', 4, 6))
  ) {
    return 'dataset-big-endian';
  }
  if (group !== 0x0002 && group !== 0x0008) return null;
  const vr = head.toString('latin1', 4, 6);
  if (VR_CODES.has(vr)) {
    if (group === 0x0002) return 'meta-without-preamble';
    return element <= 0x0100 ? 'dataset-explicit' : null;
  }
  if (group === 0x0002) return null; // the meta group is always explicit
  // Implicit VR: a 4-byte length that fits the kind of element group 0008 starts with.
  const length = head.readUInt32LE(4);
  return element <= 0x0100 && length < 1024 ? 'dataset-implicit' : null;
}

/**
 * Parses the header of a DICOM file from `bytes` (the whole file, or its first part for a file
 * too large to hold — then `fileBytes` is larger than `bytes.length`). Throws DicomReadError
 * with a sentence for the import report when the file cannot be filed.
 */
export function parseDicomInstance(bytes: Buffer, fileBytes: number, layout: DicomLayout): DicomInstance {
  const whole = bytes.length >= fileBytes;
  let input: Buffer = bytes;
  let transferSyntaxOption: string | undefined;
  if (layout === 'meta-without-preamble') {
    // dicom-parser wants the preamble; lend it one (the stored file stays as it was).
    input = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), bytes]);
  } else if (layout === 'dataset-explicit') {
    transferSyntaxOption = EXPLICIT_LE;
  } else if (layout === 'dataset-implicit') {
    transferSyntaxOption = IMPLICIT_LE;
  } else if (layout === 'dataset-big-endian') {
    transferSyntaxOption = EXPLICIT_BE;
  }

  let dataSet: DataSet;
  let headerOnly = false;
  try {
    dataSet = dicomParser.parseDicom(input, {
      TransferSyntaxUID: transferSyntaxOption,
      // Only the header is needed, unless the file is whole (an encapsulated PDF comes after it).
      untilTag: whole ? undefined : 'x7fe00010',
      inflater: (array: Uint8Array, position: number) => {
        const deflated = Buffer.from(array.buffer, array.byteOffset + position, array.byteLength - position);
        let inflated: Buffer;
        try {
          inflated = inflateRawSync(deflated, { maxOutputLength: MAX_INFLATED_BYTES });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
            throw new DicomReadError(
              `The compressed DICOM data set would inflate to more than ${MAX_INFLATED_BYTES / 1024 / 1024} MiB; it was not opened.`,
            );
          }
          throw new DicomReadError('The compressed DICOM data set is damaged.');
        }
        const full = Buffer.alloc(position + inflated.length);
        Buffer.from(array.buffer, array.byteOffset, position).copy(full, 0);
        inflated.copy(full, position);
        return full;
      },
    });
  } catch (error) {
    if (error instanceof DicomReadError) throw error;
    if (!whole) throw new DicomReadError(describeParseError(error));
    // A whole file that fails past its header (cut short in the pixel data) can still be filed.
    try {
      dataSet = dicomParser.parseDicom(input, { TransferSyntaxUID: transferSyntaxOption, untilTag: 'x7fe00010' });
    } catch {
      throw new DicomReadError(describeParseError(error));
    }
    headerOnly = true;
  }

  const text = (tag: string): string | null => {
    try {
      const value = dataSet.string(tag);
      const cleaned = value?.replace(/\0/g, '').trim();
      return cleaned ? cleaned.slice(0, 256) : null;
    } catch {
      return null;
    }
  };
  const integer = (tag: string): number | null => {
    const value = text(tag);
    if (value === null) return null;
    const parsed = Number.parseInt(value, 10);
    return Number.isFinite(parsed) ? parsed : null;
  };
  const ushort = (tag: string): number | null => {
    const element = dataSet.elements[tag];
    if (!element || element.length < 2) return null;
    try {
      return dataSet.uint16(tag) ?? null;
    } catch {
      return null;
    }
  };

  const studyInstanceUid = text('x0020000d');
  const seriesInstanceUid = text('x0020000e');
  const sopInstanceUid = text('x00080018') ?? text('x00020003');
  if (!studyInstanceUid || !sopInstanceUid) {
    throw new DicomReadError('The DICOM file has no Study or SOP Instance UID, so it cannot be filed with a study.');
  }
  const transferSyntax = text('x00020010') ?? transferSyntaxOption ?? IMPLICIT_LE;
  const warnings: string[] = [];
  const rows = ushort('x00280010');
  const columns = ushort('x00280011');
  const frames = Math.max(1, integer('x00280008') ?? 1);
  const sopClassUid = text('x00080016') ?? text('x00020002');

  const pixelData = dataSet.elements.x7fe00010;
  if (pixelData && rows && columns) {
    const samples = ushort('x00280002') ?? 1;
    const bitsAllocated = ushort('x00280100') ?? 16;
    const declared = rows * columns * frames * samples * Math.max(1, bitsAllocated / 8);
    if (!Number.isSafeInteger(declared) || declared > 4 * 1024 ** 3) {
      warnings.push(`It declares an implausible image size (${rows}×${columns}×${frames}); it was kept as it is.`);
    } else if (NATIVE_SYNTAXES.has(transferSyntax) && pixelData.length !== 0xffffffff && pixelData.length < declared) {
      warnings.push('Its pixel data is shorter than its image size says; it was kept as it is.');
    }
  }
  const pastEnd =
    pixelData && pixelData.length !== 0xffffffff && pixelData.dataOffset + pixelData.length > input.length;
  if (whole && (headerOnly || pastEnd)) {
    warnings.push('The file is cut short inside its pixel data; it was kept as it is.');
  }

  let encapsulatedPdf: Buffer | null = null;
  if (sopClassUid === ENCAPSULATED_PDF_SOP_CLASS) {
    const document = dataSet.elements.x00420011;
    if (document && whole && document.dataOffset + document.length <= input.length) {
      let pdf = input.subarray(document.dataOffset, document.dataOffset + document.length);
      if (pdf.length && pdf[pdf.length - 1] === 0) pdf = pdf.subarray(0, pdf.length - 1); // even-length padding
      encapsulatedPdf = Buffer.from(pdf);
    } else {
      warnings.push('Its encapsulated PDF could not be read; the DICOM file was kept as it is.');
    }
  }

  return {
    sopInstanceUid,
    sopClassUid,
    studyInstanceUid,
    seriesInstanceUid: seriesInstanceUid ?? `${studyInstanceUid}.series`,
    transferSyntax,
    modality: text('x00080060')?.toUpperCase() ?? null,
    bodyPart: text('x00180015'),
    studyDescription: text('x00081030'),
    seriesDescription: text('x0008103e'),
    seriesNumber: integer('x00200011'),
    instanceNumber: integer('x00200013'),
    studyDate: dicomDate(text('x00080020')),
    institutionName: text('x00080080'),
    patientName: readablePersonName(text('x00100010')),
    patientId: text('x00100020'),
    rows,
    columns,
    frames,
    encapsulatedPdf,
    reportText: sopClassUid?.startsWith(SR_SOP_CLASS_PREFIX) ? srText(dataSet) : null,
    warnings,
  };
}

function describeParseError(error: unknown): string {
  // dicom-parser throws strings, Errors, or { exception, dataSet } objects.
  const thrown = error as { exception?: unknown; message?: unknown } | string | null;
  const message = String(
    (typeof thrown === 'object' && thrown !== null ? (thrown.exception ?? thrown.message) : thrown) ?? 'unknown error',
  );
  if (/buffer overread|exceeds|beyond|past end|is not enough|out of range|outside|buffer overrun/i.test(message)) {
    return 'The DICOM file is cut short or an element declares more bytes than the file holds.';
  }
  if (/item delimitation|sequence delimitation|undefined length/i.test(message)) {
    return 'The DICOM file has an element of undefined length that never ends.';
  }
  if (/DICM prefix/i.test(message)) return 'The file is not a DICOM file.';
  return `The DICOM file could not be read (${message.replace(/^dicomParser\.[\w.]+:\s*/, '').slice(0, 160)}).`;
}

/** `20230405` → `2023-04-05`; anything else (partial or invalid dates) → null. */
export function dicomDate(value: string | null): string | null {
  const match = value?.match(/^(\d{4})\.?(\d{2})\.?(\d{2})/);
  if (!match) return null;
  const date = `${match[1]}-${match[2]}-${match[3]}`;
  return isIsoDate(date) ? date : null;
}

/** `DOE^JANE^^^` → `DOE JANE`; a person name's ideographic and phonetic groups are dropped. */
export function readablePersonName(value: string | null): string | null {
  if (!value) return null;
  const alphabetic = value.split('=')[0] ?? '';
  const parts = alphabetic.split('^').map((part) => part.trim());
  const [family, given, middle, prefix, suffix] = parts;
  const name = [prefix, given, middle, family, suffix].filter(Boolean).join(' ');
  return name || null;
}

/** The text values of a structured report's content tree, in document order. */
function srText(dataSet: DataSet): string | null {
  const texts: string[] = [];
  const walk = (set: DataSet, depth: number) => {
    if (depth > 32 || texts.length > 10_000) return;
    const value = set.elements.x0040a160 ? set.string('x0040a160') : undefined;
    if (value) texts.push(value.trim());
    for (const item of set.elements.x0040a730?.items ?? []) if (item.dataSet) walk(item.dataSet, depth + 1);
  };
  walk(dataSet, 0);
  return texts.length ? texts.join('\n') : null;
}
