// The voting service's public types: what the screen sees and every refusal it must explain.
import type { IdDocument } from '../../hardware/types.js';
import type { BallotKind as ElectionKind, Contest, Localized } from '../../protocol/election.js';
import type { Result } from '../../shared/result.js';
import type { EligibilityRefusal } from './eligibility.js';
import type { Picks, PicksError } from './picks.js';
import type { Language } from './receipt.js';
import type { Profile, ReceiptStatus } from './rpc-schema.js';

export type { Profile, ReceiptStatus };

export type VoteStatus = 'open' | 'already-voted';

export interface VoteItem {
  readonly electionId: string;
  readonly kind: ElectionKind;
  readonly title: Localized;
  readonly styleId: string;
  readonly status: VoteStatus;
}

export interface BallotView {
  readonly electionId: string;
  readonly kind: ElectionKind;
  readonly title: Localized;
  readonly styleId: string;
  readonly contests: readonly Contest[];
}

export type OpenError =
  | { readonly kind: 'no-voter' }
  | { readonly kind: 'busy'; readonly state: VotingState }
  | { readonly kind: 'not-available'; readonly electionId: string }
  | { readonly kind: 'polls-closed'; readonly electionId: string }
  | { readonly kind: 'already-voted'; readonly electionId: string };

export type StepError =
  { readonly kind: 'no-voter' } | { readonly kind: 'wrong-state'; readonly state: VotingState };

export type ConfirmError =
  | StepError
  | { readonly kind: 'polls-closed'; readonly electionId: string }
  | { readonly kind: 'window-closed'; readonly electionId: string };

/** Why nothing was recorded; the voter is told so, and may try again or ask staff. */
export type NotRecorded =
  | StepError
  | { readonly kind: 'polls-closed'; readonly electionId: string }
  | { readonly kind: 'not-recorded'; readonly reason: 'storage-full' | 'storage-error' };

export type PrintProblem = 'paper-out' | 'cover-open' | 'printer-offline' | 'printer-fault';

export type PrintOutcome =
  { readonly printed: true } | { readonly printed: false; readonly problem: PrintProblem };

export interface Confirmed {
  readonly code: string;
  /** confirm → code, measured on the monotonic clock (host only; not for the screen). */
  readonly sealMs: number;
}

export type ProfileRefusal =
  | { readonly kind: 'no-voter' }
  /** Unknown election, not visible to this voter, or a kind without a person (referendum). */
  | { readonly kind: 'not-available' }
  /** The election names no such person, or the chain holds no record of them. */
  | { readonly kind: 'unknown-person' };

/** What "check my receipt" answers: delivery and chain status, never a choice. */
export interface ReceiptCheck {
  readonly electionId: string;
  readonly title: Localized;
  readonly status: ReceiptStatus;
  readonly height: number | null;
  readonly reason: string | null;
  /** Whether the printed code is the stored one; null when there is nothing to compare. */
  readonly codeMatches: boolean | null;
}

export type ReceiptCheckError = { readonly kind: 'malformed' };

export interface CastOutcome {
  readonly recorded: true;
  readonly code: string;
  readonly print: PrintOutcome;
}

export interface ChallengeOutcome {
  readonly challenged: true;
  readonly code: string;
  readonly print: PrintOutcome;
}

/** Where the session is; what the voter screen shows. Choices appear only in 'review'. */
export type VotingState =
  | { readonly state: 'no-voter' }
  | { readonly state: 'choosing' }
  | { readonly state: 'marking'; readonly electionId: string }
  | { readonly state: 'review'; readonly electionId: string; readonly picks: Picks }
  | { readonly state: 'sealed'; readonly electionId: string; readonly code: string }
  | {
      readonly state: 'receipt';
      readonly electionId: string;
      readonly kind: 'cast' | 'challenged';
      readonly code: string;
      readonly printed: boolean;
    };

export interface VotingService {
  /** A card was read: identify the voter against the roll (one scrypt, ~0.1 s, off the event
   * loop). A later begin() or end() while this one runs makes it resolve `superseded`. */
  begin(
    doc: IdDocument,
    language: Language,
  ): Promise<Result<{ votes: VoteItem[] }, EligibilityRefusal | { readonly kind: 'superseded' }>>;
  setLanguage(language: Language): void;
  view(): VotingState;
  votes(): Result<VoteItem[], StepError>;
  open(electionId: string): Result<BallotView, OpenError>;
  /** Checks the marks and moves to review; the voter sees their own choices there. */
  review(picks: Picks): Result<{ picks: Picks }, StepError | PicksError>;
  /** Back from review to marking. */
  back(): Result<void, StepError>;
  confirm(): Result<Confirmed, ConfirmError>;
  cast(): Promise<Result<CastOutcome, NotRecorded>>;
  challenge(): Promise<Result<ChallengeOutcome, NotRecorded>>;
  /** Prints the pending receipt again, exactly as before. */
  reprint(): Promise<Result<PrintOutcome, StepError>>;
  /** The voter leaves the receipt screen without a printout (printer broken; staff told). */
  skipReceipt(): Result<void, StepError>;
  /** A candidate's or official's public record for a ballot the voter can see. */
  profile(electionId: string, optionId: string): Result<Profile, ProfileRefusal>;
  /** "Check my receipt" (no voter needed): what the kiosk and the chain know of a ballot. */
  checkReceipt(code: string): Promise<Result<ReceiptCheck, ReceiptCheckError>>;
  /** Card removed or idle timeout: forget the voter and everything in progress. */
  end(): void;
  /** Starts filling ballot pools for the open elections, one entry per event-loop turn. */
  warm(): void;
  /** Fills every open election's pool to target now (startup, tests). */
  prefill(): void;
  stop(): void;
}
