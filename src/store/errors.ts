// SQLite reports an exhausted disk or quota as SQLITE_FULL and a failing device as
// SQLITE_IOERR_*. Those are expected in the field (a full SD card, a yanked USB disk) and
// become values; every other SQLite error is a bug in our SQL and is rethrown.
import Database from 'better-sqlite3';
import { err, ok, type Result } from '../shared/result.js';

export type StorageError =
  | { readonly kind: 'disk-full' }
  | { readonly kind: 'io'; readonly code: string }
  | { readonly kind: 'locked' };

export function classifySqliteError(e: unknown): StorageError | undefined {
  if (!(e instanceof Database.SqliteError)) return undefined;
  if (e.code === 'SQLITE_FULL') return { kind: 'disk-full' };
  if (e.code.startsWith('SQLITE_IOERR')) return { kind: 'io', code: e.code };
  if (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED') return { kind: 'locked' };
  return undefined;
}

/** Runs fn; storage failures become a value, anything else propagates as the bug it is. */
export function catchStorage<T>(fn: () => T): Result<T, StorageError> {
  try {
    return ok(fn());
  } catch (e) {
    const s = classifySqliteError(e);
    if (s === undefined) throw e;
    return err(s);
  }
}
