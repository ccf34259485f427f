// A scripted jury draw on a running devnet: the authority puts citizens on a unit's roll,
// qualifies them as jurors (some with a certificate that has already lapsed, so they are not
// in the pool), and requests a jury for a bill; juryLookback blocks later the validators draw
// it from the ids of the blocks in between. Anyone can then recompute the draw from public
// data (the juror records and the block headers), which is what a verifier checks.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { taggedHash } from '../../protocol/hash.js';
import { EVENTS } from '../../shared/events.js';
import { silentLogger, type Logger } from '../../shared/log.js';
import { ok, type Result } from '../../shared/result.js';
import { DEFAULT_UNIT_PARAMS, key, type JuryRecord, type UnitParams } from '../app/index.js';
import {
  AuthorityTxs,
  firstBlock,
  committedState,
  nowS,
  submitAll,
  untilState,
  type ScenarioDriver,
  type ScenarioError,
} from './driver.js';

export interface JuryScenarioOptions {
  readonly seed: string;
  readonly unit: string;
  /** Used when the unit does not exist yet. */
  readonly params?: UnitParams;
  readonly billId: string;
  /** Qualified jurors with valid certificates, and ones whose certificate has lapsed. */
  readonly qualified: number;
  readonly lapsed: number;
  readonly size: number;
  readonly logger?: Logger;
}

export interface JuryScenario {
  readonly billId: string;
  readonly unit: string;
  /** Roll entries of every qualified juror, and of those whose certificates lapsed. */
  readonly entries: readonly Uint8Array[];
  readonly lapsed: readonly Uint8Array[];
  readonly record: JuryRecord;
}

const YEAR_S = 365 * 24 * 3600;

export async function runJuryScenario(
  d: ScenarioDriver,
  o: JuryScenarioOptions,
): Promise<Result<JuryScenario, ScenarioError>> {
  const log = (o.logger ?? silentLogger).child({ scenario: 'jury', unit: o.unit });
  log.info(EVENTS.scenarioStart, { billId: o.billId });
  const r = await play(d, o);
  if (r.ok) log.info(EVENTS.scenarioDone, { status: r.value.record.status });
  else log.error(EVENTS.scenarioFailed, { step: r.error.step, error: r.error.kind });
  return r;
}

async function play(
  d: ScenarioDriver,
  o: JuryScenarioOptions,
): Promise<Result<JuryScenario, ScenarioError>> {
  await firstBlock(d);
  const auth = AuthorityTxs.continuing(d, d.net.authority);
  const entry = (i: number) =>
    taggedHash(
      'veche/scenario-roll/v1',
      utf8ToBytes(o.seed),
      utf8ToBytes(o.unit),
      utf8ToBytes(String(i)),
    );
  const entries = Array.from({ length: o.qualified + o.lapsed }, (_, i) => entry(i));
  const lapsed = entries.slice(o.qualified);
  const now = nowS(d);
  const cert = (kind: string, i: number, validUntil: number) => ({
    issuer: `devnet-${kind}-board`,
    certificateId: `${kind}-${o.unit}-${i}`,
    validUntil,
  });
  const unitExists = committedState(d).get(key.param(o.unit)) !== undefined;
  const setup = submitAll(d, 'jurors', [
    ...(unitExists
      ? []
      : [
          auth.tx({
            kind: 'unit-params',
            unit: o.unit,
            parent: null,
            params: o.params ?? DEFAULT_UNIT_PARAMS,
          }),
        ]),
    auth.tx({ kind: 'roll-add', unit: o.unit, entries }),
    ...entries.map((e, i) =>
      auth.tx({
        kind: 'juror-qualify',
        unit: o.unit,
        entry: e,
        legal: cert('legal', i, now + 5 * YEAR_S),
        // A lapsed political certificate keeps a qualified juror out of the pool.
        political: cert('political', i, i < o.qualified ? now + 5 * YEAR_S : now - 1),
      }),
    ),
  ]);
  if (!setup.ok) return setup;
  const last = entries[entries.length - 1];
  if (last === undefined) throw new Error('a jury scenario needs jurors');
  const qualified = await untilState(
    d,
    'jurors',
    (s) => s.get(key.juror(o.unit, last)) !== undefined,
  );
  if (!qualified.ok) return qualified;

  const req = submitAll(d, 'jury-draw', [
    auth.tx({ kind: 'jury-draw', billId: o.billId, unit: o.unit, size: o.size }),
  ]);
  if (!req.ok) return req;
  const done = await untilState(
    d,
    'jury-drawn',
    (s) =>
      (s.get(key.jury(o.billId)) as JuryRecord | undefined)?.status !== undefined &&
      (s.get(key.jury(o.billId)) as JuryRecord).status !== 'requested',
    24,
  );
  if (!done.ok) return done;
  const record = done.value.get(key.jury(o.billId)) as JuryRecord;
  return ok({ billId: o.billId, unit: o.unit, entries, lapsed, record });
}
