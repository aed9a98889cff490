/**
 * The viewer's pure parts: the stack of a series (one entry per frame), window presets, the
 * keyboard map, window/level from a drag. No cornerstone, no DOM: unit-tested on their own.
 */
import { documentFileUrl } from '../../../shared/api';
import type { DicomSeriesView, KeyImage } from '../../../shared/dicom';

export interface StackEntry {
  /** `wadouri:` + the absolute URL of the instance (with `frame=` for a frame of a multi-frame one); null without pixels. */
  imageId: string | null;
  position: number;
  sopInstanceUid: string;
  instanceNumber: number | null;
  /** 0-based frame of a multi-frame instance; null for a single-frame one. */
  frame: number | null;
  frames: number;
}

/** Frames of a multi-frame instance (ultrasound cine) scroll like slices; capped so a huge count cannot flood the list. */
const MAX_FRAMES_PER_INSTANCE = 5000;

/** The series as the patient scrolls it: instances in order, each multi-frame one as its frames. */
export function buildStack(origin: string, documentId: string, series: DicomSeriesView): StackEntry[] {
  const stack: StackEntry[] = [];
  for (const instance of series.instances) {
    const url = `wadouri:${origin}${documentFileUrl(documentId, instance.position)}`;
    const base = {
      position: instance.position,
      sopInstanceUid: instance.sopInstanceUid,
      instanceNumber: instance.instanceNumber,
      frames: instance.frames,
    };
    if (!instance.hasPixels) stack.push({ ...base, imageId: null, frame: null });
    else if (instance.frames <= 1) stack.push({ ...base, imageId: url, frame: null });
    else
      for (let frame = 0; frame < Math.min(instance.frames, MAX_FRAMES_PER_INSTANCE); frame++)
        stack.push({ ...base, imageId: `${url}?frame=${frame}`, frame });
  }
  return stack;
}

/** The key image a stack entry would be: its instance and frame (0 for a single-frame instance). */
export function keyImageOf(entry: StackEntry): KeyImage {
  return { sopInstanceUid: entry.sopInstanceUid, frame: entry.frame ?? 0 };
}

export function isKeyImage(keyImages: readonly KeyImage[], entry: StackEntry | null): boolean {
  if (!entry) return false;
  const frame = entry.frame ?? 0;
  return keyImages.some((key) => key.sopInstanceUid === entry.sopInstanceUid && key.frame === frame);
}

/** Where a key image is: its series (index in the study) and its place in that series' stack. */
export interface KeyImagePlace {
  key: KeyImage;
  seriesIndex: number;
  series: DicomSeriesView;
  instanceNumber: number | null;
  /** 0-based frame of a multi-frame instance; null for a single-frame one. */
  frame: number | null;
  frames: number;
}

/** The key images in marking order, each with its series and instance (those no longer in the study left out). */
export function placeKeyImages(series: readonly DicomSeriesView[], keyImages: readonly KeyImage[]): KeyImagePlace[] {
  return keyImages.flatMap((key) => {
    for (const [seriesIndex, entry] of series.entries()) {
      const instance = entry.instances.find((i) => i.sopInstanceUid === key.sopInstanceUid);
      if (instance)
        return [
          {
            key,
            seriesIndex,
            series: entry,
            instanceNumber: instance.instanceNumber,
            frame: instance.frames > 1 ? key.frame : null,
            frames: instance.frames,
          },
        ];
    }
    return [];
  });
}

/** The index in a stack of a key image's entry, or -1. */
export function stackIndexOf(stack: readonly StackEntry[], key: KeyImage): number {
  return stack.findIndex((entry) => entry.sopInstanceUid === key.sopInstanceUid && (entry.frame ?? 0) === key.frame);
}

export function clampIndex(index: number, length: number): number {
  if (length <= 0) return 0;
  return Math.min(length - 1, Math.max(0, Math.round(index)));
}

/**
 * The image ids to load ahead, nearest first: `ahead` in the scroll direction, `behind` the other
 * way, alternating while both last.
 */
export function prefetchOrder(
  stack: readonly StackEntry[],
  index: number,
  ahead: number,
  behind: number,
  direction: 1 | -1,
): string[] {
  const ids: string[] = [];
  for (let step = 1; step <= Math.max(ahead, behind); step++) {
    const forward = step <= ahead ? stack[index + direction * step]?.imageId : null;
    const backward = step <= behind ? stack[index - direction * step]?.imageId : null;
    if (forward) ids.push(forward);
    if (backward) ids.push(backward);
  }
  return ids;
}

/** The first series with an image to show, else the first. */
export function firstImageSeries(series: readonly DicomSeriesView[]): number {
  const index = series.findIndex((entry) => entry.instances.some((instance) => instance.hasPixels));
  return Math.max(0, index);
}

/** Where a series opens: its middle slice (where a radiologist lands), a cine at its first frame. */
export function startIndex(stack: readonly StackEntry[]): number {
  const cine = stack.length > 1 && stack.every((item) => item.position === stack[0]!.position);
  return cine ? 0 : Math.max(0, Math.floor((stack.length - 1) / 2));
}

export interface WindowPreset {
  id: string;
  label: string;
  width: number;
  center: number;
}

/**
 * CT windows in Hounsfield units, as Radiopaedia's "Windowing (CT)" article gives them: brain
 * W80 L40, soft tissue W400 L40, lung W1500 L-600, bone W1800 L400.
 */
export const CT_PRESETS: readonly WindowPreset[] = [
  { id: 'soft-tissue', label: 'Soft tissue', width: 400, center: 40 },
  { id: 'lung', label: 'Lung', width: 1500, center: -600 },
  { id: 'bone', label: 'Bone', width: 1800, center: 400 },
  { id: 'brain', label: 'Brain', width: 80, center: 40 },
];

/** The window the file itself names (its first VOI), else one spanning its pixel values. */
export function fileWindow(image: {
  windowWidth?: number | number[];
  windowCenter?: number | number[];
  minPixelValue: number;
  maxPixelValue: number;
  slope: number;
  intercept: number;
}): { width: number; center: number } {
  const first = (value: number | number[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const width = first(image.windowWidth);
  const center = first(image.windowCenter);
  if (width !== undefined && center !== undefined && Number.isFinite(width) && Number.isFinite(center) && width > 0)
    return { width, center };
  const low = image.minPixelValue * image.slope + image.intercept;
  const high = image.maxPixelValue * image.slope + image.intercept;
  return { width: Math.max(1, high - low), center: (high + low) / 2 };
}

/**
 * Window/level from a drag, as radiology viewers do it: right widens the window, down raises the
 * level; the step grows with the window so a wide CT window and a narrow MR one both move usefully.
 */
export function dragWindow(
  start: { width: number; center: number },
  dx: number,
  dy: number,
): { width: number; center: number } {
  const step = Math.max(1, start.width / 256);
  return { width: Math.max(1, Math.round(start.width + dx * step)), center: Math.round(start.center + dy * step) };
}

export type ViewerAction =
  | { kind: 'move'; by: number }
  | { kind: 'first' }
  | { kind: 'last' }
  | { kind: 'invert' }
  | { kind: 'reset' }
  | { kind: 'fit' }
  | { kind: 'play' }
  | { kind: 'rotate' }
  | { kind: 'key' }
  | { kind: 'close' };

/** Page Up/Down move by a tenth of the stack (at least one). */
export function keyAction(key: string, stackLength: number): ViewerAction | null {
  const page = Math.max(1, Math.round(stackLength / 10));
  switch (key) {
    case 'ArrowUp':
    case 'ArrowLeft':
      return { kind: 'move', by: -1 };
    case 'ArrowDown':
    case 'ArrowRight':
      return { kind: 'move', by: 1 };
    case 'PageUp':
      return { kind: 'move', by: -page };
    case 'PageDown':
      return { kind: 'move', by: page };
    case 'Home':
      return { kind: 'first' };
    case 'End':
      return { kind: 'last' };
    case 'i':
    case 'I':
      return { kind: 'invert' };
    case 'r':
    case 'R':
      return { kind: 'reset' };
    case 'f':
    case 'F':
      return { kind: 'fit' };
    case ' ':
      return { kind: 'play' };
    case 'k':
    case 'K':
      return { kind: 'key' };
    case 'Escape':
      return { kind: 'close' };
    default:
      return null;
  }
}

/** A DICOM person name (Family^Given^Middle^Prefix^Suffix) as people write it. */
export function personName(value: string | null | undefined): string {
  if (!value) return '';
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = value.split('=')[0]!.split('^');
  return [prefix, given, middle, family, suffix].filter((part) => part.trim()).join(' ');
}

/** A DICOM date (YYYYMMDD) as YYYY-MM-DD; anything else as it is. */
export function dicomDate(value: string | null | undefined): string {
  if (!value) return '';
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
  return match ? `${match[1]}-${match[2]}-${match[3]}` : value.trim();
}

/** "Series 3: Axial 5mm", as the thumbnails and the overlay name a series. */
export function seriesLabel(series: DicomSeriesView): string {
  const number = series.seriesNumber !== null ? `Series ${series.seriesNumber}` : 'Series';
  return [number, series.description ?? series.modality].filter(Boolean).join(': ');
}

/** Said where key images are marked: why the patient would mark one. */
export const KEY_IMAGES_NOTE =
  'Key images are what packets show of this study (without any, the middle image of each series).';
