// "Already voted here": the nullifiers of ballots this kiosk stored as cast, per election. The
// store keeps envelopes opaque and indexes no nullifier, so the first question about an
// election reads its cast rows once; every later cast is added as it is recorded. Any stored
// cast row counts, whatever its delivery state: a ballot rejected by the network is for staff
// to resolve, not a reason to let the same voter cast again at this kiosk.
import { decodeEnvelope, decodeSignedEnvelope } from '../../ballot/index.js';
import type { Store } from '../../store/index.js';
import { toHex } from './hex.js';

const PAGE = 500;

export interface CastIndex {
  has(electionId: string, nullifier: Uint8Array): boolean;
  add(electionId: string, nullifier: Uint8Array): void;
}

export function createCastIndex(store: Pick<Store, 'outbox' | 'reconciliation'>): CastIndex {
  const byElection = new Map<string, Set<string>>();
  const load = (electionId: string): Set<string> => {
    let set = byElection.get(electionId);
    if (set) return set;
    set = new Set();
    let afterSeq: number | undefined;
    for (;;) {
      const rows = store.reconciliation.list(
        electionId,
        { kind: 'cast' },
        afterSeq === undefined ? { limit: PAGE } : { limit: PAGE, afterSeq },
      );
      for (const row of rows) {
        const bytes = store.outbox.envelope(row.ballotId);
        const signed = bytes && decodeSignedEnvelope(bytes);
        const env = signed?.ok ? decodeEnvelope(signed.value.bytes) : undefined;
        // We wrote these rows ourselves; an unreadable one is a bug, not a voter's problem.
        if (!env?.ok) throw new Error(`stored cast ballot ${row.kioskSeq} is not an envelope`);
        set.add(toHex(env.value.nullifier));
      }
      if (rows.length < PAGE) break;
      afterSeq = rows[rows.length - 1]?.kioskSeq;
    }
    byElection.set(electionId, set);
    return set;
  };
  return {
    has: (electionId, nullifier) => load(electionId).has(toHex(nullifier)),
    add: (electionId, nullifier) => void load(electionId).add(toHex(nullifier)),
  };
}
