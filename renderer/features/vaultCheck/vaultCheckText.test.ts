import { describe, expect, it } from 'vitest';
import type { VaultCheck } from '../../../shared/api';
import { checkSummary, unreferencedSentence } from './vaultCheckText';

const healthy: VaultCheck = {
  ok: true,
  database: 'ok',
  documents: 3,
  filesChecked: 4,
  problems: [],
  unreferenced: { count: 0, bytes: 0 },
};

describe('what the vault check says', () => {
  it('says an intact vault is intact, with its counts', () => {
    expect(checkSummary(healthy)).toBe('The vault is intact: the database and 4 files (3 documents) check out.');
  });

  it('names what is wrong, and asks for a backup before any change', () => {
    const damaged = { ...healthy, ok: false, problems: [{ documentId: 'a', message: 'x' }] };
    expect(checkSummary(damaged)).toBe(
      'The vault has problems: 1 file cannot be read as stored. Keep a backup of the folder as it is before changing anything.',
    );
    expect(checkSummary({ ...damaged, database: 'row 3 missing from index' })).toMatch(
      /^The vault has problems: the database reports damage, and 1 file cannot be read as stored\./,
    );
  });

  it('says files no document names are kept, in the number it has', () => {
    expect(unreferencedSentence({ count: 1, bytes: 100 })).toBe(
      '1 stored file (100 B) belongs to no document. It is kept: Medvault never removes a file on its own judgement.',
    );
    expect(unreferencedSentence({ count: 2, bytes: 2048 })).toBe(
      '2 stored files (2.0 KB) belong to no document. They are kept: Medvault never removes a file on its own judgement.',
    );
  });
});
