import type { DicomSeriesView } from '../../../shared/dicom';
import { Icon } from '../../ui/Icon';
import { Spinner } from '../../ui/Spinner';
import type { ViewState } from './useCornerstoneViewport';
import type { Point } from './usePointerTools';
import type { StackStatus } from './useStackImage';
import { seriesLabel, type StackEntry } from './viewerModel';

/**
 * What is drawn over the image: why there is none (loading, a report, a damaged file), the patient
 * and study, window/level and zoom, the series and image number, the key-image marker, the length.
 */
export function ViewportOverlays(props: {
  status: StackStatus;
  loadError: string | null;
  studyLoaded: boolean;
  viewerReady: boolean;
  decodeError: string | null;
  patient: string;
  patientId: string;
  studyDate: string;
  studyDescription: string;
  view: ViewState | null;
  series: DicomSeriesView | null;
  shownNumber: number | null;
  images: number;
  shown: StackEntry | null;
  shownIsKey: boolean;
  line: { from: Point; to: Point; text: string | null } | null;
}) {
  const { status, shown, line } = props;
  return (
    <>
      {(status === 'placeholder' || status === 'error' || props.loadError || !props.studyLoaded) && (
        <div className="dicom-placeholder" data-testid="dicom-placeholder">
          {props.loadError ? (
            <p>{props.loadError}</p>
          ) : !props.studyLoaded || !props.viewerReady ? (
            <Spinner label="Opening the study…" />
          ) : status === 'placeholder' ? (
            <p>This instance has no image: a report or other data.</p>
          ) : (
            <p>{props.decodeError}</p>
          )}
        </div>
      )}
      {status === 'ready' && (
        <>
          <div className="dicom-overlay top-left" data-testid="overlay-patient">
            <div>{props.patient}</div>
            <div>{props.patientId && `ID ${props.patientId}`}</div>
          </div>
          <div className="dicom-overlay top-right" data-testid="overlay-study">
            <div>{props.studyDate}</div>
            <div>{props.studyDescription}</div>
          </div>
          <div className="dicom-overlay bottom-right">
            <div data-testid="overlay-wl">
              {props.view ? `W ${Math.round(props.view.width)} L ${Math.round(props.view.center)}` : ''}
            </div>
            <div data-testid="overlay-zoom">{props.view ? `Zoom ${Math.round(props.view.scale * 100)}%` : ''}</div>
          </div>
        </>
      )}
      {props.studyLoaded && status !== 'loading' && (
        <div className="dicom-overlay bottom-left">
          <div data-testid="overlay-series">{props.series ? seriesLabel(props.series) : ''}</div>
          <div data-testid="overlay-instance">
            Image {props.shownNumber ?? ''} / {props.images}
            {shown?.instanceNumber !== null && shown?.instanceNumber !== undefined
              ? ` (instance ${shown.instanceNumber})`
              : ''}
            {shown?.frame !== null && shown?.frame !== undefined ? `, frame ${shown.frame + 1} of ${shown.frames}` : ''}
          </div>
        </div>
      )}
      {status === 'ready' && props.shownIsKey && (
        <div className="dicom-key-marker" data-testid="key-image-marker">
          <Icon name="star" className="filled" /> Key image
        </div>
      )}
      {status === 'ready' && line && (
        <svg className="dicom-measure" aria-hidden="true">
          <line x1={line.from.x} y1={line.from.y} x2={line.to.x} y2={line.to.y} />
          <text x={line.to.x + 6} y={line.to.y - 6}>
            {line.text}
          </text>
        </svg>
      )}
    </>
  );
}
