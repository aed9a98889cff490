import { describe, expect, it } from 'vitest';
import {
  clearToolbarFilters,
  hasToolbarFilters,
  NO_FILTERS,
  toDocumentFilter,
  withCategory,
  withNeedsReview,
  withType,
} from './filters';

describe('toDocumentFilter', () => {
  it('leaves out everything that is "any"', () => {
    expect(toDocumentFilter(NO_FILTERS)).toEqual({});
  });
  it('passes set fields and trims the search text', () => {
    expect(
      toDocumentFilter({
        ...NO_FILTERS,
        category: 'billing-record',
        type: 'itemized-bill',
        from: '2024-01-01',
        to: '2024-12-31',
        provider: 'City Lab',
        tag: 'x',
        text: '  cholesterol ',
      }),
    ).toEqual({
      category: 'billing-record',
      type: 'itemized-bill',
      from: '2024-01-01',
      to: '2024-12-31',
      provider: 'City Lab',
      tag: 'x',
      text: 'cholesterol',
    });
  });
});

describe('toolbar filters', () => {
  it('does not count the category or blank search as a filter', () => {
    expect(hasToolbarFilters({ ...NO_FILTERS, category: 'medical-record', text: '  ' })).toBe(false);
    expect(hasToolbarFilters({ ...NO_FILTERS, tag: 'x' })).toBe(true);
  });
  it('clears everything but the category', () => {
    expect(clearToolbarFilters({ ...NO_FILTERS, category: 'medical-record', tag: 'x', text: 'y' })).toEqual({
      ...NO_FILTERS,
      category: 'medical-record',
    });
  });
});

describe('category and type stay consistent', () => {
  it('drops a type that is not in the chosen category', () => {
    expect(withCategory({ ...NO_FILTERS, type: 'lab-result' }, 'billing-record').type).toBe('');
    expect(withCategory({ ...NO_FILTERS, type: 'lab-result' }, 'medical-record').type).toBe('lab-result');
    expect(withCategory({ ...NO_FILTERS, type: 'lab-result' }, null).type).toBe('lab-result');
  });
  it('moves to the category of a chosen type', () => {
    expect(withType({ ...NO_FILTERS, category: 'billing-record' }, 'lab-result').category).toBe('medical-record');
    expect(withType({ ...NO_FILTERS, category: null }, 'lab-result').category).toBeNull();
  });
});

describe('the needs-review view', () => {
  it('asks the core for the documents to check, across categories, and keeps the toolbar', () => {
    const view = withNeedsReview({ ...NO_FILTERS, category: 'billing-record', text: 'mercy' });
    expect(toDocumentFilter(view)).toEqual({ needsReview: true, text: 'mercy' });
    expect(clearToolbarFilters(view)).toEqual({ ...NO_FILTERS, needsReview: true });
  });
  it('is left by choosing a category or all documents', () => {
    expect(withCategory(withNeedsReview(NO_FILTERS), 'medical-record')).toEqual({
      ...NO_FILTERS,
      category: 'medical-record',
    });
    expect(withCategory(withNeedsReview(NO_FILTERS), null).needsReview).toBe(false);
  });
});
