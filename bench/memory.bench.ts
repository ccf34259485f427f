// Host memory over a polling day (DESIGN.md §9: "host memory bounded"). The voting service as
// the host runs it — the real SQLite store on disk, real sealing from the precompute pool,
// real receipts handed to a printer — goes through many complete voter sessions: card read
// (roll lookup with the kiosk's scrypt), the votes open to the voter, a ballot, review, the
// confirmation code, cast, receipt, card out. The V8 heap after a full collection is sampled
// once the service is warm and again after many more sessions. Bounded means the later
// sample is not much above the earlier one. Per ballot the host keeps, by design, two 64-digit
// hex strings: the store's map of still-queued ballot ids (docs/store.md; emptied as the light
// node delivers) and the set of nullifiers cast at this kiosk (src/main/voting/cast-index.ts;
// "already voted here"). A heap-snapshot diff of 300 → 2000 sessions found exactly those
// (3 400 strings), plus JIT code that stops growing once the code is warm.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deriveIdentityKey, deriveRollEntry, type RollParams } from '../src/ballot/index.js';
import { authoritySigner } from '../src/devnet/keys.js';
import { demoWorld, DEMO_KIOSK_ID } from '../src/devnet/world.js';
import type { IdDocument, PrintJob, PrintError, ReceiptPrinter } from '../src/hardware/types.js';
import { staticChainView } from '../src/main/voting/chain-view.js';
import { documentIdentity } from '../src/main/voting/eligibility.js';
import { createVotingService } from '../src/main/voting/service.js';
import { ManualClock, type Clock } from '../src/shared/clock.js';
import { ok, type Result } from '../src/shared/result.js';
import { openStore } from '../src/store/index.js';
import { row, type Bench } from './harness.js';

// The kiosk's roll lookup cost is scrypt N = 2^15 in production; a smaller N keeps the bench
// short and does not change what stays in memory (the derived key is zeroed either way).
const ROLL: RollParams = { rollId: 'bench-roll', N: 1 << 10, r: 8, p: 1 };
const SECRET = new Uint8Array(32).fill(9);

/** A full collection, then the heap in use: what the host really holds. */
function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function voter(i: number): IdDocument {
  return {
    format: 'TD1',
    documentCode: 'ID',
    issuingState: 'BLR',
    documentNumber: `VB${i.toString().padStart(7, '0')}`,
    surname: 'BENCH',
    givenNames: `VOTER ${i}`,
    nationality: 'BLR',
    birthDate: '1980-01-01',
    expiryDate: '2031-05-01',
    sex: 'female',
  };
}

/** Takes every job, as a printer with paper does; the ESC/POS bytes are the driver's bench. */
class AcceptingPrinter implements Pick<ReceiptPrinter, 'print'> {
  jobs = 0;
  print(_job: PrintJob): Promise<Result<void, PrintError>> {
    this.jobs++;
    return Promise.resolve(ok(undefined));
  }
}

const PICKS: Record<string, Record<string, Record<string, number>>> = {
  'single-choice': { main: { bazhena: 1 } },
  'k-of-n': { main: { o2: 1, o4: 1 } },
  approval: { main: { o1: 1, o3: 1, o4: 1 } },
  rating: { main: { score: 4 } },
  referendum: { main: { yes: 1 } },
};

const bench: Bench = async (ctx) => {
  const warm = ctx.quick ? 100 : 300;
  const total = ctx.quick ? 500 : 2_000;
  const dir = mkdtempSync(join(tmpdir(), 'veche-memory-bench-'));
  const nowS = Math.floor(Date.UTC(2026, 10, 1, 8, 0, 0) / 1000);
  const world = demoWorld('memory-bench', authoritySigner('memory-bench'), nowS);
  const voters = Array.from({ length: total }, (_, i) => voter(i));
  ctx.log(`deriving ${total} roll entries`);
  const rollEntries = voters.map((d) =>
    deriveRollEntry(SECRET, deriveIdentityKey(ROLL, documentIdentity(d))),
  );
  const elections = world.elections.filter((e) => PICKS[e.kind] !== undefined);
  const clock = new ManualClock((nowS + 2 * 3600) * 1000);
  const timed: Clock = {
    now: () => clock.now(),
    monotonic: () => performance.now(),
    setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
    clearTimeout: (h) => clock.clearTimeout(h),
  };
  const opened = openStore({ path: join(dir, 'kiosk.db'), kioskId: DEMO_KIOSK_ID, clock });
  if (!opened.ok) throw new Error(`store: ${JSON.stringify(opened.error)}`);
  const store = opened.value;
  const printer = new AcceptingPrinter();
  const service = createVotingService({
    chain: staticChainView({
      elections: world.elections.map((e) => ({ ctx: e.ctx, styleId: 'main' })),
      rollEntries: [...world.rollEntries, ...rollEntries],
    }),
    roll: { secret: SECRET, params: ROLL },
    kioskId: DEMO_KIOSK_ID,
    signer: world.kiosk.signer,
    store,
    printer,
    canVote: () => true,
    clock: timed,
  });
  const must = <T>(what: string, r: Result<T, unknown>): T => {
    if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r.error)}`);
    return r.value;
  };
  let cast = 0;
  const session = async (i: number): Promise<void> => {
    must('begin', await service.begin(voters[i] as IdDocument, i % 2 === 0 ? 'be' : 'en'));
    must('votes', service.votes());
    const e = elections[i % elections.length];
    if (e === undefined) throw new Error('no elections');
    must('open', service.open(e.electionId));
    must('review', service.review(PICKS[e.kind] ?? {}));
    must('confirm', await service.confirm());
    must('cast', await service.cast());
    cast++;
    service.end();
    clock.advance(20_000);
  };
  try {
    const t0 = performance.now();
    for (let i = 0; i < warm; i++) await session(i);
    const early = heapAfterGc();
    ctx.log(`after ${warm} sessions: heap ${(early / 2 ** 20).toFixed(1)} MiB`);
    for (let i = warm; i < total; i++) await session(i);
    const late = heapAfterGc();
    const seconds = (performance.now() - t0) / 1000;
    ctx.log(
      `after ${total} sessions: heap ${(late / 2 ** 20).toFixed(1)} MiB (${seconds.toFixed(0)} s)`,
    );
    if (printer.jobs !== cast) throw new Error(`${printer.jobs} receipts for ${cast} ballots`);
    const perThousand = ((late - early) / (total - warm)) * 1000;
    return [
      row({
        bench: `host heap after ${total} voter sessions vs after ${warm} (all ballots still queued)`,
        value: late / 2 ** 20,
        unit: 'MiB',
        baseline: `heap after ${warm} sessions, ${(early / 2 ** 20).toFixed(1)} MiB`,
        ratio: late / early,
        goal: '<= 1.2',
      }),
      row({
        bench: 'host heap growth per 1000 queued ballots',
        value: perThousand / 1024,
        unit: 'KiB',
        baseline: 'info',
        ratio: 1,
        goal: 'info',
      }),
    ];
  } finally {
    service.end();
    service.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

export default bench;
