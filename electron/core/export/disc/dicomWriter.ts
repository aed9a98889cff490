/**
 * A minimal DICOM Part 10 writer: explicit VR little endian data elements, sequences, the File
 * Meta Information group and the preamble. Enough for the DICOMDIR and for de-identified copies;
 * it never re-encodes pixel data (such elements are passed through as raw bytes).
 */

/** Medvault's implementation UID: `2.25.` and the decimal form of a UUID fixed for Medvault (PS3.5 B.2). */
export const IMPLEMENTATION_CLASS_UID = '2.25.190696863065689970468377361231827272462';
export const IMPLEMENTATION_VERSION_NAME = 'MEDVAULT_1';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';

/** VRs whose explicit-VR header is 2 reserved bytes and a 4-byte length (PS3.5 7.1.2). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
/** VRs padded with NUL rather than space to an even length (PS3.5 6.2). */
const NUL_PADDED_VRS = new Set(['UI', 'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN', 'SV', 'UV']);
const UNDEFINED_LENGTH = 0xffffffff;

export type DicomItem = DicomElement[];

export interface DicomElement {
  /** `(group << 16) | element`, e.g. `0x00100010`. */
  tag: number;
  vr: string;
  /**
   * A string (multiple values joined with `\`, encoded latin1 and padded per VR), a string array
   * (joined with backslashes), bytes (written as they are, padded to even), or, for SQ, items.
   */
  value: string | string[] | Buffer | DicomItem[];
  /**
   * SQ: written with undefined length and delimitation items. Other VRs: `value` is already the
   * complete content of an undefined-length element (encapsulated pixel data's items and its
   * sequence delimiter), copied byte for byte.
   */
  undefinedLength?: boolean;
  /** SQ only: which items are written with undefined length (by index); defined otherwise. */
  undefinedLengthItems?: readonly boolean[];
}

export function tagOf(group: number, element: number): number {
  return ((group << 16) | element) >>> 0;
}

export function uint16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16LE(value);
  return bytes;
}

export function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0);
  return bytes;
}

function tagBytes(tag: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt16LE(tag >>> 16, 0);
  bytes.writeUInt16LE(tag & 0xffff, 2);
  return bytes;
}

function itemTag(element: number, length: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt16LE(0xfffe, 0);
  bytes.writeUInt16LE(element, 2);
  bytes.writeUInt32LE(length >>> 0, 4);
  return bytes;
}

function header(tag: number, vr: string, length: number, implicit: boolean): Buffer {
  if (implicit) {
    // Implicit VR (PS3.5 7.1.3): the tag and a 4-byte length; the VR is the dictionary's.
    const bytes = Buffer.alloc(8);
    tagBytes(tag).copy(bytes, 0);
    bytes.writeUInt32LE(length >>> 0, 4);
    return bytes;
  }
  if (vr.length !== 2) throw new Error(`Not a VR: ${vr}`);
  if (LONG_VRS.has(vr)) {
    const bytes = Buffer.alloc(12);
    tagBytes(tag).copy(bytes, 0);
    bytes.write(vr, 4, 'latin1');
    bytes.writeUInt32LE(length >>> 0, 8);
    return bytes;
  }
  if (length > 0xffff) throw new Error(`A ${vr} value cannot be longer than 65535 bytes.`);
  const bytes = Buffer.alloc(8);
  tagBytes(tag).copy(bytes, 0);
  bytes.write(vr, 4, 'latin1');
  bytes.writeUInt16LE(length, 6);
  return bytes;
}

function valueBytes(element: DicomElement): Buffer {
  const { value, vr } = element;
  let bytes: Buffer;
  if (Buffer.isBuffer(value)) bytes = value;
  else if (typeof value === 'string') bytes = Buffer.from(value, 'latin1');
  else if (value.every((part) => typeof part === 'string')) bytes = Buffer.from(value.join('\\'), 'latin1');
  else throw new Error(`Items given for a ${vr} element.`);
  if (bytes.length % 2 === 0 || element.undefinedLength) return bytes;
  return Buffer.concat([bytes, Buffer.from([NUL_PADDED_VRS.has(vr) ? 0 : 0x20])]);
}

/** Encodes one data set (elements sorted by tag, as PS3.5 7.1 requires). */
export function encodeDataSet(elements: readonly DicomElement[], implicit = false): Buffer {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.tag === sorted[i - 1]!.tag) throw new Error(`Tag ${hexTag(sorted[i]!.tag)} given twice.`);
  }
  return Buffer.concat(sorted.map((element) => encodeElement(element, implicit)));
}

export function encodeElement(element: DicomElement, implicit = false): Buffer {
  if (element.vr === 'SQ') {
    const items = element.value as DicomItem[];
    const parts = items.map((item, index) => {
      const content = encodeDataSet(item, implicit);
      return element.undefinedLengthItems?.[index]
        ? Buffer.concat([itemTag(0xe000, UNDEFINED_LENGTH), content, itemTag(0xe00d, 0)])
        : Buffer.concat([itemTag(0xe000, content.length), content]);
    });
    if (element.undefinedLength) {
      return Buffer.concat([header(element.tag, 'SQ', UNDEFINED_LENGTH, implicit), ...parts, itemTag(0xe0dd, 0)]);
    }
    const body = Buffer.concat(parts);
    return Buffer.concat([header(element.tag, 'SQ', body.length, implicit), body]);
  }
  const bytes = valueBytes(element);
  if (element.undefinedLength) {
    return Buffer.concat([header(element.tag, element.vr, UNDEFINED_LENGTH, implicit), bytes]);
  }
  return Buffer.concat([header(element.tag, element.vr, bytes.length, implicit), bytes]);
}

export function hexTag(tag: number): string {
  const hex = tag.toString(16).padStart(8, '0').toUpperCase();
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

export interface Part10File {
  mediaStorageSopClassUid: string;
  mediaStorageSopInstanceUid: string;
  /** How `dataSet` is encoded: implicit or explicit VR little endian, or an encapsulated syntax. */
  transferSyntaxUid: string;
  dataSet: readonly DicomElement[];
}

/** The File Meta Information group (PS3.10 7.1), group length first. */
export function encodeFileMeta(file: Omit<Part10File, 'dataSet'>): Buffer {
  const meta = encodeDataSet([
    { tag: 0x00020001, vr: 'OB', value: Buffer.from([0, 1]) },
    { tag: 0x00020002, vr: 'UI', value: file.mediaStorageSopClassUid },
    { tag: 0x00020003, vr: 'UI', value: file.mediaStorageSopInstanceUid },
    { tag: 0x00020010, vr: 'UI', value: file.transferSyntaxUid },
    { tag: 0x00020012, vr: 'UI', value: IMPLEMENTATION_CLASS_UID },
    { tag: 0x00020013, vr: 'SH', value: IMPLEMENTATION_VERSION_NAME },
  ]);
  return Buffer.concat([encodeElement({ tag: 0x00020000, vr: 'UL', value: uint32(meta.length) }), meta]);
}

/** The 128-byte preamble (zeros), `DICM`, the meta group: everything before the data set. */
export function part10Prefix(file: Omit<Part10File, 'dataSet'>): Buffer {
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), encodeFileMeta(file)]);
}

/** A whole Part 10 file: the meta group explicit VR, the data set implicit VR for that syntax, else explicit. */
export function writePart10(file: Part10File): Buffer {
  if (file.dataSet.some((element) => element.tag >>> 16 === 0x0002)) {
    throw new Error('Group 0002 belongs to the file meta information, not the data set.');
  }
  const implicit = file.transferSyntaxUid === IMPLICIT_VR_LITTLE_ENDIAN;
  return Buffer.concat([part10Prefix(file), encodeDataSet(file.dataSet, implicit)]);
}
