import { Icon } from '../../ui/Icon';
import { zoomIn, zoomOut } from './viewerMath';

/** Zoom out, the zoom in per cent, zoom in: the same in the PDF and image viewers. */
export function ZoomControls({
  zoom,
  onZoom,
  testId,
}: {
  zoom: number;
  onZoom: (zoom: number) => void;
  testId: string;
}) {
  return (
    <>
      <button type="button" className="icon-button" aria-label="Zoom out" onClick={() => onZoom(zoomOut(zoom))}>
        <Icon name="minus" />
      </button>
      <span className="viewer-zoom" data-testid={testId} aria-live="polite">
        {Math.round(zoom * 100)}%
      </span>
      <button type="button" className="icon-button" aria-label="Zoom in" onClick={() => onZoom(zoomIn(zoom))}>
        <Icon name="plus" />
      </button>
    </>
  );
}
