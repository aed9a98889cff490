import { useEffect, useMemo, useRef, useState } from 'react';
import type { DicomSeriesView } from '../../../shared/dicom';
import { Icon } from '../../ui/Icon';
import type { CornerstoneApi } from './loadCornerstone';
import { buildStack } from './viewerModel';

/** A series' middle image, small, as a button that makes it the active series. */
export function SeriesThumbnail({
  cornerstone,
  documentId,
  series,
  label,
  keyImages,
  active,
  onSelect,
}: {
  /** Null until the viewport's first image is drawn: thumbnails must not hold it up. */
  cornerstone: CornerstoneApi | null;
  documentId: string;
  series: DicomSeriesView;
  label: string;
  /** How many of the series' images are marked as key images. */
  keyImages: number;
  active: boolean;
  onSelect: () => void;
}) {
  const element = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'none'>('loading');
  const imageId = useMemo(() => {
    const images = buildStack(window.location.origin, documentId, series).filter((entry) => entry.imageId);
    return images[Math.floor((images.length - 1) / 2)]?.imageId ?? null;
  }, [documentId, series]);
  const count = series.instances.length;

  useEffect(() => {
    const el = element.current;
    if (!imageId) return setState('none');
    if (!cornerstone || !el) return;
    let current = true;
    cornerstone.enable(el);
    cornerstone.loadAndCacheImage(imageId).then(
      (image) => {
        if (!current) return;
        cornerstone.displayImage(el, image);
        setState('ready');
      },
      () => current && setState('none'),
    );
    return () => {
      current = false;
      cornerstone.disable(el);
    };
  }, [cornerstone, imageId]);

  return (
    <button
      type="button"
      className={`dicom-thumb${active ? ' active' : ''}`}
      aria-pressed={active}
      onClick={onSelect}
      data-testid="series-thumbnail"
    >
      <div className="dicom-thumb-image" ref={element}>
        {state === 'none' && <span>{imageId ? 'No preview' : 'Report'}</span>}
        {keyImages > 0 && (
          <b className="dicom-thumb-keys" data-testid="series-key-images">
            <Icon name="star" className="filled" />
            {keyImages}
            <span className="visually-hidden">{keyImages === 1 ? ' key image' : ' key images'}</span>
          </b>
        )}
      </div>
      <span className="dicom-thumb-label">{label}</span>
      <span className="dicom-thumb-count">
        {series.modality ?? ''} · {count} {count === 1 ? 'instance' : 'instances'}
      </span>
    </button>
  );
}
