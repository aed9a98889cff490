import type { ImportRequest, ScanPageRequest } from '../../../shared/api';

export type Turn = 0 | 90 | 180 | 270;

/** A page of the scan being put together in the import dialog. */
export interface PageItem {
  key: string;
  name: string;
  /** A picked or dropped image (uploaded or named by path when importing)… */
  file?: File;
  /** …or a page the scanner made, already stored (encrypted) as an upload. */
  uploadId?: string;
  /** A thumbnail of a picked JPEG or PNG (a blob: URL, in memory). */
  thumb?: string;
  /** The patient's turn, clockwise; undefined lets Medvault turn the page upright by itself. */
  rotate?: Turn;
}

/** Images a scan takes: what the core reads as scanned pages. */
export function isPageImage(file: File): boolean {
  return /\.(jpe?g|png|tiff?)$/i.test(file.name) || /^image\/(jpeg|png|tiff)$/.test(file.type);
}

/** The page at `index` moved one place up (-1) or down (+1); unchanged at the ends. */
export function movePage(pages: readonly PageItem[], index: number, by: -1 | 1): PageItem[] {
  const target = index + by;
  if (index < 0 || index >= pages.length || target < 0 || target >= pages.length) return [...pages];
  const moved = [...pages];
  [moved[index], moved[target]] = [moved[target]!, moved[index]!];
  return moved;
}

/** The page at `index` turned a quarter clockwise (+90) or anticlockwise (-90). */
export function turnPage(pages: readonly PageItem[], index: number, by: -90 | 90): PageItem[] {
  return pages.map((page, at) =>
    at === index ? { ...page, rotate: (((((page.rotate ?? 0) + by) % 360) + 360) % 360) as Turn } : page,
  );
}

/**
 * The import request for the pages, once each is a path or an upload: one scan of all pages
 * (`together`), or one scan per page.
 */
export function scanRequest(
  pages: readonly { page: PageItem; ref: { path: string } | { uploadId: string } }[],
  title: string,
  together: boolean,
): ImportRequest {
  const asPage = ({ page, ref }: (typeof pages)[number]): ScanPageRequest =>
    page.rotate === undefined ? { ...ref } : { ...ref, rotate: page.rotate };
  const name = title.trim() || undefined;
  const scans = together
    ? [{ title: name, pages: pages.map(asPage) }]
    : pages.map((entry, index) => ({
        title: name && pages.length > 1 ? `${name} (page ${index + 1})` : name,
        pages: [asPage(entry)],
      }));
  return { sourceKind: 'scan', scans };
}
