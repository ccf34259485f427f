// Reconciliation as staff read it: per ballot kind, what this kiosk recorded next to what the
// verified chain shows of it, and every difference with its cause. The "on chain" numbers are
// the outbox rows the light node moved to included/final on a verified inclusion proof, and a
// rejection is recorded only from the chain's verified answer (docs/store.md), so both columns
// come from the store without trusting anything the network merely said.
import type { ReconciliationCounts } from '../../store/index.js';
import type { PollsState } from '../../store/index.js';
import { REJECT_REASONS, type OutboxState } from '../../store/states.js';

export type DifferenceCause =
  'queued' | 'sent' | 'receipted' | `rejected:${(typeof REJECT_REASONS)[number]}`;

export interface ReconcileLine {
  readonly ballotKind: 'cast' | 'challenged';
  readonly local: number;
  readonly onChain: number;
  readonly final: number;
}

export interface Difference {
  readonly ballotKind: 'cast' | 'challenged';
  readonly cause: DifferenceCause;
  readonly count: number;
  readonly resubmittable: boolean;
}

export interface ReconcileReport {
  readonly electionId: string;
  readonly polls: PollsState;
  readonly counts: ReconciliationCounts;
  readonly lines: ReconcileLine[];
  readonly differences: Difference[];
  /** Every local ballot is final on chain or explained by a rejection: nothing in flight. */
  readonly balanced: boolean;
  readonly verifiedHeight: number | null;
}

export function reconcileReport(
  counts: ReconciliationCounts,
  polls: PollsState,
  verifiedHeight: number | null,
): ReconcileReport {
  const lines: ReconcileLine[] = [];
  const differences: Difference[] = [];
  for (const ballotKind of ['cast', 'challenged'] as const) {
    const k = counts[ballotKind];
    const at = (s: OutboxState) => k.byState[s];
    lines.push({
      ballotKind,
      local: k.total,
      onChain: at('included') + at('final'),
      final: at('final'),
    });
    for (const cause of ['queued', 'sent', 'receipted'] as const) {
      const n = at(cause);
      // A receipted ballot is in a validator's mempool: resending cannot speed it up.
      if (n > 0)
        differences.push({ ballotKind, cause, count: n, resubmittable: cause !== 'receipted' });
    }
    for (const reason of REJECT_REASONS) {
      const n = k.rejectedByReason[reason];
      if (n > 0) {
        differences.push({
          ballotKind,
          cause: `rejected:${reason}`,
          count: n,
          resubmittable: false,
        });
      }
    }
  }
  const inFlight = differences.some((d) => !d.cause.startsWith('rejected:'));
  const included = lines.reduce((n, l) => n + l.onChain - l.final, 0);
  return {
    electionId: counts.electionId,
    polls,
    counts,
    lines,
    differences,
    balanced: !inFlight && included === 0,
    verifiedHeight,
  };
}

/** Cast + challenged ballots the network has not yet settled (final or rejected). */
export function undeliveredOf(counts: ReconciliationCounts): number {
  let n = 0;
  for (const k of [counts.cast, counts.challenged]) {
    for (const s of ['queued', 'sent', 'receipted', 'included'] as const) n += k.byState[s];
  }
  return n;
}
