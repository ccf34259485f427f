// Opening the database: durability and locking settings, then migrations. One process, one
// connection, one writer: `locking_mode = EXCLUSIVE` makes the OS enforce that a second
// kiosk host (or a stray CLI) cannot open the same file while this one runs.
import Database from 'better-sqlite3';
import { err, ok, type Result } from '../shared/result.js';
import { classifySqliteError, type StorageError } from './errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

export type Db = Database.Database;

export type OpenError =
  | StorageError
  | { readonly kind: 'schema-too-new'; readonly found: number; readonly supported: number }
  | { readonly kind: 'not-a-database' };

export interface OpenDbOptions {
  readonly path: string;
  /**
   * Caps the file at this many pages (4 KiB each). Production leaves it unset; tests use it to
   * simulate a full disk deterministically, and it can serve as a quota.
   */
  readonly maxPageCount?: number;
}

export interface OpenedDb {
  readonly db: Db;
  readonly migratedFrom: number;
  readonly schemaVersion: number;
}

export function openDb(opts: OpenDbOptions): Result<OpenedDb, OpenError> {
  let db: Db;
  try {
    db = new Database(opts.path, { timeout: 0 });
  } catch (e) {
    return failOpen(e);
  }
  try {
    configure(db, opts);
    const from = db.pragma('user_version', { simple: true }) as number;
    if (from > SCHEMA_VERSION) {
      db.close();
      return err({ kind: 'schema-too-new', found: from, supported: SCHEMA_VERSION });
    }
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      db.transaction(() => {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    }
    return ok({ db, migratedFrom: from, schemaVersion: SCHEMA_VERSION });
  } catch (e) {
    db.close();
    return failOpen(e);
  }
}

function configure(db: Db, opts: OpenDbOptions): void {
  // Take the exclusive lock before anything else so a second opener fails fast with BUSY.
  db.pragma('locking_mode = EXCLUSIVE');
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new Error(`could not enable WAL (got ${String(mode)})`);
  // better-sqlite3 leaves WAL at NORMAL, which may lose the last commits on power loss; a
  // voter was already told "recorded" for those. FULL syncs the WAL on every commit.
  db.pragma('synchronous = FULL');
  if (db.pragma('synchronous', { simple: true }) !== 2)
    throw new Error('synchronous = FULL refused');
  db.pragma('foreign_keys = ON');
  // Freed pages are zeroed, so nothing deleted lingers in the file.
  db.pragma('secure_delete = ON');
  db.pragma('trusted_schema = OFF');
  if (opts.maxPageCount !== undefined)
    db.pragma(`max_page_count = ${Math.floor(opts.maxPageCount)}`);
  // Touch the file now: the exclusive lock is taken on first access, and a corrupt or foreign
  // file is reported at open rather than at the first vote.
  db.prepare('SELECT count(*) FROM sqlite_schema').get();
}

function failOpen(e: unknown): Result<never, OpenError> {
  const s = classifySqliteError(e);
  if (s !== undefined) return err(s);
  if (e instanceof Database.SqliteError && e.code === 'SQLITE_NOTADB')
    return err({ kind: 'not-a-database' });
  throw e;
}
