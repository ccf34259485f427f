// The devnet's genesis, a pure function of (seed, validator count, time, chain id), so that
// every validator process derives the same one without exchanging anything.
import { makeValidatorSet } from '../protocol/validators.js';
import type { Genesis } from './consensus/types.js';
import { authoritySigner, validatorSigner } from './keys.js';

export const DEFAULT_CHAIN_ID = 'veche-devnet';
export const DEFAULT_SEED = 'veche-devnet';

export function devnetGenesis(
  seed: string,
  validators: number,
  time: number,
  chainId = DEFAULT_CHAIN_ID,
): Genesis {
  if (!Number.isSafeInteger(validators) || validators < 1) {
    throw new RangeError('a devnet needs at least one validator');
  }
  return {
    chainId,
    time,
    validatorSet: makeValidatorSet(
      Array.from({ length: validators }, (_, i) => ({
        pubKey: validatorSigner(seed, i).publicKey,
        power: 1,
      })),
    ),
    authority: authoritySigner(seed).publicKey,
  };
}
