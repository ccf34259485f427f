// CometBFT's light-client rules as pure functions: one trusted state and one untrusted light
// block in, a new trusted state or a precise reason out. `now` is passed in (the caller
// reads its injected Clock) so a test can age trust by a week in one line. Every check that
// costs no signature runs first, so a malformed or stale block never costs a verification.
import { equalBytes } from '../../protocol/bytes.js';
import { headerHash, voteSignBytes, type Header, type LightBlock } from '../../protocol/header.js';
import {
  sameValidatorSet,
  totalVotingPower,
  validatorSetHash,
  type ValidatorSet,
} from '../../protocol/validators.js';
import { err, ok, type Result } from '../../shared/result.js';
import { atLeast, CommitTally, moreThanTwoThirds } from './commit.js';
import type {
  Checkpoint,
  TrustedState,
  TrustLevel,
  TrustOptions,
  Verified,
  VerifyError,
} from './types.js';

/** A trust level outside [1/3, 1] is a configuration bug (CometBFT refuses it too): throws. */
export function assertTrustLevel(level: TrustLevel): void {
  const { numerator: n, denominator: d } = level;
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || d <= 0 || d > 1000) {
    throw new RangeError('trust level must be a fraction of small integers');
  }
  if (n * 3 < d || n > d) throw new RangeError('trust level must be within [1/3, 1]');
}

/** Trusting period and clock drift, checked before anything else. */
function checkTime(
  trustedHeader: Header,
  untrusted: Header,
  now: number,
  opts: TrustOptions,
): Result<void, VerifyError> {
  const expiredAt = trustedHeader.time + opts.trustingPeriodMs;
  if (now >= expiredAt) {
    return err({ kind: 'trust-expired', trustedTime: trustedHeader.time, expiredAt, now });
  }
  if (untrusted.time <= trustedHeader.time) {
    return err({ kind: 'time-not-increasing', trusted: trustedHeader.time, got: untrusted.time });
  }
  if (untrusted.time > now + opts.maxClockDriftMs) {
    return err({
      kind: 'header-from-future',
      time: untrusted.time,
      now,
      maxClockDriftMs: opts.maxClockDriftMs,
    });
  }
  return ok(undefined);
}

/**
 * The block's internal consistency: chain, commit for this header, and the two sets it
 * carries hash to the header's fields. Returns the block id and the vote's sign bytes.
 */
export function checkLightBlock(
  block: LightBlock,
  chainId: string,
): Result<{ blockId: Uint8Array; signBytes: Uint8Array }, VerifyError> {
  const { header, commit } = block;
  if (header.chainId !== chainId) {
    return err({ kind: 'wrong-chain-id', expected: chainId, got: header.chainId });
  }
  if (commit.height !== header.height) {
    return err({ kind: 'commit-height-mismatch', header: header.height, commit: commit.height });
  }
  const blockId = headerHash(header);
  if (!equalBytes(commit.blockId, blockId)) return err({ kind: 'commit-block-id-mismatch' });
  const vh = validatorSetHash(block.validatorSet);
  if (!equalBytes(vh, header.validatorsHash)) {
    return err({ kind: 'validators-hash-mismatch', which: 'validators' });
  }
  // Most heights keep their set: comparing element-wise saves hashing it a second time.
  const nvh = sameValidatorSet(block.nextValidatorSet, block.validatorSet)
    ? vh
    : validatorSetHash(block.nextValidatorSet);
  if (!equalBytes(nvh, header.nextValidatorsHash)) {
    return err({ kind: 'validators-hash-mismatch', which: 'next-validators' });
  }
  return ok({ blockId, signBytes: voteSignBytes(chainId, header.height, commit.round, blockId) });
}

/** > 2/3 of the block's own set signed it. */
function checkOwnQuorum(tally: CommitTally, set: ValidatorSet): Result<void, VerifyError> {
  const r = tally.tally(set, moreThanTwoThirds(totalVotingPower(set)));
  if (r.ok) return ok(undefined);
  switch (r.error.kind) {
    case 'invalid-signature':
      return err(r.error);
    case 'short':
      return err({ ...r.error, kind: 'insufficient-voting-power' });
  }
}

// Block ids of headers this module has verified, so the next adjacent step can check
// lastBlockId without hashing the trusted header again. Keyed by object identity; a caller
// that mutates a trusted header has already broken its trust, hash or no hash.
const verifiedIds = new WeakMap<Header, Uint8Array>();

function trustedHeaderId(header: Header): Uint8Array {
  return verifiedIds.get(header) ?? headerHash(header);
}

function trustedAfter(block: LightBlock, blockId: Uint8Array, tally: CommitTally): Verified {
  verifiedIds.set(block.header, blockId);
  return {
    trusted: { header: block.header, nextValidatorSet: block.nextValidatorSet },
    signaturesVerified: tally.signaturesVerified,
  };
}

/**
 * Height h+1 from trusted h: the header's validators must be exactly the set the trusted
 * header announced (nextValidatorsHash), its lastBlockId must link to the trusted header,
 * and > 2/3 of that set's power must have signed.
 */
export function verifyAdjacent(
  trusted: TrustedState,
  untrusted: LightBlock,
  now: number,
  opts: TrustOptions,
): Result<Verified, VerifyError> {
  const th = trusted.header;
  const h = untrusted.header;
  if (h.height <= th.height) {
    return err({ kind: 'height-not-increasing', trusted: th.height, got: h.height });
  }
  if (h.height !== th.height + 1) throw new RangeError('verifyAdjacent needs height + 1');
  const time = checkTime(th, h, now, opts);
  if (!time.ok) return time;
  const own = checkLightBlock(untrusted, th.chainId);
  if (!own.ok) return own;
  if (!equalBytes(h.validatorsHash, th.nextValidatorsHash)) {
    return err({ kind: 'validators-not-trusted' });
  }
  if (!equalBytes(h.lastBlockId, trustedHeaderId(th))) {
    return err({ kind: 'last-block-id-mismatch' });
  }
  const tally = CommitTally.create(untrusted.commit, own.value.signBytes);
  if (!tally.ok) return tally;
  const quorum = checkOwnQuorum(tally.value, untrusted.validatorSet);
  if (!quorum.ok) return quorum;
  return ok(trustedAfter(untrusted, own.value.blockId, tally.value));
}

/**
 * A height beyond h+1: at least the trust level (default 1/3) of the trusted next set's
 * power must have signed, so at least one honest validator vouches for the new header if
 * fewer than 1/3 are byzantine, and > 2/3 of the header's own set must have signed.
 * 'insufficient-trust' means "bisect", not "attack".
 */
export function verifySkipping(
  trusted: TrustedState,
  untrusted: LightBlock,
  now: number,
  opts: TrustOptions,
): Result<Verified, VerifyError> {
  assertTrustLevel(opts.trustLevel);
  const th = trusted.header;
  const h = untrusted.header;
  if (h.height <= th.height) {
    return err({ kind: 'height-not-increasing', trusted: th.height, got: h.height });
  }
  if (h.height === th.height + 1) throw new RangeError('verifySkipping needs a height gap');
  const time = checkTime(th, h, now, opts);
  if (!time.ok) return time;
  const own = checkLightBlock(untrusted, th.chainId);
  if (!own.ok) return own;
  const tally = CommitTally.create(untrusted.commit, own.value.signBytes);
  if (!tally.ok) return tally;
  const set = trusted.nextValidatorSet;
  const trust = tally.value.tally(set, atLeast(totalVotingPower(set), opts.trustLevel));
  if (!trust.ok) {
    switch (trust.error.kind) {
      case 'invalid-signature':
        return err(trust.error);
      case 'short':
        return err({ ...trust.error, kind: 'insufficient-trust' });
    }
  }
  const quorum = checkOwnQuorum(tally.value, untrusted.validatorSet);
  if (!quorum.ok) return quorum;
  return ok(trustedAfter(untrusted, own.value.blockId, tally.value));
}

/** Adjacent or skipping, by height. */
export function verifyLightBlock(
  trusted: TrustedState,
  untrusted: LightBlock,
  now: number,
  opts: TrustOptions,
): Result<Verified, VerifyError> {
  return untrusted.header.height === trusted.header.height + 1
    ? verifyAdjacent(trusted, untrusted, now, opts)
    : verifySkipping(trusted, untrusted, now, opts);
}

/**
 * First trust, from the provisioned checkpoint and the light block at its height (fetched
 * from any peer: the hash pins it). The commit is still checked against the checkpoint's
 * set, so a checkpoint provisioned with the wrong set fails here, not later.
 */
export function trustFromCheckpoint(
  checkpoint: Checkpoint,
  block: LightBlock,
  now: number,
  opts: TrustOptions,
): Result<Verified, VerifyError> {
  const h = block.header;
  if (h.chainId !== checkpoint.chainId) {
    return err({ kind: 'checkpoint-mismatch', field: 'chain-id' });
  }
  if (h.height !== checkpoint.height) return err({ kind: 'checkpoint-mismatch', field: 'height' });
  if (!equalBytes(headerHash(h), checkpoint.headerHash)) {
    return err({ kind: 'checkpoint-mismatch', field: 'header-hash' });
  }
  if (!equalBytes(validatorSetHash(checkpoint.validatorSet), h.validatorsHash)) {
    return err({ kind: 'checkpoint-mismatch', field: 'validators' });
  }
  const expiredAt = h.time + opts.trustingPeriodMs;
  if (now >= expiredAt) return err({ kind: 'trust-expired', trustedTime: h.time, expiredAt, now });
  if (h.time > now + opts.maxClockDriftMs) {
    return err({
      kind: 'header-from-future',
      time: h.time,
      now,
      maxClockDriftMs: opts.maxClockDriftMs,
    });
  }
  const own = checkLightBlock(block, checkpoint.chainId);
  if (!own.ok) return own;
  const tally = CommitTally.create(block.commit, own.value.signBytes);
  if (!tally.ok) return tally;
  const quorum = checkOwnQuorum(tally.value, checkpoint.validatorSet);
  if (!quorum.ok) return quorum;
  return ok(trustedAfter(block, own.value.blockId, tally.value));
}
