import type { DicomStudyView, KeyImage } from '../../../shared/dicom';
import type { CornerstoneApi } from './loadCornerstone';
import { SeriesThumbnail } from './SeriesThumbnail';
import { KEY_IMAGES_NOTE, isKeyImage, seriesLabel, type KeyImagePlace, type StackEntry } from './viewerModel';

/** The study's series as thumbnails, and its key images in marking order, each a jump to it. */
export function SeriesNav(props: {
  study: DicomStudyView | null;
  documentId: string;
  /** Null until the first image is up: thumbnails wait, so the first image goes first. */
  cornerstone: CornerstoneApi | null;
  seriesIndex: number;
  onSeries: (index: number) => void;
  placed: KeyImagePlace[];
  keyError: string | null;
  shown: StackEntry | null;
  onJump: (key: KeyImage, seriesIndex: number) => void;
}) {
  const { placed, seriesIndex } = props;
  return (
    <nav className="dicom-series" aria-label="Series">
      {props.study?.series.map((item, itemIndex) => (
        <SeriesThumbnail
          key={item.seriesInstanceUid}
          cornerstone={props.cornerstone}
          documentId={props.documentId}
          series={item}
          label={seriesLabel(item)}
          keyImages={placed.filter((place) => place.seriesIndex === itemIndex).length}
          active={itemIndex === seriesIndex}
          onSelect={() => props.onSeries(itemIndex)}
        />
      ))}
      <section className="dicom-key-list" aria-labelledby="dicom-key-heading" data-testid="key-image-list">
        <h3 id="dicom-key-heading">Key images ({placed.length})</h3>
        <p>{KEY_IMAGES_NOTE}</p>
        {props.keyError && (
          <p className="dicom-key-error" role="alert">
            {props.keyError}
          </p>
        )}
        {placed.length > 0 && (
          <ol>
            {placed.map((place) => (
              <li key={`${place.key.sopInstanceUid}:${place.key.frame}`}>
                <button
                  type="button"
                  aria-current={
                    place.seriesIndex === seriesIndex && isKeyImage([place.key], props.shown) ? 'true' : undefined
                  }
                  onClick={() => props.onJump(place.key, place.seriesIndex)}
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
  );
}
