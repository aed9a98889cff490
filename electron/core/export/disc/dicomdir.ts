import {
  type DicomElement,
  type DicomItem,
  EXPLICIT_VR_LITTLE_ENDIAN,
  encodeDataSet,
  part10Prefix,
  uint16,
  uint32,
} from './dicomWriter';

/**
 * Writing a DICOMDIR (PS3.10 file-set, PS3.3 Annex F) for a packet: one PATIENT → STUDY →
 * SERIES → leaf record tree, with the byte offsets between records computed from a first layout
 * pass (records keep their size whatever the offsets are, since offsets are fixed 4-byte ULs).
 */

export const MEDIA_STORAGE_DIRECTORY_SOP_CLASS = '1.2.840.10008.1.3.10';
const ENCAPSULATED_PDF = '1.2.840.10008.5.1.4.1.1.104.1';
const ENCAPSULATED_CDA = '1.2.840.10008.5.1.4.1.1.104.2';
const SR_PREFIX = '1.2.840.10008.5.1.4.1.1.88.';
const KEY_OBJECT_SELECTION = '1.2.840.10008.5.1.4.1.1.88.59';

/** What the DICOMDIR says about one file of the packet. */
export interface DicomdirInstance {
  patientId: string;
  patientName: string;
  studyInstanceUid: string;
  studyDate: string;
  studyTime: string;
  studyDescription: string;
  studyId: string;
  accessionNumber: string;
  seriesInstanceUid: string;
  modality: string;
  seriesNumber: number | null;
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  instanceNumber: number | null;
  /** Path components below the file-set root, e.g. `['DICOM', 'ST000001', 'SE000001', 'IM000001']`. */
  fileId: readonly string[];
  /** SR and encapsulated documents: ContentDate/Time (DA, TM). */
  contentDate?: string;
  contentTime?: string;
  /** SR: CompletionFlag and VerificationFlag. */
  completionFlag?: string;
  verificationFlag?: string;
  /** Encapsulated documents: DocumentTitle. */
  documentTitle?: string;
  /** SR and key objects: the document's title code (Type 1 in their records). */
  conceptNameCodeSequence?: DicomItem[];
  /** The Specific Character Set of the instance, when it is not the default repertoire. */
  specificCharacterSet?: string;
}

/** The record type a file of this SOP class gets (PS3.3 F.5 and F.4 table F.4-1). */
export function recordTypeFor(sopClassUid: string): 'IMAGE' | 'SR DOCUMENT' | 'KEY OBJECT DOC' | 'ENCAP DOC' {
  if (sopClassUid === ENCAPSULATED_PDF || sopClassUid === ENCAPSULATED_CDA) return 'ENCAP DOC';
  if (sopClassUid === KEY_OBJECT_SELECTION) return 'KEY OBJECT DOC';
  if (sopClassUid.startsWith(SR_PREFIX)) return 'SR DOCUMENT';
  return 'IMAGE';
}

const FILE_ID_COMPONENT = /^[A-Z0-9_]{1,8}$/;

export function isValidFileIdComponent(component: string): boolean {
  return FILE_ID_COMPONENT.test(component);
}

interface RecordNode {
  keys: DicomElement[];
  type: string;
  children: RecordNode[];
}

const str = (tag: number, vr: string, value: string): DicomElement => ({ tag, vr, value });
const integerString = (tag: number, value: number | null): DicomElement => ({
  tag,
  vr: 'IS',
  value: value === null ? '' : String(value),
});

function charset(instance: DicomdirInstance): DicomElement[] {
  return instance.specificCharacterSet ? [str(0x00080005, 'CS', instance.specificCharacterSet)] : [];
}

function leafKeys(instance: DicomdirInstance): DicomElement[] {
  const type = recordTypeFor(instance.sopClassUid);
  const keys: DicomElement[] = [
    ...charset(instance),
    { tag: 0x00041500, vr: 'CS', value: [...instance.fileId] },
    str(0x00041510, 'UI', instance.sopClassUid),
    str(0x00041511, 'UI', instance.sopInstanceUid),
    str(0x00041512, 'UI', instance.transferSyntaxUid),
    integerString(0x00200013, instance.instanceNumber),
  ];
  if (type !== 'IMAGE') {
    keys.push(str(0x00080023, 'DA', instance.contentDate ?? ''), str(0x00080033, 'TM', instance.contentTime ?? ''));
    // Type 1 for SR and key objects, 2 for encapsulated documents: the file's own, or empty.
    keys.push({ tag: 0x0040a043, vr: 'SQ', value: instance.conceptNameCodeSequence ?? [] });
  }
  if (type === 'SR DOCUMENT') {
    keys.push(
      str(0x0040a491, 'CS', instance.completionFlag ?? ''),
      str(0x0040a493, 'CS', instance.verificationFlag ?? ''),
    );
  }
  if (type === 'ENCAP DOC') {
    keys.push(
      str(0x00420010, 'ST', instance.documentTitle ?? ''),
      str(0x00420012, 'LO', instance.sopClassUid === ENCAPSULATED_PDF ? 'application/pdf' : 'text/XML'),
    );
  }
  return keys;
}

/** Groups the instances into the record tree, in the order they are given. */
function recordTree(instances: readonly DicomdirInstance[]): RecordNode[] {
  const patients = new Map<string, RecordNode>();
  const studies = new Map<string, RecordNode>();
  const series = new Map<string, RecordNode>();
  for (const instance of instances) {
    for (const component of instance.fileId) {
      if (!isValidFileIdComponent(component)) {
        throw new Error(`"${component}" is not a valid file ID component (1-8 of A-Z, 0-9, _).`);
      }
    }
    if (instance.fileId.length > 8) throw new Error('A file ID may have at most 8 components.');
    const patientKey = `${instance.patientId}\0${instance.patientName}`;
    let patient = patients.get(patientKey);
    if (!patient) {
      patient = {
        type: 'PATIENT',
        keys: [
          ...charset(instance),
          str(0x00100010, 'PN', instance.patientName),
          str(0x00100020, 'LO', instance.patientId),
        ],
        children: [],
      };
      patients.set(patientKey, patient);
    }
    let study = studies.get(instance.studyInstanceUid);
    if (!study) {
      study = {
        type: 'STUDY',
        keys: [
          ...charset(instance),
          str(0x00080020, 'DA', instance.studyDate),
          str(0x00080030, 'TM', instance.studyTime),
          str(0x00080050, 'SH', instance.accessionNumber),
          str(0x00081030, 'LO', instance.studyDescription),
          str(0x0020000d, 'UI', instance.studyInstanceUid),
          str(0x00200010, 'SH', instance.studyId),
        ],
        children: [],
      };
      studies.set(instance.studyInstanceUid, study);
      patient.children.push(study);
    }
    let seriesNode = series.get(instance.seriesInstanceUid);
    if (!seriesNode) {
      seriesNode = {
        type: 'SERIES',
        keys: [
          ...charset(instance),
          str(0x00080060, 'CS', instance.modality),
          str(0x0020000e, 'UI', instance.seriesInstanceUid),
          integerString(0x00200011, instance.seriesNumber),
        ],
        children: [],
      };
      series.set(instance.seriesInstanceUid, seriesNode);
      study.children.push(seriesNode);
    }
    seriesNode.children.push({ type: recordTypeFor(instance.sopClassUid), keys: leafKeys(instance), children: [] });
  }
  return [...patients.values()];
}

/** A record's item with its offsets filled in (zeros in the first pass). */
function recordItem(node: RecordNode, next: number, lower: number): DicomItem {
  return [
    { tag: 0x00041400, vr: 'UL', value: uint32(next) },
    { tag: 0x00041410, vr: 'US', value: uint16(0xffff) },
    { tag: 0x00041420, vr: 'UL', value: uint32(lower) },
    str(0x00041430, 'CS', node.type),
    ...node.keys,
  ];
}

export interface DicomdirOptions {
  /** File-set ID: up to 16 of A-Z, 0-9, _ and space. */
  fileSetId: string;
  fileSetInstanceUid: string;
}

/** Writes the DICOMDIR for `instances` (at least one). */
export function writeDicomdir(instances: readonly DicomdirInstance[], options: DicomdirOptions): Buffer {
  if (!/^[A-Z0-9_ ]{0,16}$/.test(options.fileSetId)) throw new Error('A File-set ID is up to 16 of A-Z, 0-9, _.');
  const roots = recordTree(instances);
  // Records in depth-first order, each with its parent's sibling list position.
  const order: { node: RecordNode; siblings: RecordNode[]; index: number }[] = [];
  const visit = (nodes: RecordNode[]) =>
    nodes.forEach((node, index) => {
      order.push({ node, siblings: nodes, index });
      visit(node.children);
    });
  visit(roots);

  const prefix = part10Prefix({
    mediaStorageSopClassUid: MEDIA_STORAGE_DIRECTORY_SOP_CLASS,
    mediaStorageSopInstanceUid: options.fileSetInstanceUid,
    transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN,
  });
  const head = (first: number, last: number): DicomElement[] => [
    str(0x00041130, 'CS', options.fileSetId),
    { tag: 0x00041200, vr: 'UL', value: uint32(first) },
    { tag: 0x00041202, vr: 'UL', value: uint32(last) },
    { tag: 0x00041212, vr: 'US', value: uint16(0) },
  ];
  // The sequence starts after the prefix and the four elements before it; its header is 12 bytes,
  // and each item's 8-byte tag and length precede its content.
  const sequenceStart = prefix.length + encodeDataSet(head(0, 0)).length + 12;
  const offsets = new Map<RecordNode, number>();
  let position = sequenceStart;
  for (const { node } of order) {
    offsets.set(node, position);
    position += 8 + encodeDataSet(recordItem(node, 0, 0)).length;
  }
  const at = (node: RecordNode | undefined) => (node ? offsets.get(node)! : 0);
  const items = order.map(({ node, siblings, index }) =>
    recordItem(node, at(siblings[index + 1]), at(node.children[0])),
  );
  const dataSet = encodeDataSet([
    ...head(at(roots[0]), at(roots[roots.length - 1])),
    { tag: 0x00041220, vr: 'SQ', value: items },
  ]);
  const file = Buffer.concat([prefix, dataSet]);
  if (position !== file.length) throw new Error('The DICOMDIR layout did not add up.');
  return file;
}
