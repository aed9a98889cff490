/**
 * A small, pure passphrase strength estimate for the create-vault form. It guesses how many bits an
 * attacker who tries common patterns first would need, then maps them to a score:
 *   0 very weak · 1 weak · 2 fair · 3 strong · 4 very strong.
 * It is guidance, not a gate: the core only refuses passphrases shorter than MIN_PASSPHRASE_LENGTH.
 */

import { MIN_PASSPHRASE_LENGTH } from '../../../shared/limits';
export { MIN_PASSPHRASE_LENGTH };

export type StrengthScore = 0 | 1 | 2 | 3 | 4;

export interface PassphraseStrength {
  score: StrengthScore;
  label: string;
  /** One short sentence on how to do better (empty when there is nothing to add). */
  hint: string;
}

const LABELS: Record<StrengthScore, string> = {
  0: 'Very weak',
  1: 'Weak',
  2: 'Fair',
  3: 'Strong',
  4: 'Very strong',
};

/** Passwords and words attackers try first (matched case-insensitively, also in l33t spelling). */
const COMMON_WORDS = [
  'password',
  'passwort',
  'passw0rd',
  'qwerty',
  'azerty',
  'asdf',
  'zxcv',
  'letmein',
  'welcome',
  'admin',
  'login',
  'iloveyou',
  'love',
  'monkey',
  'dragon',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'soccer',
  'master',
  'secret',
  'shadow',
  'superman',
  'batman',
  'hello',
  'freedom',
  'whatever',
  'trustno',
  'starwars',
  'changeme',
  'default',
  'medvault',
  'vault',
  'health',
  'medical',
  'doctor',
  'hospital',
  'patient',
  'summer',
  'winter',
  'spring',
  'autumn',
  'pass',
  'test',
  'user',
  'god',
];

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

/** Bits given to a whole common word: it is one guess among a few thousand. */
const COMMON_WORD_BITS = 6;
/** Bits per extra character of a run ("aaaa") or a sequence ("abcd", "4321"). */
const PATTERN_BITS = 0.5;

function poolSize(text: string): number {
  let pool = 0;
  if (/[a-z]/.test(text)) pool += 26;
  if (/[A-Z]/.test(text)) pool += 26;
  if (/[0-9]/.test(text)) pool += 10;
  if (/[ ]/.test(text)) pool += 1;
  if (/[!-/:-@[-`{-~]/.test(text)) pool += 33;
  if (/[^\x20-\x7e]/.test(text)) pool += 100;
  return Math.max(pool, 10);
}

/** Marks the characters covered by common words, so they count once per word. */
function commonWordMask(text: string): { mask: boolean[]; words: number } {
  const normal = [...text.toLowerCase()].map((char) => LEET[char] ?? char).join('');
  const mask = new Array<boolean>(text.length).fill(false);
  let words = 0;
  // Longest words first, so "password" wins over "pass".
  for (const word of [...COMMON_WORDS].sort((a, b) => b.length - a.length)) {
    const plain = [...word].map((char) => LEET[char] ?? char).join('');
    let from = normal.indexOf(plain);
    while (from !== -1) {
      const span = mask.slice(from, from + plain.length);
      if (span.every((covered) => !covered)) {
        for (let i = from; i < from + plain.length; i += 1) mask[i] = true;
        words += 1;
      }
      from = normal.indexOf(plain, from + 1);
    }
  }
  return { mask, words };
}

/** The shortest unit the text repeats ("abcabcabc" → "abc"), or the text itself. */
function repeatedUnit(text: string): { unit: string; times: number } {
  for (let size = 1; size <= text.length / 2; size += 1) {
    if (text.length % size !== 0) continue;
    const unit = text.slice(0, size);
    if (unit.repeat(text.length / size) === text) return { unit, times: text.length / size };
  }
  return { unit: text, times: 1 };
}

interface Findings {
  bits: number;
  commonWords: number;
  patternChars: number;
  repeated: boolean;
}

/** Bits for a letter inside a run of letters: words are far more predictable than random letters. */
const WORD_LETTER_BITS = 2.5;
/** Bits for a four-digit year (1900–2099): one guess among two hundred. */
const YEAR_BITS = 7.5;

/** Marks letters in runs of three or more with a vowel (after undoing l33t spelling): word-like text. */
function letterRunMask(normal: string[]): boolean[] {
  const mask = new Array<boolean>(normal.length).fill(false);
  let start = 0;
  for (let i = 0; i <= normal.length; i += 1) {
    if (i < normal.length && /[a-z]/.test(normal[i]!)) continue;
    const run = normal.slice(start, i).join('');
    // Words have vowels; a run such as "kqz" in a random string does not read as one.
    if (run.length >= 3 && /[aeiouy]/.test(run)) for (let j = start; j < i; j += 1) mask[j] = true;
    start = i + 1;
  }
  return mask;
}

function estimate(text: string): Findings {
  const chars = [...text];
  const { unit, times } = repeatedUnit(chars.join(''));
  if (times > 1) {
    const inner = estimate(unit);
    return { ...inner, bits: inner.bits + Math.log2(times), repeated: true };
  }

  const perChar = Math.log2(poolSize(text));
  const lower = chars.map((char) => char.toLowerCase());
  const normal = lower.map((char) => LEET[char] ?? char);
  const { mask, words } = commonWordMask(chars.join(''));
  let bits = words * COMMON_WORD_BITS;

  const joined = chars.join('');
  for (const match of joined.matchAll(/(?:19|20)\d\d/g)) {
    const at = [...joined.slice(0, match.index)].length;
    if (mask.slice(at, at + 4).some(Boolean)) continue;
    for (let i = at; i < at + 4; i += 1) mask[i] = true;
    bits += YEAR_BITS;
  }

  const wordLike = letterRunMask(normal);
  let patternChars = 0;
  for (let i = 0; i < chars.length; i += 1) {
    if (mask[i]) continue;
    const here = chars[i]!.codePointAt(0)!;
    const before = i > 0 && !mask[i - 1] ? chars[i - 1]!.codePointAt(0)! : null;
    const beforeThat = i > 1 && !mask[i - 2] ? chars[i - 2]!.codePointAt(0)! : null;
    const step = before === null ? null : here - before;
    const sameRun = step === 0;
    const sequence =
      step !== null && Math.abs(step) === 1 && beforeThat !== null && before !== null && before - beforeThat === step;
    const sequenceStart =
      step !== null && Math.abs(step) === 1 && i + 1 < chars.length && !mask[i + 1]
        ? chars[i + 1]!.codePointAt(0)! - here === step
        : false;
    if (sameRun || sequence || sequenceStart) {
      bits += PATTERN_BITS;
      patternChars += 1;
    } else if (wordLike[i]) {
      const capital = chars[i] !== lower[i] ? 1 : 0;
      const leet = lower[i] !== normal[i] ? 1 : 0;
      bits += Math.min(perChar, WORD_LETTER_BITS + capital + leet);
    } else {
      bits += perChar;
    }
  }
  return { bits, commonWords: words, patternChars, repeated: false };
}

function scoreFor(bits: number): StrengthScore {
  if (bits < 25) return 0;
  if (bits < 40) return 1;
  if (bits < 60) return 2;
  if (bits < 80) return 3;
  return 4;
}

export function passphraseStrength(passphrase: string): PassphraseStrength {
  const length = [...passphrase].length;
  if (length === 0) return { score: 0, label: LABELS[0], hint: `Use at least ${MIN_PASSPHRASE_LENGTH} characters.` };

  const findings = estimate(passphrase);
  let score = scoreFor(findings.bits);
  if (length < MIN_PASSPHRASE_LENGTH) score = 0;
  // A single word plus decorations stays weak, however it is capitalised.
  if (findings.commonWords > 0 && score > 1 && findings.bits < 50) score = 1;

  let hint = '';
  if (length < MIN_PASSPHRASE_LENGTH) hint = `Use at least ${MIN_PASSPHRASE_LENGTH} characters.`;
  else if (findings.commonWords > 0 && score < 3) hint = 'Avoid common words and passwords such as “password”.';
  else if (findings.repeated && score < 3) hint = 'Avoid repeating the same characters or words.';
  else if (findings.patternChars >= 3 && score < 3) hint = 'Avoid runs and sequences such as “aaa”, “abc” or “123”.';
  else if (score < 3) hint = 'Add a few more words: a longer phrase is both stronger and easier to remember.';
  else if (score === 3) hint = 'Good. One more word would make it even stronger.';

  return { score, label: LABELS[score], hint };
}
