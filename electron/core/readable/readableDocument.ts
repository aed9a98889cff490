import type { ReadableDocument } from '../../../shared/readable';
import { MedvaultError } from '../errors';
import { CcdaReadError } from '../import/ccda/parseCcda';
import { readableCcda } from './readableCcda';
import { FhirReadError, readableFhir } from './fhir';

/** Media types the app can lay out as a page, each with its reader. */
const READERS = new Map<string, (bytes: Buffer) => ReadableDocument>([
  ['application/xml', readableCcda],
  ['application/fhir+json', readableFhir],
]);

function essence(mediaType: string): string {
  return mediaType.split(';')[0]!.trim().toLowerCase();
}

/** Whether a file of this media type reads as a page (C-CDA, FHIR). */
export function hasReadableView(mediaType: string): boolean {
  return READERS.has(essence(mediaType));
}

/** A file laid out as a page (null for other types); one its reader cannot read is reported in a sentence. */
export function readableView(mediaType: string, bytes: Buffer): ReadableDocument | null {
  const reader = READERS.get(essence(mediaType));
  if (!reader) return null;
  try {
    return reader(bytes);
  } catch (error) {
    if (error instanceof CcdaReadError || error instanceof FhirReadError) {
      throw new MedvaultError('invalid-argument', error.message);
    }
    throw error;
  }
}
