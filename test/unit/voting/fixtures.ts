// A voting service over demoWorld's elections, a real SQLite store (tmpfs), a roll derived from
// three test documents, and a printer that records each PrintJob and can be told to fail.
import {
  deriveIdentityKey,
  deriveNullifier,
  deriveRollEntry,
  type RollParams,
} from '../../../src/ballot/index.js';
import { authoritySigner } from '../../../src/devnet/keys.js';
import { demoWorld, DEMO_KIOSK_ID, type DemoWorld } from '../../../src/devnet/world.js';
import type {
  IdDocument,
  PrintError,
  PrintJob,
  ReceiptPrinter,
} from '../../../src/hardware/types.js';
import { ManualClock, type Clock } from '../../../src/shared/clock.js';
import { err, ok, type Result } from '../../../src/shared/result.js';
import type { Logger } from '../../../src/shared/log.js';
import { documentIdentity } from '../../../src/main/voting/eligibility.js';
import {
  staticChainView,
  type ChainView,
  type StaticChainData,
} from '../../../src/main/voting/chain-view.js';
import { createVotingService, type VotingService } from '../../../src/main/voting/service.js';
import { openTestStore, tempDir } from '../store/fixtures.js';

const DAY_S = 24 * 3600;
// Cheap scrypt: these tests check the flow, not the cost parameter.
export const ROLL_PARAMS: RollParams = { rollId: 'polatsk-roll-1', N: 1 << 10, r: 8, p: 1 };
export const ROLL_SECRET = new Uint8Array(32).fill(7);

const doc = (
  surname: string,
  givenNames: string,
  documentNumber: string,
  birthDate: string,
): IdDocument => ({
  format: 'TD1',
  documentCode: 'ID',
  issuingState: 'BLR',
  documentNumber,
  surname,
  givenNames,
  nationality: 'BLR',
  birthDate,
  expiryDate: '2031-05-01',
  sex: 'female',
});

/** On the roll and drawn for the jury. */
export const JUROR = doc('KAVALIOVA', 'RAHNIEDA', 'MP7734215', '1984-03-17');
/** On the roll, not a juror. */
export const CITIZEN = doc('ZHYLINSKI', 'ULADZISLAU', 'KH5520981', '1979-11-02');
/** Not on this kiosk's roll. */
export const STRANGER = doc('NAVUMCHYK', 'PALINA', 'AB0091377', '1991-07-29');

const rollEntry = (d: IdDocument) =>
  deriveRollEntry(ROLL_SECRET, deriveIdentityKey(ROLL_PARAMS, documentIdentity(d)));

/** The voter's nullifier for an election, as any kiosk of the unit derives it. */
export const nullifierFor = (d: IdDocument, electionId: string) =>
  deriveNullifier(ROLL_SECRET, deriveIdentityKey(ROLL_PARAMS, documentIdentity(d)), electionId);

/** A printer that records every job, and fails the next `failNext` jobs with `failure`. */
export class TestPrinter implements Pick<ReceiptPrinter, 'print'> {
  readonly printed: PrintJob[] = [];
  readonly attempts: PrintJob[] = [];
  failNext = 0;
  failure: PrintError = {
    kind: 'status',
    status: { online: true, coverOpen: false, paperNearEnd: true, paperOut: true, error: false },
  };
  async print(job: PrintJob): Promise<Result<void, PrintError>> {
    this.attempts.push(structuredClone(job));
    await Promise.resolve();
    if (this.failNext > 0) {
      this.failNext--;
      return err(this.failure);
    }
    this.printed.push(structuredClone(job));
    return ok(undefined);
  }
}

let cachedWorld: { world: DemoWorld; nowS: number; rolls: Uint8Array[] } | undefined;
function world() {
  if (!cachedWorld) {
    const nowS = Math.floor(Date.UTC(2026, 10, 1, 8, 0, 0) / 1000);
    const w = demoWorld('voting-test', authoritySigner('voting-test'), nowS);
    cachedWorld = { world: w, nowS, rolls: [rollEntry(JUROR), rollEntry(CITIZEN)] };
  }
  return cachedWorld;
}

export interface Harness {
  readonly world: DemoWorld;
  readonly service: VotingService;
  readonly store: ReturnType<typeof openTestStore>;
  readonly printer: TestPrinter;
  readonly clock: ManualClock;
  readonly polls: Map<string, boolean>;
  readonly dir: string;
  cleanup(): void;
}

export function harness(
  opts: {
    logger?: Logger;
    maxPageCount?: number;
    spent?: Record<string, Uint8Array[]>;
    /** Who elections are about, people's records, ballots the chain holds. */
    chain?: Pick<StaticChainData, 'subjects' | 'people' | 'ballots'>;
    /** How the chain answers a nullifier lookup (default: from `spent`). */
    spentNullifiers?: ChainView['spentNullifiers'];
  } = {},
): Harness {
  const { world: w, nowS, rolls } = world();
  const t = tempDir('veche-voting-');
  const clock = new ManualClock((nowS + 2 * 3600 + 1234) * 1000);
  // Real time for durations, so confirm → code is measured; wall time stays manual.
  const timed: Clock = {
    now: () => clock.now(),
    monotonic: () => performance.now(),
    setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
    clearTimeout: (h) => clock.clearTimeout(h),
  };
  const store = openTestStore(t.dir, {
    kioskId: DEMO_KIOSK_ID,
    clock,
    ...(opts.logger ? { logger: opts.logger } : {}),
    ...(opts.maxPageCount ? { maxPageCount: opts.maxPageCount } : {}),
  });
  const jury = w.elections.find((e) => e.kind === 'jury');
  if (!jury) throw new Error('demo world has no jury election');
  const known = staticChainView({
    elections: w.elections.map((e) => ({ ctx: e.ctx, styleId: 'main' })),
    rollEntries: [...w.rollEntries, ...rolls],
    jurors: { [jury.electionId]: [rolls[0] as Uint8Array] },
    ...(opts.spent ? { spent: opts.spent } : {}),
    ...opts.chain,
  });
  const chain: ChainView = opts.spentNullifiers
    ? { ...known, spentNullifiers: opts.spentNullifiers }
    : known;
  const polls = new Map(w.elections.map((e) => [e.electionId, true]));
  const printer = new TestPrinter();
  const service = createVotingService({
    chain,
    roll: { secret: ROLL_SECRET, params: ROLL_PARAMS },
    kioskId: DEMO_KIOSK_ID,
    signer: w.kiosk.signer,
    store,
    printer,
    canVote: (id) => polls.get(id) ?? false,
    clock: timed,
    poolTarget: 1,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  return {
    world: w,
    service,
    store,
    printer,
    clock,
    polls,
    dir: t.dir,
    cleanup: () => {
      service.end();
      service.stop();
      store.close();
      t.cleanup();
    },
  };
}

/** A valid mark for each demo kind: the option chosen, per contest. */
export function picksFor(kind: string): Record<string, Record<string, number>> {
  switch (kind) {
    case 'single-choice':
      return { main: { bazhena: 1 } };
    case 'k-of-n':
      return { main: { o2: 1, o4: 1 } };
    case 'approval':
      return { main: { o1: 1, o3: 1, o4: 1 } };
    case 'rating':
      return { main: { score: 4 } };
    case 'referendum':
    case 'recall':
      return { main: { yes: 1 } };
    case 'confidence':
      return { main: { no: 1 } };
    case 'jury':
      return { main: { against: 1 } };
    default:
      throw new Error(`no picks for ${kind}`);
  }
}

export { DAY_S };
