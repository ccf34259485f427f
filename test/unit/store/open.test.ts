import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.js';
import { SCHEMA_VERSION } from '../../../src/store/schema.js';
import { openStore } from '../../../src/store/store.js';
import { tempDir } from './fixtures.js';

describe('openStore', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());
  const open = (file: string, kioskId = 'kiosk-1') =>
    openStore({ path: join(t.dir, file), kioskId, clock: new ManualClock() });

  it('refuses a database from a newer version instead of touching it', () => {
    const raw = new Database(join(t.dir, 'new.db'));
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(open('new.db')).toEqual({
      ok: false,
      error: { kind: 'schema-too-new', found: SCHEMA_VERSION + 1, supported: SCHEMA_VERSION },
    });
  });

  it('reports a file that is not a database as a value', () => {
    writeFileSync(join(t.dir, 'junk.db'), Buffer.alloc(8192, 0x5a));
    expect(open('junk.db')).toEqual({ ok: false, error: { kind: 'not-a-database' } });
  });

  it('refuses a kiosk id that is not an identifier', () => {
    expect(open('k.db', 'Kiosk of Maryna Ivanova')).toEqual({
      ok: false,
      error: { kind: 'invalid-kiosk-id' },
    });
  });
});
