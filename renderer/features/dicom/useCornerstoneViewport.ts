import { useCallback, useEffect, useState, type RefObject } from 'react';
import type { CornerstoneApi } from './loadCornerstone';

/** Set when the viewer has drawn its first image (the benchmark's stop: bench/viewerDicom.ts). */
export const FIRST_IMAGE_MARK = 'medvault:dicom-first-image';

export type Viewport = NonNullable<ReturnType<CornerstoneApi['getViewport']>>;

export interface ViewState {
  width: number;
  center: number;
  scale: number;
}

/**
 * cornerstone enabled on the viewport element (it follows the element's size), what its viewport
 * shows now (window, level, zoom; `renderTick` counts renders, for what is drawn over the image),
 * and the changes the tools make to it. The callbacks depend on cornerstone only (see DicomViewer).
 */
export function useCornerstoneViewport(cornerstone: CornerstoneApi | null, element: RefObject<HTMLDivElement | null>) {
  const [view, setView] = useState<ViewState | null>(null);
  const [renderTick, setRenderTick] = useState(0);

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
  }, [cornerstone, element]);

  const updateViewport = useCallback(
    (change: (viewport: Viewport) => void) => {
      const el = element.current;
      if (!cornerstone || !el || !cornerstone.getEnabledElement(el).image) return;
      const viewport = cornerstone.getViewport(el);
      if (!viewport) return;
      change(viewport);
      cornerstone.setViewport(el, viewport);
    },
    [cornerstone, element],
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
  }, [cornerstone, element]);

  const zoomBy = useCallback(
    (factor: number) =>
      updateViewport((viewport) => {
        viewport.scale = Math.min(40, Math.max(0.05, viewport.scale * factor));
      }),
    [updateViewport],
  );

  return { view, renderTick, updateViewport, setWindow, fit, zoomBy };
}
