// Candidates, their management qualification certificate ("forge of cadres") and their
// campaign promises as a public checklist whose status the authority updates during the term.
import { err, ok, type Result } from '../../../shared/result.js';
import type { Env } from '../env.js';
import { key } from '../keys.js';
import type { CandidateRecord, ElectionRecord } from '../records.js';
import type { Rejection } from '../rejection.js';
import type { Certificate } from '../schemas.js';
import { read, readAll } from '../state.js';
import type { TxOf } from '../tx.js';
import { requireUnit } from './lookup.js';

type R = Result<void, Rejection>;

/** A certificate must exist and still be valid at `atS` (Unix seconds). */
export function checkCertificate(
  personId: string,
  cert: Certificate | null,
  atS: number,
): Result<void, Rejection> {
  if (cert === null) return err({ kind: 'certificate-missing', personId });
  if (cert.validUntil <= atS) {
    return err({ kind: 'certificate-expired', personId, validUntil: cert.validUntil });
  }
  return ok(undefined);
}

/** Is the person on the ballot of an election that has not been tallied yet? */
function isStanding(env: Env, personId: string): boolean {
  return readAll<ElectionRecord>(env.s, key.electionPrefix()).some(
    ([, e]) =>
      e.status !== 'tallied' &&
      e.purpose.kind === 'office' &&
      e.purpose.candidates.includes(personId),
  );
}

/**
 * Registers a candidate (or a new campaign of a known one). Without a currently valid
 * certificate nobody can register; election-create checks it again against the close.
 * The checklist cannot be replaced while the person is on an open ballot.
 */
export function candidateRegister(env: Env, tx: TxOf<'candidate-register'>): R {
  const unit = requireUnit(env, tx.unit);
  if (!unit.ok) return unit;
  const cert = checkCertificate(tx.personId, tx.certificate, env.nowS);
  if (!cert.ok) return cert;
  if (isStanding(env, tx.personId))
    return err({ kind: 'candidate-standing', personId: tx.personId });
  const rec: CandidateRecord = {
    personId: tx.personId,
    unit: tx.unit,
    name: tx.name,
    names: tx.names === undefined ? null : { ...tx.names },
    certificate: { ...(tx.certificate as Certificate) },
    promises: tx.promises.map((p) => ({
      itemId: p.itemId,
      text: p.text,
      texts: p.texts === undefined ? null : { ...p.texts },
      status: 'pending',
      reason: null,
      updatedAt: env.block.height,
    })),
    registeredAt: env.block.height,
  };
  env.s.put(key.candidate(tx.personId), rec);
  return ok(undefined);
}

export function promiseStatus(env: Env, tx: TxOf<'promise-status'>): R {
  const c = read<CandidateRecord>(env.s, key.candidate(tx.personId));
  if (c === undefined) return err({ kind: 'unknown-candidate', personId: tx.personId });
  const i = c.promises.findIndex((p) => p.itemId === tx.itemId);
  if (i < 0) return err({ kind: 'unknown-promise', itemId: tx.itemId });
  const promises = c.promises.map((p, j) =>
    j === i ? { ...p, status: tx.status, reason: tx.reason, updatedAt: env.block.height } : p,
  );
  env.s.put(key.candidate(tx.personId), { ...c, promises });
  return ok(undefined);
}
