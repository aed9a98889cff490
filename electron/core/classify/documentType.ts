import type { DesignatedRecordSetType } from '../../../shared/recordSet';
import { TYPE_CUES } from './documentTypeCues';
import { quoted, type Suggested } from './suggested';

/** Records name themselves near the top; reading further adds noise and time. */
const READ_CHARS = 40_000;

interface Score {
  type: DesignatedRecordSetType;
  score: number;
  /** What matched, strongest first. */
  evidence: { weight: number; words: string; phrase: boolean }[];
}

/**
 * The record type a document's text suggests, by the phrases and layout in `TYPE_CUES`. The
 * confidence grows with the evidence and shrinks when another type is nearly as likely.
 */
export function suggestType(text: string): Suggested<DesignatedRecordSetType> | null {
  const sample = text.slice(0, READ_CHARS);
  const scores = new Map<DesignatedRecordSetType, Score>();
  for (const cue of TYPE_CUES) {
    const match = cue.pattern.exec(sample);
    if (!match) continue;
    const score = scores.get(cue.type) ?? { type: cue.type, score: 0, evidence: [] };
    score.score += cue.weight;
    // A layout cue is named by what it is, with the words it saw when they are short ("lab units 'mg/dL'").
    const words = cue.label
      ? match[0].length <= 12
        ? `${cue.label} ${quoted(match[0])}`
        : cue.label
      : quoted(match[0]);
    score.evidence.push({ weight: cue.weight, words, phrase: !cue.label });
    scores.set(cue.type, score);
  }
  const ranked = [...scores.values()].sort((a, b) => b.score - a.score);
  const best = ranked[0];
  if (!best || best.score < 2) return null;
  const runnerUp = ranked[1];

  let confidence =
    best.score >= 7 ? 0.92 : best.score >= 5 ? 0.85 : best.score >= 4 ? 0.75 : best.score >= 3 ? 0.6 : 0.45;
  const close = runnerUp !== undefined && best.score - runnerUp.score < 2;
  if (close) confidence -= 0.2;
  confidence = Math.max(0.2, Math.round(confidence * 100) / 100);

  // The strongest sign first; between equals, words the document says outright.
  best.evidence.sort((a, b) => b.weight - a.weight || Number(b.phrase) - Number(a.phrase));
  const [first, ...rest] = best.evidence;
  const phrase = first!.phrase ? `phrase ${first!.words}` : first!.words;
  let reason = rest.length > 0 ? `${phrase} and ${rest.length} more sign${rest.length > 1 ? 's' : ''}` : phrase;
  if (close) reason += `; it could also be ${article(runnerUp.type.replace(/-/g, ' '))}`;
  return { value: best.type, confidence, reason };
}

function article(label: string): string {
  return `${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}`;
}
