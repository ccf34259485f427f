// The outbox state machine, as pure data so the outbox, the schema trigger, reconciliation and
// the crash harness all agree. queued → sent → receipted → included → final, skipping forward
// is allowed (a "sent" mark lost in a crash, or "already included" as the submit answer);
// rejected(reason) is terminal and only reachable before inclusion.
import { z } from 'zod';

export const OUTBOX_STATES = [
  'queued',
  'sent',
  'receipted',
  'included',
  'final',
  'rejected',
] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export const BALLOT_KINDS = ['cast', 'challenged'] as const;
/** A challenged ballot is published (with its nonces) so anyone can audit it; never counted. */
export type BallotKind = (typeof BALLOT_KINDS)[number];

/** Why the network refused a ballot. A closed set: no free text can carry anything personal. */
export const REJECT_REASONS = [
  'duplicate-nullifier',
  'invalid-signature',
  'invalid-proof',
  'unknown-election',
  'election-closed',
  'not-eligible',
  'unregistered-kiosk',
  'malformed',
  'other',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];
export const rejectReasonSchema = z.enum(REJECT_REASONS);

const RANK: Record<Exclude<OutboxState, 'rejected'>, number> = {
  queued: 0,
  sent: 1,
  receipted: 2,
  included: 3,
  final: 4,
};

export function isTerminal(s: OutboxState): boolean {
  return s === 'final' || s === 'rejected';
}

export type Step = 'same' | 'forward' | 'backward' | 'from-terminal';

/** How moving from `from` to `to` relates to the order; only 'forward' changes a row. */
export function classifyStep(from: OutboxState, to: OutboxState): Step {
  if (from === to) return 'same';
  if (isTerminal(from)) return 'from-terminal';
  if (to === 'rejected') return from === 'included' ? 'backward' : 'forward';
  if (from === 'rejected') return 'from-terminal';
  return RANK[to] > RANK[from] ? 'forward' : 'backward';
}

/** Whether `later` could follow `earlier` through zero or more allowed steps. */
export function reachable(earlier: OutboxState, later: OutboxState): boolean {
  const s = classifyStep(earlier, later);
  return s === 'same' || s === 'forward';
}
