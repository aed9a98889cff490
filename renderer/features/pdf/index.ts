/** The PDF viewer (pdf.js), and its zoom controls and arithmetic, which the image viewer shares. */
export { PdfViewer } from './PdfViewer';
export { ZoomControls } from './ZoomControls';
export { imageZoom, type Size } from './viewerMath';
