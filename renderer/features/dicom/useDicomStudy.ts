import { useEffect, useState } from 'react';
import type { DicomStudyView, KeyImage } from '../../../shared/dicom';
import { useApi } from '../../api';
import { loadCornerstone, type CornerstoneApi } from './loadCornerstone';
import { firstImageSeries } from './viewerModel';

/** The study from the core and cornerstone loaded side by side; the first series with images chosen. */
export function useDicomStudy(documentId: string) {
  const api = useApi();
  const [study, setStudy] = useState<DicomStudyView | null>(null);
  const [cornerstone, setCornerstone] = useState<CornerstoneApi | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [seriesIndex, setSeriesIndex] = useState(0);
  /** Kept apart from the study: a change must not rebuild the stack (and move the patient). */
  const [keyImages, setKeyImages] = useState<KeyImage[]>([]);

  useEffect(() => {
    let current = true;
    void api.getDicomStudy({ id: documentId }).then((result) => {
      if (!current) return;
      if (!result.ok) return setLoadError(result.error.message);
      setStudy(result.value);
      setKeyImages(result.value.keyImages);
      setSeriesIndex(firstImageSeries(result.value.series));
    });
    loadCornerstone().then(
      (loaded) => current && setCornerstone(() => loaded),
      () => current && setLoadError('The image viewer could not start.'),
    );
    return () => {
      current = false;
    };
  }, [api, documentId]);

  return { study, cornerstone, loadError, seriesIndex, setSeriesIndex, keyImages, setKeyImages };
}
