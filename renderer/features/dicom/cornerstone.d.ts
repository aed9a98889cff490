/**
 * The parts of cornerstone-core, cornerstone-wado-image-loader and dicom-parser the viewer uses:
 * the packages ship no types.
 */
declare module 'cornerstone-core' {
  export interface Voi {
    windowWidth: number;
    windowCenter: number;
  }
  export interface Viewport {
    scale: number;
    translation: { x: number; y: number };
    voi: Voi;
    invert: boolean;
    rotation: number;
    hflip: boolean;
    vflip: boolean;
    pixelReplication: boolean;
  }
  export interface Image {
    imageId: string;
    rows: number;
    columns: number;
    color: boolean;
    windowCenter?: number | number[];
    windowWidth?: number | number[];
    minPixelValue: number;
    maxPixelValue: number;
    slope: number;
    intercept: number;
    invert: boolean;
    sizeInBytes: number;
    columnPixelSpacing?: number;
    rowPixelSpacing?: number;
    /** The wadouri loader's dicom-parser data set of the instance. */
    data?: import('dicom-parser').DataSet;
    getPixelData(): ArrayLike<number>;
  }
  export interface EnabledElement {
    element: HTMLElement;
    canvas: HTMLCanvasElement;
    image?: Image;
    viewport?: Viewport;
  }
  export function enable(element: HTMLElement, options?: object): void;
  export function disable(element: HTMLElement): void;
  export function getEnabledElement(element: HTMLElement): EnabledElement;
  export function loadAndCacheImage(imageId: string): Promise<Image>;
  export function displayImage(element: HTMLElement, image: Image, viewport?: Partial<Viewport>): void;
  export function getViewport(element: HTMLElement): Viewport | undefined;
  export function setViewport(element: HTMLElement, viewport: Partial<Viewport>): void;
  export function getDefaultViewportForImage(element: HTMLElement, image: Image): Viewport;
  export function fitToWindow(element: HTMLElement): void;
  export function reset(element: HTMLElement): void;
  export function resize(element: HTMLElement, fitToWindow?: boolean): void;
  export function updateImage(element: HTMLElement): void;
  export function pageToPixel(element: HTMLElement, pageX: number, pageY: number): { x: number; y: number };
  export function pixelToCanvas(element: HTMLElement, point: { x: number; y: number }): { x: number; y: number };
  export const imageCache: {
    setMaximumSizeBytes(bytes: number): void;
    getCacheInfo(): { maximumSizeInBytes: number; cacheSizeInBytes: number; numberOfImagesCached: number };
    purgeCache(): void;
  };
  export const EVENTS: { IMAGE_RENDERED: string; NEW_IMAGE: string };
}

declare module 'cornerstone-wado-image-loader' {
  const loader: {
    external: { cornerstone: unknown; dicomParser: unknown };
    webWorkerManager: { initialize(config: object): void; terminate(): void };
    wadouri: {
      dataSetCacheManager: { purge(): void; getInfo(): { cacheSizeInBytes: number; numberOfDataSetsCached: number } };
    };
  };
  export default loader;
}

declare module 'dicom-parser' {
  export interface Element {
    tag: string;
    vr?: string;
    length: number;
    dataOffset: number;
    items?: { dataSet?: DataSet }[];
    fragments?: unknown[];
    encapsulatedPixelData?: boolean;
  }
  export interface DataSet {
    byteArray: Uint8Array;
    elements: Record<string, Element>;
    string(tag: string, index?: number): string | undefined;
    text(tag: string, index?: number): string | undefined;
    uint16(tag: string, index?: number): number | undefined;
    int16(tag: string, index?: number): number | undefined;
    uint32(tag: string, index?: number): number | undefined;
    int32(tag: string, index?: number): number | undefined;
    float(tag: string, index?: number): number | undefined;
    double(tag: string, index?: number): number | undefined;
    floatString(tag: string, index?: number): number | undefined;
    intString(tag: string, index?: number): number | undefined;
    numStringValues(tag: string): number | undefined;
    attributeTag(tag: string): string | undefined;
  }
  export function parseDicom(byteArray: Uint8Array, options?: object): DataSet;
  const dicomParser: { parseDicom: typeof parseDicom };
  export default dicomParser;
}
