// Headers below the trusted one (a ballot included at height 500 when the kiosk already
// trusts 1000) need no signatures: each header names its predecessor's hash in
// lastBlockId, so walking down the hash chain from a trusted header verifies every header
// on the way (CometBFT's backwards verification). Cost: one header hash per height.
import { equalBytes } from '../../protocol/bytes.js';
import { headerHash, type Header } from '../../protocol/header.js';
import { err, ok, type Result } from '../../shared/result.js';

/** Fetches the header (not the full light block) at a height. */
export type FetchHeader<E> = (height: number) => Promise<Result<Header, E>>;

export type BackwardsError<E> =
  | { kind: 'target-not-below-trusted'; trusted: number; target: number }
  | { kind: 'fetch-failed'; height: number; error: E }
  | { kind: 'wrong-height'; requested: number; got: number }
  | { kind: 'wrong-chain-id'; expected: string; got: string }
  /** The header at `height` is not the one its successor names. */
  | { kind: 'hash-chain-broken'; height: number }
  | { kind: 'time-not-decreasing'; height: number }
  | { kind: 'too-many-fetches'; fetches: number };

export interface BackwardsArgs<E> {
  /** A verified header above the target. */
  readonly trusted: Header;
  readonly targetHeight: number;
  readonly fetchHeader: FetchHeader<E>;
  readonly maxFetches?: number;
}

/** Returns the verified header at targetHeight. */
export async function verifyBackwards<E>(
  args: BackwardsArgs<E>,
): Promise<Result<Header, BackwardsError<E>>> {
  const { trusted, targetHeight } = args;
  if (!(targetHeight >= 1 && targetHeight < trusted.height)) {
    return err({ kind: 'target-not-below-trusted', trusted: trusted.height, target: targetHeight });
  }
  const maxFetches = args.maxFetches ?? 10_000;
  if (trusted.height - targetHeight > maxFetches) {
    return err({ kind: 'too-many-fetches', fetches: trusted.height - targetHeight });
  }
  let above = trusted;
  for (let h = trusted.height - 1; h >= targetHeight; h--) {
    const r = await args.fetchHeader(h);
    if (!r.ok) return err({ kind: 'fetch-failed', height: h, error: r.error });
    const header = r.value;
    if (header.height !== h) return err({ kind: 'wrong-height', requested: h, got: header.height });
    if (header.chainId !== trusted.chainId) {
      return err({ kind: 'wrong-chain-id', expected: trusted.chainId, got: header.chainId });
    }
    if (!equalBytes(headerHash(header), above.lastBlockId)) {
      return err({ kind: 'hash-chain-broken', height: h });
    }
    if (header.time >= above.time) return err({ kind: 'time-not-decreasing', height: h });
    above = header;
  }
  return ok(above);
}
