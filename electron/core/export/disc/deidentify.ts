import { createHmac, randomBytes } from 'node:crypto';
import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import { profileAttribute, type ProfileAction } from './confidentialityProfile';
import { type DicomElement, type DicomItem, writePart10 } from './dicomWriter';

/**
 * De-identification of one DICOM file by the Basic Application Level Confidentiality Profile
 * (PS3.15 Annex E, table in `confidentialityProfile.ts`): the data set is read with dicom-parser
 * and written again by `dicomWriter.ts`, attribute by attribute, sequences included; the pixel
 * data element is copied byte for byte (native or encapsulated), the transfer syntax kept.
 */

/** Replaces UIDs consistently within one packet: the same original always gets the same new UID. */
export class UidMap {
  private readonly secret: Buffer;
  private readonly map = new Map<string, string>();

  /** `secret` makes the mapping repeatable (tests); by default each packet gets its own. */
  constructor(secret: Buffer = randomBytes(32)) {
    this.secret = secret;
  }

  /** `2.25.` and a UUID (version 8, RFC 9562) derived from the original by HMAC-SHA-256. */
  replace(original: string): string {
    const key = original.replace(/\0/g, '').trim();
    let uid = this.map.get(key);
    if (!uid) {
      const bytes = createHmac('sha256', this.secret).update(key).digest().subarray(0, 16);
      bytes[6] = (bytes[6]! & 0x0f) | 0x80;
      bytes[8] = (bytes[8]! & 0x3f) | 0x80;
      uid = `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString()}`;
      this.map.set(key, uid);
    }
    return uid;
  }

  /** The originals replaced so far and their new UIDs. */
  entries(): [string, string][] {
    return [...this.map.entries()];
  }
}

export class DeidentifyError extends Error {}

export interface DeidentifyResult {
  bytes: Buffer;
  /** Sentences for the patient: pixels that may show identity, attributes cleaned. */
  warnings: string[];
}

const EXPLICIT_BIG_ENDIAN = '1.2.840.10008.1.2.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';
const ENCAPSULATED_DOCUMENT_PREFIX = '1.2.840.10008.5.1.4.1.1.104.';
const STRUCTURED_REPORT_PREFIX = '1.2.840.10008.5.1.4.1.1.88.';
const SECONDARY_CAPTURE_PREFIX = '1.2.840.10008.5.1.4.1.1.7';
const ULTRASOUND_PREFIXES = ['1.2.840.10008.5.1.4.1.1.6.', '1.2.840.10008.5.1.4.1.1.3.'];
const PIXEL_DATA = 0x7fe00010;

/** Attributes the Z action fills with a dummy rather than emptying: Type 1 in a DICOMDIR record. */
const Z_DUMMIES = new Map<number, string>([
  [0x00100020, 'ANONYMOUS'], // Patient ID (PATIENT record)
  [0x00100010, 'ANONYMOUS^'], // Patient's Name (a family name: without the ^ it reads as ACR-NEMA's retired form)
  [0x00080020, '19000101'], // Study Date (STUDY record)
  [0x00080030, '000000'], // Study Time
  [0x00200010, 'ANON'], // Study ID
]);

/** A dummy value of the VR, for the D action. */
function dummy(vr: string, original: Buffer): Buffer | string | null {
  switch (vr) {
    case 'PN':
      return 'ANONYMOUS^';
    case 'DA':
      return '19000101';
    case 'TM':
      return '000000';
    case 'DT':
      return '19000101000000';
    case 'AS':
      return '000Y';
    case 'IS':
    case 'DS':
      return '0';
    case 'AE':
    case 'CS':
    case 'SH':
    case 'LO':
    case 'ST':
    case 'LT':
    case 'UT':
    case 'UC':
      return 'ANONYMIZED';
    case 'UR':
      return '';
    case 'US':
    case 'SS':
    case 'UL':
    case 'SL':
    case 'FL':
    case 'FD':
    case 'AT':
    case 'SV':
    case 'UV':
      return Buffer.alloc(original.length);
    default:
      return null; // OB, OW, UN and the like: no meaningful dummy, emptied instead
  }
}

/** The VR an attribute's name implies, for implicit VR files (null: not known). */
function vrFromName(name: string): string | null {
  if (/DateTime$/.test(name)) return 'DT';
  if (/Date$/.test(name)) return 'DA';
  if (/Time$/.test(name)) return 'TM';
  if (/UID( List)?$/.test(name)) return 'UI';
  if (/Sequence( \(Trial\))?$/.test(name)) return 'SQ';
  return null;
}

/**
 * Sequences the profile marks X/Z or X/Z/D that are Type 2 where they occur (the Acquisition
 * Context module's): emptied. The others (Referenced Study, Referenced Performed Procedure Step,
 * Institution Code) are Type 3, where a sequence present must hold an item: removed.
 */
const TYPE_2_SEQUENCES = new Set([0x00400555]);

/** The combined codes resolved: keep a value where a Type 1 attribute may need one, else empty or remove. */
function resolve(action: ProfileAction, tag: number, vr: string): 'D' | 'Z' | 'X' | 'K' | 'U' | 'U*' {
  switch (action) {
    case 'X/Z':
    case 'X/Z/D':
      // An empty value is valid for a Type 3 attribute too, but an empty sequence is not.
      return vr === 'SQ' && !TYPE_2_SEQUENCES.has(tag) ? 'X' : 'Z';
    case 'X/D':
    case 'Z/D':
      return 'D';
    case 'X/Z/U*':
      return 'U*';
    case 'C':
      // Cleaning free text is not attempted: removed (the profile allows X where C is given only
      // when the attribute is not Type 1; none of the C attributes in this table is).
      return 'X';
    default:
      return action;
  }
}

interface Context {
  bytes: Buffer;
  uids: UidMap;
  cleaned: Set<string>;
}

function rawValue(ctx: Context, element: Element): Buffer {
  return ctx.bytes.subarray(element.dataOffset, element.dataOffset + element.length);
}

function tagNumber(key: string): number {
  return Number.parseInt(key.slice(1), 16) >>> 0;
}

function uidValue(ctx: Context, element: Element): string {
  const values = rawValue(ctx, element).toString('latin1').replace(/\0/g, '').trim().split('\\').filter(Boolean);
  return values.map((uid) => ctx.uids.replace(uid)).join('\\');
}

function convertItems(ctx: Context, element: Element, depth: number): DicomElement {
  const items = element.items ?? [];
  return {
    tag: tagNumber(element.tag),
    vr: 'SQ',
    value: items.map((item) => (item.dataSet ? convertDataSet(ctx, item.dataSet, depth + 1) : [])),
    undefinedLength: element.hadUndefinedLength === true,
    undefinedLengthItems: items.map((item) => item.hadUndefinedLength === true),
  };
}

/** Copies an element as it is (sequences item by item, with the profile applied inside). */
function keep(ctx: Context, element: Element, vr: string, depth: number): DicomElement {
  const tag = tagNumber(element.tag);
  if (vr === 'SQ') return convertItems(ctx, element, depth);
  return {
    tag,
    vr,
    value: Buffer.from(rawValue(ctx, element)),
    undefinedLength: element.hadUndefinedLength === true,
  };
}

function convertDataSet(ctx: Context, dataSet: DataSet, depth: number): DicomItem {
  if (depth > 32) throw new DeidentifyError('The DICOM file nests sequences too deeply to be de-identified.');
  const out: DicomElement[] = [];
  for (const [key, element] of Object.entries(dataSet.elements)) {
    const tag = tagNumber(key);
    const group = tag >>> 16;
    if (group === 0x0002 && depth === 0) continue; // the meta group is written afresh
    if (group % 2 === 1) continue; // private attributes: all removed
    if ((tag & 0xffff) === 0 && group !== 0x0000) continue; // group lengths no longer hold
    const row = profileAttribute(tag);
    // Implicit VR files say no VR: a sequence is known by its items, a profile attribute's VR by
    // its name, and anything else is copied as it is (its VR does not matter when writing it).
    const vr = element.vr ?? (element.items ? 'SQ' : ((row && vrFromName(row.name)) ?? 'UN'));
    if (!row) {
      out.push(keep(ctx, element, vr, depth));
      continue;
    }
    if (row.action === 'C') ctx.cleaned.add(row.name);
    const action = resolve(row.action, tag, vr);
    switch (action) {
      case 'K':
        out.push(keep(ctx, element, vr, depth));
        break;
      case 'X':
        break;
      case 'Z': {
        const placeholder = Z_DUMMIES.get(tag);
        out.push({
          tag,
          vr,
          value: vr === 'SQ' ? [] : placeholder !== undefined && depth === 0 ? placeholder : Buffer.alloc(0),
        });
        break;
      }
      case 'D': {
        if (vr === 'SQ') {
          // No item is kept: the attributes inside (free text, names, codes) are not all in the
          // table, so a copy of them could carry identity.
          out.push({ tag, vr: 'SQ', value: [] });
          break;
        }
        if (vr === 'UI') {
          out.push({ tag, vr: 'UI', value: uidValue(ctx, element) });
          break;
        }
        const value = dummy(vr, rawValue(ctx, element));
        // Without a dummy for the VR (binary, or unknown in an implicit VR file): emptied.
        out.push({ tag, vr, value: value ?? Buffer.alloc(0) });
        break;
      }
      case 'U':
        // Every U attribute of the table is a UID (or a sequence of them).
        if (vr === 'SQ') out.push(convertItems(ctx, element, depth));
        else out.push({ tag, vr: 'UI', value: uidValue(ctx, element) });
        break;
      case 'U*':
        out.push(vr === 'SQ' ? convertItems(ctx, element, depth) : keep(ctx, element, vr, depth));
        break;
    }
  }
  return out;
}

/** Why the pixels may still show who the patient is, or null. */
export function burnedInWarning(facts: {
  burnedInAnnotation: string | null;
  modality: string | null;
  sopClassUid: string | null;
}): string | null {
  const sop = facts.sopClassUid ?? '';
  if (facts.burnedInAnnotation?.toUpperCase() === 'YES') {
    return 'Some images say they have text burned into the pixels (such as a name or date); de-identification cannot remove it, so look at them before sharing.';
  }
  if (facts.modality?.toUpperCase() === 'US' || ULTRASOUND_PREFIXES.some((prefix) => sop.startsWith(prefix))) {
    return 'Ultrasound images often have the patient name or date burned into the pixels; de-identification cannot remove it, so look at them before sharing.';
  }
  if (sop.startsWith(SECONDARY_CAPTURE_PREFIX)) {
    return 'Secondary capture images (screenshots, scanned pages) may show identity in the pixels; de-identification cannot remove it, so look at them before sharing.';
  }
  return null;
}

/**
 * De-identifies a Part 10 file in implicit or explicit VR little endian or an encapsulated
 * transfer syntax. Big endian and deflated files, and encapsulated documents (a PDF inside cannot be
 * de-identified reliably), are refused with a DeidentifyError.
 */
export function deidentifyDicom(bytes: Buffer, uids: UidMap): DeidentifyResult {
  if (bytes.length < 132 || bytes.toString('latin1', 128, 132) !== 'DICM') {
    throw new DeidentifyError('The DICOM file has no Part 10 header; it was not de-identified.');
  }
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes);
  } catch {
    throw new DeidentifyError('The DICOM file could not be read; it was not de-identified.');
  }
  const text = (tag: string): string | null => {
    const value = dataSet.string(tag)?.replace(/\0/g, '').trim();
    return value ? value : null;
  };
  const transferSyntax = text('x00020010');
  const sopClassUid = text('x00080016') ?? text('x00020002');
  const sopInstanceUid = text('x00080018') ?? text('x00020003');
  if (!transferSyntax || !sopClassUid || !sopInstanceUid) {
    throw new DeidentifyError('The DICOM file lacks its SOP class, instance or transfer syntax.');
  }
  if ([EXPLICIT_BIG_ENDIAN, DEFLATED].includes(transferSyntax)) {
    throw new DeidentifyError(
      'The DICOM file is in a transfer syntax Medvault does not rewrite; it was not de-identified.',
    );
  }
  if (sopClassUid.startsWith(ENCAPSULATED_DOCUMENT_PREFIX)) {
    throw new DeidentifyError('A document inside a DICOM file (such as a PDF) cannot be de-identified reliably.');
  }
  if (sopClassUid.startsWith(STRUCTURED_REPORT_PREFIX)) {
    // The profile replaces the Content Sequence with a dummy, which leaves no report to read.
    throw new DeidentifyError('The text of a structured report cannot be de-identified reliably.');
  }
  const ctx: Context = { bytes, uids, cleaned: new Set() };
  const elements = convertDataSet(ctx, dataSet, 0).filter(
    (element) => ![0x00120062, 0x00120063, 0x00120064].includes(element.tag),
  );
  elements.push(
    { tag: 0x00120062, vr: 'CS', value: 'YES' },
    // LO holds 64 characters at most; the code sequence below names the profile in full.
    { tag: 0x00120063, vr: 'LO', value: 'DICOM PS3.15 Basic Profile (Medvault)' },
    {
      tag: 0x00120064,
      vr: 'SQ',
      value: [
        [
          { tag: 0x00080100, vr: 'SH', value: '113100' },
          { tag: 0x00080102, vr: 'SH', value: 'DCM' },
          { tag: 0x00080104, vr: 'LO', value: 'Basic Application Confidentiality Profile' },
        ],
      ],
    },
  );
  const pixelData = dataSet.elements.x7fe00010;
  if (pixelData && !elements.some((element) => element.tag === PIXEL_DATA)) {
    throw new DeidentifyError('The pixel data was lost in de-identification.'); // never expected
  }
  const warnings: string[] = [];
  const burnedIn = burnedInWarning({
    burnedInAnnotation: text('x00280301'),
    modality: text('x00080060'),
    sopClassUid,
  });
  if (burnedIn) warnings.push(burnedIn);
  const out = writePart10({
    mediaStorageSopClassUid: sopClassUid,
    mediaStorageSopInstanceUid: uids.replace(sopInstanceUid),
    transferSyntaxUid: transferSyntax,
    dataSet: elements,
  });
  return { bytes: out, warnings };
}
