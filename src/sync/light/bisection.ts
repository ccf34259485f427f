// Skipping verification with bisection (CometBFT's verifySkipping): try to jump straight
// from the trusted header to the target; when too little of the trusted set signed the
// target ('insufficient-trust'), fetch the header halfway and try to reach that first.
// With a stable set a sync costs one verification however far behind the kiosk is; each
// rotation of more than 2/3 of the power costs about log2(gap) more. Fetching is injected,
// so this module stays pure logic and the sync node supplies libp2p.
import type { LightBlock } from '../../protocol/header.js';
import type { Clock } from '../../shared/clock.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { TrustedState, TrustOptions, VerifyError } from './types.js';
import { verifyLightBlock } from './verify.js';

/** Fetches the light block at a height from one peer. */
export type FetchLightBlock<E> = (height: number) => Promise<Result<LightBlock, E>>;

export type BisectionError<E> =
  | { kind: 'target-below-trusted'; trusted: number; target: number }
  | { kind: 'fetch-failed'; height: number; error: E }
  /** The peer answered with a block for another height. */
  | { kind: 'wrong-height'; requested: number; got: number }
  | { kind: 'verification-failed'; height: number; trustedHeight: number; error: VerifyError }
  | { kind: 'too-many-fetches'; fetches: number };

export interface BisectionResult {
  readonly trusted: TrustedState;
  /** Every block verified on the way, ascending; the last one is the target. */
  readonly trace: readonly LightBlock[];
  readonly fetches: number;
  readonly signaturesVerified: number;
}

export interface BisectionArgs<E> {
  readonly trusted: TrustedState;
  readonly targetHeight: number;
  readonly fetch: FetchLightBlock<E>;
  readonly clock: Pick<Clock, 'now'>;
  readonly options: TrustOptions;
  /** Bound on fetches, so a peer cannot keep us bisecting forever. */
  readonly maxFetches?: number;
}

export async function verifyToHeight<E>(
  args: BisectionArgs<E>,
): Promise<Result<BisectionResult, BisectionError<E>>> {
  const { fetch, clock, options, targetHeight } = args;
  const maxFetches = args.maxFetches ?? 256;
  let trusted = args.trusted;
  if (targetHeight < trusted.header.height) {
    return err({
      kind: 'target-below-trusted',
      trusted: trusted.header.height,
      target: targetHeight,
    });
  }
  const trace: LightBlock[] = [];
  let fetches = 0;
  let signaturesVerified = 0;

  const get = async (height: number): Promise<Result<LightBlock, BisectionError<E>>> => {
    if (fetches >= maxFetches) return err({ kind: 'too-many-fetches', fetches });
    fetches++;
    const r = await fetch(height);
    if (!r.ok) return err({ kind: 'fetch-failed', height, error: r.error });
    if (r.value.header.height !== height) {
      return err({ kind: 'wrong-height', requested: height, got: r.value.header.height });
    }
    return r;
  };

  // Stack of blocks still to reach; the top is the nearest. Heights strictly decrease
  // towards the top, and every pivot lies strictly between trusted and the top.
  const pending: LightBlock[] = [];
  if (targetHeight > trusted.header.height) {
    const first = await get(targetHeight);
    if (!first.ok) return first;
    pending.push(first.value);
  }
  for (let top = pending.at(-1); top !== undefined; top = pending.at(-1)) {
    const r = verifyLightBlock(trusted, top, clock.now(), options);
    if (r.ok) {
      trusted = r.value.trusted;
      signaturesVerified += r.value.signaturesVerified;
      trace.push(top);
      pending.pop();
      continue;
    }
    if (r.error.kind !== 'insufficient-trust') {
      return err({
        kind: 'verification-failed',
        height: top.header.height,
        trustedHeight: trusted.header.height,
        error: r.error,
      });
    }
    const from = trusted.header.height;
    const pivot = from + Math.floor((top.header.height - from) / 2);
    const next = await get(pivot);
    if (!next.ok) return next;
    pending.push(next.value);
  }
  return ok({ trusted, trace, fetches, signaturesVerified });
}
