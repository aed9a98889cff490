import { describe, expect, it } from 'vitest';
import { MIN_PASSPHRASE_LENGTH, passphraseStrength } from './passphraseStrength';

const score = (text: string) => passphraseStrength(text).score;

describe('passphraseStrength', () => {
  it('rates an empty passphrase very weak and asks for the minimum length', () => {
    expect(passphraseStrength('')).toEqual({
      score: 0,
      label: 'Very weak',
      hint: `Use at least ${MIN_PASSPHRASE_LENGTH} characters.`,
    });
  });

  it('rates anything shorter than the minimum very weak, however random', () => {
    expect(score('x9$Kq!2')).toBe(0);
    expect(passphraseStrength('x9$Kq!2').hint).toMatch(/at least 8/);
  });

  it('rates common passwords very weak or weak', () => {
    for (const text of ['password', 'Password1', 'P@ssw0rd!', 'qwerty123', 'letmein2024', 'iloveyou']) {
      expect(score(text), text).toBeLessThanOrEqual(1);
    }
    expect(passphraseStrength('Password1').hint).toMatch(/common words/);
  });

  it('penalises runs and sequences', () => {
    expect(score('aaaaaaaaaaaa')).toBe(0);
    expect(score('12345678')).toBe(0);
    expect(score('abcdefghijkl')).toBe(0);
    expect(score('987654321098')).toBeLessThanOrEqual(1);
  });

  it('penalises repetition of a short unit', () => {
    expect(score('abcabcabcabc')).toBeLessThanOrEqual(1);
    expect(score('x9$Kx9$Kx9$Kx9$K')).toBeLessThan(score('x9$Kq!2vLp#7Wd@4'));
    expect(passphraseStrength('tomtomtomtom').hint).toMatch(/repeating/);
  });

  it('rates random mixed passwords and long phrases strong', () => {
    expect(score('x9$Kq!2vLp#7')).toBeGreaterThanOrEqual(3);
    expect(score('correct horse battery staple')).toBeGreaterThanOrEqual(3);
    expect(score('maple tundra velvet orbit canyon')).toBe(4);
  });

  it('treats words as words, even capitalised, in l33t spelling or followed by a year', () => {
    const middle = score('Tr0ub4dor&3');
    expect(middle).toBeGreaterThanOrEqual(1);
    expect(middle).toBeLessThanOrEqual(2);
    expect(score('MyDogIsCute2024')).toBeLessThanOrEqual(2);
    expect(score('MyDogIsCute2024')).toBeLessThan(score('MyDogIsCute8351'));
  });

  it('never rates a passphrase lower for appending random characters', () => {
    let previous = 0;
    let text = 'gl';
    for (const char of 'Xq7!mZr2#pVw9kLs') {
      text += char;
      const now = score(text);
      expect(now, text).toBeGreaterThanOrEqual(previous);
      previous = now;
    }
    expect(previous).toBe(4);
  });

  it('always returns a label that matches the score and a hint below strong', () => {
    const labels = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'];
    for (const text of ['', 'abc', 'password', 'Tr0ub4dor&3', 'x9$Kq!2vLp#7', 'maple tundra velvet orbit canyon']) {
      const result = passphraseStrength(text);
      expect(result.label).toBe(labels[result.score]);
      if (result.score < 3) expect(result.hint.length).toBeGreaterThan(0);
    }
  });

  it('handles non-ASCII characters', () => {
    expect(score('ÄöüßÉèçñ')).toBeGreaterThanOrEqual(1);
    expect(() => passphraseStrength('🙂🙂🙂🙂🙂🙂🙂🙂')).not.toThrow();
    expect(score('🙂🙂🙂🙂🙂🙂🙂🙂')).toBe(0);
  });
});
