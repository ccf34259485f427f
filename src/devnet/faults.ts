// Fault switches: how a devnet validator misbehaves on purpose, so the kiosk's light node
// can be tested against every failure DESIGN §5 names. Consensus reads `stalled` and
// `clockSkewMs`; the light-node server (rpc.ts) reads the serving faults; forged and
// byzantine light blocks are built by the helpers below. Crash/restart and validator-set
// rotation are operations on the devnet handle (devnet.ts), not switches.
import { Hash32Schema } from '../protocol/bytes.js';
import type { Ed25519Signer } from '../protocol/ed25519.js';
import { signCommit, type Header, type LightBlock } from '../protocol/header.js';
import type { InclusionProof } from '../protocol/merkle.js';
import { makeValidatorSet, validatorSetHash, type ValidatorSet } from '../protocol/validators.js';

export interface FaultSwitches {
  /** Neither proposes nor votes (still up, still serves). Others time out past it. */
  stalled: boolean;
  /** Added to the validator's clock when it stamps or checks header times. */
  clockSkewMs: number;
  /** Serves light blocks whose header was altered after signing (appHash flipped). */
  forgeHeaders: boolean;
  /** Serves inclusion proofs with a corrupted audit path. */
  badProofs: boolean;
  /** Accepts submissions but answers with an error instead of the receipt. */
  dropReceipts: boolean;
}

export const NO_FAULTS: Readonly<FaultSwitches> = Object.freeze({
  stalled: false,
  clockSkewMs: 0,
  forgeHeaders: false,
  badProofs: false,
  dropReceipts: false,
});

export const noFaults = (): FaultSwitches => ({ ...NO_FAULTS });

function flipFirstByte(b: Uint8Array): Uint8Array {
  const out = b.slice();
  out[0] = (out[0] as number) ^ 0xff;
  return out;
}

/** A forged header: the honest commit, but the header says another appHash. */
export function forgeLightBlock(block: LightBlock): LightBlock {
  return { ...block, header: { ...block.header, appHash: flipFirstByte(block.header.appHash) } };
}

/** An inclusion proof that cannot verify (first sibling changed; the index kept). */
export function corruptProof(proof: InclusionProof): InclusionProof {
  const [first, ...rest] = proof.path;
  if (first === undefined) {
    // A single-leaf tree has no path: claim a larger tree instead.
    return { ...proof, size: proof.size + 1, path: [new Uint8Array(32)] };
  }
  return { ...proof, path: [flipFirstByte(first), ...rest] };
}

/**
 * A conflicting light block for `honest`'s height, signed by `byzantine` (the keys of
 * validators that misbehave). Its appHash differs. When `ownSet` is true the header names
 * a validator set of just the byzantine keys (the light-client attack: with >= 1/3 of the
 * trusted power they pass the skipping check, and > 2/3 of "their" set); otherwise it keeps
 * the honest set, so it needs > 2/3 of the honest set's power to verify.
 */
export function conflictingLightBlock(
  honest: LightBlock,
  byzantine: readonly Ed25519Signer[],
  ownSet: boolean,
): LightBlock {
  const set: ValidatorSet = ownSet
    ? makeValidatorSet(byzantine.map((s) => ({ pubKey: s.publicKey, power: 1 })))
    : honest.validatorSet;
  const nextSet = ownSet ? set : honest.nextValidatorSet;
  const header: Header = {
    ...honest.header,
    appHash: Hash32Schema.parse(flipFirstByte(honest.header.appHash)),
    validatorsHash: validatorSetHash(set),
    nextValidatorsHash: validatorSetHash(nextSet),
  };
  return {
    header,
    commit: signCommit(header, byzantine),
    validatorSet: set,
    nextValidatorSet: nextSet,
  };
}
