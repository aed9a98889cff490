/** The library: the sidebar, the document list and the panel, and the dialogs opened from it. */
export { Library } from './Library';
