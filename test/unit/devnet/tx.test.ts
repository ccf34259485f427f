import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encode } from 'cborg';
import {
  applyBlock,
  applyTx,
  decodeTx,
  encodeTx,
  genesisState,
  key,
  signerOf,
  signingMessage,
  signTx,
  TxBodySchema,
  type ElectionRecord,
} from '../../../src/devnet/app/index.js';
import { envelopeSigningMessage } from '../../../src/ballot/envelope.js';
import { revealSigningMessage } from '../../../src/ballot/challenge.js';
import { encodeCanonical } from '../../../src/protocol/encoding.js';
import { toHex } from '../../../src/protocol/hash.js';
import {
  acceptingDeps,
  ballotTx,
  bytes32,
  Chain,
  electionBody,
  expectOk,
  signer,
  withUnit,
} from './harness.js';

describe('transaction encoding', () => {
  it('round-trips through canonical CBOR and the schema', () => {
    const tx = ballotTx('e1', 'k1', signer('k1'), bytes32('n'));
    const back = decodeTx(encodeTx(tx));
    expect(back.ok && toHex(encodeTx(back.value))).toBe(toHex(encodeTx(tx)));
  });

  it('refuses non-canonical bytes, unknown kinds, extra fields and bad sizes', () => {
    const tx = ballotTx('e1', 'k1', signer('k1'), bytes32('n'));
    // Same value, map keys in non-canonical order.
    const reordered = encode({ signature: tx.signature, body: tx.body }, { mapSorter: () => 0 });
    expect(decodeTx(reordered)).toMatchObject({
      ok: false,
      error: { kind: 'malformed', message: 'non-canonical' },
    });
    const bad = (body: unknown) =>
      decodeTx(encodeCanonical({ body, signature: tx.signature } as never));
    expect(bad({ kind: 'mint-coins', amount: 5 }).ok).toBe(false);
    expect(bad({ ...tx.body, extra: 1 }).ok).toBe(false);
    expect(bad({ ...tx.body, nullifier: new Uint8Array(31) }).ok).toBe(false);
    expect(bad({ ...tx.body, kioskId: 'has/slash' }).ok).toBe(false);
    expect(decodeTx(encodeCanonical({ body: tx.body, signature: new Uint8Array(63) })).ok).toBe(
      false,
    );
  });

  it('ballots and challenges carry the ballot module’s kiosk signatures unchanged', () => {
    const env = new Uint8Array([1, 2, 3]);
    const reveal = new Uint8Array([4, 5]);
    const b = {
      kind: 'ballot',
      electionId: 'e',
      kioskId: 'k',
      nullifier: bytes32('n'),
      ballotId: bytes32('b'),
      envelope: env,
    } as const;
    const c = {
      kind: 'ballot-challenge',
      electionId: 'e',
      kioskId: 'k',
      ballotId: bytes32('b'),
      envelope: env,
      reveal,
    } as const;
    expect(toHex(signingMessage(b))).toBe(toHex(envelopeSigningMessage(env)));
    expect(toHex(signingMessage(c))).toBe(toHex(revealSigningMessage(reveal)));
    expect(signerOf(b)).toEqual({ kind: 'kiosk', kioskId: 'k' });
    expect(signerOf({ kind: 'kiosk-revoke', seq: 1, kioskId: 'k' })).toEqual({ kind: 'authority' });
  });

  it('every kind in the union has a schema-checked body', () => {
    const kinds = TxBodySchema.options.map((o) => o.shape.kind.value).sort();
    expect(kinds).toEqual([
      'ballot',
      'ballot-challenge',
      'candidate-register',
      'chain-head',
      'election-create',
      'juror-qualify',
      'jury-draw',
      'jury-eligibility',
      'kiosk-register',
      'kiosk-revoke',
      'promise-status',
      'roll-add',
      'roll-remove',
      'staff-revoke',
      'staff-set',
      'tally',
      'unit-params',
    ]);
  });
});

describe('hostile bytes', () => {
  // A throw while applying a block would halt every validator: hostile input must only ever
  // produce rejections.
  it('random bytes and corrupted valid transactions are rejected, never thrown', () => {
    const chain = new Chain();
    const { kiosk, kioskId } = withUnit(chain);
    expectOk(chain.one(chain.auth(electionBody(chain, 'e1', 'village', { kind: 'general' }))));
    const valid = [
      encodeTx(ballotTx('e1', kioskId, kiosk, bytes32('v'))),
      encodeTx(chain.auth({ kind: 'roll-add', unit: 'village', entries: [bytes32('r')] })),
      encodeTx(
        chain.signed({ kind: 'chain-head', kioskId, kioskSeq: 3, head: bytes32('h') }, kiosk),
      ),
    ];
    const base = chain.state;
    const ctx = {
      height: chain.height + 1,
      time: chain.timeS * 1000,
      recentBlockIds: chain.blockIds,
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc
            .tuple(fc.constantFrom(...valid), fc.nat(), fc.integer({ min: 1, max: 255 }))
            .map(([bytes, at, x]) => {
              const b = Uint8Array.from(bytes);
              const i = at % b.length;
              b[i] = (b[i] as number) ^ x;
              return b;
            }),
        ),
        (bytes) => {
          const r = applyBlock(base, [bytes], ctx, acceptingDeps);
          expect(r.outcomes).toHaveLength(1);
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('applyTx and applyBlock', () => {
  it('applyTx returns the writes without changing the state it was given', () => {
    const authority = signer('authority');
    const s = genesisState(authority.publicKey);
    const before = s.leaves();
    const tx = signTx(
      {
        kind: 'unit-params',
        seq: 1,
        unit: 'u',
        parent: null,
        params: {
          recallThresholdBps: 2000,
          recoveryThresholdBps: 5000,
          recoveryWindowS: 10,
          ratingPollCadenceS: 10,
          juryLookback: 1,
          actingList: [],
        },
      },
      authority,
    );
    const r = applyTx(s, tx, { height: 1, time: 0, recentBlockIds: [] }, acceptingDeps);
    expect(r.ok && [...r.value.diff.keys()].sort()).toEqual(['authority/root', 'param/u']);
    expect(s.leaves()).toEqual(before);
    expect(s.get(key.param('u'))).toBeUndefined();
  });

  it('a block records a rejection per transaction and still applies the rest, in order', () => {
    const chain = new Chain();
    const { kiosk, kioskId } = withUnit(chain);
    expectOk(chain.one(chain.auth(electionBody(chain, 'e1', 'village', { kind: 'general' }))));
    const r = chain.block([
      ballotTx('e1', kioskId, kiosk, bytes32('a')),
      new Uint8Array([0xff, 0x00]),
      ballotTx('e1', kioskId, signer('impostor'), bytes32('b')),
      ballotTx('e1', kioskId, kiosk, bytes32('c')),
    ]);
    expect(r.outcomes.map((o) => (o.ok ? 'ok' : o.rejection.kind))).toEqual([
      'ok',
      'malformed',
      'bad-signature',
      'ok',
    ]);
    expect(r.outcomes.map((o) => o.txKind)).toEqual(['ballot', null, 'ballot', 'ballot']);
    expect(chain.get<ElectionRecord>(key.election('e1')).cast).toBe(2);
  });

  it('transactions in one block see the writes of the ones before them', () => {
    const chain = new Chain();
    const k = signer('new-kiosk');
    withUnit(chain);
    expectOk(chain.one(chain.auth(electionBody(chain, 'e1', 'village', { kind: 'general' }))));
    const r = chain.block([
      chain.auth({
        kind: 'kiosk-register',
        kioskId: 'k-new',
        unit: 'village',
        publicKey: k.publicKey,
        pollingPlace: 'p',
      }),
      ballotTx('e1', 'k-new', k, bytes32('a')),
      chain.auth({ kind: 'kiosk-revoke', kioskId: 'k-new' }),
      ballotTx('e1', 'k-new', k, bytes32('b')),
    ]);
    expect(r.outcomes.map((o) => (o.ok ? 'ok' : o.rejection.kind))).toEqual([
      'ok',
      'ok',
      'ok',
      'kiosk-revoked',
    ]);
  });

  it('the block context is validated: a height below 1 is a caller bug', () => {
    const s = genesisState(signer('authority').publicKey);
    expect(() =>
      applyBlock(s, [], { height: 0, time: 0, recentBlockIds: [] }, acceptingDeps),
    ).toThrow(/height/);
  });
});
