// Cross-checking the primary's newest verified header with a witness (CometBFT's detector,
// simplified). A light client alone cannot tell a valid header from one signed by >= 1/3
// byzantine validators of its trusted set; a second, independent peer can. Agreement is
// the normal case and costs one fetch and one hash. On disagreement the witness's header
// is verified from the same trusted state: if it verifies too, two validly signed headers
// exist for one height, and that is evidence; if it does not, the witness is just wrong.
import { equalBytes } from '../../protocol/bytes.js';
import { headerHash, type LightBlock } from '../../protocol/header.js';
import type { Clock } from '../../shared/clock.js';
import { err, ok, type Result } from '../../shared/result.js';
import { verifyToHeight, type BisectionError, type FetchLightBlock } from './bisection.js';
import type { Evidence, TrustedState, TrustOptions } from './types.js';

export type WitnessError<E> =
  | { kind: 'witness-unavailable'; height: number; error: E }
  | { kind: 'witness-wrong-height'; requested: number; got: number }
  /** The witness disagrees but cannot back its header: drop or demote the witness. */
  | { kind: 'witness-invalid'; error: BisectionError<E> }
  /** Both headers verify: stop acting on the chain, keep everything queued, alarm staff. */
  | { kind: 'conflict'; evidence: Evidence };

/** The evidence for two light blocks at one height verified from the same trusted header. */
export function makeEvidence(
  commonHeight: number,
  primary: LightBlock,
  witness: LightBlock,
): Evidence {
  return {
    height: primary.header.height,
    commonHeight,
    primary: { header: primary.header, commit: primary.commit },
    witness: { header: witness.header, commit: witness.commit },
  };
}

export interface CrossCheckArgs<E> {
  /** The trusted state the primary's block was verified from. */
  readonly trustedBefore: TrustedState;
  /** The primary's block, already verified from trustedBefore. */
  readonly primary: LightBlock;
  readonly fetchWitness: FetchLightBlock<E>;
  readonly clock: Pick<Clock, 'now'>;
  readonly options: TrustOptions;
  readonly maxFetches?: number;
}

export async function crossCheckWitness<E>(
  args: CrossCheckArgs<E>,
): Promise<Result<void, WitnessError<E>>> {
  const { primary, trustedBefore } = args;
  const height = primary.header.height;
  const fetched = await args.fetchWitness(height);
  if (!fetched.ok) return err({ kind: 'witness-unavailable', height, error: fetched.error });
  const witness = fetched.value;
  if (witness.header.height !== height) {
    return err({ kind: 'witness-wrong-height', requested: height, got: witness.header.height });
  }
  const primaryId = headerHash(primary.header);
  if (equalBytes(headerHash(witness.header), primaryId)) return ok(undefined);

  // Verify the witness's header from the same root of trust, reusing the block it sent.
  const verified = await verifyToHeight<E>({
    trusted: trustedBefore,
    targetHeight: height,
    fetch: (h) => (h === height ? Promise.resolve(ok(witness)) : args.fetchWitness(h)),
    clock: args.clock,
    options: args.options,
    ...(args.maxFetches === undefined ? {} : { maxFetches: args.maxFetches }),
  });
  if (!verified.ok) return err({ kind: 'witness-invalid', error: verified.error });
  return err({
    kind: 'conflict',
    evidence: makeEvidence(trustedBefore.header.height, primary, witness),
  });
}
