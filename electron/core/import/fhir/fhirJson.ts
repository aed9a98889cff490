import { UnreadableFileError } from '../types';

/**
 * What one FHIR file may be. Past these it is refused whole, with a reason, before (or instead
 * of) anything of it is stored: a file lands whole or not at all, so a file with too many
 * resources is not cut to its first ones either.
 */
export const FHIR_LIMITS = {
  fileBytes: 64 * 1024 * 1024,
  /** One NDJSON line is one resource; an inline attachment makes it large, not this large. */
  lineChars: 16 * 1024 * 1024,
  /** Real resources nest a dozen levels or so; deeper is a trap for the recursive code that reads them. */
  depth: 100,
  resources: 100_000,
};

const MIB = 1024 * 1024;

export function tooLarge(bytes: number): string | null {
  return bytes > FHIR_LIMITS.fileBytes
    ? `The FHIR file is implausibly large (over ${FHIR_LIMITS.fileBytes / MIB} MiB); it was not read.`
    : null;
}

/** The JSON values of a FHIR file (one, or one per NDJSON line), each checked for depth. */
export function parseFhirJson(text: string, ndjson: boolean): unknown[] {
  const values: unknown[] = [];
  const lines = ndjson ? text.split('\n') : [text];
  for (const [index, line] of lines.entries()) {
    if (ndjson && !line.trim()) continue;
    if (ndjson && line.length > FHIR_LIMITS.lineChars) {
      throw new UnreadableFileError(
        `Line ${index + 1} of the NDJSON file is over ${FHIR_LIMITS.lineChars / MIB} MiB, more than one FHIR resource should be; the file was not read.`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      if (error instanceof RangeError) throw new UnreadableFileError(tooDeep());
      throw new UnreadableFileError('The FHIR file is not valid JSON.');
    }
    if (depthOver(value, FHIR_LIMITS.depth)) throw new UnreadableFileError(tooDeep());
    values.push(value);
  }
  return values;
}

export function tooManyResources(count: number): string | null {
  return count > FHIR_LIMITS.resources
    ? `The FHIR file holds more than ${FHIR_LIMITS.resources} resources, more than Medvault reads from one file; it was not read.`
    : null;
}

function tooDeep(): string {
  return `The FHIR file nests deeper than ${FHIR_LIMITS.depth} levels, which no real record does; it was not read.`;
}

/** Whether arrays and objects nest deeper than `limit`; with a stack of its own, so any depth is safe to check. */
function depthOver(root: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (!value || typeof value !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(value)) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
