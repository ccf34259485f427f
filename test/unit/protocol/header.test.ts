import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../../src/protocol/encoding.js';
import {
  ed25519SignerFromSeed,
  generateEd25519Seed,
  verifyEd25519,
} from '../../../src/protocol/ed25519.js';
import { fromHex, TAG, taggedHash, toHex } from '../../../src/protocol/hash.js';
import {
  headerHash,
  LightBlockSchema,
  signCommit,
  voteSignBytes,
  type Header,
} from '../../../src/protocol/header.js';
import { decodeWire } from '../../../src/protocol/wire.js';
import { leafHash, merkleRoot, rootFromLeafHashes } from '../../../src/protocol/merkle.js';
import {
  encodeValidator,
  makeValidatorSet,
  ValidatorSetSchema,
  validatorSetHash,
} from '../../../src/protocol/validators.js';
import { buildChain, fakeHash, members, setOf, validator } from '../light/chain.js';

const header: Header = {
  chainId: 'veche-devnet-1',
  height: 7,
  time: Date.UTC(2026, 10, 1),
  lastBlockId: fakeHash('last'),
  dataHash: fakeHash('data'),
  validatorsHash: fakeHash('vals'),
  nextValidatorsHash: fakeHash('next'),
  appHash: fakeHash('app'),
};

describe('Ed25519 over node:crypto', () => {
  it('matches RFC 8032 test 1 and @noble/curves byte for byte', () => {
    const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const s = ed25519SignerFromSeed(seed);
    expect(toHex(s.publicKey)).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    expect(toHex(s.sign(new Uint8Array(0)))).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (msg) => {
        const n = ed25519SignerFromSeed(seed);
        expect(toHex(n.sign(msg))).toBe(toHex(ed25519.sign(msg, seed)));
        expect(verifyEd25519(n.publicKey, msg, ed25519.sign(msg, seed))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('rejects a flipped bit, another key, and malformed keys or signatures', () => {
    const s = ed25519SignerFromSeed(generateEd25519Seed());
    const other = ed25519SignerFromSeed(generateEd25519Seed());
    const msg = fakeHash('m');
    const sig = s.sign(msg);
    expect(verifyEd25519(s.publicKey, msg, sig)).toBe(true);
    const bad = Uint8Array.from(sig);
    bad[10] = (bad[10] as number) ^ 4;
    expect(verifyEd25519(s.publicKey, msg, bad)).toBe(false);
    expect(verifyEd25519(other.publicKey, msg, sig)).toBe(false);
    expect(verifyEd25519(s.publicKey.subarray(1), msg, sig)).toBe(false);
    expect(verifyEd25519(s.publicKey, msg, sig.subarray(1))).toBe(false);
    expect(verifyEd25519(new Uint8Array(32).fill(0xff), msg, sig)).toBe(false);
  });
});

describe('header hash and vote sign bytes', () => {
  it('is the tagged hash of the canonical header, and ignores extra properties', () => {
    expect(toHex(headerHash(header))).toBe(
      toHex(taggedHash(TAG.headerHash, encodeCanonical({ ...header }))),
    );
    const extra = { ...header, junk: 1 } as Header;
    expect(toHex(headerHash(extra))).toBe(toHex(headerHash(header)));
  });

  it('changes with every field', () => {
    const base = toHex(headerHash(header));
    const variants: Header[] = [
      { ...header, chainId: 'veche-devnet-2' },
      { ...header, height: 8 },
      { ...header, time: header.time + 1 },
      { ...header, lastBlockId: fakeHash('x') },
      { ...header, dataHash: fakeHash('x') },
      { ...header, validatorsHash: fakeHash('x') },
      { ...header, nextValidatorsHash: fakeHash('x') },
      { ...header, appHash: fakeHash('x') },
    ];
    const hashes = new Set(variants.map((h) => toHex(headerHash(h))));
    expect(hashes.size).toBe(variants.length);
    expect(hashes.has(base)).toBe(false);
  });

  it('domain-separates votes by tag, chain, height, round and block', () => {
    const id = headerHash(header);
    const base = voteSignBytes('c', 1, 0, id);
    expect(toHex(base)).toBe(
      toHex(
        taggedHash(
          TAG.headerVote,
          encodeCanonical({ chainId: 'c', height: 1, round: 0, blockId: id }),
        ),
      ),
    );
    const others = [
      voteSignBytes('d', 1, 0, id),
      voteSignBytes('c', 2, 0, id),
      voteSignBytes('c', 1, 1, id),
      voteSignBytes('c', 1, 0, fakeHash('other')),
      taggedHash(
        TAG.headerHash,
        encodeCanonical({ chainId: 'c', height: 1, round: 0, blockId: id }),
      ),
    ];
    for (const o of others) expect(toHex(o)).not.toBe(toHex(base));
  });

  it('signCommit signs the vote for the header hash', () => {
    const ms = members([1, 2, 3]);
    const c = signCommit(
      header,
      ms.map((m) => m.signer),
      2,
    );
    expect(c.blockId).toEqual(headerHash(header));
    const msg = voteSignBytes(header.chainId, header.height, 2, c.blockId);
    for (const s of c.signatures) expect(verifyEd25519(s.pubKey, msg, s.signature)).toBe(true);
  });
});

describe('validator sets', () => {
  it('are canonical: power descending, then key ascending; makeValidatorSet sorts', () => {
    const a = { pubKey: validator(1).publicKey, power: 5 };
    const b = { pubKey: validator(2).publicKey, power: 5 };
    const c = { pubKey: validator(3).publicKey, power: 9 };
    const set = makeValidatorSet([a, b, c]);
    expect(set.validators[0]?.power).toBe(9);
    expect(ValidatorSetSchema.safeParse(set).success).toBe(true);
    expect(
      ValidatorSetSchema.safeParse({ validators: [...set.validators].reverse() }).success,
    ).toBe(false);
    expect(ValidatorSetSchema.safeParse({ validators: [c, c] }).success).toBe(false);
    expect(ValidatorSetSchema.safeParse({ validators: [] }).success).toBe(false);
    expect(ValidatorSetSchema.safeParse({ validators: [{ ...a, power: 0 }] }).success).toBe(false);
    expect(() => makeValidatorSet([a, a])).toThrow(TypeError);
  });

  it('encode each validator byte-for-byte as encodeCanonical does, for every power size', () => {
    const power = fc.oneof(
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 1, max: 0xffff }),
      fc.integer({ min: 1, max: 0xffffffff }),
      fc.integer({ min: 1, max: 2 ** 40 }),
      fc.constantFrom(23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 40),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), power, (pubKey, p) => {
        expect(toHex(encodeValidator({ pubKey, power: p }))).toBe(
          toHex(encodeCanonical({ pubKey, power: p })),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('hash to the RFC 6962 root over the canonical encodings', () => {
    const set = setOf(members([4, 5, 6, 7, 8]));
    const enc = set.validators.map(encodeValidator);
    expect(enc[0]).toEqual(
      encodeCanonical({ pubKey: set.validators[0]?.pubKey ?? null, power: 10 }),
    );
    expect(toHex(validatorSetHash(set))).toBe(toHex(merkleRoot(enc)));
    expect(toHex(validatorSetHash(set))).toBe(toHex(rootFromLeafHashes(enc.map(leafHash))));
    const heavier = setOf([...members([4, 5, 6, 7]), ...members([8], 11)]);
    expect(toHex(validatorSetHash(heavier))).not.toBe(toHex(validatorSetHash(set)));
  });
});

describe('wire decoding', () => {
  const block = buildChain({ heights: 2, membersAt: () => members([1, 2, 3, 4]) }).at(2);

  it('round-trips a light block through canonical CBOR', () => {
    const bytes = encodeCanonical(block as never);
    const r = decodeWire(LightBlockSchema, bytes);
    expect(r.ok).toBe(true);
    if (r.ok) expect(toHex(headerHash(r.value.header))).toBe(toHex(headerHash(block.header)));
  });

  it('rejects unknown fields, wrong lengths and non-canonical bytes', () => {
    const extra = encodeCanonical({ ...block, extra: 1 } as never);
    expect(decodeWire(LightBlockSchema, extra)).toMatchObject({
      ok: false,
      error: { kind: 'invalid' },
    });
    const short = encodeCanonical({
      ...block,
      header: { ...block.header, appHash: new Uint8Array(31) },
    } as never);
    expect(decodeWire(LightBlockSchema, short)).toMatchObject({
      ok: false,
      error: { kind: 'invalid' },
    });
    // A non-minimal integer is refused by the canonical decoder, before the schema.
    const r = decodeWire(LightBlockSchema, Uint8Array.of(0x19, 0x00, 0x01));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(['malformed', 'non-canonical']).toContain(r.error.kind);
  });
});
