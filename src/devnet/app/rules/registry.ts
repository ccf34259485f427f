// Who and what exists in a unit: the unit and its parameters, kiosks, staff, the voter roll
// and the qualified-juror list. All authority-signed (the signature is checked in apply.ts).
import { isUsableEd25519Key } from '../pubkey.js';
import { toHex } from '../../../protocol/hash.js';
import { err, ok, type Result } from '../../../shared/result.js';
import type { Env } from '../env.js';
import { key } from '../keys.js';
import type { JurorRecord, KioskRecord, RollRecord, StaffRecord, UnitRecord } from '../records.js';
import type { Rejection } from '../rejection.js';
import { read } from '../state.js';
import type { TxOf } from '../tx.js';
import { requireKiosk, requireUnit } from './lookup.js';

type R = Result<void, Rejection>;

/** Creates a unit or replaces its parameters. Running recalls keep the thresholds they began with. */
export function unitParams(env: Env, tx: TxOf<'unit-params'>): R {
  if (tx.parent !== null) {
    // Walk up from the parent: reaching this unit would make the hierarchy a cycle.
    let at: string | null = tx.parent;
    for (let depth = 0; at !== null; depth++) {
      if (at === tx.unit || depth > 64) return err({ kind: 'unit-cycle', unit: tx.unit });
      const u = requireUnit(env, at);
      if (!u.ok) return u;
      at = u.value.parent;
    }
  }
  const rec: UnitRecord = { unit: tx.unit, parent: tx.parent, params: { ...tx.params } };
  env.s.put(key.param(tx.unit), rec);
  return ok(undefined);
}

export function kioskRegister(env: Env, tx: TxOf<'kiosk-register'>): R {
  const unit = requireUnit(env, tx.unit);
  if (!unit.ok) return unit;
  // A revoked id stays revoked: reusing it would let old signatures speak for a new kiosk.
  if (env.s.get(key.kiosk(tx.kioskId)) !== undefined) {
    return err({ kind: 'kiosk-exists', kioskId: tx.kioskId });
  }
  if (!isUsableEd25519Key(tx.publicKey)) return err({ kind: 'invalid-public-key' });
  const rec: KioskRecord = {
    kioskId: tx.kioskId,
    unit: tx.unit,
    publicKey: tx.publicKey,
    pollingPlace: tx.pollingPlace,
    status: 'active',
    registeredAt: env.block.height,
    revokedAt: null,
  };
  env.s.put(key.kiosk(tx.kioskId), rec);
  return ok(undefined);
}

export function kioskRevoke(env: Env, tx: TxOf<'kiosk-revoke'>): R {
  const k = requireKiosk(env, tx.kioskId);
  if (!k.ok) return k;
  if (k.value.status === 'revoked') return err({ kind: 'kiosk-revoked', kioskId: tx.kioskId });
  env.s.put(key.kiosk(tx.kioskId), { ...k.value, status: 'revoked', revokedAt: env.block.height });
  return ok(undefined);
}

export function staffSet(env: Env, tx: TxOf<'staff-set'>): R {
  const unit = requireUnit(env, tx.unit);
  if (!unit.ok) return unit;
  if (!isUsableEd25519Key(tx.publicKey)) return err({ kind: 'invalid-public-key' });
  const rec: StaffRecord = {
    staffId: tx.staffId,
    unit: tx.unit,
    role: tx.role,
    publicKey: tx.publicKey,
    status: 'active',
    updatedAt: env.block.height,
  };
  env.s.put(key.staff(tx.staffId), rec);
  return ok(undefined);
}

export function staffRevoke(env: Env, tx: TxOf<'staff-revoke'>): R {
  const s = read<StaffRecord>(env.s, key.staff(tx.staffId));
  if (s === undefined) return err({ kind: 'unknown-staff', staffId: tx.staffId });
  env.s.put(key.staff(tx.staffId), { ...s, status: 'revoked', updatedAt: env.block.height });
  return ok(undefined);
}

/** Adds entries; an entry already present keeps its original addedAt (idempotent). */
export function rollAdd(env: Env, tx: TxOf<'roll-add'>): R {
  const unit = requireUnit(env, tx.unit);
  if (!unit.ok) return unit;
  for (const entry of tx.entries) {
    const k = key.roll(tx.unit, entry);
    if (env.s.get(k) === undefined)
      env.s.put(k, { addedAt: env.block.height } satisfies RollRecord);
  }
  return ok(undefined);
}

/** Removes entries; a removed voter also leaves the qualified-juror list of the unit. */
export function rollRemove(env: Env, tx: TxOf<'roll-remove'>): R {
  const unit = requireUnit(env, tx.unit);
  if (!unit.ok) return unit;
  for (const entry of tx.entries) {
    if (env.s.get(key.roll(tx.unit, entry)) === undefined) {
      return err({ kind: 'not-on-roll', entry: toHex(entry) });
    }
  }
  for (const entry of tx.entries) {
    env.s.delete(key.roll(tx.unit, entry));
    if (env.s.get(key.juror(tx.unit, entry)) !== undefined) env.s.delete(key.juror(tx.unit, entry));
  }
  return ok(undefined);
}

/** Only a voter of the unit can serve on its juries; certificates are checked at draw time. */
export function jurorQualify(env: Env, tx: TxOf<'juror-qualify'>): R {
  const unit = requireUnit(env, tx.unit);
  if (!unit.ok) return unit;
  if (env.s.get(key.roll(tx.unit, tx.entry)) === undefined) {
    return err({ kind: 'not-on-roll', entry: toHex(tx.entry) });
  }
  const rec: JurorRecord = {
    entry: tx.entry,
    legal: { ...tx.legal },
    political: { ...tx.political },
    qualifiedAt: env.block.height,
  };
  env.s.put(key.juror(tx.unit, tx.entry), rec);
  return ok(undefined);
}

/** Roll membership, for state pull and the kiosk's eligibility check. */
export function isOnRoll(
  view: { get(key: string): unknown },
  unit: string,
  entry: Uint8Array,
): boolean {
  return view.get(key.roll(unit, entry)) !== undefined;
}
