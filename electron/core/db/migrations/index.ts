import { migration001Initial } from './001-initial';
import { migration002Dicom } from './002-dicom';
import { migration003Suggestions } from './003-suggestions';
import { migration004TextRecognition } from './004-text-recognition';
import { migration005KeyImages } from './005-key-images';
import { migration006VaultIdentity } from './006-vault-identity';
import { migration007RecordCards } from './007-record-cards';
import type { Migration } from './types';

/** Every schema change, in order. Append only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  migration001Initial,
  migration002Dicom,
  migration003Suggestions,
  migration004TextRecognition,
  migration005KeyImages,
  migration006VaultIdentity,
  migration007RecordCards,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
