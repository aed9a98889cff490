import type { Image } from 'cornerstone-core';
import { useEffect, useRef, useState, type MutableRefObject, type RefObject } from 'react';
import type { CornerstoneApi } from './loadCornerstone';
import { clampIndex, prefetchOrder, type StackEntry } from './viewerModel';

export type StackStatus = 'loading' | 'ready' | 'placeholder' | 'error';

/** Instances loaded ahead of the one shown in the scroll direction, and behind it. */
const PREFETCH_AHEAD = 10;
const PREFETCH_BEHIND = 2;

/**
 * The stack entry at `index` read, decoded and displayed (its neighbours loaded ahead in the
 * scroll direction), and what is on screen: the entry the overlay describes is the one shown, not
 * the one still loading. `freshViewport` set: the next image gets its own default viewport
 * (fitted, the file's window); otherwise the patient's zoom and window are kept while scrolling.
 */
export function useStackImage(options: {
  cornerstone: CornerstoneApi | null;
  element: RefObject<HTMLDivElement | null>;
  stack: StackEntry[];
  index: number;
  direction: MutableRefObject<1 | -1>;
  freshViewport: MutableRefObject<boolean>;
}) {
  const { cornerstone, element, stack, index, direction, freshViewport } = options;
  const [status, setStatus] = useState<StackStatus>('loading');
  const [decodeError, setDecodeError] = useState<string | null>(null);
  const [image, setImage] = useState<Image | null>(null);
  const [shown, setShown] = useState<StackEntry | null>(null);
  const [firstDrawn, setFirstDrawn] = useState(false);
  const displayToken = useRef(0);
  const entry = stack[clampIndex(index, stack.length)] ?? null;

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
  }, [cornerstone, element, entry, stack, index, direction, freshViewport]);

  return { entry, status, image, shown, decodeError, firstDrawn };
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
