import { describe, expect, it } from 'vitest';
import {
  csvNameProblem,
  defaultCsvName,
  documentTitle,
  packetFormLabel,
  packetPurposeLabel,
  recipientLine,
  shortSha256,
} from './disclosureFormat';

describe('disclosure log formatting', () => {
  it('names the forms a packet is written in, and shows an unknown one as stored', () => {
    expect(packetFormLabel('pdf')).toBe('PDF');
    expect(packetFormLabel('folder')).toBe('Disc folder');
    expect(packetFormLabel('zip')).toBe('Zip');
    expect(packetFormLabel('fax')).toBe('fax');
  });

  it('labels purposes from the shared labels, an unknown one as stored', () => {
    expect(packetPurposeLabel('insurance-appeal')).toBe('Insurance appeal');
    expect(packetPurposeLabel('new-provider')).toBe('New provider');
    expect(packetPurposeLabel('research')).toBe('research');
  });

  it('shortens a SHA-256 to 12 digits and leaves short values alone', () => {
    const sha = 'a'.repeat(12) + 'b'.repeat(52);
    expect(shortSha256(sha)).toBe('aaaaaaaaaaaa…');
    expect(shortSha256('abc')).toBe('abc');
  });

  it('calls a removed document so', () => {
    expect(documentTitle(null)).toBe('(removed from the vault)');
    expect(documentTitle('Lab results')).toBe('Lab results');
  });

  it('joins the recipient name and organisation, skipping empty parts', () => {
    expect(recipientLine({ name: 'Appeals Unit', organisation: 'Acme Health', address: '1 Main St' })).toBe(
      'Appeals Unit, Acme Health',
    );
    expect(recipientLine({ name: ' ', organisation: 'Acme Health', address: '' })).toBe('Acme Health');
  });

  it('names the CSV by the local date', () => {
    expect(defaultCsvName(new Date(2024, 2, 1, 23, 59))).toBe('disclosure-log-2024-03-01');
    expect(defaultCsvName(new Date(2025, 11, 31, 0, 0))).toBe('disclosure-log-2025-12-31');
  });

  it('refuses empty names, slashes and control characters with a sentence', () => {
    expect(csvNameProblem('disclosure-log-2024-03-01')).toBeNull();
    expect(csvNameProblem('log.csv')).toBeNull();
    expect(csvNameProblem('  ')).toBe('Give the file a name.');
    expect(csvNameProblem('a/b')).toMatch(/without slashes/);
    expect(csvNameProblem('a\\b')).toMatch(/without slashes/);
    expect(csvNameProblem('..')).toMatch(/ordinary/);
    expect(csvNameProblem('a\tb')).toMatch(/ordinary/);
  });
});
