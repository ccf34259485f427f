// Validator sets: who may sign headers and with how much voting power. A set is always in
// canonical order (power descending, then public key ascending, like CometBFT's), so its
// hash is a function of the set, and so a light client that stops verifying at the
// threshold checks the heaviest signers first.
import { z } from 'zod';
import { bytesSchema, compareBytes, equalBytes } from './bytes.js';
import { recordEncoder } from './cbor-record.js';
import { leafHash, rootFromLeafHashes } from './merkle.js';
import { PUBLIC_KEY_SIZE } from './ed25519.js';

export const MAX_VALIDATORS = 1024;
/**
 * Total power is capped at 2^40 so that threshold arithmetic (power x 3, power x trust-level
 * denominator up to 1000) stays exact in IEEE doubles. CometBFT caps at int64/8 for the
 * same reason.
 */
export const MAX_TOTAL_VOTING_POWER = 2 ** 40;

export const ValidatorSchema = z.strictObject({
  pubKey: bytesSchema(PUBLIC_KEY_SIZE),
  power: z.int().positive().max(MAX_TOTAL_VOTING_POWER),
});
export type Validator = z.infer<typeof ValidatorSchema>;

/** -1/0/1 in canonical order: power descending, then public key bytes ascending. */
export function compareValidators(a: Validator, b: Validator): number {
  if (a.power !== b.power) return b.power - a.power;
  return compareBytes(a.pubKey, b.pubKey);
}

export const ValidatorSetSchema = z
  .strictObject({ validators: z.array(ValidatorSchema).min(1).max(MAX_VALIDATORS) })
  .superRefine((set, ctx) => {
    let total = 0;
    set.validators.forEach((v, i) => {
      total += v.power;
      const prev = set.validators[i - 1];
      // Strict order also rules out a key appearing twice.
      if (prev !== undefined && compareValidators(prev, v) >= 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['validators', i],
          message: 'validators not in canonical order (power desc, pubKey asc) or duplicated',
        });
      }
    });
    if (total > MAX_TOTAL_VOTING_POWER) {
      ctx.addIssue({ code: 'custom', path: ['validators'], message: 'total power too large' });
    }
  });
export type ValidatorSet = z.infer<typeof ValidatorSetSchema>;

/**
 * Builds a canonical set from validators in any order. Duplicated keys or out-of-range power
 * are a caller bug: throws.
 */
export function makeValidatorSet(validators: readonly Validator[]): ValidatorSet {
  const sorted = [...validators]
    .map((v) => ({ pubKey: v.pubKey, power: v.power }))
    .sort(compareValidators);
  const parsed = ValidatorSetSchema.safeParse({ validators: sorted });
  if (!parsed.success) throw new TypeError(`invalid validator set: ${parsed.error.message}`);
  return parsed.data;
}

export function totalVotingPower(set: ValidatorSet): number {
  let total = 0;
  for (const v of set.validators) total += v.power;
  return total;
}

const encodeValidatorRecord = recordEncoder(['pubKey', 'power']);

/**
 * The canonical bytes of one validator: CBOR {power, pubKey}, the Merkle leaf's data.
 * Byte-identical to encodeCanonical (a property test checks every integer width).
 */
export function encodeValidator(v: Validator): Uint8Array {
  return encodeValidatorRecord(v);
}

// validatorSetHash is pure, and the same few sets are hashed for every header (twice per
// light block): memoize it on the set's full content. The key is injective (base64url has
// no ':' or ','), so a hit is exactly a recomputation avoided. Bounded; cleared when full.
const MAX_CACHED_SET_HASHES = 16;
const setHashes = new Map<string, Uint8Array>();

function setKey(set: ValidatorSet): string {
  let key = '';
  for (const v of set.validators) {
    key += Buffer.from(v.pubKey.buffer, v.pubKey.byteOffset, v.pubKey.byteLength).toString(
      'base64url',
    );
    key += ':' + String(v.power) + ',';
  }
  return key;
}

/** validatorsHash: the RFC 6962 root over the canonical encodings, in canonical order. */
export function validatorSetHash(set: ValidatorSet): Uint8Array {
  const key = setKey(set);
  const hit = setHashes.get(key);
  if (hit !== undefined) return hit.slice();
  const root = rootFromLeafHashes(set.validators.map((v) => leafHash(encodeValidator(v))));
  if (setHashes.size >= MAX_CACHED_SET_HASHES) setHashes.clear();
  setHashes.set(key, root.slice());
  return root;
}

/** Element-wise equality; cheaper than hashing both sets when a header repeats its set. */
export function sameValidatorSet(a: ValidatorSet, b: ValidatorSet): boolean {
  if (a === b) return true;
  if (a.validators.length !== b.validators.length) return false;
  return a.validators.every((v, i) => {
    const w = b.validators[i] as Validator;
    return v.power === w.power && equalBytes(v.pubKey, w.pubKey);
  });
}
