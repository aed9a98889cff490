import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { formatTag, tagName, tagRows } from './tags';

const LONG = new Set(['OB', 'OW', 'SQ', 'UN', 'UT']);

/** One explicit-VR little-endian element. */
function element(group: number, number: number, vr: string, value: Uint8Array): Uint8Array {
  const long = LONG.has(vr);
  const header = new DataView(new ArrayBuffer(long ? 12 : 8));
  header.setUint16(0, group, true);
  header.setUint16(2, number, true);
  header.setUint8(4, vr.charCodeAt(0));
  header.setUint8(5, vr.charCodeAt(1));
  if (long) header.setUint32(8, value.length, true);
  else header.setUint16(6, value.length, true);
  return concat(new Uint8Array(header.buffer), value);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const text = (value: string) => new TextEncoder().encode(value.length % 2 ? `${value} ` : value);
const uint16 = (...values: number[]) => new Uint8Array(new Uint16Array(values).buffer);

function item(content: Uint8Array): Uint8Array {
  const header = new DataView(new ArrayBuffer(8));
  header.setUint16(0, 0xfffe, true);
  header.setUint16(2, 0xe000, true);
  header.setUint32(4, content.length, true);
  return concat(new Uint8Array(header.buffer), content);
}

const dataSet = dicomParser.parseDicom(
  concat(
    element(0x0008, 0x1115, 'SQ', item(element(0x0008, 0x1150, 'UI', text('1.2.3')))),
    element(0x0009, 0x0010, 'LO', text('ACME')),
    element(0x0010, 0x0010, 'PN', text('DOE^JANE')),
    element(0x0028, 0x0010, 'US', uint16(128)),
    element(0x0028, 0x0030, 'DS', text('0.5\\0.5')),
    element(0x0028, 0x1101, 'US', uint16(256, 0, 16)),
    element(0x7fe0, 0x0010, 'OW', new Uint8Array(32)),
  ),
  { TransferSyntaxUID: '1.2.840.10008.1.2.1' },
);

describe('tag panel rows', () => {
  it('formats tags and names common ones, private ones as private', () => {
    expect(formatTag('x0010001f')).toBe('(0010,001F)');
    expect(tagName('x00100010')).toBe('Patient Name');
    expect(tagName('x00090010')).toBe('Private');
    expect(tagName('x00280000')).toBe('Group Length');
    expect(tagName('x00111234')).toBe('Private');
    expect(tagName('x00121234')).toBe('');
  });

  it('lists values by VR, items indented, and pixel data only as its size', () => {
    const rows = tagRows(dataSet);
    const row = (tag: string) => rows.find((entry) => entry.tag === tag);
    expect(row('(0010,0010)')).toEqual({
      tag: '(0010,0010)',
      name: 'Patient Name',
      vr: 'PN',
      value: 'DOE^JANE',
      depth: 0,
    });
    expect(row('(0028,0010)')?.value).toBe('128');
    expect(row('(0028,1101)')?.value).toBe('256\\0\\16');
    expect(row('(0028,0030)')?.value).toBe('0.5\\0.5');
    expect(row('(7FE0,0010)')?.value).toBe('(pixel data, 32 bytes)');
    expect(row('(0008,1115)')?.value).toBe('(1 item)');
    const sequence = rows.findIndex((entry) => entry.tag === '(0008,1115)');
    expect(rows[sequence + 1]).toMatchObject({ name: 'Item 1', depth: 1 });
    expect(rows[sequence + 2]).toMatchObject({ tag: '(0008,1150)', value: '1.2.3', depth: 1 });
    // In tag order.
    const tags = rows.map((entry) => entry.tag).filter(Boolean);
    expect(tags.indexOf('(0010,0010)')).toBeLessThan(tags.indexOf('(0028,0010)'));
  });
});
