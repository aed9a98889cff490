/**
 * cornerstone-core with the WADO-URI loader, loaded on first use (the loader and its codecs are
 * large). Its decode workers are `blob:` URLs built from code inlined in the bundle, and the
 * codecs (JPEG-LS, JPEG 2000, …) are WebAssembly inlined in that code: nothing is fetched but the
 * instances themselves, from the core's document URLs on our own origin (the session cookie or the
 * Electron protocol carries the credential, as for pdf.js).
 */
import type * as Cornerstone from 'cornerstone-core';

export type CornerstoneApi = typeof Cornerstone;

/**
 * Decoded images kept for scrolling back: bounded, so a 2,000-slice study does not fill memory.
 * cornerstone counts the pixels only; each image also keeps its file's bytes (the tag panel reads
 * them), so 64 MiB is about 120 slices of a 512² CT and twice that in memory.
 */
export const IMAGE_CACHE_BYTES = 64 * 1024 * 1024;

let loading: Promise<CornerstoneApi> | null = null;

/** The module's namespace or, for these UMD bundles, its CommonJS export. */
function moduleValue<T>(module: { default?: T } & object): T {
  return (module.default ?? module) as T;
}

export function loadCornerstone(): Promise<CornerstoneApi> {
  loading ??= Promise.all([
    import('cornerstone-core'),
    import('cornerstone-wado-image-loader'),
    import('dicom-parser'),
  ]).then(([core, loader, parser]) => {
    const cornerstone = moduleValue<CornerstoneApi>(core);
    const wado = moduleValue<(typeof loader)['default']>(loader);
    wado.external.cornerstone = cornerstone;
    wado.external.dicomParser = moduleValue(parser);
    const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
    wado.webWorkerManager.initialize({
      maxWebWorkers: Math.max(2, Math.min(4, cores)),
      // Started with the loader (a study's summary preloads it: useDicomPreload), so the worker code
      // is parsed before the first instance arrives.
      startWebWorkersOnDemand: false,
      taskConfiguration: { decodeTask: { initializeCodecsOnStartup: false, strict: false } },
    });
    cornerstone.imageCache.setMaximumSizeBytes(IMAGE_CACHE_BYTES);
    return cornerstone;
  });
  return loading;
}
