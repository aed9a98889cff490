/** Importing: the dialog, the drop overlay, and the import as the library follows it. */
export { DropOverlay } from './DropOverlay';
export { ImportDialog } from './ImportDialog';
export { useImport, type ImportController } from './useImport';
