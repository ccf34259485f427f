// A synthetic chain for light-client tests: real headers, real Ed25519 commits, validator
// sets chosen per height by a schedule. Seeds are derived from an index, so validators are
// reproducible across tests and runs.
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { ed25519SignerFromSeed, type Ed25519Signer } from '../../../src/protocol/ed25519.js';
import {
  GENESIS_LAST_BLOCK_ID,
  headerHash,
  signCommit,
  type Header,
  type LightBlock,
} from '../../../src/protocol/header.js';
import {
  makeValidatorSet,
  validatorSetHash,
  type ValidatorSet,
} from '../../../src/protocol/validators.js';
import { toHex } from '../../../src/protocol/hash.js';
import type { TrustedState, TrustOptions } from '../../../src/sync/light/types.js';
import { DEFAULT_TRUST_LEVEL } from '../../../src/sync/light/types.js';

export const CHAIN_ID = 'veche-devnet-1';
export const T0 = Date.UTC(2026, 10, 1, 8, 0, 0);
export const BLOCK_MS = 5_000;
export const OPTIONS: TrustOptions = {
  trustingPeriodMs: 7 * 24 * 3600 * 1000,
  maxClockDriftMs: 10_000,
  trustLevel: DEFAULT_TRUST_LEVEL,
};

const signerCache = new Map<number, Ed25519Signer>();
/** Validator number i, the same key in every test. */
export function validator(i: number): Ed25519Signer {
  let s = signerCache.get(i);
  if (s === undefined) {
    s = ed25519SignerFromSeed(sha256(utf8ToBytes(`veche-test-validator-${i}`)));
    signerCache.set(i, s);
  }
  return s;
}

export interface Member {
  readonly signer: Ed25519Signer;
  readonly power: number;
}

export function members(ids: readonly number[], power = 10): Member[] {
  return ids.map((i) => ({ signer: validator(i), power }));
}

export function setOf(ms: readonly Member[]): ValidatorSet {
  return makeValidatorSet(ms.map((m) => ({ pubKey: m.signer.publicKey, power: m.power })));
}

export function fakeHash(label: string): Uint8Array {
  return sha256(utf8ToBytes(label));
}

export interface Chain {
  readonly blocks: readonly LightBlock[];
  at(height: number): LightBlock;
  trustedAt(height: number): TrustedState;
}

export interface ChainSpec {
  heights: number;
  /** Members of the validator set at a height. */
  membersAt: (height: number) => readonly Member[];
  /** Which members sign height h; all by default. */
  signersAt?: (height: number, ms: readonly Member[]) => readonly Member[];
  chainId?: string;
}

export function buildChain(spec: ChainSpec): Chain {
  const chainId = spec.chainId ?? CHAIN_ID;
  const blocks: LightBlock[] = [];
  let last = GENESIS_LAST_BLOCK_ID;
  let set = setOf(spec.membersAt(1));
  for (let h = 1; h <= spec.heights; h++) {
    const ms = spec.membersAt(h);
    const nextSet = setOf(spec.membersAt(h + 1));
    const header: Header = {
      chainId,
      height: h,
      time: T0 + h * BLOCK_MS,
      lastBlockId: last,
      dataHash: fakeHash(`data-${h}`),
      validatorsHash: validatorSetHash(set),
      nextValidatorsHash: validatorSetHash(nextSet),
      appHash: fakeHash(`app-${h}`),
    };
    const signers = (spec.signersAt?.(h, ms) ?? ms).map((m) => m.signer);
    blocks.push({
      header,
      commit: signCommit(header, signers),
      validatorSet: set,
      nextValidatorSet: nextSet,
    });
    last = headerHash(header);
    set = nextSet;
  }
  const at = (height: number): LightBlock => {
    const b = blocks[height - 1];
    if (b === undefined) throw new RangeError(`no block ${height}`);
    return b;
  };
  return {
    blocks,
    at,
    trustedAt: (height) => ({
      header: at(height).header,
      nextValidatorSet: at(height).nextValidatorSet,
    }),
  };
}

/** A block for `base`'s height with a different appHash, signed by `signers`, with their own sets. */
export function forge(
  base: LightBlock,
  signers: readonly Member[],
  opts: { setMembers?: readonly Member[]; lastBlockId?: Uint8Array } = {},
): LightBlock {
  const set = opts.setMembers === undefined ? base.validatorSet : setOf(opts.setMembers);
  const header: Header = {
    ...base.header,
    appHash: fakeHash(`forged-${base.header.height}`),
    validatorsHash: validatorSetHash(set),
    nextValidatorsHash: validatorSetHash(set),
    lastBlockId: opts.lastBlockId ?? base.header.lastBlockId,
  };
  return {
    header,
    commit: signCommit(
      header,
      signers.map((m) => m.signer),
    ),
    validatorSet: set,
    nextValidatorSet: set,
  };
}

/** Re-signs a (modified) header with the given signers, keeping the block's sets. */
export function resign(block: LightBlock, header: Header, signers: readonly Member[]): LightBlock {
  return {
    ...block,
    header,
    commit: signCommit(
      header,
      signers.map((m) => m.signer),
    ),
  };
}

export const hex = toHex;
