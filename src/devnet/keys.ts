// Devnet keys are derived from a public seed string, so every process of one devnet (and
// every test) agrees on them without exchanging secrets. Never use them outside a devnet.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { ed25519SignerFromSeed, type Ed25519Signer } from '../protocol/ed25519.js';
import { taggedHash } from '../protocol/hash.js';

const DEVNET_SEED_TAG = 'veche/devnet-seed/v1';

export function devnetSigner(seed: string, role: string): Ed25519Signer {
  return ed25519SignerFromSeed(taggedHash(DEVNET_SEED_TAG, utf8ToBytes(seed), utf8ToBytes(role)));
}

export const validatorSigner = (seed: string, index: number): Ed25519Signer =>
  devnetSigner(seed, `validator/${index}`);

export const authoritySigner = (seed: string): Ed25519Signer => devnetSigner(seed, 'authority');
