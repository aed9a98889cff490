/** Time-left estimate for an import, from how fast bytes were read over the last few seconds. */

export interface RateSample {
  /** Milliseconds (any monotonic clock). */
  at: number;
  bytesDone: number;
}

/** How far back the rate looks: long enough to smooth bursts, short enough to follow changes. */
export const RATE_WINDOW_MS = 20_000;

/** Keeps the samples inside the window (and always the newest two). */
export function addSample(samples: RateSample[], sample: RateSample): RateSample[] {
  const all = [...samples, sample];
  const from = sample.at - RATE_WINDOW_MS;
  const kept = all.filter((s) => s.at >= from);
  return kept.length >= 2 ? kept : all.slice(-2);
}

/** Seconds left, or null while there is not enough to go on. */
export function estimateSecondsLeft(samples: RateSample[], bytesTotal: number): number | null {
  if (samples.length < 2) return null;
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const elapsed = (last.at - first.at) / 1000;
  const read = last.bytesDone - first.bytesDone;
  if (elapsed < 1 || read <= 0) return null;
  const remaining = Math.max(0, bytesTotal - last.bytesDone);
  return remaining / (read / elapsed);
}

export function formatTimeLeft(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'Estimating time left…';
  if (seconds < 10) return 'A few seconds left';
  if (seconds < 60) return 'Less than a minute left';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `About ${minutes} minute${minutes === 1 ? '' : 's'} left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `About ${hours} h ${rest} min left`;
}
