/** One document's panel: its preview, details, tags and suggestions. */
export { DocumentPanel } from './DocumentPanel';
