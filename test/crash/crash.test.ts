// Crash harness (DESIGN.md §6 crash rule). A child kiosk votes and syncs against the real
// store; we SIGKILL it at random instants (delays drawn by fast-check from a printed seed),
// restart it, and after every kill check:
//   - every ballot reported as recorded is stored exactly once, with its envelope intact;
//   - no state moved backward (against earlier observations and the child's own reports);
//   - the confirmation chain and the audit chain verify, integrity_check is clean;
//   - every printed receipt matches a stored row (seq, ballot id, confirmation code).
// CI runs 200 kills; `CRASH_KILLS=2000 npx vitest run --project unit test/crash` runs more,
// and `CRASH_SEED=<n>` replays a schedule.
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.js';
import { reachable, type OutboxState } from '../../src/store/states.js';
import { openStore, storeDatabase } from '../../src/store/store.js';
import { tempDir } from '../unit/store/fixtures.js';
import { discard, prepareWorker, runAndKill, standby, type WorkerCommand } from './spawn-worker.js';

const KILLS = Number(process.env['CRASH_KILLS'] ?? 200);
const SEED = Number(process.env['CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const MAX_DELAY_MS = 40;

interface Tally {
  kills: number;
  recorded: number;
  printed: number;
  lost: number;
  duplicated: number;
  backward: number;
  unmatchedReceipts: number;
  envelopeDamaged: number;
  transitionsReported: number;
}

describe('crash harness', () => {
  let cmd: WorkerCommand;
  const t = tempDir('veche-crash-', { onDisk: true });
  beforeAll(async () => {
    cmd = await prepareWorker();
  });
  afterAll(() => {
    if (cmd.how === 'bundle' && cmd.args[0] !== undefined) rmSync(cmd.args[0], { force: true });
    t.cleanup();
  });

  async function campaign(
    dir: string,
    kills: number,
    seed: number,
    env: NodeJS.ProcessEnv,
    label: string,
  ): Promise<Tally> {
    const dbPath = join(dir, 'kiosk.db');
    const scratch = tempDir('veche-crash-check-');
    const printerPath = join(dir, 'printer.txt');
    const [delays] = fc.sample(
      fc.array(fc.integer({ min: 0, max: MAX_DELAY_MS }), { minLength: kills, maxLength: kills }),
      { seed, numRuns: 1 },
    );
    if (delays === undefined) throw new Error('no schedule');
    const tally: Tally = {
      kills: 0,
      recorded: 0,
      printed: 0,
      lost: 0,
      duplicated: 0,
      backward: 0,
      unmatchedReceipts: 0,
      envelopeDamaged: 0,
      transitionsReported: 0,
    };
    const recorded = new Map<number, string>(); // kioskSeq → ballot id hex, as reported
    const unchecked: number[] = [];
    const floor = new Map<number, OutboxState>(); // lowest state each ballot may be in now
    const printedSeqs = new Set<number>();
    const lostSeqs = new Set<number>();
    let printerOffset = 0;
    let startTotal = 0;
    const t0 = performance.now();

    let next = standby(cmd, [dbPath, printerPath], env);
    try {
      for (const delay of delays) {
        const current = next;
        const running = runAndKill(current, delay);
        next = standby(cmd, [dbPath, printerPath], env);
        const run = await running;
        tally.kills++;
        startTotal += run.openMs;
        for (const line of run.lines) {
          const [tag, ...rest] = line.split(' ');
          if (tag === 'E') {
            const seq = Number(rest[0]);
            if (recorded.has(seq)) tally.duplicated++;
            recorded.set(seq, rest[1] ?? '');
            unchecked.push(seq);
            tally.recorded++;
            raise(floor, seq, 'queued');
          } else if (tag === 'S') {
            for (const item of rest) {
              const [seq, state] = item.split(':');
              raise(floor, Number(seq), state as OutboxState);
              tally.transitionsReported++;
            }
          } else if (tag !== 'R') {
            throw new Error(`unexpected worker line: ${line}`);
          }
        }

        // Check a copy: opening and closing the original here would recover and checkpoint it,
        // and the next child must instead face exactly what the kill left behind.
        const copyPath = join(scratch.dir, 'check.db');
        rmSync(`${copyPath}-wal`, { force: true });
        copyFileSync(dbPath, copyPath);
        if (existsSync(`${dbPath}-wal`)) copyFileSync(`${dbPath}-wal`, `${copyPath}-wal`);
        const opened = openStore({
          path: copyPath,
          kioskId: 'kiosk-crash',
          clock: new ManualClock(),
        });
        if (!opened.ok) throw new Error(`reopen failed: ${JSON.stringify(opened.error)}`);
        const store = opened.value;
        try {
          expect(store.integrityCheck()).toEqual({ ok: true });
          expect(store.chain.verify()).toMatchObject({ ok: true });
          expect(store.audit.verify()).toMatchObject({ ok: true });
          const db = storeDatabase(store);
          const rows = db
            .prepare<[], { kiosk_seq: number; id: string; state: OutboxState; code: string }>(
              `SELECT o.kiosk_seq, lower(hex(o.ballot_id)) AS id, o.state, lower(hex(o.confirmation_code)) AS code
               FROM outbox o`,
            )
            .all();
          const bySeq = new Map(rows.map((r) => [r.kiosk_seq, r]));
          const ids = new Map<string, number>();
          for (const r of rows) ids.set(r.id, (ids.get(r.id) ?? 0) + 1);
          tally.duplicated += [...ids.values()].filter((n) => n > 1).length;

          // Recorded ballots: present once, same id, envelope bytes intact.
          const envelope = db.prepare<[number], { envelope: Buffer }>(
            'SELECT envelope FROM outbox WHERE kiosk_seq = ?',
          );
          for (const seq of unchecked.splice(0)) {
            const row = bySeq.get(seq);
            if (row === undefined || row.id !== recorded.get(seq)) continue; // counted below
            const env = envelope.get(seq)?.envelope;
            if (env === undefined || createHash('sha256').update(env).digest('hex') !== row.id)
              tally.envelopeDamaged++;
          }
          for (const [seq, id] of recorded) if (bySeq.get(seq)?.id !== id) lostSeqs.add(seq);
          tally.lost = lostSeqs.size;

          // States only moved forward.
          for (const r of rows) {
            const before = floor.get(r.kiosk_seq);
            if (before !== undefined && !reachable(before, r.state)) tally.backward++;
            floor.set(r.kiosk_seq, r.state);
          }

          // Every printed receipt matches a row.
          const printer = readFileSync(printerPath, 'utf8');
          const fresh = printer.slice(printerOffset);
          const complete = fresh.slice(0, fresh.lastIndexOf('\n') + 1);
          printerOffset += complete.length;
          for (const line of complete.split('\n').filter(Boolean)) {
            const m = /^P (\d+) ([0-9a-f]{64}) ([0-9a-f]{64})$/.exec(line);
            tally.printed++;
            const row = m === null ? undefined : bySeq.get(Number(m[1]));
            if (m === null || row === undefined || row.id !== m[2] || row.code !== m[3]) {
              tally.unmatchedReceipts++;
              continue;
            }
            if (printedSeqs.has(row.kiosk_seq)) tally.duplicated++;
            printedSeqs.add(row.kiosk_seq);
            if (!recorded.has(row.kiosk_seq)) tally.unmatchedReceipts++; // printed before "recorded"
          }
          if (tally.kills === kills) {
            const summary = {
              ...tally,
              ballots: rows.length,
              final: rows.filter((r) => r.state === 'final').length,
              chain: 'ok',
              audit: `ok (${store.audit.head().seq} entries)`,
              seed,
              worker: cmd.how,
              meanOpenMs: Math.round(startTotal / kills),
              seconds: Math.round((performance.now() - t0) / 100) / 10,
            };
            console.log(`crash invariants${label}: ${JSON.stringify(summary)}`);
          }
        } finally {
          store.close();
        }
      }
    } finally {
      await discard(next);
      scratch.cleanup();
    }
    return tally;
  }

  it(
    `after ${KILLS} SIGKILLs nothing recorded is lost or duplicated`,
    async () => {
      const tally = await campaign(t.dir, KILLS, SEED, process.env, '');
      expect(tally).toMatchObject({
        kills: KILLS,
        lost: 0,
        duplicated: 0,
        backward: 0,
        unmatchedReceipts: 0,
        envelopeDamaged: 0,
      });
      // The workload must really have run between kills, or the harness proves nothing. (About
      // five ballots per run on an idle machine; far fewer when a loaded CI disk slows fsync.)
      expect(tally.recorded).toBeGreaterThan(KILLS / 4);
      expect(tally.transitionsReported).toBeGreaterThan(KILLS / 4);
      expect(tally.printed).toBeGreaterThan(KILLS / 4);
    },
    Math.max(600_000, KILLS * 1_000),
  );

  it('catches a kiosk that prints the receipt before the commit (harness self-test)', async () => {
    const m = tempDir('veche-crash-mutant-', { onDisk: true });
    try {
      const env = { ...process.env, VECHE_CRASH_MUTANT: 'print-before-commit' };
      const tally = await campaign(m.dir, 40, SEED, env, ' (mutant, violations expected)');
      expect(tally.lost + tally.unmatchedReceipts).toBeGreaterThan(0);
    } finally {
      m.cleanup();
    }
  }, 120_000);
});

function raise(floor: Map<number, OutboxState>, seq: number, state: OutboxState): void {
  const cur = floor.get(seq);
  if (cur === undefined || reachable(cur, state)) floor.set(seq, state);
}
