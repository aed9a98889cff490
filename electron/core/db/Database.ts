import { createRequire } from 'node:module';
import type * as Sqlite from '@journeyapps/sqlcipher';
import { MedvaultError } from '../errors';

// The package is CommonJS with a native addon; load it the way Node expects.
const sqlcipher = createRequire(import.meta.url)('@journeyapps/sqlcipher') as typeof Sqlite;

export type SqlValue = string | number | bigint | Buffer | null;
export type SqlParams = readonly SqlValue[] | Record<string, SqlValue>;

export interface Queryable {
  run(sql: string, params?: SqlParams): Promise<{ changes: number; lastID: number }>;
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

/**
 * One SQLCipher connection. Everything goes through `read` or `transaction`, which take turns:
 * a single connection shares one transaction state, so an edit made while an import is
 * mid-transaction would otherwise be committed or rolled back with it.
 */
export class Database {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly commitListeners: (() => void)[] = [];

  private constructor(private readonly db: Sqlite.Database) {}

  /** Opens the file with a raw 256-bit key. A wrong key only shows at the first query. */
  /**
   * Opens the database with its key. `existing`: it must already hold a schema — an empty or
   * unreadable file is refused before anything is written to it (no journal mode set, nothing
   * created), so that what is on disk stays as it was for a rescue.
   */
  static async open(path: string, rawKey: Buffer, { existing = false } = {}): Promise<Database> {
    const db = await new Promise<Sqlite.Database>((resolve, reject) => {
      const handle: Sqlite.Database = new sqlcipher.Database(path, (error: Error | null) =>
        error ? reject(error) : resolve(handle),
      );
    });
    const database = new Database(db);
    const conn = database.connection();
    // SQLCipher logs decryption failures to stderr itself; we report them in our own words.
    await conn.exec('PRAGMA cipher_log_level = NONE');
    // A raw key in x'..' form skips SQLCipher's own PBKDF2: the key is already derived.
    await conn.exec(`PRAGMA key = "x'${rawKey.toString('hex')}'"`);
    let schema: number;
    try {
      await conn.get('SELECT count(*) AS n FROM sqlite_master');
      schema = (await conn.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0;
    } catch (error) {
      await database.close();
      const message = String((error as Error).message);
      if (message.includes('SQLITE_NOTADB')) {
        throw new MedvaultError(
          'database-unusable',
          'The vault database cannot be decrypted with this vault’s key: it is damaged or belongs to another vault.',
          { cause: error },
        );
      }
      if (message.includes('SQLITE_CORRUPT')) {
        throw new MedvaultError('database-unusable', 'The vault database is damaged and cannot be read.', {
          cause: error,
        });
      }
      throw error;
    }
    if (existing && schema === 0) {
      await database.close();
      throw new MedvaultError(
        'database-unusable',
        'The vault database holds no vault: it is empty or was replaced by a new one.',
      );
    }
    // Temporary tables and sort spills stay in memory: SQLite's temp files would not be encrypted.
    await conn.exec(`
      PRAGMA temp_store = MEMORY;
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      PRAGMA foreign_keys = ON;
      PRAGMA busy_timeout = 5000;
    `);
    return database;
  }

  /**
   * Runs `work` alone on the connection, inside BEGIN IMMEDIATE … COMMIT (ROLLBACK on error).
   * `durable: false` skips the fsync of this commit (it stays atomic, and it survives a crash of
   * the process, but not necessarily a power cut): for steps of a larger unit, such as the
   * documents of an import run, whose final commit is durable and which is undone if it never comes.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>, { durable = true } = {}): Promise<T> {
    return this.exclusive(async () => {
      const conn = this.connection();
      // Each exec is a round trip through the thread pool and the event loop: the pragma goes
      // with BEGIN and back with COMMIT (an import makes hundreds of these transactions).
      try {
        await conn.exec(durable ? 'BEGIN IMMEDIATE' : 'PRAGMA synchronous = NORMAL; BEGIN IMMEDIATE');
      } catch (error) {
        if (!durable) await conn.exec('PRAGMA synchronous = FULL').catch(() => undefined);
        throw error;
      }
      try {
        const result = await work(conn);
        await conn.exec(durable ? 'COMMIT' : 'COMMIT; PRAGMA synchronous = FULL');
        for (const listener of this.commitListeners) listener();
        return result;
      } catch (error) {
        // The work or the COMMIT (a full disk) failed: undo, and put the pragma back on its own.
        await conn.exec('ROLLBACK').catch(() => undefined);
        if (!durable) await conn.exec('PRAGMA synchronous = FULL').catch(() => undefined);
        throw error;
      }
    });
  }

  /** Called (synchronously, so it may only schedule work) after each committed transaction. */
  onCommit(listener: () => void): void {
    this.commitListeners.push(listener);
  }

  /** Runs `work` alone on the connection, outside any transaction of ours. */
  read<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
    return this.exclusive(() => work(this.connection()));
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await new Promise<void>((resolve, reject) => this.db.close((error) => (error ? reject(error) : resolve())));
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private connection(): Queryable {
    const db = this.db;
    return {
      run: (sql, params = []) =>
        new Promise((resolve, reject) =>
          db.run(sql, params, function (this: Sqlite.RunResult, error: Error | null) {
            if (error) reject(error);
            else resolve({ changes: this.changes, lastID: this.lastID });
          }),
        ),
      get: <T>(sql: string, params: SqlParams = []) =>
        new Promise<T | undefined>((resolve, reject) =>
          db.get(sql, params, (error: Error | null, row: T) => (error ? reject(error) : resolve(row))),
        ),
      all: <T>(sql: string, params: SqlParams = []) =>
        new Promise<T[]>((resolve, reject) =>
          db.all(sql, params, (error: Error | null, rows: T[]) => (error ? reject(error) : resolve(rows))),
        ),
      exec: (sql) =>
        new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve()))),
    };
  }
}
