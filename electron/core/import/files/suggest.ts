import { basename, extname } from 'node:path';
import { isIsoDate } from '../../../../shared/documents';

/** A readable title from a file name: `2023-04-05_lab_results.pdf` → `lab results`. */
export function titleFromFileName(path: string): string {
  const name = basename(path, extname(path));
  const cleaned = name
    .replace(/(^|[\s_.-])(19|20)\d{2}[-_.]?\d{2}[-_.]?\d{2}(?=$|[\s_.-])/g, ' ')
    .replace(/[_]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned || name || 'Untitled document';
}

/** A date of service written in a file name: ISO (`2023-04-05`, `20230405`) or US (`04-05-2023`). */
export function dateFromFileName(path: string): string | null {
  const name = basename(path);
  const iso = name.match(/(?:^|[^\d])((?:19|20)\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?:[^\d]|$)/);
  if (iso) {
    const date = `${iso[1]}-${iso[2]}-${iso[3]}`;
    if (isIsoDate(date)) return date;
  }
  const us = name.match(/(?:^|[^\d])(\d{2})[-_.](\d{2})[-_.]((?:19|20)\d{2})(?:[^\d]|$)/);
  if (us) {
    const date = `${us[3]}-${us[1]}-${us[2]}`;
    if (isIsoDate(date)) return date;
  }
  return null;
}

/** A PDF's Title metadata, if it is a real title rather than a leftover of the program that wrote it. */
export function usablePdfTitle(title: string | null): string | null {
  if (!title) return null;
  const cleaned = title
    .replace(/^Microsoft (Word|Excel|PowerPoint) - /i, '')
    .replace(/\.(docx?|xlsx?|pptx?|rtf|pdf)$/i, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned.length < 3 || /^(untitled|document\d*|scan\d*|page \d+)$/i.test(cleaned)) return null;
  return cleaned;
}
