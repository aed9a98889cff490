import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import type { KeyImage } from '../../../shared/dicom';
import { useApi } from '../../api';
import { trapTab, useInertApp } from '../../ui/focus';
import { DicomToolbar } from './DicomToolbar';
import { SeriesNav } from './SeriesNav';
import { TagPanel } from './TagPanel';
import { useCornerstoneViewport } from './useCornerstoneViewport';
import { useDicomStudy } from './useDicomStudy';
import { usePointerTools, type MeasuredLine, type Tool } from './usePointerTools';
import { useStackImage } from './useStackImage';
import {
  buildStack,
  clampIndex,
  dicomDate,
  fileWindow,
  isKeyImage,
  keyAction,
  keyImageOf,
  personName,
  placeKeyImages,
  stackIndexOf,
  startIndex,
  type StackEntry,
} from './viewerModel';
import { ViewportOverlays } from './ViewportOverlays';
import './dicom.css';

export { FIRST_IMAGE_MARK } from './useCornerstoneViewport';

/**
 * A study in a full-window viewer: series thumbnails, the active series in a viewport (scroll,
 * window/level, zoom, pan, invert, rotate, flip, cine, a length), overlays and the instance's
 * tags. Each instance is read from the core's document URL as the patient scrolls to it, with its
 * neighbours loaded ahead; decoded images stay in cornerstone's bounded cache. The study and
 * cornerstone come from `useDicomStudy`, the viewport from `useCornerstoneViewport`, the image on
 * screen from `useStackImage`, the mouse from `usePointerTools`; this file holds the slice, the
 * series, cine, key images and the keyboard.
 */
export function DicomViewer({ documentId, onClose }: { documentId: string; onClose: () => void }) {
  const api = useApi();
  const { study, cornerstone, loadError, seriesIndex, setSeriesIndex, keyImages, setKeyImages } =
    useDicomStudy(documentId);
  const [index, setIndex] = useState(0);
  const [tool, setTool] = useState<Tool>('window');
  const [playing, setPlaying] = useState(false);
  const [fps, setFps] = useState(10);
  const [showTags, setShowTags] = useState(false);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [keyBusy, setKeyBusy] = useState(false);
  const [line, setLine] = useState<MeasuredLine | null>(null);
  /** A key image to show once its series' stack is built (a jump from the list to another series). */
  const pendingJump = useRef<KeyImage | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const element = useRef<HTMLDivElement>(null);
  const direction = useRef<1 | -1>(1);
  const freshViewport = useRef(true);

  // The page behind is inert while the viewer is open; focus comes back where it was.
  useInertApp();
  useEffect(() => root.current?.focus(), []);

  const series = study?.series[seriesIndex] ?? null;
  const stack = useMemo<StackEntry[]>(
    () => (series ? buildStack(window.location.origin, documentId, series) : []),
    [documentId, series],
  );
  // In this order: cornerstone enabled, then a new series reset, then its image shown (and cine, and the wheel).
  const { view, renderTick, updateViewport, setWindow, fit, zoomBy } = useCornerstoneViewport(cornerstone, element);

  // A new series opens at its start slice (or the key image jumped to) with the file's own window.
  useEffect(() => {
    freshViewport.current = true;
    const jump = pendingJump.current ? stackIndexOf(stack, pendingJump.current) : -1;
    pendingJump.current = null;
    setIndex(jump >= 0 ? jump : startIndex(stack));
    setPlaying(false);
    setLine(null);
  }, [stack]);

  const { entry, status, image, shown, decodeError, firstDrawn } = useStackImage({
    cornerstone,
    element,
    stack,
    index,
    direction,
    freshViewport,
  });

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

  const handlers = usePointerTools({ cornerstone, element, tool, updateViewport, setWindow, zoomBy, move, setLine });

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

  const reset = () => {
    const el = element.current;
    if (!cornerstone || !el || !image) return;
    cornerstone.setViewport(el, cornerstone.getDefaultViewportForImage(el, image));
    setLine(null);
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
  const studyDescription = data?.string('x00081030') ?? study?.summary?.studyDescription ?? '';
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
      <DicomToolbar
        title={studyDescription || 'Imaging study'}
        tool={tool}
        onTool={setTool}
        fileVoi={image ? fileWindow(image) : null}
        setWindow={setWindow}
        zoomBy={zoomBy}
        fit={fit}
        reset={reset}
        updateViewport={updateViewport}
        images={stack.length}
        playing={playing}
        setPlaying={setPlaying}
        fps={fps}
        onFps={setFps}
        shownIsKey={shownIsKey}
        canMark={canMark}
        toggleKeyImage={toggleKeyImage}
        showTags={showTags}
        setShowTags={setShowTags}
        onClose={onClose}
      />
      <div className="dicom-body">
        <SeriesNav
          study={study}
          documentId={documentId}
          cornerstone={firstDrawn || status !== 'loading' ? cornerstone : null}
          seriesIndex={seriesIndex}
          onSeries={setSeriesIndex}
          placed={placed}
          keyError={keyError}
          shown={shown}
          onJump={jumpTo}
        />
        <div className="dicom-main">
          <div
            className="dicom-viewport"
            ref={element}
            onPointerDown={handlers.onPointerDown}
            onPointerMove={handlers.onPointerMove}
            onPointerUp={handlers.onPointerUp}
            onPointerCancel={handlers.onPointerUp}
            onContextMenu={(event) => event.preventDefault()}
            data-testid="dicom-viewport"
            data-status={status}
            data-index={shown ? stack.indexOf(shown) : -1}
            data-image-id={entry?.imageId ?? ''}
          >
            <ViewportOverlays
              status={status}
              loadError={loadError}
              studyLoaded={study !== null}
              viewerReady={cornerstone !== null}
              decodeError={decodeError}
              patient={personName(data?.string('x00100010') ?? study?.summary?.patientName)}
              patientId={data?.string('x00100020') ?? study?.summary?.patientId ?? ''}
              studyDate={dicomDate(data?.string('x00080020'))}
              studyDescription={studyDescription}
              view={view}
              series={series}
              shownNumber={shown ? stack.indexOf(shown) + 1 : null}
              images={stack.length}
              shown={shown}
              shownIsKey={shownIsKey}
              line={lineOnCanvas && { ...lineOnCanvas, text: lineText }}
            />
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
