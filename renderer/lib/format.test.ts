import { describe, expect, it } from 'vitest';
import { RECORD_TYPES } from '../../shared/recordSet';
import { formatBytes, formatIsoDate, formatMegabytes, plural, recordTypeLabel } from './format';

describe('formatBytes', () => {
  it('uses binary units with one decimal below ten', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(25 * 1024 * 1024)).toBe('25 MB');
    expect(formatBytes(3.25 * 1024 ** 3)).toBe('3.3 GB');
  });
  it('shows a dash for nonsense', () => {
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('formatMegabytes', () => {
  it('shows megabytes with one decimal', () => {
    expect(formatMegabytes(0)).toBe('0.0 MB');
    expect(formatMegabytes(1.5 * 1024 * 1024)).toBe('1.5 MB');
  });
});

describe('formatIsoDate', () => {
  it('formats the calendar date without shifting it by time zone', () => {
    expect(formatIsoDate('2024-03-01', 'en-GB')).toBe('1 Mar 2024');
    expect(formatIsoDate('1999-12-31', 'en-US')).toBe('Dec 31, 1999');
  });
  it('is empty for an unknown date', () => {
    expect(formatIsoDate(null)).toBe('');
  });
});

describe('recordTypeLabel', () => {
  it('turns every slug into a sentence-case label', () => {
    expect(recordTypeLabel('explanation-of-benefits')).toBe('Explanation of benefits');
    expect(recordTypeLabel('lab-result')).toBe('Lab result');
    for (const type of RECORD_TYPES) expect(recordTypeLabel(type)).toMatch(/^[A-Z][a-z ]+$/);
  });
});

describe('plural', () => {
  it('picks the singular for one only', () => {
    expect(plural(1, 'document')).toBe('1 document');
    expect(plural(0, 'document')).toBe('0 documents');
    expect(plural(2, 'copy', 'copies')).toBe('2 copies');
  });
});
