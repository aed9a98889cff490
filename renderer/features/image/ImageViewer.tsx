import { useLayoutEffect, useRef, useState } from 'react';
import { FullWindow } from '../../ui/FullWindow';
import { ZoomControls, imageZoom, type Size } from '../pdf';
import './imageViewer.css';

/** A scan or photo over the whole window: fit, 100 %, zoom in and out, panned by scrolling. */
export function ImageViewer({ url, title, onClose }: { url: string; title: string; onClose: () => void }) {
  const frame = useRef<HTMLDivElement>(null);
  const [natural, setNatural] = useState<Size | null>(null);
  const [box, setBox] = useState<Size | null>(null);
  const [mode, setMode] = useState<'fit' | number>('fit');
  const [failed, setFailed] = useState(false);

  useLayoutEffect(() => {
    const element = frame.current;
    if (!element) return;
    const measure = () => setBox({ width: element.clientWidth, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const zoom = natural && box ? imageZoom(mode, natural, box) : 1;
  const tools = (
    <>
      <ZoomControls zoom={zoom} onZoom={setMode} testId="image-zoom" />
      <button type="button" className="button small" aria-pressed={mode === 'fit'} onClick={() => setMode('fit')}>
        Fit
      </button>
      <button type="button" className="button small" aria-pressed={mode === 1} onClick={() => setMode(1)}>
        Actual size
      </button>
    </>
  );

  return (
    <FullWindow title={title} onClose={onClose} tools={tools} testId="image-viewer">
      <div className="image-viewer" ref={frame} tabIndex={0} aria-label="Image">
        {failed ? (
          <p className="pdf-viewer-message">This image cannot be shown.</p>
        ) : (
          <div className="image-viewer-stage">
            <img
              src={url}
              alt={title}
              onLoad={(event) =>
                setNatural({ width: event.currentTarget.naturalWidth, height: event.currentTarget.naturalHeight })
              }
              onError={() => setFailed(true)}
              style={
                natural ? { width: natural.width * zoom, height: natural.height * zoom } : { visibility: 'hidden' }
              }
            />
          </div>
        )}
      </div>
    </FullWindow>
  );
}
