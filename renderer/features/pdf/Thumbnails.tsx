import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { useObserved } from './useObserved';
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { turnedSize, type Size } from './viewerMath';

const THUMB_WIDTH = 112;

/** One thumbnail: drawn while it is in (or near) the sidebar's view, its canvas dropped after. */
const Thumbnail = memo(function Thumbnail({
  pdf,
  pageNumber,
  size,
  rotation,
  visible,
  active,
  onSelect,
  register,
}: {
  pdf: PDFDocumentProxy;
  pageNumber: number;
  size: Size;
  rotation: number;
  visible: boolean;
  active: boolean;
  onSelect: (page: number) => void;
  register: (page: number, element: HTMLElement | null) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const turned = turnedSize(size, rotation);
  const height = Math.round((THUMB_WIDTH * turned.height) / turned.width);

  useEffect(() => {
    const target = canvas.current;
    if (!visible || !target) return;
    let cancelled = false;
    let task: RenderTask | null = null;
    void pdf.getPage(pageNumber).then((page) => {
      if (cancelled) return;
      const rotate = (page.rotate + rotation) % 360;
      const base = page.getViewport({ scale: 1, rotation: rotate });
      const viewport = page.getViewport({ scale: (THUMB_WIDTH * 2) / base.width, rotation: rotate });
      target.width = Math.floor(viewport.width);
      target.height = Math.floor(viewport.height);
      task = page.render({ canvas: target, viewport });
      task.promise.catch(() => undefined); // cancelled, or a page that cannot be drawn: left blank
    });
    return () => {
      cancelled = true;
      task?.cancel();
      target.width = 0;
      target.height = 0;
    };
  }, [pdf, pageNumber, rotation, visible]);

  const ref = useCallback((element: HTMLElement | null) => register(pageNumber, element), [register, pageNumber]);

  return (
    <li>
      <button
        type="button"
        ref={ref}
        className="pdf-thumb"
        aria-label={`Page ${pageNumber}`}
        aria-current={active ? 'page' : undefined}
        data-page={pageNumber}
        onClick={() => onSelect(pageNumber)}
      >
        <span className="pdf-thumb-page" style={{ width: THUMB_WIDTH, height }}>
          {visible && <canvas ref={canvas} style={{ width: THUMB_WIDTH, height }} />}
        </span>
        <span className="pdf-thumb-number">{pageNumber}</span>
      </button>
    </li>
  );
});

/** The pages as small pictures down the side; a click goes to the page. */
export function Thumbnails({
  pdf,
  sizes,
  rotation,
  current,
  onSelect,
}: {
  pdf: PDFDocumentProxy;
  sizes: readonly Size[];
  rotation: number;
  current: number;
  onSelect: (page: number) => void;
}) {
  const list = useRef<HTMLElement>(null);
  const [visible, setVisible] = useState<ReadonlySet<number>>(() => new Set());
  const seen = useRef(new Set<number>());
  const { register, elements } = useObserved<HTMLElement>(list, { rootMargin: '150px 0px' }, (entries) => {
    for (const { page, entry } of entries) {
      if (entry.isIntersecting) seen.current.add(page);
      else seen.current.delete(page);
    }
    setVisible(new Set(seen.current));
  });

  // The current page's thumbnail stays in the sidebar's view as the reader scrolls.
  useEffect(() => {
    const element = elements.current.get(current);
    const box = list.current;
    if (!element || !box) return;
    const top = element.offsetTop; // the list is positioned: offsets are within it
    if (top < box.scrollTop || top + element.offsetHeight > box.scrollTop + box.clientHeight) {
      box.scrollTop = top - box.clientHeight / 2 + element.offsetHeight / 2;
    }
  }, [current, rotation, sizes]);

  return (
    <nav className="pdf-thumbs" aria-label="Pages" ref={list} data-testid="pdf-thumbnails">
      <ol>
        {sizes.map((size, index) => (
          <Thumbnail
            key={index + 1}
            pdf={pdf}
            pageNumber={index + 1}
            size={size}
            rotation={rotation}
            visible={visible.has(index + 1)}
            active={current === index + 1}
            onSelect={onSelect}
            register={register}
          />
        ))}
      </ol>
    </nav>
  );
}
