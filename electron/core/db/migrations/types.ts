import type { Queryable } from '../Database';

export interface Migration {
  /** Equals its position in the registry, starting at 1; stored as `PRAGMA user_version`. */
  version: number;
  name: string;
  up(db: Queryable): Promise<void>;
}
