// What a rule sees while it runs: a scratch overlay on the state (discarded if the rule
// rejects), the block it runs in, the injected verifiers, and a list for notices (events the
// validator logs; they never affect state).
import type { DEVNET_EVENTS } from '../../shared/events.js';
import type { AppDeps } from './deps.js';
import type { Overlay } from './state.js';

export interface BlockCtx {
  readonly height: number;
  /** Block time, milliseconds since the Unix epoch (the header's time). */
  readonly time: number;
  /**
   * Ids (header hashes) of the blocks just before this one, oldest first, the last being
   * height - 1; at least the longest juryLookback of any unit with a pending draw.
   */
  readonly recentBlockIds: readonly Uint8Array[];
}

export type DevnetEventId = (typeof DEVNET_EVENTS)[keyof typeof DEVNET_EVENTS];

export interface Notice {
  event: DevnetEventId;
  subject: string;
}

export interface Env {
  readonly s: Overlay;
  readonly block: BlockCtx;
  /** Block time in whole Unix seconds: the unit every window and period is expressed in. */
  readonly nowS: number;
  readonly deps: AppDeps;
  readonly notices: Notice[];
}

export const unixSeconds = (ms: number): number => Math.floor(ms / 1000);
