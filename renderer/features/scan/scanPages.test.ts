import { describe, expect, it } from 'vitest';
import { isPageImage, movePage, scanRequest, turnPage, type PageItem } from './scanPages';

const pages: PageItem[] = [
  { key: 'a', name: 'a.jpg' },
  { key: 'b', name: 'b.png' },
  { key: 'c', name: 'c.tif', rotate: 270 },
];

describe('the scan page list', () => {
  it('moves a page up or down, and not past either end', () => {
    expect(movePage(pages, 2, -1).map((page) => page.key)).toEqual(['a', 'c', 'b']);
    expect(movePage(pages, 0, 1).map((page) => page.key)).toEqual(['b', 'a', 'c']);
    expect(movePage(pages, 0, -1).map((page) => page.key)).toEqual(['a', 'b', 'c']);
    expect(movePage(pages, 2, 1).map((page) => page.key)).toEqual(['a', 'b', 'c']);
  });

  it('turns a page by quarters, both ways, starting from upright', () => {
    expect(turnPage(pages, 0, 90)[0]!.rotate).toBe(90);
    expect(turnPage(pages, 0, -90)[0]!.rotate).toBe(270);
    expect(turnPage(pages, 2, 90)[2]!.rotate).toBe(0);
    expect(turnPage(pages, 2, 90)[1]).toBe(pages[1]);
  });

  it('makes one scan of all pages in order, or one per page', () => {
    const refs = [
      { page: pages[2]!, ref: { uploadId: 'u1' } },
      { page: pages[0]!, ref: { path: '/p/a.jpg' } },
    ];
    expect(scanRequest(refs, ' Letter ', true)).toEqual({
      sourceKind: 'scan',
      scans: [{ title: 'Letter', pages: [{ uploadId: 'u1', rotate: 270 }, { path: '/p/a.jpg' }] }],
    });
    expect(scanRequest(refs, '', false).scans).toEqual([
      { title: undefined, pages: [{ uploadId: 'u1', rotate: 270 }] },
      { title: undefined, pages: [{ path: '/p/a.jpg' }] },
    ]);
    expect(scanRequest(refs, 'Letter', false).scans!.map((scan) => scan.title)).toEqual([
      'Letter (page 1)',
      'Letter (page 2)',
    ]);
  });

  it('takes JPEG, PNG and TIFF images only', () => {
    expect(isPageImage(new File([], 'scan.TIF'))).toBe(true);
    expect(isPageImage(new File([], 'photo', { type: 'image/jpeg' }))).toBe(true);
    expect(isPageImage(new File([], 'notes.pdf', { type: 'application/pdf' }))).toBe(false);
  });
});
