/** Photos and scans: the preview and the zoomable viewer. */
export { ImagePreview } from './ImagePreview';
