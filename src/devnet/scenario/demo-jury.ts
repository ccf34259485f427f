// The demo's jury, drawn on chain: the authority qualifies some of the demo unit's voters as
// jurors and requests a jury for the demo bill whose size is the whole qualified pool, so
// every qualified juror is drawn whatever the block ids turn out to be (the draw still runs:
// its seed, order and pool hash are on chain for anyone to recompute). Once the validators
// have drawn it, the roll authority publishes each drawn juror's eligibility token (the
// juror's nullifier for the jury election) and only then creates the jury election, so a
// kiosk never lists a jury vote whose ballots the chain would still refuse.
import { silentLogger, type Logger } from '../../shared/log.js';
import { EVENTS } from '../../shared/events.js';
import { err, ok, type Result } from '../../shared/result.js';
import { key, type JuryRecord } from '../app/index.js';
import type { DemoWorld } from '../world.js';
import {
  AuthorityTxs,
  submitAll,
  untilState,
  type ScenarioDriver,
  type ScenarioError,
} from './driver.js';

/** The bill the demo jury votes on (the world's `e-demo-jury` election, purpose jury). */
export const DEMO_JURY_BILL = 'bill-polatsk-local-markets';

const YEAR_S = 365 * 24 * 3600;

/**
 * The qualifications and the jury request, to submit right after the roll-add that puts the
 * jurors on the unit's roll (a juror must be on the roll to qualify). Certificates are valid
 * for five years, so the whole qualified pool is in the draw.
 */
export function demoJuryRequestTxs(
  auth: AuthorityTxs,
  world: DemoWorld,
  jurors: readonly Uint8Array[],
  nowS: number,
): Uint8Array[] {
  const bill = world.juryElection?.billId;
  if (bill === undefined) throw new Error('the demo world was built without a jury bill');
  if (jurors.length === 0) throw new Error('a demo jury needs jurors');
  const cert = (kind: string, i: number) => ({
    issuer: `demo-${kind}-board`,
    certificateId: `${kind}-${world.unit}-${i}`,
    validUntil: nowS + 5 * YEAR_S,
  });
  return [
    ...jurors.map((entry, i) =>
      auth.tx({
        kind: 'juror-qualify',
        unit: world.unit,
        entry,
        legal: cert('legal', i),
        political: cert('political', i),
      }),
    ),
    auth.tx({ kind: 'jury-draw', billId: bill, unit: world.unit, size: jurors.length }),
  ];
}

export type DemoJuryError =
  | ScenarioError
  | { readonly kind: 'draw-failed'; readonly poolSize: number; readonly size: number }
  | { readonly kind: 'unknown-juror'; readonly index: number };

/**
 * Waits for the draw, then publishes the eligibility tokens and creates the jury election
 * (one block), and waits until both are committed. `tokenOf` is the roll authority's
 * nullifier for a drawn roll entry (undefined: an entry it did not qualify).
 */
export async function runDemoJury(
  d: ScenarioDriver,
  o: {
    world: DemoWorld;
    tokenOf: (entry: Uint8Array) => Uint8Array | undefined;
    /** Shared with the demo history, which signs authority txs meanwhile (its default:
     * continue from the committed seq, right only when no other script signs). */
    auth?: AuthorityTxs;
    logger?: Logger;
  },
): Promise<Result<JuryRecord, DemoJuryError>> {
  const jury = o.world.juryElection;
  if (jury === null) throw new Error('the demo world was built without a jury bill');
  const log = (o.logger ?? silentLogger).child({ scenario: 'demo-jury', unit: o.world.unit });
  log.info(EVENTS.scenarioStart, { billId: jury.billId });
  const r = await play(d, jury, o.tokenOf, o.auth);
  if (r.ok) log.info(EVENTS.scenarioDone, { jurors: r.value.jurors.length });
  else log.error(EVENTS.scenarioFailed, { error: r.error.kind });
  return r;
}

async function play(
  d: ScenarioDriver,
  jury: NonNullable<DemoWorld['juryElection']>,
  tokenOf: (entry: Uint8Array) => Uint8Array | undefined,
  shared: AuthorityTxs | undefined,
): Promise<Result<JuryRecord, DemoJuryError>> {
  const juryKey = key.jury(jury.billId);
  // The request is committed before this runs; the draw comes juryLookback blocks later.
  const drawn = await untilState(
    d,
    'jury-drawn',
    (s) => (s.get(juryKey) as JuryRecord | undefined)?.status !== 'requested',
    24,
  );
  if (!drawn.ok) return drawn;
  const rec = drawn.value.get(juryKey) as JuryRecord | undefined;
  if (rec === undefined) throw new Error(`no jury record for ${jury.billId}`);
  if (rec.status !== 'drawn')
    return err({ kind: 'draw-failed', poolSize: rec.poolSize, size: rec.size });
  const tokens: Uint8Array[] = [];
  for (const [index, entry] of rec.jurors.entries()) {
    const t = tokenOf(entry);
    if (t === undefined) return err({ kind: 'unknown-juror', index });
    tokens.push(t);
  }
  // Signed and submitted in the same tick, so a shared counter's seqs reach the mempool in
  // order whatever the other script does between our awaits.
  const auth = shared ?? AuthorityTxs.continuing(d, d.net.authority);
  const sent = submitAll(d, 'jury-eligibility', [
    auth.tx({ kind: 'jury-eligibility', billId: jury.billId, eligible: tokens }),
    auth.tx(jury.body),
  ]);
  if (!sent.ok) return sent;
  const electionId = String(jury.body['electionId']);
  const created = await untilState(
    d,
    'jury-election',
    (s) => s.get(key.election(electionId)) !== undefined,
  );
  if (!created.ok) return created;
  const final = created.value.get(juryKey) as JuryRecord;
  // The election is created in the same block, after the tokens: both or a bug.
  if (final.eligible.length !== tokens.length) {
    throw new Error(`jury ${jury.billId}: ${final.eligible.length} tokens on chain`);
  }
  return ok(final);
}
