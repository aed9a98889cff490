import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import type { DicomdirInstance } from './dicomdir';
import type { DicomElement, DicomItem } from './dicomWriter';

/** What the DICOMDIR needs from one file, read from its bytes (file ID aside). */
export type InstanceKeys = Omit<DicomdirInstance, 'fileId'>;

/**
 * Reads the directory record keys of a Part 10 file. A file without the Part 10 header cannot go
 * on DICOM media unchanged (PS3.10 requires it), so it is refused with a sentence.
 */
export function readInstanceKeys(bytes: Buffer): InstanceKeys {
  if (bytes.length < 132 || bytes.toString('latin1', 128, 132) !== 'DICM') {
    throw new Error('The DICOM file has no Part 10 header, so it cannot be put on DICOM media unchanged.');
  }
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  } catch {
    throw new Error('The DICOM file could not be read.');
  }
  const text = (tag: string): string => {
    try {
      return (dataSet.string(tag) ?? '').replace(/\0/g, '').trim();
    } catch {
      return '';
    }
  };
  const integer = (tag: string): number | null => {
    const parsed = Number.parseInt(text(tag), 10);
    return Number.isFinite(parsed) ? parsed : null;
  };
  const required = (tag: string, name: string): string => {
    const value = text(tag);
    if (!value) throw new Error(`The DICOM file has no ${name}.`);
    return value;
  };
  const charset = text('x00080005');
  const conceptName = dataSet.elements.x0040a043;
  return {
    patientId: text('x00100020'),
    patientName: text('x00100010'),
    studyInstanceUid: required('x0020000d', 'Study Instance UID'),
    studyDate: text('x00080020'),
    studyTime: text('x00080030'),
    studyDescription: text('x00081030'),
    studyId: text('x00200010'),
    accessionNumber: text('x00080050'),
    seriesInstanceUid: required('x0020000e', 'Series Instance UID'),
    modality: text('x00080060') || 'OT',
    seriesNumber: integer('x00200011'),
    sopClassUid: text('x00020002') || required('x00080016', 'SOP Class UID'),
    sopInstanceUid: text('x00020003') || required('x00080018', 'SOP Instance UID'),
    transferSyntaxUid: required('x00020010', 'Transfer Syntax UID'),
    instanceNumber: integer('x00200013'),
    contentDate: text('x00080023'),
    contentTime: text('x00080033'),
    completionFlag: text('x0040a491'),
    verificationFlag: text('x0040a493'),
    documentTitle: text('x00420010'),
    ...(charset && charset !== 'ISO_IR 6' ? { specificCharacterSet: charset } : {}),
    ...(conceptName?.items ? { conceptNameCodeSequence: copyItems(bytes, conceptName) } : {}),
  };
}

/** A sequence's items as writer elements, values copied as they are (explicit VR files). */
function copyItems(bytes: Buffer, sequence: Element, depth = 0): DicomItem[] {
  if (depth > 8) return [];
  return (sequence.items ?? []).map((item) => {
    const elements: DicomElement[] = [];
    for (const [key, element] of Object.entries(item.dataSet?.elements ?? {})) {
      const tag = Number.parseInt(key.slice(1), 16) >>> 0;
      if (!element.vr || (tag & 0xffff) === 0) continue;
      if (element.items) elements.push({ tag, vr: 'SQ', value: copyItems(bytes, element, depth + 1) });
      else {
        const value = Buffer.from(bytes.subarray(element.dataOffset, element.dataOffset + element.length));
        elements.push({ tag, vr: element.vr, value });
      }
    }
    return elements;
  });
}
