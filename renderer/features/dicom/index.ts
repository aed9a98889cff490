/** The DICOM study viewer (cornerstone), and the preload that starts reading a study before it is shown. */
export { DicomViewer } from './DicomViewer';
export { useDicomPreload } from './useDicomPreload';
