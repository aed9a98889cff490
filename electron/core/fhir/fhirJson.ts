/**
 * The one reader of FHIR JSON files, for the importer and the readable pages alike: a resource, a
 * Bundle, or bulk-export NDJSON (a resource a line), within limits. Past a limit a file is refused
 * whole, with a reason, before (or instead of) anything of it is stored or shown: a file with too
 * many resources is not cut to its first ones either.
 */
import type { FhirObject } from './fhirValues';

export class FhirReadError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FhirReadError';
  }
}

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

export function tooManyResources(count: number): string | null {
  return count > FHIR_LIMITS.resources
    ? `The FHIR file holds more than ${FHIR_LIMITS.resources} resources, more than Medvault reads from one file; it was not read.`
    : null;
}

/** A FHIR file's resources, Bundles' entries in their place; `bundle` when the file is one Bundle. */
export interface FhirFile {
  resources: FhirObject[];
  bundle: FhirObject | null;
}

/**
 * Reads a FHIR file. `ndjson`: a resource a line (a `.ndjson` file); false: one JSON value;
 * 'guess': one JSON value if the text is one, else NDJSON (a file whose name is not known).
 */
export function readFhirFile(bytes: Buffer, ndjson: boolean | 'guess'): FhirFile {
  const large = tooLarge(bytes.length);
  if (large) throw new FhirReadError(large);
  const text = bytes.toString('utf8');
  const values = ndjson === 'guess' ? guessed(text) : parseFhirJson(text, ndjson);
  const resources: FhirObject[] = [];
  const lines = values.length > 1 || ndjson === true;
  for (const value of values) {
    if (!isResource(value)) {
      throw new FhirReadError(
        lines ? 'A line of the NDJSON file is not a FHIR resource.' : 'The JSON file is not a FHIR resource.',
      );
    }
    if (value.resourceType === 'Bundle') {
      const entries = Array.isArray(value.entry) ? value.entry : [];
      for (const entry of entries) {
        const resource: unknown = entry && typeof entry === 'object' ? (entry as FhirObject).resource : undefined;
        if (isResource(resource)) resources.push(resource);
      }
    } else resources.push(value);
    const many = tooManyResources(resources.length);
    if (many) throw new FhirReadError(many);
  }
  const [only] = values;
  return { resources, bundle: values.length === 1 && isResource(only) && only.resourceType === 'Bundle' ? only : null };
}

function isResource(value: unknown): value is FhirObject & { resourceType: string } {
  return (
    !!value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    typeof (value as FhirObject).resourceType === 'string'
  );
}

function guessed(text: string): unknown[] {
  try {
    return parseFhirJson(text, false);
  } catch (error) {
    if (!(error instanceof FhirReadError) || error.reason !== NOT_JSON) throw error;
  }
  return parseFhirJson(text, true);
}

const NOT_JSON = 'The FHIR file is not valid JSON.';

/** The JSON values of a FHIR file (one, or one per NDJSON line), each checked for depth. */
function parseFhirJson(text: string, ndjson: boolean): unknown[] {
  const values: unknown[] = [];
  const lines = ndjson ? text.split('\n') : [text];
  for (const [index, line] of lines.entries()) {
    if (ndjson && !line.trim()) continue;
    if (ndjson && line.length > FHIR_LIMITS.lineChars) {
      throw new FhirReadError(
        `Line ${index + 1} of the NDJSON file is over ${FHIR_LIMITS.lineChars / MIB} MiB, more than one FHIR resource should be; the file was not read.`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      if (error instanceof RangeError) throw new FhirReadError(tooDeep());
      throw new FhirReadError(NOT_JSON);
    }
    if (depthOver(value, FHIR_LIMITS.depth)) throw new FhirReadError(tooDeep());
    values.push(value);
  }
  return values;
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
