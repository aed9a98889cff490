import { useCallback, useEffect, useRef, type RefObject } from 'react';

/**
 * One IntersectionObserver over many elements inside `root` (pages, thumbnails), each registered
 * by a ref callback under its page number; `onEntries` gets the observer's entries with theirs.
 */
export function useObserved<T extends Element>(
  root: RefObject<Element | null>,
  options: Omit<IntersectionObserverInit, 'root'>,
  onEntries: (entries: { page: number; entry: IntersectionObserverEntry }[]) => void,
): { register: (page: number, element: T | null) => void; elements: RefObject<Map<number, T>> } {
  const elements = useRef(new Map<number, T>());
  const observer = useRef<IntersectionObserver | null>(null);
  const callback = useRef(onEntries);
  useEffect(() => {
    callback.current = onEntries;
  });
  const { rootMargin, threshold } = options;

  useEffect(() => {
    const io = new IntersectionObserver(
      (entries) =>
        callback.current(entries.map((entry) => ({ page: Number((entry.target as HTMLElement).dataset.page), entry }))),
      { root: root.current, rootMargin, threshold },
    );
    observer.current = io;
    for (const element of elements.current.values()) io.observe(element);
    return () => io.disconnect();
    // The options are fixed for a viewer's life (`threshold`, an array, is left out for that).
  }, [root, rootMargin]);

  const register = useCallback((page: number, element: T | null) => {
    const previous = elements.current.get(page);
    if (previous === element) return;
    if (previous) observer.current?.unobserve(previous);
    if (element) {
      elements.current.set(page, element);
      observer.current?.observe(element);
    } else elements.current.delete(page);
  }, []);
  return { register, elements };
}
