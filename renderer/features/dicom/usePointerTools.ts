import { useEffect, useRef, type Dispatch, type PointerEvent, type RefObject, type SetStateAction } from 'react';
import type { CornerstoneApi } from './loadCornerstone';
import type { Viewport } from './useCornerstoneViewport';
import { dragWindow } from './viewerModel';

export type Tool = 'window' | 'pan' | 'zoom' | 'length';

export interface Point {
  x: number;
  y: number;
}

export interface MeasuredLine {
  from: Point;
  to: Point;
}

/** Wheel movement (CSS pixels) that scrolls one slice: less than a mouse notch (100–120). */
const WHEEL_STEP_PX = 50;

/**
 * The mouse on the viewport: a drag with the chosen tool (window/level, pan, zoom, a length; the
 * middle button or Shift pans, the right button or Ctrl zooms whatever the tool), and the wheel,
 * which scrolls the stack (with Ctrl or ⌘ it zooms). The handlers are plain functions, made anew
 * each render (see DicomViewer on why nothing here is memoized).
 */
export function usePointerTools(options: {
  cornerstone: CornerstoneApi | null;
  element: RefObject<HTMLDivElement | null>;
  tool: Tool;
  updateViewport: (change: (viewport: Viewport) => void) => void;
  setWindow: (width: number, center: number) => void;
  zoomBy: (factor: number) => void;
  move: (by: number) => void;
  /** The length being measured (image pixels), drawn by the viewer. */
  setLine: Dispatch<SetStateAction<MeasuredLine | null>>;
}) {
  const { cornerstone, element, tool, updateViewport, setWindow, zoomBy, move, setLine } = options;
  const drag = useRef<{ tool: Tool; x: number; y: number; viewport: Viewport } | null>(null);

  // A listener that can prevent the page's scroll (React's onWheel is passive).
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
  }, [element, move, zoomBy]);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    const el = element.current;
    if (!cornerstone || !el || !cornerstone.getEnabledElement(el).image) return;
    const viewport = cornerstone.getViewport(el);
    if (!viewport) return;
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

  return { onPointerDown, onPointerMove, onPointerUp };
}
