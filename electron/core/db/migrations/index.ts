import { migration001Initial } from './001-initial';
import { migration002Dicom } from './002-dicom';
import type { Migration } from './types';

/** Every schema change, in order. Append only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [migration001Initial, migration002Dicom];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
