/**
 * The tag panel's rows: every element of an instance's data set (dicom-parser), with a name for
 * common tags, its VR and its value as text. Pixel data and other bulk values show as a size, never
 * dumped; sequences list their items indented, two levels deep.
 */
import type { DataSet, Element } from 'dicom-parser';

export interface TagRow {
  /** "(0010,0010)" */
  tag: string;
  name: string;
  vr: string;
  value: string;
  depth: number;
}

/** Names (and VRs, for implicit-VR files) of tags a patient is likely to look for. */
const DICTIONARY: Record<string, [string, string]> = {
  '00020001': ['File Meta Information Version', 'OB'],
  '00020002': ['Media Storage SOP Class UID', 'UI'],
  '00020003': ['Media Storage SOP Instance UID', 'UI'],
  '00020010': ['Transfer Syntax UID', 'UI'],
  '00020012': ['Implementation Class UID', 'UI'],
  '00020013': ['Implementation Version Name', 'SH'],
  '00080005': ['Specific Character Set', 'CS'],
  '00080008': ['Image Type', 'CS'],
  '00080012': ['Instance Creation Date', 'DA'],
  '00080013': ['Instance Creation Time', 'TM'],
  '00080016': ['SOP Class UID', 'UI'],
  '00080018': ['SOP Instance UID', 'UI'],
  '00080020': ['Study Date', 'DA'],
  '00080021': ['Series Date', 'DA'],
  '00080022': ['Acquisition Date', 'DA'],
  '00080023': ['Content Date', 'DA'],
  '00080030': ['Study Time', 'TM'],
  '00080031': ['Series Time', 'TM'],
  '00080033': ['Content Time', 'TM'],
  '00080050': ['Accession Number', 'SH'],
  '00080060': ['Modality', 'CS'],
  '00080064': ['Conversion Type', 'CS'],
  '00080070': ['Manufacturer', 'LO'],
  '00080080': ['Institution Name', 'LO'],
  '00080090': ['Referring Physician Name', 'PN'],
  '00081030': ['Study Description', 'LO'],
  '0008103E': ['Series Description', 'LO'],
  '00081090': ['Manufacturer Model Name', 'LO'],
  '00100010': ['Patient Name', 'PN'],
  '00100020': ['Patient ID', 'LO'],
  '00100030': ['Patient Birth Date', 'DA'],
  '00100040': ['Patient Sex', 'CS'],
  '00101010': ['Patient Age', 'AS'],
  '00180015': ['Body Part Examined', 'CS'],
  '00180050': ['Slice Thickness', 'DS'],
  '00180060': ['KVP', 'DS'],
  '00181030': ['Protocol Name', 'LO'],
  '00185100': ['Patient Position', 'CS'],
  '0020000D': ['Study Instance UID', 'UI'],
  '0020000E': ['Series Instance UID', 'UI'],
  '00200010': ['Study ID', 'SH'],
  '00200011': ['Series Number', 'IS'],
  '00200012': ['Acquisition Number', 'IS'],
  '00200013': ['Instance Number', 'IS'],
  '00200032': ['Image Position (Patient)', 'DS'],
  '00200037': ['Image Orientation (Patient)', 'DS'],
  '00200052': ['Frame of Reference UID', 'UI'],
  '00201041': ['Slice Location', 'DS'],
  '00280002': ['Samples per Pixel', 'US'],
  '00280004': ['Photometric Interpretation', 'CS'],
  '00280006': ['Planar Configuration', 'US'],
  '00280008': ['Number of Frames', 'IS'],
  '00280010': ['Rows', 'US'],
  '00280011': ['Columns', 'US'],
  '00280030': ['Pixel Spacing', 'DS'],
  '00280100': ['Bits Allocated', 'US'],
  '00280101': ['Bits Stored', 'US'],
  '00280102': ['High Bit', 'US'],
  '00280103': ['Pixel Representation', 'US'],
  '00281050': ['Window Center', 'DS'],
  '00281051': ['Window Width', 'DS'],
  '00281052': ['Rescale Intercept', 'DS'],
  '00281053': ['Rescale Slope', 'DS'],
  '00281054': ['Rescale Type', 'LO'],
  '00281101': ['Red Palette Color Lookup Table Descriptor', 'US'],
  '00281102': ['Green Palette Color Lookup Table Descriptor', 'US'],
  '00281103': ['Blue Palette Color Lookup Table Descriptor', 'US'],
  '00281201': ['Red Palette Color Lookup Table Data', 'OW'],
  '00281202': ['Green Palette Color Lookup Table Data', 'OW'],
  '00281203': ['Blue Palette Color Lookup Table Data', 'OW'],
  '0040A040': ['Value Type', 'CS'],
  '0040A043': ['Concept Name Code Sequence', 'SQ'],
  '0040A730': ['Content Sequence', 'SQ'],
  '00420010': ['Document Title', 'ST'],
  '00420011': ['Encapsulated Document', 'OB'],
  '00420012': ['MIME Type of Encapsulated Document', 'LO'],
  '7FE00010': ['Pixel Data', 'OW'],
};

const TEXT_VRS = new Set([
  'AE',
  'AS',
  'CS',
  'DA',
  'DS',
  'DT',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'ST',
  'TM',
  'UC',
  'UI',
  'UR',
  'UT',
]);
const MAX_VALUE = 200;
const MAX_NUMBERS = 16;
const MAX_DEPTH = 2;

/** "x00100010" → "(0010,0010)" */
export function formatTag(key: string): string {
  const hex = key.replace(/^x/, '').toUpperCase();
  return `(${hex.slice(0, 4)},${hex.slice(4, 8)})`;
}

export function tagName(key: string): string {
  const hex = key.replace(/^x/, '').toUpperCase();
  if (hex.slice(4, 8) === '0000') return 'Group Length';
  if (parseInt(hex.slice(0, 4), 16) % 2 === 1) return 'Private';
  return DICTIONARY[hex]?.[0] ?? '';
}

function shorten(text: string): string {
  const clean = text.replace(/\p{Cc}+/gu, ' ').trim();
  return clean.length > MAX_VALUE ? `${clean.slice(0, MAX_VALUE - 1)}…` : clean;
}

function numbers(count: number, read: (index: number) => number | undefined): string {
  const values: string[] = [];
  for (let index = 0; index < Math.min(count, MAX_NUMBERS); index++) values.push(String(read(index)));
  return values.join('\\') + (count > MAX_NUMBERS ? `\\… (${count} values)` : '');
}

function valueOf(dataSet: DataSet, key: string, element: Element, vr: string): string {
  if (key === 'x7fe00010' || key === 'x7fe00008')
    return element.encapsulatedPixelData
      ? `(compressed pixel data, ${element.fragments?.length ?? 0} fragments)`
      : `(pixel data, ${element.length} bytes)`;
  if (element.items) return `(${element.items.length} ${element.items.length === 1 ? 'item' : 'items'})`;
  if (element.length === 0) return '';
  if (TEXT_VRS.has(vr)) return shorten(dataSet.string(key) ?? '');
  switch (vr) {
    case 'US':
      return numbers(element.length / 2, (i) => dataSet.uint16(key, i));
    case 'SS':
      return numbers(element.length / 2, (i) => dataSet.int16(key, i));
    case 'UL':
      return numbers(element.length / 4, (i) => dataSet.uint32(key, i));
    case 'SL':
      return numbers(element.length / 4, (i) => dataSet.int32(key, i));
    case 'FL':
      return numbers(element.length / 4, (i) => dataSet.float(key, i));
    case 'FD':
      return numbers(element.length / 8, (i) => dataSet.double(key, i));
    case 'AT':
      return formatTag(`x${dataSet.attributeTag(key) ?? ''}`);
    default:
      return `(${element.length} bytes)`;
  }
}

/** The rows of a data set, in tag order, sequences' items after their sequence. */
export function tagRows(dataSet: DataSet, depth = 0): TagRow[] {
  const rows: TagRow[] = [];
  for (const key of Object.keys(dataSet.elements).sort()) {
    const element = dataSet.elements[key]!;
    const hex = key.replace(/^x/, '').toUpperCase();
    if (hex.startsWith('FFFE')) continue; // item delimiters
    const vr = element.vr ?? (element.items ? 'SQ' : (DICTIONARY[hex]?.[1] ?? 'UN'));
    rows.push({ tag: formatTag(key), name: tagName(key), vr, value: valueOf(dataSet, key, element, vr), depth });
    if (element.items && depth < MAX_DEPTH)
      element.items.forEach((item, index) => {
        rows.push({ tag: '', name: `Item ${index + 1}`, vr: '', value: '', depth: depth + 1 });
        if (item.dataSet) rows.push(...tagRows(item.dataSet, depth + 1));
      });
  }
  return rows;
}
