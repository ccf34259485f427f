// RPC handlers over the voting service, keyed by method name, in the (request) => Result shape
// of src/main/rpc/dispatch.ts. The only RpcError is 'not-available' (no voter at the kiosk);
// everything the voter must read comes back as a tagged outcome (rpc-schema.ts).
import type { RpcError } from '../rpc/schema.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { VotingMethod, VotingRequest, VotingResponse } from './rpc-schema.js';
import type { NotRecorded, StepError, VotingService } from './service.js';

export type VotingHandler<M extends VotingMethod> = (
  request: VotingRequest<M>,
) => Promise<Result<VotingResponse<M>, RpcError>> | Result<VotingResponse<M>, RpcError>;

export type VotingHandlers = { [M in VotingMethod]: VotingHandler<M> };

const noVoter: RpcError = { kind: 'not-available', message: 'no voter session' };

/** Maps the shared step errors; the caller handles its own refusals first. */
function step<T>(
  e: StepError,
): Result<
  T | { outcome: 'refused'; reason: 'wrong-state'; state: ReturnType<VotingService['view']> },
  RpcError
> {
  switch (e.kind) {
    case 'no-voter':
      return err(noVoter);
    case 'wrong-state':
      return ok({ outcome: 'refused', reason: 'wrong-state', state: e.state });
  }
}

/** Cast and challenge fail alike: nothing was recorded, and the voter is told why. */
function notRecorded(e: NotRecorded) {
  switch (e.kind) {
    case 'no-voter':
    case 'wrong-state':
      return step<never>(e);
    case 'polls-closed':
      return ok({ outcome: 'refused' as const, reason: e.kind, electionId: e.electionId });
    case 'not-recorded':
      return ok({ outcome: 'refused' as const, reason: e.kind, cause: e.reason });
  }
}

export function votingHandlers(service: VotingService): VotingHandlers {
  return {
    'voting.view': () => ok(service.view()),
    'voting.votes': () => {
      const r = service.votes();
      return r.ok ? ok({ votes: r.value }) : err(noVoter);
    },
    'voting.open': ({ electionId }) => {
      const r = service.open(electionId);
      if (r.ok) return ok({ outcome: 'ballot', ...r.value, contests: [...r.value.contests] });
      switch (r.error.kind) {
        case 'no-voter':
          return err(noVoter);
        case 'busy':
          return ok({ outcome: 'refused', reason: 'busy', electionId });
        case 'not-available':
        case 'polls-closed':
        case 'already-voted':
          return ok({ outcome: 'refused', reason: r.error.kind, electionId });
      }
    },
    'voting.review': ({ picks }) => {
      const r = service.review(picks);
      if (r.ok) return ok({ outcome: 'review', picks: r.value.picks });
      const e = r.error;
      switch (e.kind) {
        case 'no-voter':
        case 'wrong-state':
          return step(e);
        case 'unknown-contest':
          return ok({ outcome: 'refused', reason: e.kind, contestId: e.contestId });
        case 'unknown-option':
          return ok({
            outcome: 'refused',
            reason: e.kind,
            contestId: e.contestId,
            optionId: e.optionId,
          });
        case 'value-out-of-range':
          return ok({
            outcome: 'refused',
            reason: e.kind,
            contestId: e.contestId,
            optionId: e.optionId,
            max: e.max,
          });
        case 'too-many':
        case 'too-few':
          return ok({
            outcome: 'refused',
            reason: e.kind,
            contestId: e.contestId,
            limit: e.limit,
            marked: e.marked,
          });
      }
    },
    'voting.back': () => {
      const r = service.back();
      return r.ok ? ok({ outcome: 'marking' }) : step(r.error);
    },
    'voting.confirm': () => {
      const r = service.confirm();
      // sealMs stays in the host: timing is for benches, not for the screen.
      if (r.ok) return ok({ outcome: 'sealed', code: r.value.code });
      const e = r.error;
      switch (e.kind) {
        case 'no-voter':
        case 'wrong-state':
          return step(e);
        case 'polls-closed':
        case 'window-closed':
          return ok({ outcome: 'refused', reason: e.kind, electionId: e.electionId });
      }
    },
    'voting.cast': async () => {
      const r = await service.cast();
      if (r.ok) return ok({ outcome: 'recorded', code: r.value.code, print: r.value.print });
      return notRecorded(r.error);
    },
    'voting.challenge': async () => {
      const r = await service.challenge();
      if (r.ok) return ok({ outcome: 'challenged', code: r.value.code, print: r.value.print });
      return notRecorded(r.error);
    },
    'voting.reprint': async () => {
      const r = await service.reprint();
      return r.ok ? ok({ outcome: 'print', print: r.value }) : step(r.error);
    },
    'voting.skipReceipt': () => {
      const r = service.skipReceipt();
      return r.ok ? ok({ outcome: 'done' }) : step(r.error);
    },
    'voting.profile': ({ electionId, optionId }) => {
      const r = service.profile(electionId, optionId);
      if (r.ok) return ok({ outcome: 'profile', profile: r.value });
      switch (r.error.kind) {
        case 'no-voter':
          return err(noVoter);
        case 'not-available':
        case 'unknown-person':
          return ok({ outcome: 'refused', reason: r.error.kind });
      }
    },
    'voting.checkReceipt': async ({ code }) => {
      const r = await service.checkReceipt(code);
      if (r.ok) return ok({ outcome: 'status', ...r.value });
      return ok({ outcome: 'refused', reason: r.error.kind });
    },
  };
}
