import { describe, expect, it } from 'vitest';
import type { VaultDocument } from '../../../shared/documents';
import { addTag, draftOf, draftProblem, editFromDraft, isEmptyEdit, normaliseTag, removeTag } from './documentDraft';

const document: VaultDocument = {
  id: 'abcd1234',
  title: 'Blood panel',
  type: 'lab-result',
  category: 'medical-record',
  date: '2024-03-01',
  provider: 'City Lab',
  tags: ['blood', 'yearly'],
  source: { kind: 'file', path: '/home/pat/labs.pdf' },
  mediaType: 'application/pdf',
  bytes: 1234,
  importedAt: '2024-04-01T10:00:00.000Z',
  editedFields: [],
  suggested: {},
  needsReview: false,
};

describe('editFromDraft', () => {
  it('is empty when nothing changed', () => {
    expect(isEmptyEdit(editFromDraft(document, draftOf(document)))).toBe(true);
  });

  it('holds only the changed fields', () => {
    const draft = { ...draftOf(document), title: '  Blood panel 2024 ', type: 'itemized-bill' as const };
    expect(editFromDraft(document, draft)).toEqual({ title: 'Blood panel 2024', type: 'itemized-bill' });
  });

  it('clears the date and the provider with null', () => {
    const draft = { ...draftOf(document), date: '', provider: '   ' };
    expect(editFromDraft(document, draft)).toEqual({ date: null, provider: null });
  });

  it('sets a date and provider that were unknown', () => {
    const unknown = { ...document, date: null, provider: null };
    const draft = { ...draftOf(unknown), date: '2023-01-02', provider: 'Dr Who' };
    expect(editFromDraft(unknown, draft)).toEqual({ date: '2023-01-02', provider: 'Dr Who' });
  });

  it('turns the tag list into additions and removals', () => {
    const draft = { ...draftOf(document), tags: ['yearly', 'cholesterol'] };
    expect(editFromDraft(document, draft)).toEqual({ addTags: ['cholesterol'], removeTags: ['blood'] });
  });
});

describe('tags', () => {
  it('normalises whitespace and length', () => {
    expect(normaliseTag('  blood   work ')).toBe('blood work');
    expect(normaliseTag('x'.repeat(100))).toHaveLength(64);
  });
  it('adds a tag once, ignoring case, and never an empty one', () => {
    expect(addTag(['Blood'], 'blood')).toEqual(['Blood']);
    expect(addTag(['Blood'], '  ')).toEqual(['Blood']);
    expect(addTag(['Blood'], 'x-ray')).toEqual(['Blood', 'x-ray']);
  });
  it('removes exactly the tag', () => {
    expect(removeTag(['a', 'b'], 'a')).toEqual(['b']);
  });
});

describe('draftProblem', () => {
  it('refuses an empty title and an impossible date', () => {
    expect(draftProblem({ ...draftOf(document), title: '  ' })).toMatch(/title/);
    expect(draftProblem({ ...draftOf(document), date: '2024-02-30' })).toMatch(/date/);
    expect(draftProblem(draftOf(document))).toBeNull();
    expect(draftProblem({ ...draftOf(document), date: '' })).toBeNull();
  });
});
