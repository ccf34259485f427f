// The demo's voting: the simulated card reader's sample people are on the demo unit's roll
// (locally, and on chain through one authority `roll-add`), two of them are qualified jurors
// whom the chain draws for the demo bill's jury (src/devnet/scenario/demo-jury.ts), and the
// kiosk votes with the demo world's registered kiosk key. What the voting service knows of the
// chain, the jury included, is verified state pulled by the kiosk's own light node. Whether an
// election takes votes is the polls service's verdict (the demo opens the polls at start;
// staff can pause/close).
import {
  deriveIdentityKey,
  deriveNullifier,
  deriveRollEntry,
  type RollParams,
} from '../ballot/index.js';
import { encodeTx, signTx, type TxBody } from '../devnet/app/index.js';
import type { Devnet } from '../devnet/devnet.js';
import { DEMO_HISTORY_OPEN_POLL } from '../devnet/scenario/demo-history.js';
import { DEMO_UNIT, type DemoWorld } from '../devnet/world.js';
import { parseMrz } from '../hardware/mrz/parse-mrz.js';
import { toHex } from '../protocol/hash.js';
import { SAMPLE_PEOPLE } from '../hardware/sim/people.js';
import type { ReceiptPrinter } from '../hardware/types.js';
import type { Clock, TimerHandle } from '../shared/clock.js';
import { EVENTS } from '../shared/events.js';
import type { Logger } from '../shared/log.js';
import type { Store } from '../store/index.js';
import type { SyncService } from '../sync/index.js';
import { DEMO_STAFF } from '../main/staff/demo-staff.js';
import { createVotingService, documentIdentity, type VotingService } from '../main/voting/index.js';
import { createVerifiedChainView } from '../main/voting/verified-chain-view.js';

/** Demo-only roll secret and parameters: a real kiosk gets its secret sealed in the
 * provisioning bundle (docs/keys.md), never from source code. */
export const DEMO_ROLL_SECRET = new Uint8Array(32).fill(0x5e);
export const DEMO_ROLL_PARAMS: RollParams = { rollId: 'demo-roll-1', N: 1 << 12, r: 8, p: 1 };
/** A sample person the chain draws for the demo jury (the one the tests insert). */
export const DEMO_JUROR = 'pashkevich-td3';
/**
 * The demo unit's qualified jurors: the jury is as large as this pool, so each is drawn. Not
 * lutsevich-td1 or eriksson-td3, whom the demo tests insert as voters who are not drawn.
 */
export const DEMO_JURORS: readonly string[] = [DEMO_JUROR, 'eriksson-td1'];

/** A sample person as the roll authority knows them (it derived the roll from identities). */
export interface DemoRollPerson {
  readonly entry: Uint8Array;
  readonly identityKey: Uint8Array;
}

export function demoRoll(nowMs: number): Map<string, DemoRollPerson> {
  const out = new Map<string, DemoRollPerson>();
  for (const p of SAMPLE_PEOPLE) {
    const doc = parseMrz(p.mrz, nowMs);
    if (!doc.ok) continue; // the expired sample card is refused at the reader anyway
    const identityKey = deriveIdentityKey(DEMO_ROLL_PARAMS, documentIdentity(doc.value));
    out.set(p.id, { entry: deriveRollEntry(DEMO_ROLL_SECRET, identityKey), identityKey });
  }
  return out;
}

export function demoRollEntries(nowMs: number): Map<string, Uint8Array> {
  return new Map([...demoRoll(nowMs)].map(([id, p]) => [id, p.entry]));
}

/**
 * The roll authority's eligibility token for a drawn roll entry: that person's nullifier for
 * the jury election (docs/governance.md "Juries"); undefined for an entry not on the roll.
 */
export function demoJuryToken(
  roll: ReadonlyMap<string, DemoRollPerson>,
  electionId: string,
): (entry: Uint8Array) => Uint8Array | undefined {
  const byEntry = new Map([...roll.values()].map((p) => [toHex(p.entry), p]));
  return (entry) => {
    const p = byEntry.get(toHex(entry));
    return p === undefined
      ? undefined
      : deriveNullifier(DEMO_ROLL_SECRET, p.identityKey, electionId);
  };
}

/** The authority transaction that puts the sample people on the demo unit's roll. */
export function demoRollTx(
  world: DemoWorld,
  net: Devnet,
  entries: Iterable<Uint8Array>,
): Uint8Array {
  return encodeTx(
    signTx(
      {
        kind: 'roll-add',
        seq: world.txs.length + 1,
        unit: DEMO_UNIT,
        entries: [...entries],
      } as unknown as TxBody,
      net.authority,
    ),
  );
}

/** How often the demo kiosk re-reads verified chain state for its voters (roll, elections,
 * spent nullifiers, candidate and official records): about every other 2 s block. */
export const DEMO_VIEW_REFRESH_MS = 5_000;

/**
 * The demo's voting service over a ChainView built from state the kiosk's light node pulled
 * and verified (src/main/voting/verified-chain-view.ts), refreshed every DEMO_VIEW_REFRESH_MS.
 * Resolves once the first refresh succeeded, so the first card already finds the roll.
 */
export async function createDemoVoting(o: {
  world: DemoWorld;
  store: Store;
  sync: Pick<SyncService, 'pullState' | 'light'>;
  printer: Pick<ReceiptPrinter, 'print'>;
  clock: Clock;
  logger: Logger;
  canVote: (electionId: string) => boolean;
}): Promise<VotingService> {
  const verified = createVerifiedChainView({
    unit: o.world.unit,
    source: {
      pullState: (q) => o.sync.pullState(q),
      headerTime: async (h) => {
        const r = await o.sync.light.headerAt(h);
        return r.ok ? r.value.time : null;
      },
    },
  });
  const log = o.logger.child({ module: 'voting' });
  const refresh = async (): Promise<boolean> => {
    const started = o.clock.monotonic();
    const r = await verified.refresh();
    if (!r.ok) {
      log.warn(EVENTS.votingViewRefreshFailed, { error: JSON.stringify(r.error).slice(0, 200) });
      return false;
    }
    log.info(EVENTS.votingViewRefreshOk, {
      height: r.value.height,
      elections: r.value.elections,
      people: r.value.people,
      truncated: r.value.truncated.join(','),
      ms: Math.round(o.clock.monotonic() - started),
    });
    openHistoryPoll();
    return true;
  };
  // The demo opens its polls at start (startDemoStaff), but the demo history's confidence vote
  // reaches the chain later: the poll worker opens it the same way, audited, once the kiosk's
  // verified view lists it. Only that vote: the history's short-window elections take exactly
  // the ballots the scenario casts.
  const openHistoryPoll = () => {
    const listed = verified.view
      .elections()
      .some((e) => e.ctx.election.electionId === DEMO_HISTORY_OPEN_POLL);
    if (!listed || o.store.polls.state(DEMO_HISTORY_OPEN_POLL) !== 'not-opened') return;
    const r = o.store.polls.apply(DEMO_HISTORY_OPEN_POLL, 'open', DEMO_STAFF.poll.staffId);
    if (r.ok) log.info(EVENTS.pollsOpen, { electionId: DEMO_HISTORY_OPEN_POLL });
    else log.warn(EVENTS.pollsOpen, { electionId: DEMO_HISTORY_OPEN_POLL, error: r.error.kind });
  };
  // The devnet has made its first blocks; the light node may still be catching up.
  let ready = await refresh();
  for (let i = 0; i < 60 && !ready; i++) {
    await new Promise((r) => setTimeout(r, 500));
    ready = await refresh();
  }
  if (!ready) throw new Error('the kiosk could not read verified chain state for voting');

  const service = createVotingService({
    chain: verified.view,
    roll: { secret: DEMO_ROLL_SECRET, params: DEMO_ROLL_PARAMS },
    kioskId: o.world.kiosk.kioskId,
    signer: o.world.kiosk.signer,
    store: o.store,
    printer: o.printer,
    canVote: o.canVote,
    clock: o.clock,
    logger: log,
  });
  let stopped = false;
  let timer: TimerHandle | undefined;
  const loop = () => {
    timer = o.clock.setTimeout(() => {
      void refresh().then(() => {
        if (stopped) return;
        // New elections may have come in: their ballot pools start filling.
        service.warm();
        loop();
      });
    }, DEMO_VIEW_REFRESH_MS);
  };
  loop();
  return {
    ...service,
    stop() {
      stopped = true;
      if (timer !== undefined) o.clock.clearTimeout(timer);
      service.stop();
    },
  };
}
