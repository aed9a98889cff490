/**
 * The Content-Security-Policy of the UI, in both modes: the Electron shell sends it with every
 * response of the `medvault://app` protocol, and the browser-mode server with every page.
 *
 * Only the app's own origin: no inline or eval'd script, no remote origins. Document previews are
 * `blob:` or `data:` images; pdf.js and the DICOM loader start `blob:` workers; nothing can be framed, posted
 * or used as a base URL.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  // 'wasm-unsafe-eval' lets the DICOM viewer's codecs (JPEG, JPEG-LS, JPEG 2000 as WebAssembly, in
  // its blob: workers, which inherit this policy) compile; it allows no JS eval, and embind's
  // `new Function` is taken out of them at build time (electron/build/cornerstoneNoEval.ts).
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
