import { useEffect } from 'react';
import { useApi } from '../../api';
import { loadCornerstone } from './loadCornerstone';
import { buildStack, firstImageSeries, startIndex } from './viewerModel';

/**
 * While a study's summary is shown, the viewer gets ready to open it: its code and decode workers
 * load, and the slice it would open at is read and decoded into the viewer's cache (one instance).
 */
export function useDicomPreload(documentId: string): void {
  const api = useApi();
  useEffect(() => {
    let current = true;
    void (async () => {
      const [cornerstone, study] = await Promise.all([loadCornerstone(), api.getDicomStudy({ id: documentId })]);
      if (!current || !study.ok) return;
      const series = study.value.series[firstImageSeries(study.value.series)];
      if (!series) return;
      const stack = buildStack(window.location.origin, documentId, series);
      const imageId = stack[startIndex(stack)]?.imageId;
      if (imageId) await cornerstone.loadAndCacheImage(imageId);
    })().catch(() => undefined); // the viewer says what went wrong when it is opened
    return () => {
      current = false;
    };
  }, [api, documentId]);
}
