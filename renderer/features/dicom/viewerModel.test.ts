import { describe, expect, it } from 'vitest';
import type { DicomInstanceView, DicomSeriesView } from '../../../shared/dicom';
import {
  CT_PRESETS,
  buildStack,
  clampIndex,
  dicomDate,
  dragWindow,
  fileWindow,
  keyAction,
  personName,
  firstImageSeries,
  isKeyImage,
  keyImageOf,
  placeKeyImages,
  prefetchOrder,
  stackIndexOf,
  startIndex,
} from './viewerModel';

function instance(position: number, extra: Partial<DicomInstanceView> = {}): DicomInstanceView {
  return {
    position,
    sopInstanceUid: `1.2.${position}`,
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    instanceNumber: position + 1,
    rows: 512,
    columns: 512,
    frames: 1,
    transferSyntax: '1.2.840.10008.1.2.1',
    hasPixels: true,
    ...extra,
  };
}

function series(instances: DicomInstanceView[]): DicomSeriesView {
  return { seriesInstanceUid: '1.2', seriesNumber: 1, modality: 'CT', description: null, bodyPart: null, instances };
}

describe('stack', () => {
  it('has one entry per instance, one per frame of a multi-frame one, and none to load for an instance without pixels', () => {
    const stack = buildStack(
      'http://127.0.0.1:5000',
      'abcd1234',
      series([instance(0), instance(1, { frames: 3 }), instance(2, { hasPixels: false, rows: null, columns: null })]),
    );
    expect(stack.map((entry) => entry.imageId)).toEqual([
      'wadouri:http://127.0.0.1:5000/files/abcd1234/0',
      'wadouri:http://127.0.0.1:5000/files/abcd1234/1?frame=0',
      'wadouri:http://127.0.0.1:5000/files/abcd1234/1?frame=1',
      'wadouri:http://127.0.0.1:5000/files/abcd1234/1?frame=2',
      null,
    ]);
    expect(stack[2]).toMatchObject({ frame: 1, frames: 3, instanceNumber: 2 });
  });

  it('clamps and prefetches nearest first, ahead of the scroll before behind it', () => {
    expect(clampIndex(-3, 10)).toBe(0);
    expect(clampIndex(12, 10)).toBe(9);
    expect(clampIndex(4, 0)).toBe(0);
    const stack = buildStack('', 'abcd1234', series([0, 1, 2, 3, 4, 5].map((n) => instance(n))));
    const ids = (list: string[]) => list.map((id) => Number(id.split('/').pop()));
    expect(ids(prefetchOrder(stack, 2, 2, 2, 1))).toEqual([3, 1, 4, 0]);
    expect(ids(prefetchOrder(stack, 2, 2, 2, -1))).toEqual([1, 3, 0, 4]);
    expect(ids(prefetchOrder(stack, 5, 3, 3, 1))).toEqual([4, 3, 2]);
    expect(ids(prefetchOrder(stack, 1, 3, 1, 1))).toEqual([2, 0, 3, 4]);
  });

  it('opens a series at its middle, a cine at frame 1, and the first series with an image', () => {
    const slices = buildStack('', 'abcd1234', series([0, 1, 2, 3].map((n) => instance(n))));
    expect(startIndex(slices)).toBe(1);
    expect(startIndex(buildStack('', 'abcd1234', series([instance(0, { frames: 5 })])))).toBe(0);
    expect(startIndex([])).toBe(0);
    const report = series([instance(0, { hasPixels: false })]);
    expect(firstImageSeries([report, series([instance(1)])])).toBe(1);
    expect(firstImageSeries([report])).toBe(0);
  });
});

describe('windows', () => {
  it('has the standard CT presets', () => {
    expect(CT_PRESETS.map((preset) => [preset.id, preset.width, preset.center])).toEqual([
      ['soft-tissue', 400, 40],
      ['lung', 1500, -600],
      ['bone', 1800, 400],
      ['brain', 80, 40],
    ]);
  });

  it("takes the file's first window, else its rescaled pixel range", () => {
    const range = { minPixelValue: 0, maxPixelValue: 4095, slope: 1, intercept: -1024 };
    expect(fileWindow({ ...range, windowWidth: [400, 1500], windowCenter: [40, -600] })).toEqual({
      width: 400,
      center: 40,
    });
    expect(fileWindow({ ...range, windowWidth: 80, windowCenter: 40 })).toEqual({ width: 80, center: 40 });
    expect(fileWindow(range)).toEqual({ width: 4095, center: 1023.5 });
  });

  it('widens to the right and raises the level downwards, in steps that follow the width', () => {
    expect(dragWindow({ width: 400, center: 40 }, 10, 0)).toEqual({ width: 416, center: 40 });
    expect(dragWindow({ width: 400, center: 40 }, 0, -10)).toEqual({ width: 400, center: 24 });
    expect(dragWindow({ width: 80, center: 40 }, -200, 0)).toEqual({ width: 1, center: 40 });
  });
});

describe('key images', () => {
  it('knows which stack entry is marked, frame by frame, and where each key image is', () => {
    const stack = buildStack('', 'abcd1234', series([instance(0), instance(1, { frames: 3 })]));
    const keys = [
      { sopInstanceUid: '1.2.1', frame: 2 },
      { sopInstanceUid: '1.2.0', frame: 0 },
      { sopInstanceUid: '9.9', frame: 0 },
    ];
    expect(stack.map((entry) => isKeyImage(keys, entry))).toEqual([true, false, false, true]);
    expect(isKeyImage(keys, null)).toBe(false);
    expect(keyImageOf(stack[0]!)).toEqual({ sopInstanceUid: '1.2.0', frame: 0 });
    expect(keyImageOf(stack[2]!)).toEqual({ sopInstanceUid: '1.2.1', frame: 1 });
    expect(keys.map((key) => stackIndexOf(stack, key))).toEqual([3, 0, -1]);
    const other = { ...series([instance(5)]), seriesInstanceUid: '1.3' };
    const placed = placeKeyImages([other, series([instance(0), instance(1, { frames: 3 })])], keys);
    expect(placed.map((p) => [p.seriesIndex, p.instanceNumber, p.frame, p.frames])).toEqual([
      [1, 2, 2, 3],
      [1, 1, null, 1],
    ]);
  });
});

describe('keys', () => {
  it('maps arrows, pages, ends and letters', () => {
    expect(keyAction('ArrowDown', 200)).toEqual({ kind: 'move', by: 1 });
    expect(keyAction('ArrowLeft', 200)).toEqual({ kind: 'move', by: -1 });
    expect(keyAction('PageDown', 200)).toEqual({ kind: 'move', by: 20 });
    expect(keyAction('PageUp', 5)).toEqual({ kind: 'move', by: -1 });
    expect(keyAction('Home', 5)).toEqual({ kind: 'first' });
    expect(keyAction('End', 5)).toEqual({ kind: 'last' });
    expect(keyAction('i', 5)).toEqual({ kind: 'invert' });
    expect(keyAction(' ', 5)).toEqual({ kind: 'play' });
    expect(keyAction('Escape', 5)).toEqual({ kind: 'close' });
    expect(keyAction('k', 5)).toEqual({ kind: 'key' });
    expect(keyAction('K', 5)).toEqual({ kind: 'key' });
    expect(keyAction('x', 5)).toBeNull();
  });
});

describe('overlay text', () => {
  it('writes names and dates as people do', () => {
    expect(personName('DOE^JANE^Q^^')).toBe('JANE Q DOE');
    expect(personName('DOE^JANE=ドウ^ジェーン')).toBe('JANE DOE');
    expect(personName(null)).toBe('');
    expect(dicomDate('20240312')).toBe('2024-03-12');
    expect(dicomDate('2024')).toBe('2024');
  });
});
