/** Operating-system litter that is never a record. */
const SYSTEM_FILES = new Set(['.ds_store', 'thumbs.db', 'desktop.ini', 'ehthumbs.db', '.localized', 'icon\r']);

export function isSystemFile(name: string): boolean {
  const lower = name.toLowerCase();
  return SYSTEM_FILES.has(lower) || lower.startsWith('._') || lower.startsWith('.');
}
