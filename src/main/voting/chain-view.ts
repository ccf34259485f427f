// What the voting service reads from the synced chain. An interface, so the sync node can hand
// over verified state later; tests and the demo build one from in-memory data. Read-only: the
// voting service never changes chain state, it only asks.
import type { ElectionContext } from '../../ballot/index.js';
import { toHex } from './hex.js';

export interface SyncedElection {
  /** An election the kiosk accepted (loadElection verified its guardian proofs). */
  readonly ctx: ElectionContext;
  /** The ballot style for this kiosk's voters. */
  readonly styleId: string;
}

export interface ChainView {
  /** Elections of this kiosk's unit as last synced. */
  elections(): readonly SyncedElection[];
  /** Whether a roll entry is on this kiosk's roll. */
  onRoll(rollEntry: Uint8Array): boolean;
  /** Jury ballots: whether the roll entry was drawn for this election's jury. */
  isDrawnJuror(electionId: string, rollEntry: Uint8Array): boolean;
  /** Whether the chain already holds a ballot under this nullifier (cast at another kiosk). */
  nullifierSpent(electionId: string, nullifier: Uint8Array): boolean;
}

export interface StaticChainData {
  readonly elections: readonly SyncedElection[];
  readonly rollEntries: readonly Uint8Array[];
  /** electionId → drawn jurors' roll entries. */
  readonly jurors?: Readonly<Record<string, readonly Uint8Array[]>>;
  /** electionId → nullifiers the chain already holds. */
  readonly spent?: Readonly<Record<string, readonly Uint8Array[]>>;
}

/** A ChainView over fixed data (tests, the demo world before sync is wired). */
export function staticChainView(data: StaticChainData): ChainView {
  const roll = new Set(data.rollEntries.map(toHex));
  const sets = (m: Readonly<Record<string, readonly Uint8Array[]>> | undefined) =>
    new Map(Object.entries(m ?? {}).map(([k, v]) => [k, new Set(v.map(toHex))]));
  const jurors = sets(data.jurors);
  const spent = sets(data.spent);
  return {
    elections: () => data.elections,
    onRoll: (e) => roll.has(toHex(e)),
    isDrawnJuror: (id, e) => jurors.get(id)?.has(toHex(e)) ?? false,
    nullifierSpent: (id, n) => spent.get(id)?.has(toHex(n)) ?? false,
  };
}
