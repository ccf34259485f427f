// Store benchmarks (issue 4, DESIGN.md §9):
//  - durable enqueue rate vs a bare SQLite insert of the same bytes with the same durability
//    (WAL, synchronous = FULL, exclusive lock) on the same disk, interleaved in rounds;
//  - reconciliation counts over 1 000 000 outbox rows, as a ratio to 1000 ms;
//  - database bytes per 100 000 ballots of 2–4 KiB envelopes (after a checkpoint), scaled from
//    the enqueue run.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/shared/clock.js';
import type { SealedBallot } from '../src/store/outbox.js';
import { openStore, storeDatabase, type Store } from '../src/store/store.js';
import { BallotFactory } from '../test/unit/store/fixtures.js';
import { row, type Bench, type BenchContext, type BenchRow } from './harness.js';

function open(path: string): Store {
  const r = openStore({ path, kioskId: 'kiosk-bench', clock: systemClock() });
  if (!r.ok) throw new Error(`openStore: ${JSON.stringify(r.error)}`);
  return r.value;
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

async function enqueueVsBare(dir: string, ctx: BenchContext): Promise<BenchRow[]> {
  const rounds = ctx.quick ? 5 : 20;
  const perRound = 250;
  const path = join(dir, 'enqueue.db');
  const store = open(path);
  const empty = fileBytes(path) + fileBytes(`${path}-wal`);
  const bare = new Database(join(dir, 'bare.db'));
  bare.pragma('locking_mode = EXCLUSIVE');
  bare.pragma('journal_mode = WAL');
  bare.pragma('synchronous = FULL');
  bare.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB NOT NULL) STRICT');
  const insert = bare.prepare('INSERT INTO t (b) VALUES (?)');
  const f = new BallotFactory();
  let storeMs = 0;
  let bareMs = 0;
  for (let r = 0; r < rounds + 1; r++) {
    const batch: SealedBallot[] = Array.from({ length: perRound }, () => f.next());
    const t0 = performance.now();
    for (const b of batch) insert.run(b.envelope);
    const t1 = performance.now();
    for (const b of batch) {
      const x = store.outbox.enqueue(b);
      if (!x.ok) throw new Error(`enqueue: ${JSON.stringify(x.error)}`);
    }
    const t2 = performance.now();
    if (r === 0) continue; // warm-up round
    bareMs += t1 - t0;
    storeMs += t2 - t1;
  }
  // Size is linear in ballots (one row, one chain link and index entries each), so the bytes
  // these real enqueues took scale to 100 000 without writing 300 MB at fsync pace.
  storeDatabase(store).pragma('wal_checkpoint(TRUNCATE)');
  const written = (rounds + 1) * perRound;
  const bytes = fileBytes(path) + fileBytes(`${path}-wal`) - empty;
  const per100k = (bytes / written) * 100_000;
  store.close();
  bare.close();
  const n = rounds * perRound;
  const storeRate = (n / storeMs) * 1000;
  const bareRate = (n / bareMs) * 1000;
  ctx.log(`enqueue ${storeRate.toFixed(0)}/s, bare insert ${bareRate.toFixed(0)}/s over ${n} each`);
  return [
    row({
      bench: 'store: durable enqueue',
      value: storeRate,
      unit: 'ballots/s',
      baseline: `bare SQLite insert of the same bytes, WAL + FULL, same disk (${bareRate.toFixed(0)}/s)`,
      ratio: storeRate / bareRate,
      goal: '>= 0.8',
    }),
    row({
      bench: 'store: database bytes per 100 000 ballots',
      value: per100k / 1e6,
      unit: 'MB',
      baseline: `envelope bytes alone (2–4 KiB, mean 3 KiB = 307 MB); scaled from ${written} enqueues`,
      ratio: per100k / (3072 * 100_000),
      goal: 'info',
    }),
  ];
}

function populate(store: Store, rows: number, ctx: BenchContext): void {
  const db = storeDatabase(store);
  const ins = db.prepare(
    `INSERT INTO outbox (kiosk_seq, ballot_id, election_id, kind, state, reject_reason,
       confirmation_code, chain_prev, enqueued_day, envelope)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, '2026-11-01', ?)`,
  );
  const envelope = randomBytes(32);
  const pool = randomBytes(64 * 1024 + 64);
  const states = [
    'final',
    'final',
    'final',
    'final',
    'included',
    'receipted',
    'sent',
    'queued',
  ] as const;
  const reasons = ['duplicate-nullifier', 'invalid-proof', 'election-closed'] as const;
  const chunk = 50_000;
  let prev = Buffer.alloc(32);
  for (let start = 0; start < rows; start += chunk) {
    db.transaction(() => {
      for (let i = start; i < Math.min(rows, start + chunk); i++) {
        // Mostly the big election; a second one so the count is a range, not the whole index.
        const election = i % 10 === 9 ? 'e-other' : 'e-big';
        const kind = i % 25 === 0 ? 'challenged' : 'cast';
        const rejected = i % 97 === 0;
        const id = Buffer.concat([pool.subarray(i % 65536, (i % 65536) + 28), u32(i)]);
        const code = Buffer.concat([
          u32(i),
          pool.subarray((i * 7) % 65536, ((i * 7) % 65536) + 28),
        ]);
        ins.run(
          i,
          id,
          election,
          kind,
          rejected ? 'rejected' : states[i % states.length],
          rejected ? reasons[i % reasons.length] : null,
          code,
          prev,
          envelope,
        );
        prev = code;
      }
    })();
    if (start % 250_000 === 0) ctx.log(`populated ${start} rows`);
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

async function reconcileMillion(dir: string, ctx: BenchContext): Promise<BenchRow> {
  const rows = ctx.quick ? 100_000 : 1_000_000;
  const store = open(join(dir, 'reconcile.db'));
  const t0 = performance.now();
  populate(store, rows, ctx);
  ctx.log(`populated ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const samples: number[] = [];
  let total = 0;
  for (let i = 0; i < 7; i++) {
    const s = performance.now();
    const c = store.reconciliation.counts('e-big');
    const o = store.reconciliation.counts('e-other');
    // And the first page of the list behind the biggest number.
    store.reconciliation.list('e-big', { kind: 'cast', state: 'final' }, { limit: 100 });
    samples.push(performance.now() - s);
    total = c.cast.total + c.challenged.total + o.cast.total + o.challenged.total;
  }
  store.close();
  if (total !== rows) throw new Error(`counted ${total} of ${rows}`);
  samples.sort((a, b) => a - b);
  const ms = samples[Math.floor(samples.length / 2)] ?? NaN;
  ctx.log(`reconcile over ${rows} rows: median ${ms.toFixed(1)} ms`);
  return row({
    bench: `store: reconciliation over ${rows} rows`,
    value: ms,
    unit: 'ms',
    baseline: '1000 ms budget (DESIGN.md §9)',
    ratio: ms / 1000,
    goal: '<= 1',
  });
}

const bench: Bench = async (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'veche-store-bench-'));
  try {
    return [...(await enqueueVsBare(dir, ctx)), await reconcileMillion(dir, ctx)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export default bench;
