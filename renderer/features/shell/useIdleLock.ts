import { useEffect, useRef } from 'react';

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;
const CHECK_EVERY_MS = 5_000;
/** How often, at most, the core hears that the patient is active (its own idle lock is the backstop). */
const HEARTBEAT_EVERY_MS = 60_000;

/**
 * Locks after `minutes` without pointer, keyboard or wheel activity (0: never). While `busy` (an
 * import under way) the time does not run, as in the core. Activity is reported to the core now
 * and then through `onHeartbeat`, so its own idle lock does not fire while the patient reads.
 */
export function useIdleLock({
  minutes,
  busy,
  onIdle,
  onHeartbeat,
}: {
  minutes: number;
  busy: boolean;
  onIdle: () => void;
  onHeartbeat: () => void;
}): void {
  const latest = useRef({ busy, onIdle, onHeartbeat });
  useEffect(() => {
    latest.current = { busy, onIdle, onHeartbeat };
  });

  useEffect(() => {
    if (minutes <= 0) return;
    const limit = minutes * 60_000;
    let lastActivity = Date.now();
    let lastHeartbeat = Date.now();
    let fired = false;

    const activity = () => {
      lastActivity = Date.now();
    };
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, activity, { capture: true, passive: true });

    const timer = window.setInterval(() => {
      const now = Date.now();
      if (latest.current.busy) lastActivity = now;
      if (!fired && now - lastActivity >= limit) {
        fired = true;
        latest.current.onIdle();
        return;
      }
      if (lastActivity > lastHeartbeat && now - lastHeartbeat >= HEARTBEAT_EVERY_MS) {
        lastHeartbeat = now;
        latest.current.onHeartbeat();
      }
    }, CHECK_EVERY_MS);

    return () => {
      window.clearInterval(timer);
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, activity, { capture: true });
    };
  }, [minutes]);
}
