// No plaintext choice or identity on disk (DESIGN.md §4). Synthetic voting sessions carry
// marker strings for choices, names and document numbers; we push them at every public store
// call where a careless implementation could keep them, then scan the database, its WAL and
// the log file byte for byte. A control run shows the scan does find a marker that is stored.
import { createCipheriv, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { EVENTS } from '../../../src/shared/events.js';
import { createLogger } from '../../../src/shared/log.js';
import type { SealedBallot } from '../../../src/store/outbox.js';
import { BallotFactory, openTestStore, STAFF, tempDir, testSigner } from './fixtures.js';

const MARKERS = {
  choice: 'MARKER-CHOICE-Zhaleznyak',
  name: 'MARKER Іваноўская Марына',
  document: 'MP7781234MARK',
};

interface Session {
  name: string;
  document: string;
  choices: string[];
}

function sessions(n: number): Session[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `${MARKERS.name} ${i}`,
    document: `${MARKERS.document}${i}`,
    choices: [`${MARKERS.choice}-${i}`, `${MARKERS.choice}-council`],
  }));
}

/** Stand-in for the ballot module: the envelope is ciphertext, so choices are not readable. */
function sealFor(s: Session, f: BallotFactory): SealedBallot {
  const cipher = createCipheriv('aes-256-gcm', randomBytes(32), randomBytes(12));
  const body = Buffer.concat([
    cipher.update(JSON.stringify(s.choices)),
    cipher.final(),
    randomBytes(2500),
  ]);
  return f.next({ envelope: new Uint8Array(body) });
}

function needles(): Buffer[] {
  const core = [MARKERS.choice, MARKERS.name, MARKERS.document, 'MARKER'];
  return core.flatMap((m) => [Buffer.from(m, 'utf8'), Buffer.from(m, 'utf16le')]);
}

/** Every marker occurrence in every file of the directory (db, -wal, -shm, logs). */
function scan(dir: string): string[] {
  const found: string[] = [];
  for (const file of readdirSync(dir)) {
    const bytes = readFileSync(join(dir, file));
    for (const n of needles()) if (bytes.includes(n)) found.push(`${file}: ${n.toString('utf8')}`);
  }
  return found;
}

describe('privacy: nothing personal reaches the disk', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('voting sessions with marker inputs leave no marker in database, WAL or log', () => {
    const logPath = join(t.dir, 'host.log');
    const logger = createLogger({
      level: 'debug',
      destination: pino.destination({ dest: logPath, sync: true }),
    });
    const store = openTestStore(t.dir, { logger, maxPageCount: 400 });
    const f = new BallotFactory();
    const refusals: unknown[] = [];
    const refused = (r: { ok: boolean }) => {
      expect(r.ok).toBe(false);
      refusals.push(r);
    };
    const election = 'e-2026-council';
    expect(store.polls.apply(election, 'open', STAFF).ok).toBe(true);

    for (const s of sessions(40)) {
      const sealed = sealFor(s, f);
      // A careless caller hands over the whole session with the sealed ballot…
      refused(
        store.outbox.enqueue({
          ...sealed,
          voterName: s.name,
          documentNumber: s.document,
        } as SealedBallot),
      );
      // (An id-shaped string cannot be told from an election id by its shape; free text can.)
      refused(store.outbox.enqueue({ ...sealed, electionId: s.name }));
      // …or writes the voter into the audit log, as a key or in a field meant for an id.
      refused(store.audit.append(EVENTS.staffSignIn, { staffId: s.document }));
      refused(
        store.audit.append(EVENTS.deviceFault, {
          device: 'card-reader',
          fault: 'garbage',
          mrz: s.document,
        } as never),
      );
      refused(
        store.audit.append(EVENTS.pollsPause, {
          staffId: STAFF,
          electionId: election,
          note: s.name,
        } as never),
      );
      refused(store.audit.append(s.choices[0] as never, {} as never));
      refused(store.polls.apply(election, 'pause', s.name));
      refused(
        store.outbox.transition(sealed.ballotId, { to: 'rejected', reason: s.choices[1] } as never),
      );
      // The real path: recorded, then delivered.
      expect(store.outbox.enqueue(sealed)).toMatchObject({ ok: true, value: { duplicate: false } });
      expect(store.outbox.transition(sealed.ballotId, { to: 'sent' }).ok).toBe(true);
    }
    // A page cap makes the last votes meet a full disk, whose error path logs as well.
    let full = false;
    for (const s of sessions(400)) {
      const r = store.outbox.enqueue(sealFor(s, f));
      if (!r.ok) {
        expect(r.error).toEqual({ kind: 'disk-full' });
        full = true;
        break;
      }
    }
    expect(full).toBe(true);
    expect(readFileSync(logPath, 'utf8')).toContain(EVENTS.storeDiskFull);
    refused(store.exportReconciliation(election, 'json', testSigner(), MARKERS.name));

    // Refusals name fields, never values.
    expect(JSON.stringify(refusals)).not.toMatch(/MARKER|MP7781234|Іваноўская/);
    expect(refusals.length).toBe(40 * 8 + 1);

    expect(scan(t.dir)).toEqual([]);
    expect(readdirSync(t.dir)).toEqual(
      expect.arrayContaining(['kiosk.db', 'kiosk.db-wal', 'host.log']),
    );
    store.close();
    expect(scan(t.dir)).toEqual([]);
  });

  it('control: the scan finds a marker that a careless envelope does store', () => {
    const store = openTestStore(t.dir);
    const f = new BallotFactory();
    const plain = new TextEncoder().encode(JSON.stringify(sessions(1)[0]));
    const b = f.next({ envelope: plain });
    expect(createHash('sha256').update(plain).digest()).toEqual(Buffer.from(b.ballotId));
    expect(store.outbox.enqueue(b).ok).toBe(true);
    expect(scan(t.dir).length).toBeGreaterThan(0);
    store.close();
    expect(scan(t.dir).length).toBeGreaterThan(0);
  });
});
