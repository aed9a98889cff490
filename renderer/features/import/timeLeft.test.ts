import { describe, expect, it } from 'vitest';
import { addSample, estimateSecondsLeft, formatTimeLeft, RATE_WINDOW_MS, type RateSample } from './timeLeft';

describe('estimateSecondsLeft', () => {
  it('needs two samples at least a second apart with progress between them', () => {
    expect(estimateSecondsLeft([], 100)).toBeNull();
    expect(estimateSecondsLeft([{ at: 0, bytesDone: 0 }], 100)).toBeNull();
    expect(
      estimateSecondsLeft(
        [
          { at: 0, bytesDone: 0 },
          { at: 500, bytesDone: 50 },
        ],
        100,
      ),
    ).toBeNull();
    expect(
      estimateSecondsLeft(
        [
          { at: 0, bytesDone: 10 },
          { at: 5000, bytesDone: 10 },
        ],
        100,
      ),
    ).toBeNull();
  });

  it('divides what is left by the rate over the window', () => {
    const samples: RateSample[] = [
      { at: 0, bytesDone: 0 },
      { at: 2000, bytesDone: 2_000_000 },
      { at: 4000, bytesDone: 4_000_000 },
    ];
    expect(estimateSecondsLeft(samples, 10_000_000)).toBeCloseTo(6);
    expect(estimateSecondsLeft(samples, 4_000_000)).toBe(0);
  });
});

describe('addSample', () => {
  it('drops samples older than the window but keeps two', () => {
    let samples: RateSample[] = [];
    for (let at = 0; at <= 60_000; at += 1000) samples = addSample(samples, { at, bytesDone: at });
    expect(samples[0]!.at).toBe(60_000 - RATE_WINDOW_MS);
    const sparse = addSample([{ at: 0, bytesDone: 0 }], { at: 120_000, bytesDone: 5 });
    expect(sparse).toHaveLength(2);
  });
});

describe('formatTimeLeft', () => {
  it('speaks in rounded, human terms', () => {
    expect(formatTimeLeft(null)).toBe('Estimating time left…');
    expect(formatTimeLeft(3)).toBe('A few seconds left');
    expect(formatTimeLeft(42)).toBe('Less than a minute left');
    expect(formatTimeLeft(65)).toBe('About 1 minute left');
    expect(formatTimeLeft(600)).toBe('About 10 minutes left');
    expect(formatTimeLeft(3 * 3600 + 20 * 60)).toBe('About 3 h 20 min left');
  });
});
