// Reads every rule needs, each failing with the rejection a caller expects.
import { err, ok, type Result } from '../../../shared/result.js';
import type { Env } from '../env.js';
import { key } from '../keys.js';
import type { ElectionRecord, KioskRecord, UnitRecord } from '../records.js';
import type { Rejection } from '../rejection.js';
import { read } from '../state.js';

export function requireUnit(env: Env, unit: string): Result<UnitRecord, Rejection> {
  const u = read<UnitRecord>(env.s, key.param(unit));
  return u === undefined ? err({ kind: 'unknown-unit', unit }) : ok(u);
}

export function requireElection(env: Env, electionId: string): Result<ElectionRecord, Rejection> {
  const e = read<ElectionRecord>(env.s, key.election(electionId));
  return e === undefined ? err({ kind: 'unknown-election', electionId }) : ok(e);
}

/** A registered kiosk in any status; whether it may act is the caller's rule. */
export function requireKiosk(env: Env, kioskId: string): Result<KioskRecord, Rejection> {
  const k = read<KioskRecord>(env.s, key.kiosk(kioskId));
  return k === undefined ? err({ kind: 'unregistered-kiosk', kioskId }) : ok(k);
}

export function requireActiveKiosk(env: Env, kioskId: string): Result<KioskRecord, Rejection> {
  const k = requireKiosk(env, kioskId);
  if (!k.ok) return k;
  return k.value.status === 'active' ? k : err({ kind: 'kiosk-revoked', kioskId });
}
