import { migration001Initial } from './001-initial';
import { migration002Dicom } from './002-dicom';
import { migration003Suggestions } from './003-suggestions';
import { migration004TextRecognition } from './004-text-recognition';
import type { Migration } from './types';

/** Every schema change, in order. Append only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  migration001Initial,
  migration002Dicom,
  migration003Suggestions,
  migration004TextRecognition,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
