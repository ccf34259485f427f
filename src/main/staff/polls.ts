// The polls of one election on this kiosk: not-opened → open ⇄ paused → closed, and closed is
// for good. The store persists the state and writes the audit entry in the same commit
// (store/polls.ts); this layer adds who may ask (the permission table), the split of the
// store's 'open' into a first opening and a resume, and the two reports staff print:
// the zero report when polls open and the summary when they close. Printing is the host's job.
import type {
  AuditHead,
  PollsError,
  PollsState,
  ReconciliationCounts,
  Store,
} from '../../store/index.js';
import { toHex } from '../../protocol/hash.js';
import type { Clock } from '../../shared/clock.js';
import { assertNever, err, ok, type Result } from '../../shared/result.js';
import type { StaffAction } from './permissions.js';
import type { AuthError, StaffPrincipal } from './service.js';

export type { PollsState };
export type PollsCommand = 'open' | 'pause' | 'resume' | 'close';

/** Voting is allowed only while the polls are open. */
export function canVote(state: PollsState): boolean {
  switch (state) {
    case 'open':
      return true;
    case 'not-opened':
    case 'paused':
    case 'closed':
      return false;
    default:
      return assertNever(state, 'polls state');
  }
}

/** The transition table; undefined means refused. An unopened poll may be closed (cancelled),
 * as the store allows; nothing leaves 'closed'. */
export function nextPollsState(current: PollsState, command: PollsCommand): PollsState | undefined {
  switch (command) {
    case 'open':
      return current === 'not-opened' ? 'open' : undefined;
    case 'resume':
      return current === 'paused' ? 'open' : undefined;
    case 'pause':
      return current === 'open' ? 'paused' : undefined;
    case 'close':
      return current === 'closed' ? undefined : 'closed';
    default:
      return assertNever(command, 'polls command');
  }
}

const PERMISSION: Record<PollsCommand, StaffAction> = {
  open: 'polls.open',
  resume: 'polls.resume',
  pause: 'polls.pause',
  close: 'polls.close',
};

export interface ReportHead {
  readonly seq: number;
  readonly hash: string;
}

/** Printed when the polls open: the kiosk holds nothing for this election. */
export interface ZeroReport {
  readonly kind: 'zero-report';
  readonly kioskId: string;
  readonly electionId: string;
  readonly staffId: string;
  readonly openedAt: number;
  /** All zero, or the polls would not have opened. */
  readonly counts: ReconciliationCounts;
  /** Whether the outbox holds undelivered ballots of any election (e.g. yesterday's). */
  readonly queueEmpty: boolean;
  /** The audit log's head right after the opening was recorded. */
  readonly auditHead: ReportHead;
}

/** Printed when the polls close. */
export interface ClosingSummary {
  readonly kind: 'closing-summary';
  readonly kioskId: string;
  readonly electionId: string;
  readonly staffId: string;
  readonly closedAt: number;
  readonly counts: ReconciliationCounts;
  /** Cast + challenged not yet final or rejected: what sync still has to deliver. */
  readonly undelivered: number;
  readonly queueEmpty: boolean;
  readonly auditHead: ReportHead;
  readonly chainHead: { readonly kioskSeq: number; readonly code: string } | null;
}

export type PollsServiceError =
  | AuthError
  | { readonly kind: 'not-allowed'; readonly current: PollsState }
  /** The kiosk already holds ballots for an election that was never opened. */
  | { readonly kind: 'not-zero'; readonly cast: number; readonly challenged: number }
  | { readonly kind: 'store'; readonly error: PollsError };

export type PollsOutcome =
  | { readonly state: 'open'; readonly zeroReport: ZeroReport }
  | { readonly state: 'open' | 'paused'; readonly zeroReport?: undefined }
  | { readonly state: 'closed'; readonly summary: ClosingSummary };

export interface PollsService {
  state(electionId: string): PollsState;
  canVote(electionId: string): boolean;
  command(electionId: string, command: PollsCommand): Result<PollsOutcome, PollsServiceError>;
}

type PollsStore = Pick<Store, 'polls' | 'reconciliation' | 'outbox' | 'audit' | 'chain'>;

function head(h: AuditHead): ReportHead {
  return { seq: h.seq, hash: toHex(h.hash) };
}

function undelivered(c: ReconciliationCounts): number {
  let n = 0;
  for (const k of [c.cast, c.challenged]) {
    n += k.byState.queued + k.byState.sent + k.byState.receipted + k.byState.included;
  }
  return n;
}

export function createPollsService(deps: {
  store: PollsStore;
  kioskId: string;
  clock: Clock;
  authorize(action: StaffAction): Result<StaffPrincipal, AuthError>;
}): PollsService {
  const { store } = deps;
  const queueEmpty = () => store.outbox.pending(1).length === 0;

  function command(electionId: string, cmd: PollsCommand): Result<PollsOutcome, PollsServiceError> {
    const who = deps.authorize(PERMISSION[cmd]);
    if (!who.ok) return who;
    const current = store.polls.state(electionId);
    const next = nextPollsState(current, cmd);
    if (next === undefined) return err({ kind: 'not-allowed', current });

    if (cmd === 'open') {
      const before = store.reconciliation.counts(electionId);
      if (before.cast.total !== 0 || before.challenged.total !== 0) {
        return err({
          kind: 'not-zero',
          cast: before.cast.total,
          challenged: before.challenged.total,
        });
      }
    }
    // Resume and open are both the store's 'open'; the store re-checks the transition.
    const storeAction = cmd === 'resume' ? 'open' : cmd;
    const applied = store.polls.apply(electionId, storeAction, who.value.staffId);
    if (!applied.ok) {
      return applied.error.kind === 'not-allowed'
        ? err({ kind: 'not-allowed', current: applied.error.current })
        : err({ kind: 'store', error: applied.error });
    }
    const now = Math.floor(deps.clock.now());
    switch (cmd) {
      case 'open':
        return ok({
          state: 'open',
          zeroReport: {
            kind: 'zero-report',
            kioskId: deps.kioskId,
            electionId,
            staffId: who.value.staffId,
            openedAt: now,
            counts: store.reconciliation.counts(electionId),
            queueEmpty: queueEmpty(),
            auditHead: head(store.audit.head()),
          },
        });
      case 'resume':
        return ok({ state: 'open' });
      case 'pause':
        return ok({ state: 'paused' });
      case 'close': {
        const counts = store.reconciliation.counts(electionId);
        const chain = store.chain.head();
        return ok({
          state: 'closed',
          summary: {
            kind: 'closing-summary',
            kioskId: deps.kioskId,
            electionId,
            staffId: who.value.staffId,
            closedAt: now,
            counts,
            undelivered: undelivered(counts),
            queueEmpty: queueEmpty(),
            auditHead: head(store.audit.head()),
            chainHead:
              chain === undefined ? null : { kioskSeq: chain.kioskSeq, code: toHex(chain.code) },
          },
        });
      }
      default:
        return assertNever(cmd, 'polls command');
    }
  }

  return {
    state: (electionId) => store.polls.state(electionId),
    canVote: (electionId) => canVote(store.polls.state(electionId)),
    command,
  };
}
