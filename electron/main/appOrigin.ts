/**
 * The origin the UI runs at: `medvault://app`, a privileged standard scheme served by the main
 * process (never `file://`, never a remote page). Pure: no `electron` import, so it is unit-tested.
 */
export const APP_SCHEME = 'medvault';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/`;

/**
 * Whether a URL belongs to the app's own origin. Compared by parts, not by `URL.origin`: for a
 * scheme Node's URL does not know (`medvault:`), `origin` is always the string "null".
 */
export function isAppUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
}
