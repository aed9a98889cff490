import type { Image } from 'cornerstone-core';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { createPortal } from 'react-dom';
import type { DicomSeriesView, DicomStudyView, KeyImage } from '../../../shared/dicom';
import { useApi } from '../../api';
import { Icon } from '../../ui/Icon';
import { Spinner } from '../../ui/Spinner';
import { trapTab, useInertApp } from '../../ui/focus';
import { loadCornerstone, type CornerstoneApi } from './loadCornerstone';
import { SeriesThumbnail } from './SeriesThumbnail';
import { TagPanel } from './TagPanel';
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
  type StackEntry,
} from './viewerModel';
import './dicom.css';

type Tool = 'window' | 'pan' | 'zoom' | 'length';
type Status = 'loading' | 'ready' | 'placeholder' | 'error';

interface ViewState {
  width: number;
  center: number;
  scale: number;
}

interface Point {
  x: number;
  y: number;
}

/** Set when the viewer has drawn its first image (the benchmark's stop: bench/viewerDicom.ts). */
export const FIRST_IMAGE_MARK = 'medvault:dicom-first-image';

/** Instances loaded ahead of the one shown in the scroll direction, and behind it. */
const PREFETCH_AHEAD = 10;
const PREFETCH_BEHIND = 2;
/** Wheel movement (CSS pixels) that scrolls one slice: less than a mouse notch (100–120). */
const WHEEL_STEP_PX = 50;
const CINE_RATES = [5, 10, 15, 24, 30];
const TOOLS: { id: Tool; label: string }[] = [
  { id: 'window', label: 'Window/level' },
  { id: 'pan', label: 'Pan' },
  { id: 'zoom', label: 'Zoom' },
  { id: 'length', label: 'Length' },
];

/** Said where key images are marked: why the patient would mark one. */
const KEY_IMAGES_NOTE =
  'Key images are what packets show of this study (without any, the middle image of each series).';

function seriesLabel(series: DicomSeriesView): string {
  const number = series.seriesNumber !== null ? `Series ${series.seriesNumber}` : 'Series';
  return [number, series.description ?? series.modality].filter(Boolean).join(': ');
}

/**
 * A study in a full-window viewer: series thumbnails, the active series in a viewport (scroll,
 * window/level, zoom, pan, invert, rotate, flip, cine, a length), overlays and the instance's
 * tags. Each instance is read from the core's document URL as the patient scrolls to it, with its
 * neighbours loaded ahead; decoded images stay in cornerstone's bounded cache.
 */
export function DicomViewer({ documentId, onClose }: { documentId: string; onClose: () => void }) {
  const api = useApi();
  const [study, setStudy] = useState<DicomStudyView | null>(null);
  const [cornerstone, setCornerstone] = useState<CornerstoneApi | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [seriesIndex, setSeriesIndex] = useState(0);
  const [index, setIndex] = useState(0);
  const [status, setStatus] = useState<Status>('loading');
  const [decodeError, setDecodeError] = useState<string | null>(null);
  const [image, setImage] = useState<Image | null>(null);
  /** The stack entry on screen (the overlay describes it, not the one still loading). */
  const [shown, setShown] = useState<StackEntry | null>(null);
  const [view, setView] = useState<ViewState | null>(null);
  const [tool, setTool] = useState<Tool>('window');
  const [playing, setPlaying] = useState(false);
  const [fps, setFps] = useState(10);
  const [showTags, setShowTags] = useState(false);
  const [line, setLine] = useState<{ from: Point; to: Point } | null>(null);
  const [renderTick, setRenderTick] = useState(0);
  const [firstDrawn, setFirstDrawn] = useState(false);
  /** Kept apart from the study: a change must not rebuild the stack (and move the patient). */
  const [keyImages, setKeyImages] = useState<KeyImage[]>([]);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [keyBusy, setKeyBusy] = useState(false);
  /** A key image to show once its series' stack is built (a jump from the list to another series). */
  const pendingJump = useRef<KeyImage | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const element = useRef<HTMLDivElement>(null);
  const direction = useRef<1 | -1>(1);
  const freshViewport = useRef(true);
  const displayToken = useRef(0);

  useEffect(() => {
    let current = true;
    void api.getDicomStudy({ id: documentId }).then((result) => {
      if (!current) return;
      if (!result.ok) return setLoadError(result.error.message);
      setStudy(result.value);
      setKeyImages(result.value.keyImages);
      setSeriesIndex(firstImageSeries(result.value.series));
    });
    loadCornerstone().then(
      (loaded) => current && setCornerstone(() => loaded),
      () => current && setLoadError('The image viewer could not start.'),
    );
    return () => {
      current = false;
    };
  }, [api, documentId]);

  // The page behind is inert while the viewer is open; focus comes back where it was.
  useInertApp();
  useEffect(() => root.current?.focus(), []);

  const series = study?.series[seriesIndex] ?? null;
  const stack = useMemo<StackEntry[]>(
    () => (series ? buildStack(window.location.origin, documentId, series) : []),
    [documentId, series],
  );
  const entry = stack[clampIndex(index, stack.length)] ?? null;

  // cornerstone draws into the viewport element; it follows the element's size.
  useEffect(() => {
    const el = element.current;
    if (!cornerstone || !el) return;
    cornerstone.enable(el);
    let first = true;
    const onRendered = () => {
      if (first) performance.mark(FIRST_IMAGE_MARK);
      first = false;
      const viewport = cornerstone.getViewport(el);
      if (viewport)
        setView({ width: viewport.voi.windowWidth, center: viewport.voi.windowCenter, scale: viewport.scale });
      setRenderTick((tick) => tick + 1);
    };
    el.addEventListener(cornerstone.EVENTS.IMAGE_RENDERED, onRendered);
    const observer = new ResizeObserver(() => {
      if (cornerstone.getEnabledElement(el).image) cornerstone.resize(el, false);
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      el.removeEventListener(cornerstone.EVENTS.IMAGE_RENDERED, onRendered);
      cornerstone.disable(el);
    };
  }, [cornerstone]);

  // A new series opens at its start slice (or the key image jumped to) with the file's own window.
  useEffect(() => {
    freshViewport.current = true;
    const jump = pendingJump.current ? stackIndexOf(stack, pendingJump.current) : -1;
    pendingJump.current = null;
    setIndex(jump >= 0 ? jump : startIndex(stack));
    setPlaying(false);
    setLine(null);
  }, [stack]);

  useEffect(() => {
    const el = element.current;
    if (!cornerstone || !el || !entry) return;
    const token = ++displayToken.current;
    if (!entry.imageId) {
      setStatus('placeholder');
      setImage(null);
      setShown(entry);
      return;
    }
    const imageId = entry.imageId;
    setStatus((previous) => (previous === 'ready' ? previous : 'loading'));
    cornerstone.loadAndCacheImage(imageId).then(
      (loaded) => {
        if (token !== displayToken.current) return;
        // cornerstone keeps the element's viewport unless given one: a new series gets the image's default
        // (fitted, the file's window, MONOCHROME1 inverted); scrolling keeps the patient's zoom and window.
        const keep = !freshViewport.current && cornerstone.getEnabledElement(el).image;
        cornerstone.displayImage(
          el,
          loaded,
          keep ? cornerstone.getViewport(el) : cornerstone.getDefaultViewportForImage(el, loaded),
        );
        freshViewport.current = false;
        setImage(loaded);
        setShown(entry);
        setStatus('ready');
        setDecodeError(null);
        setFirstDrawn(true);
      },
      (error: unknown) => {
        if (token !== displayToken.current) return;
        setImage(null);
        setShown(entry);
        setStatus('error');
        setDecodeError(describeLoadError(error));
      },
    );
    const at = clampIndex(index, stack.length);
    for (const id of prefetchOrder(stack, at, PREFETCH_AHEAD, PREFETCH_BEHIND, direction.current))
      cornerstone.loadAndCacheImage(id).catch(() => undefined);
  }, [cornerstone, entry, stack, index]);

  const move = useCallback(
    (by: number) => {
      if (by === 0) return;
      direction.current = by > 0 ? 1 : -1;
      setIndex((current) => clampIndex(current + by, stack.length));
    },
    [stack.length],
  );

  // Cine: frames (or slices) in a loop at the chosen rate.
  useEffect(() => {
    if (!playing || stack.length < 2) return;
    direction.current = 1;
    const timer = setInterval(() => setIndex((current) => (current + 1) % stack.length), 1000 / fps);
    return () => clearInterval(timer);
  }, [playing, fps, stack.length]);

  const shownIsKey = isKeyImage(keyImages, shown);
  const canMark = status === 'ready' && shown !== null && shown.imageId !== null;

  // toggleKeyImage, jumpTo and reset are plain functions, not useCallback: they read what changes with
  // every slice (the entry shown, the index, the image). A memoized callback keeps the scope of the
  // render that made it, and that scope holds the callbacks it got back from earlier renders: two
  // renewed on different renders (jumpTo on the index, toggleKeyImage on the image shown) chained
  // every past render, each with its image (pixels and file) beyond the cache's bound. Nothing takes
  // their identity; the callbacks still memoized depend only on cornerstone and the stack's length.

  /** Marks or unmarks the image on screen; the core's list comes back in marking order. */
  const toggleKeyImage = () => {
    if (!canMark || !shown || keyBusy) return;
    setKeyBusy(true);
    const marked = !isKeyImage(keyImages, shown);
    void api.setKeyImage({ id: documentId, ...keyImageOf(shown), marked }).then((result) => {
      setKeyBusy(false);
      if (!result.ok) return setKeyError(result.error.message);
      setKeyError(null);
      setKeyImages(result.value.keyImages);
    });
  };

  const jumpTo = (key: KeyImage, toSeries: number) => {
    if (toSeries === seriesIndex) {
      const at = stackIndexOf(stack, key);
      if (at >= 0) {
        direction.current = at >= index ? 1 : -1;
        setIndex(at);
      }
      return;
    }
    pendingJump.current = key;
    setSeriesIndex(toSeries);
  };

  const updateViewport = useCallback(
    (change: (viewport: NonNullable<ReturnType<CornerstoneApi['getViewport']>>) => void) => {
      const el = element.current;
      if (!cornerstone || !el || !cornerstone.getEnabledElement(el).image) return;
      const viewport = cornerstone.getViewport(el);
      if (!viewport) return;
      change(viewport);
      cornerstone.setViewport(el, viewport);
    },
    [cornerstone],
  );

  const setWindow = useCallback(
    (width: number, center: number) =>
      updateViewport((viewport) => {
        viewport.voi = { windowWidth: width, windowCenter: center };
      }),
    [updateViewport],
  );

  const fit = useCallback(() => {
    const el = element.current;
    if (cornerstone && el && cornerstone.getEnabledElement(el).image) cornerstone.fitToWindow(el);
  }, [cornerstone]);

  const reset = () => {
    const el = element.current;
    if (!cornerstone || !el || !image) return;
    cornerstone.setViewport(el, cornerstone.getDefaultViewportForImage(el, image));
    setLine(null);
  };

  const zoomBy = useCallback(
    (factor: number) =>
      updateViewport((viewport) => {
        viewport.scale = Math.min(40, Math.max(0.05, viewport.scale * factor));
      }),
    [updateViewport],
  );

  // The wheel scrolls the stack (with Ctrl or ⌘ it zooms); a listener that can prevent the page's scroll.
  useEffect(() => {
    const el = element.current;
    if (!el) return;
    let pending = 0;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      if (event.ctrlKey || event.metaKey) return zoomBy(event.deltaY < 0 ? 1.1 : 1 / 1.1);
      // A mouse notch is one slice; a touchpad's many small deltas add up to one.
      const delta = event.deltaMode === WheelEvent.DOM_DELTA_PIXEL ? event.deltaY : event.deltaY * WHEEL_STEP_PX;
      pending = Math.sign(delta) === Math.sign(pending) ? pending + delta : delta;
      if (Math.abs(pending) < WHEEL_STEP_PX) return;
      move(Math.sign(pending));
      pending = 0;
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [move, zoomBy]);

  const drag = useRef<{
    tool: Tool;
    x: number;
    y: number;
    viewport: NonNullable<ReturnType<CornerstoneApi['getViewport']>>;
  } | null>(null);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    const el = element.current;
    if (!cornerstone || !el || !cornerstone.getEnabledElement(el).image) return;
    const viewport = cornerstone.getViewport(el);
    if (!viewport) return;
    // Middle button or Shift pans, right button or Ctrl zooms, whatever the tool.
    const chosen: Tool =
      event.button === 1 || event.shiftKey ? 'pan' : event.button === 2 || event.ctrlKey ? 'zoom' : tool;
    drag.current = { tool: chosen, x: event.clientX, y: event.clientY, viewport: structuredClone(viewport) };
    el.setPointerCapture(event.pointerId);
    if (chosen === 'length') {
      const at = cornerstone.pageToPixel(el, event.pageX, event.pageY);
      setLine({ from: at, to: at });
    }
    event.preventDefault();
  };

  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    const el = element.current;
    if (!start || !cornerstone || !el) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    if (start.tool === 'window') {
      const next = dragWindow(
        { width: start.viewport.voi.windowWidth, center: start.viewport.voi.windowCenter },
        dx,
        dy,
      );
      setWindow(next.width, next.center);
    } else if (start.tool === 'zoom') {
      updateViewport((viewport) => {
        viewport.scale = Math.min(40, Math.max(0.05, start.viewport.scale * Math.exp(-dy / 150)));
      });
    } else if (start.tool === 'pan') {
      // The translation is in image axes: undo the rotation and flips of the screen drag.
      const angle = (-start.viewport.rotation * Math.PI) / 180;
      let x = (dx * Math.cos(angle) - dy * Math.sin(angle)) / start.viewport.scale;
      let y = (dx * Math.sin(angle) + dy * Math.cos(angle)) / start.viewport.scale;
      if (start.viewport.hflip) x = -x;
      if (start.viewport.vflip) y = -y;
      updateViewport((viewport) => {
        viewport.translation = { x: start.viewport.translation.x + x, y: start.viewport.translation.y + y };
      });
    } else {
      const at = cornerstone.pageToPixel(el, event.pageX, event.pageY);
      setLine((current) => (current ? { from: current.from, to: at } : current));
    }
  };

  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    drag.current = null;
    element.current?.releasePointerCapture(event.pointerId);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // A modal view: Tab stays inside it.
    if (event.key === 'Tab' && root.current) return trapTab(event, root.current);
    const target = event.target as HTMLElement;
    if (target.matches('input, select, textarea') && event.key !== 'Escape') return;
    if (target.matches('button') && (event.key === ' ' || event.key === 'Enter')) return;
    const action = keyAction(event.key, stack.length);
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    switch (action.kind) {
      case 'move':
        return move(action.by);
      case 'first':
        direction.current = 1;
        return setIndex(0);
      case 'last':
        direction.current = -1;
        return setIndex(stack.length - 1);
      case 'invert':
        return updateViewport((viewport) => void (viewport.invert = !viewport.invert));
      case 'reset':
        return reset();
      case 'fit':
        return fit();
      case 'rotate':
        return updateViewport((viewport) => void (viewport.rotation = (viewport.rotation + 90) % 360));
      case 'play':
        return setPlaying((value) => !value && stack.length > 1);
      case 'key':
        return toggleKeyImage();
      case 'close':
        return onClose();
    }
  };

  const placed = useMemo(() => placeKeyImages(study?.series ?? [], keyImages), [study, keyImages]);
  const data = image?.data;
  const patient = personName(data?.string('x00100010') ?? study?.summary?.patientName);
  const patientId = data?.string('x00100020') ?? study?.summary?.patientId ?? '';
  const studyDate = dicomDate(data?.string('x00080020'));
  const studyDescription = data?.string('x00081030') ?? study?.summary?.studyDescription ?? '';
  const fileVoi = image ? fileWindow(image) : null;
  const position = clampIndex(index, stack.length);
  const lineText = useMemo(() => {
    if (!line || !image) return null;
    const dx = line.to.x - line.from.x;
    const dy = line.to.y - line.from.y;
    if (image.columnPixelSpacing && image.rowPixelSpacing)
      return `${Math.hypot(dx * image.columnPixelSpacing, dy * image.rowPixelSpacing).toFixed(1)} mm`;
    return `${Math.hypot(dx, dy).toFixed(1)} px`;
  }, [line, image]);
  const lineOnCanvas = useMemo(() => {
    const el = element.current;
    if (!line || !cornerstone || !el || !cornerstone.getEnabledElement(el).image) return null;
    void renderTick; // re-placed on every render of the image (zoom, pan, rotate)
    return { from: cornerstone.pixelToCanvas(el, line.from), to: cornerstone.pixelToCanvas(el, line.to) };
  }, [line, cornerstone, renderTick]);

  const viewer = (
    <div
      className="dicom-viewer"
      role="dialog"
      aria-modal="true"
      aria-label="Image viewer"
      tabIndex={-1}
      ref={root}
      onKeyDown={onKeyDown}
      data-testid="dicom-viewer"
    >
      <header className="dicom-toolbar">
        <h2 className="dicom-title">{studyDescription || 'Imaging study'}</h2>
        <div className="dicom-tools" role="group" aria-label="Mouse tool">
          {TOOLS.map((entry) => (
            <button
              key={entry.id}
              type="button"
              className={tool === entry.id ? 'active' : ''}
              aria-pressed={tool === entry.id}
              onClick={() => setTool(entry.id)}
            >
              {entry.label}
            </button>
          ))}
        </div>
        <label className="dicom-select">
          Window
          <select
            aria-label="Window preset"
            value=""
            onChange={(event) => {
              const value = event.target.value;
              if (value === 'file' && fileVoi) setWindow(fileVoi.width, fileVoi.center);
              const preset = CT_PRESETS.find((entry) => entry.id === value);
              if (preset) setWindow(preset.width, preset.center);
            }}
          >
            <option value="" disabled>
              Preset…
            </option>
            <option value="file">File&apos;s own</option>
            {CT_PRESETS.map((preset) => (
              <option key={preset.id} value={preset.id}>
                {preset.label} (W{preset.width} L{preset.center})
              </option>
            ))}
          </select>
        </label>
        <div className="dicom-tools" role="group" aria-label="View">
          <button type="button" onClick={() => zoomBy(1.25)} aria-label="Zoom in">
            +
          </button>
          <button type="button" onClick={() => zoomBy(0.8)} aria-label="Zoom out">
            −
          </button>
          <button type="button" onClick={fit}>
            Fit
          </button>
          <button type="button" onClick={reset}>
            Reset
          </button>
          <button type="button" onClick={() => updateViewport((viewport) => void (viewport.invert = !viewport.invert))}>
            Invert
          </button>
          <button
            type="button"
            onClick={() => updateViewport((viewport) => void (viewport.rotation = (viewport.rotation + 90) % 360))}
          >
            Rotate
          </button>
          <button type="button" onClick={() => updateViewport((viewport) => void (viewport.hflip = !viewport.hflip))}>
            Flip H
          </button>
          <button type="button" onClick={() => updateViewport((viewport) => void (viewport.vflip = !viewport.vflip))}>
            Flip V
          </button>
        </div>
        <div className="dicom-tools" role="group" aria-label="Cine">
          <button
            type="button"
            disabled={stack.length < 2}
            aria-pressed={playing}
            onClick={() => setPlaying((value) => !value)}
          >
            {playing ? 'Pause' : 'Play'}
          </button>
          <select aria-label="Frames per second" value={fps} onChange={(event) => setFps(Number(event.target.value))}>
            {CINE_RATES.map((rate) => (
              <option key={rate} value={rate}>
                {rate} fps
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          className="dicom-key-toggle"
          aria-label="Mark as key image"
          aria-pressed={shownIsKey}
          aria-keyshortcuts="K"
          title={`Mark as key image (K). ${KEY_IMAGES_NOTE}`}
          // Not `disabled`: a button that is disabled while focused (a save, a slice without pixels) drops the focus.
          aria-disabled={!canMark}
          onClick={toggleKeyImage}
          data-testid="key-image-toggle"
        >
          <Icon name="star" className={shownIsKey ? 'filled' : undefined} /> Key image
        </button>
        <button type="button" aria-pressed={showTags} onClick={() => setShowTags((value) => !value)}>
          Tags
        </button>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close viewer">
          <Icon name="close" />
        </button>
      </header>
      <div className="dicom-body">
        <nav className="dicom-series" aria-label="Series">
          {study?.series.map((item, itemIndex) => (
            <SeriesThumbnail
              key={item.seriesInstanceUid}
              cornerstone={firstDrawn || status !== 'loading' ? cornerstone : null}
              documentId={documentId}
              series={item}
              label={seriesLabel(item)}
              keyImages={placed.filter((place) => place.seriesIndex === itemIndex).length}
              active={itemIndex === seriesIndex}
              onSelect={() => setSeriesIndex(itemIndex)}
            />
          ))}
          <section className="dicom-key-list" aria-labelledby="dicom-key-heading" data-testid="key-image-list">
            <h3 id="dicom-key-heading">Key images ({placed.length})</h3>
            <p>{KEY_IMAGES_NOTE}</p>
            {keyError && (
              <p className="dicom-key-error" role="alert">
                {keyError}
              </p>
            )}
            {placed.length > 0 && (
              <ol>
                {placed.map((place) => (
                  <li key={`${place.key.sopInstanceUid}:${place.key.frame}`}>
                    <button
                      type="button"
                      aria-current={
                        place.seriesIndex === seriesIndex && isKeyImage([place.key], shown) ? 'true' : undefined
                      }
                      onClick={() => jumpTo(place.key, place.seriesIndex)}
                    >
                      {`Series ${place.series.seriesNumber ?? place.seriesIndex + 1}, image ${place.instanceNumber ?? '?'}`}
                      {place.frame !== null ? `, frame ${place.frame + 1}` : ''}
                    </button>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </nav>
        <div className="dicom-main">
          <div
            className="dicom-viewport"
            ref={element}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={onPointerUp}
            onContextMenu={(event) => event.preventDefault()}
            data-testid="dicom-viewport"
            data-status={status}
            data-index={shown ? stack.indexOf(shown) : -1}
            data-image-id={entry?.imageId ?? ''}
          >
            {(status === 'placeholder' || status === 'error' || loadError || !study) && (
              <div className="dicom-placeholder" data-testid="dicom-placeholder">
                {loadError ? (
                  <p>{loadError}</p>
                ) : !study || !cornerstone ? (
                  <Spinner label="Opening the study…" />
                ) : status === 'placeholder' ? (
                  <p>This instance has no image: a report or other data.</p>
                ) : (
                  <p>{decodeError}</p>
                )}
              </div>
            )}
            {status === 'ready' && (
              <>
                <div className="dicom-overlay top-left" data-testid="overlay-patient">
                  <div>{patient}</div>
                  <div>{patientId && `ID ${patientId}`}</div>
                </div>
                <div className="dicom-overlay top-right" data-testid="overlay-study">
                  <div>{studyDate}</div>
                  <div>{studyDescription}</div>
                </div>
                <div className="dicom-overlay bottom-right">
                  <div data-testid="overlay-wl">
                    {view ? `W ${Math.round(view.width)} L ${Math.round(view.center)}` : ''}
                  </div>
                  <div data-testid="overlay-zoom">{view ? `Zoom ${Math.round(view.scale * 100)}%` : ''}</div>
                </div>
              </>
            )}
            {study && status !== 'loading' && (
              <div className="dicom-overlay bottom-left">
                <div data-testid="overlay-series">{series ? seriesLabel(series) : ''}</div>
                <div data-testid="overlay-instance">
                  Image {shown ? stack.indexOf(shown) + 1 : ''} / {stack.length}
                  {shown?.instanceNumber !== null && shown?.instanceNumber !== undefined
                    ? ` (instance ${shown.instanceNumber})`
                    : ''}
                  {shown?.frame !== null && shown?.frame !== undefined
                    ? `, frame ${shown.frame + 1} of ${shown.frames}`
                    : ''}
                </div>
              </div>
            )}
            {status === 'ready' && shownIsKey && (
              <div className="dicom-key-marker" data-testid="key-image-marker">
                <Icon name="star" className="filled" /> Key image
              </div>
            )}
            {status === 'ready' && lineOnCanvas && (
              <svg className="dicom-measure" aria-hidden="true">
                <line x1={lineOnCanvas.from.x} y1={lineOnCanvas.from.y} x2={lineOnCanvas.to.x} y2={lineOnCanvas.to.y} />
                <text x={lineOnCanvas.to.x + 6} y={lineOnCanvas.to.y - 6}>
                  {lineText}
                </text>
              </svg>
            )}
          </div>
          <div className="dicom-scroll">
            <input
              type="range"
              aria-label="Image in series"
              min={1}
              max={Math.max(1, stack.length)}
              value={position + 1}
              disabled={stack.length < 2}
              onChange={(event) => {
                const next = Number(event.target.value) - 1;
                direction.current = next >= position ? 1 : -1;
                setIndex(next);
              }}
            />
            <span>
              {stack.length ? position + 1 : 0} / {stack.length}
            </span>
            {lineText && <span data-testid="measured-length">Length {lineText}</span>}
          </div>
        </div>
        {showTags && (
          <TagPanel documentId={documentId} entry={entry} dataSet={status === 'ready' ? (data ?? null) : null} />
        )}
      </div>
    </div>
  );
  return createPortal(viewer, document.body);
}

/** One sentence for an instance that could not be read or decoded. */
function describeLoadError(error: unknown): string {
  const text =
    error instanceof Error
      ? error.message
      : typeof error === 'object' && error !== null && 'error' in error
        ? String((error as { error: unknown }).error)
        : String(error);
  if (/40[134]|request|xhr|network/i.test(text)) return 'This image could not be read from the vault.';
  return 'This image could not be decoded: its format is damaged or not supported.';
}
