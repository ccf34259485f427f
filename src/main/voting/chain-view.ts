// What the voting service reads from the synced chain. An interface, so the sync node can hand
// over verified state (verified-chain-view.ts); tests build one from in-memory data. Read-only:
// the voting service never changes chain state, it only asks.
import type { ElectionContext } from '../../ballot/index.js';
import type { Localized } from '../../protocol/election.js';
import { toHex } from './hex.js';

export interface SyncedElection {
  /** An election the kiosk accepted (loadElection verified its guardian proofs). */
  readonly ctx: ElectionContext;
  /** The ballot style for this kiosk's voters. */
  readonly styleId: string;
}

/** Who an election is about, as the chain's election record says (its `purpose`). */
export type ElectionSubject =
  | { readonly kind: 'office'; readonly office: string; readonly candidates: readonly string[] }
  /** Rating polls, recall and confidence votes: one serving official. */
  | { readonly kind: 'official'; readonly official: string }
  /** Referendums, jury bills, general questions: nobody's profile. */
  | { readonly kind: 'none' };

export type ChainPromiseStatus = 'pending' | 'in-progress' | 'fulfilled' | 'unfulfilled';
export type ChainOfficialStatus = 'serving' | 'under-recall' | 'recalled' | 'succeeded';

/**
 * A person's public records, as plain chain strings. Heights are already turned into days
 * (YYYY-MM-DD, UTC) from verified headers' times, so the service needs no header access.
 */
export interface PersonRecords {
  readonly personId: string;
  readonly candidate: {
    readonly name: string;
    /** Display names per language, when the registration gave them; else `name` is shown. */
    readonly names?: Localized | null;
    readonly certificate: {
      readonly issuer: string;
      readonly certificateId: string;
      readonly validUntilS: number;
    };
    readonly promises: ReadonlyArray<{
      readonly itemId: string;
      readonly text: string;
      readonly texts?: Localized | null;
      readonly status: ChainPromiseStatus;
      readonly reason: string | null;
    }>;
  } | null;
  readonly official: {
    readonly unit: string;
    readonly office: string;
    readonly status: ChainOfficialStatus;
    readonly seatedOn: string;
    /** When the status last changed away from serving (recalled: the recall's end;
     * succeeded: the successor's seating), if known. */
    readonly changedOn: string | null;
  } | null;
  /** Tallied rating polls about this person, oldest first. */
  readonly ratings: ReadonlyArray<{
    readonly electionId: string;
    readonly day: string;
    /** 0..1 */
    readonly approval: number;
  }>;
  /** The newest recall round, if any. */
  readonly recall: {
    readonly status: 'active' | 'recovered' | 'failed';
    readonly startedOn: string;
    readonly endsOn: string;
    readonly acting: string | null;
    /** 0..1 */
    readonly latestSupport: number;
  } | null;
}

/** Where the chain has a ballot, under `ballot/…` (cast) or `challenged/…`. */
export interface ChainBallot {
  readonly electionId: string;
  readonly kind: 'cast' | 'challenged';
  readonly height: number;
  readonly kioskId: string;
}

export interface ChainView {
  /** Elections of this kiosk's unit as last synced. */
  elections(): readonly SyncedElection[];
  /** Whether a roll entry is on this kiosk's roll. */
  onRoll(rollEntry: Uint8Array): boolean;
  /** Jury ballots: whether the roll entry was drawn for this election's jury. */
  isDrawnJuror(electionId: string, rollEntry: Uint8Array): boolean;
  /**
   * Of the elections asked, those where the chain already holds a ballot under the voter's
   * nullifier (cast at another kiosk): looked up by key when a session begins, since a
   * unit's nullifier sets are too large to hold. Null when the chain cannot say now.
   */
  spentNullifiers(
    asks: readonly { readonly electionId: string; readonly nullifier: Uint8Array }[],
  ): Promise<ReadonlySet<string> | null>;
  /** Who the election is about; null for an election the view does not know. */
  subject(electionId: string): ElectionSubject | null;
  /** A person's records; null when the chain holds none. */
  person(personId: string): PersonRecords | null;
  /** A ballot as the chain holds it (verified), or null when the chain does not have it or
   * the view cannot say. */
  ballot(electionId: string, ballotId: Uint8Array): Promise<ChainBallot | null>;
}

export interface StaticChainData {
  readonly elections: readonly SyncedElection[];
  readonly rollEntries: readonly Uint8Array[];
  /** electionId → drawn jurors' roll entries. */
  readonly jurors?: Readonly<Record<string, readonly Uint8Array[]>>;
  /** electionId → nullifiers the chain already holds. */
  readonly spent?: Readonly<Record<string, readonly Uint8Array[]>>;
  /** electionId → who it is about (absent: nobody). */
  readonly subjects?: Readonly<Record<string, ElectionSubject>>;
  readonly people?: readonly PersonRecords[];
  readonly ballots?: readonly (ChainBallot & { readonly ballotId: Uint8Array })[];
}

/** A ChainView over fixed data (tests). */
export function staticChainView(data: StaticChainData): ChainView {
  const roll = new Set(data.rollEntries.map(toHex));
  const sets = (m: Readonly<Record<string, readonly Uint8Array[]>> | undefined) =>
    new Map(Object.entries(m ?? {}).map(([k, v]) => [k, new Set(v.map(toHex))]));
  const jurors = sets(data.jurors);
  const spent = sets(data.spent);
  const people = new Map((data.people ?? []).map((p) => [p.personId, p]));
  const known = new Set(data.elections.map((e) => e.ctx.election.electionId));
  return {
    elections: () => data.elections,
    onRoll: (e) => roll.has(toHex(e)),
    isDrawnJuror: (id, e) => jurors.get(id)?.has(toHex(e)) ?? false,
    spentNullifiers: (asks) =>
      Promise.resolve(
        new Set(
          asks
            .filter((a) => spent.get(a.electionId)?.has(toHex(a.nullifier)) ?? false)
            .map((a) => a.electionId),
        ),
      ),
    subject: (id) => data.subjects?.[id] ?? (known.has(id) ? { kind: 'none' } : null),
    person: (id) => people.get(id) ?? null,
    ballot: (electionId, ballotId) => {
      const hex = toHex(ballotId);
      const b = (data.ballots ?? []).find(
        (x) => x.electionId === electionId && toHex(x.ballotId) === hex,
      );
      return Promise.resolve(
        b ? { electionId, kind: b.kind, height: b.height, kioskId: b.kioskId } : null,
      );
    },
  };
}
