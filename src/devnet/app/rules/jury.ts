// Jury draws for bills. A request fixes the bill, unit and size; the draw happens
// juryLookback blocks later from the ids of the blocks in between (committed after the
// request, so the requester could not know them), over the unit's qualified jurors whose
// legal and political certificates are valid at that moment.
import { compareBytes } from '../../../protocol/bytes.js';
import { err, ok, type Result } from '../../../shared/result.js';
import type { Env } from '../env.js';
import { drawJury, juryPoolHash, jurySeed } from '../jury-draw.js';
import { key } from '../keys.js';
import type { JurorRecord, JuryRecord } from '../records.js';
import type { Rejection } from '../rejection.js';
import { read, readAll } from '../state.js';
import type { TxOf } from '../tx.js';
import { requireUnit } from './lookup.js';

type R = Result<void, Rejection>;

export function juryRequest(env: Env, tx: TxOf<'jury-draw'>): R {
  const unit = requireUnit(env, tx.unit);
  if (!unit.ok) return unit;
  if (env.s.get(key.jury(tx.billId)) !== undefined)
    return err({ kind: 'jury-exists', billId: tx.billId });
  const rec: JuryRecord = {
    billId: tx.billId,
    unit: tx.unit,
    size: tx.size,
    status: 'requested',
    requestedAt: env.block.height,
    drawAt: env.block.height + unit.value.params.juryLookback,
    seed: null,
    poolHash: null,
    poolSize: 0,
    jurors: [],
    eligible: [],
  };
  env.s.put(key.jury(tx.billId), rec);
  return ok(undefined);
}

/**
 * The ids of heights [from, to) out of the block context (whose last id is height - 1).
 * Too few ids is the caller's bug: the validator must pass enough history.
 */
function blockIds(env: Env, from: number, to: number): Uint8Array[] {
  const ids = env.block.recentBlockIds;
  const first = ids.length - (env.block.height - from);
  const last = ids.length - (env.block.height - to);
  if (first < 0 || from < 1) {
    throw new RangeError(`jury draw at ${env.block.height} needs block ids from height ${from}`);
  }
  return ids.slice(first, last);
}

/** The pool for a unit at this block: qualified jurors with both certificates valid now. */
export function juryPool(env: Env, unit: string): Uint8Array[] {
  return readAll<JurorRecord>(env.s, key.jurorPrefix(unit))
    .map(([, j]) => j)
    .filter((j) => j.legal.validUntil > env.nowS && j.political.validUntil > env.nowS)
    .map((j) => j.entry);
}

/** Begin-block: run the draws that are due. */
export function drawDueJuries(env: Env): void {
  for (const [k, j] of readAll<JuryRecord>(env.s, key.juryPrefix())) {
    if (j.status !== 'requested' || j.drawAt > env.block.height) continue;
    const seed = jurySeed(j.billId, blockIds(env, j.requestedAt, j.drawAt));
    const pool = juryPool(env, j.unit);
    const base = { ...j, seed, poolHash: juryPoolHash(pool), poolSize: pool.length };
    if (pool.length < j.size) {
      env.s.put(k, { ...base, status: 'failed' });
      env.notices.push({ event: 'devnet.jury.draw-failed', subject: k });
      continue;
    }
    env.s.put(k, { ...base, status: 'drawn', jurors: drawJury(pool, j.size, seed) });
    env.notices.push({ event: 'devnet.jury.drawn', subject: k });
  }
}

/**
 * The roll authority's eligibility tokens for the drawn jurors (one per juror). Stored
 * sorted, so their order says nothing about which juror holds which token.
 */
export function juryEligibility(env: Env, tx: TxOf<'jury-eligibility'>): R {
  const j = read<JuryRecord>(env.s, key.jury(tx.billId));
  if (j === undefined) return err({ kind: 'unknown-jury', billId: tx.billId });
  if (j.status !== 'drawn')
    return err({ kind: 'jury-not-drawn', billId: tx.billId, status: j.status });
  if (j.eligible.length > 0) return err({ kind: 'eligibility-set', billId: tx.billId });
  const sorted = [...tx.eligible].sort(compareBytes);
  const unique = sorted.every(
    (t, i) => i === 0 || compareBytes(sorted[i - 1] as Uint8Array, t) !== 0,
  );
  if (!unique) return err({ kind: 'malformed', message: 'repeated eligibility token' });
  if (sorted.length !== j.jurors.length) {
    return err({ kind: 'eligibility-size', expected: j.jurors.length, got: sorted.length });
  }
  env.s.put(key.jury(tx.billId), { ...j, eligible: sorted });
  return ok(undefined);
}
