/**
 * The Content-Security-Policy of the UI, in both modes: the Electron shell sends it with every
 * response of the `medvault://app` protocol, and the browser-mode server with every page.
 *
 * Only the app's own origin: no inline or eval'd script, no remote origins. Document previews are
 * `blob:` or `data:` images and pdf.js may start a `blob:` worker; nothing can be framed, posted
 * or used as a base URL.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
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
