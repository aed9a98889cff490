/** Scanning pages (or adding page images) into one document, as a step of the import dialog. */
export { ScanPagesStep, type ScanImport } from './ScanPagesStep';
