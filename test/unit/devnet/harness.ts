// A scripted chain for the app's tests: real Ed25519 keys, real blocks applied with
// applyBlock, deterministic block ids, and simple verifiers that check exactly what the app
// hands them (so a wrong claim or a wrong ballot list makes them fail).
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { expect } from 'vitest';
import {
  applyBlock,
  AppState,
  DEFAULT_UNIT_PARAMS,
  encodeTx,
  genesisState,
  signTx,
  type AppDeps,
  type BlockCtx,
  type Notice,
  type Rejection,
  type TxBody,
  type TxOutcome,
  type UnitParams,
  type Tx,
} from '../../../src/devnet/app/index.js';
import { equalBytes } from '../../../src/protocol/bytes.js';
import { decodeCanonical, encodeCanonical } from '../../../src/protocol/encoding.js';
import {
  ed25519SignerFromSeed,
  verifyEd25519,
  type Ed25519Signer,
} from '../../../src/protocol/ed25519.js';
import { TAG, taggedHash, toHex } from '../../../src/protocol/hash.js';
import { err, ok } from '../../../src/shared/result.js';

/** A deterministic key from a name, so test states are reproducible. */
export function signer(name: string): Ed25519Signer {
  return ed25519SignerFromSeed(taggedHash('veche/test-seed', utf8ToBytes(name)));
}

export const bytes32 = (name: string): Uint8Array =>
  taggedHash('veche/test-bytes', utf8ToBytes(name));

/** Envelopes in tests: canonical {electionId, kioskId, nullifier, salt}; real ones come from src/ballot. */
export function envelope(
  electionId: string,
  kioskId: string,
  nullifier: Uint8Array,
  salt = '',
): Uint8Array {
  return encodeCanonical({ electionId, kioskId, nullifier, salt });
}

/** Checks that the envelope says what the transaction claims, like the real verifier must. */
export const acceptingDeps: AppDeps = {
  // Test definitions are canonical {electionId}; the real check loads the ballot module's.
  verifyElection(election) {
    const d = election.definition === null ? null : decodeCanonical(election.definition);
    return d?.ok && (d.value as { electionId?: string }).electionId === election.electionId
      ? ok(undefined)
      : err({ kind: 'definition-mismatch' });
  },
  verifyBallot(bytes, election, claim) {
    const v = decodeCanonical(bytes);
    if (!v.ok) return err({ kind: 'malformed' });
    const e = v.value as { electionId: string; kioskId: string; nullifier: Uint8Array };
    if (e.electionId !== election.electionId || e.electionId !== claim.electionId)
      return err({ kind: 'wrong-election' });
    if (
      !verifyEd25519(
        claim.kiosk.publicKey,
        taggedHash(TAG.envelopeSignature, bytes),
        claim.signature,
      )
    ) {
      return err({ kind: 'bad-signature' });
    }
    if (e.kioskId !== claim.kioskId || !equalBytes(e.nullifier, claim.nullifier))
      return err({ kind: 'claim-mismatch' });
    return ok(undefined);
  },
  verifyChallenge(reveal, _election, claim) {
    return equalBytes(reveal, encodeCanonical({ ballotId: claim.ballotId }))
      ? ok(undefined)
      : err({ kind: 'wrong-ballot' });
  },
  // The "proofs" are the cast ballot ids the tally claims to cover, in key order.
  verifyTally(tally, _election, ids) {
    return equalBytes(tally.proofs, encodeCanonical(ids.map((i) => i)))
      ? ok(undefined)
      : err({ kind: 'bad-decryption-proof' });
  },
};

export const rejectingDeps: AppDeps = {
  verifyElection: () => err({ kind: 'bad-guardian-proof' }),
  verifyBallot: () => err({ kind: 'bad-selection-proof' }),
  verifyChallenge: () => err({ kind: 'bad-nonce' }),
  verifyTally: () => err({ kind: 'bad-decryption-proof' }),
};

export const T0 = Date.UTC(2027, 0, 1) / 1000;
export const DAY = 24 * 3600;

export interface Applied {
  outcomes: TxOutcome[];
  notices: Notice[];
}

export class Chain {
  readonly authority = signer('authority');
  state: AppState;
  height = 0;
  /** Block time in Unix seconds; each block advances it by `step` unless told otherwise. */
  timeS = T0;
  blockIds: Uint8Array[] = [];
  private seq = 0;

  constructor(
    public deps: AppDeps = acceptingDeps,
    private readonly step = 60,
  ) {
    this.state = genesisState(this.authority.publicKey);
  }

  /** An authority-signed body with the next seq. */
  auth(body: Record<string, unknown> & { kind: string }): Tx {
    return signTx({ ...body, seq: ++this.seq } as unknown as TxBody, this.authority);
  }

  signed(body: TxBody, by: Ed25519Signer): Tx {
    return signTx(body, by);
  }

  ctx(): BlockCtx {
    return {
      height: this.height + 1,
      time: this.timeS * 1000,
      recentBlockIds: this.blockIds.slice(-64),
    };
  }

  /** Commits a block at time timeS (+ step before it unless `at` is given). */
  block(txs: readonly (Tx | Uint8Array)[], at?: number): Applied {
    this.timeS = at ?? this.timeS + this.step;
    const ctx = this.ctx();
    const r = applyBlock(
      this.state,
      txs.map((t) => (t instanceof Uint8Array ? t : encodeTx(t))),
      ctx,
      this.deps,
    );
    this.state = r.state;
    this.height = ctx.height;
    this.blockIds.push(
      taggedHash('veche/test-block', utf8ToBytes(String(ctx.height)), this.state.appHash()),
    );
    return { outcomes: r.outcomes, notices: r.notices };
  }

  /** One transaction in its own block; returns its outcome. */
  one(tx: Tx | Uint8Array, at?: number): TxOutcome {
    return this.block([tx], at).outcomes[0] as TxOutcome;
  }

  get<T>(k: string): T {
    return this.state.get(k) as T;
  }
}

export function expectOk(o: TxOutcome): void {
  expect(o.ok ? 'ok' : o.rejection).toBe('ok');
}

export function expectRejected(o: TxOutcome, kind: Rejection['kind']): Rejection {
  expect(o.ok ? 'ok' : o.rejection.kind).toBe(kind);
  if (o.ok) throw new Error('unreachable');
  return o.rejection;
}

export const params = (over: Partial<UnitParams> = {}): UnitParams => ({
  ...DEFAULT_UNIT_PARAMS,
  ...over,
});

export const cert = (validUntil: number, id = 'mq-1') => ({
  issuer: 'forge',
  certificateId: id,
  validUntil,
});

/** A unit, one kiosk and a roll: the setup most tests start from. */
export function withUnit(
  chain: Chain,
  unit = 'village',
  over: Partial<UnitParams> = {},
  parent: string | null = null,
) {
  const kiosk = signer(`kiosk-${unit}`);
  const outs = chain.block([
    chain.auth({ kind: 'unit-params', unit, parent, params: params(over) }),
    chain.auth({
      kind: 'kiosk-register',
      kioskId: `k-${unit}`,
      unit,
      publicKey: kiosk.publicKey,
      pollingPlace: `school of ${unit}`,
    }),
  ]).outcomes;
  outs.forEach(expectOk);
  return { kiosk, kioskId: `k-${unit}` };
}

/** Election window starting at the next block and lasting `days`. */
export function windowFrom(chain: Chain, days = 1) {
  return { opens: chain.timeS, closes: chain.timeS + days * DAY };
}

export function electionBody(
  chain: Chain,
  electionId: string,
  unit: string,
  purpose: Record<string, unknown>,
  window = windowFrom(chain),
) {
  return {
    kind: 'election-create',
    electionId,
    unit,
    purpose,
    window,
    ballotStyles: ['main'],
    guardianKey: bytes32(`K-${electionId}`),
    definition: encodeCanonical({ electionId }),
  };
}

/** A ballot signed by the kiosk over its envelope, as the ballot module produces it. */
export function ballotTx(
  electionId: string,
  kioskId: string,
  kiosk: Ed25519Signer,
  nullifier: Uint8Array,
  salt = '',
): Tx {
  const env = envelope(electionId, kioskId, nullifier, salt);
  return signTx(
    {
      kind: 'ballot',
      electionId,
      kioskId,
      nullifier,
      ballotId: taggedHash(TAG.ballotId, env),
      envelope: env,
    },
    kiosk,
  );
}

/** The tally "proof" acceptingDeps expects: the cast ballot ids in key order. */
export function tallyProofs(chain: Chain, electionId: string): Uint8Array {
  const prefix = `ballot/${electionId}/`;
  const ids = chain.state
    .list(prefix)
    .map(([k]) => Uint8Array.from(Buffer.from(k.slice(prefix.length), 'hex')));
  return encodeCanonical(ids);
}

export const hex = toHex;

/**
 * Runs an office election end to end: candidates registered with certificates, election,
 * one ballot per vote count, close, tally. Returns the election id.
 */
export function runOfficeElection(
  chain: Chain,
  u: { unit: string; kiosk: Ed25519Signer; kioskId: string },
  electionId: string,
  office: string,
  votes: Record<string, number>,
): void {
  const candidates = Object.keys(votes);
  chain
    .block(
      candidates.map((personId) =>
        chain.auth({
          kind: 'candidate-register',
          personId,
          unit: u.unit,
          name: `Name of ${personId}`,
          certificate: cert(chain.timeS + 5 * 365 * DAY, `mq-${personId}`),
          promises: [{ itemId: 'p1', text: `road for ${u.unit}` }],
        }),
      ),
    )
    .outcomes.forEach(expectOk);
  expectOk(
    chain.one(
      chain.auth(electionBody(chain, electionId, u.unit, { kind: 'office', office, candidates })),
    ),
  );
  const ballots: Tx[] = [];
  let n = 0;
  for (const count of Object.values(votes)) {
    for (let i = 0; i < count; i++)
      ballots.push(ballotTx(electionId, u.kioskId, u.kiosk, bytes32(`${electionId}-voter-${n++}`)));
  }
  chain.block(ballots).outcomes.forEach(expectOk);
  chain.block([], chain.timeS + 2 * DAY); // closes
  expectOk(
    chain.one(
      chain.auth({
        kind: 'tally',
        electionId,
        cast: n,
        contests: [{ contestId: 'seat', totals: Object.values(votes) }],
        proofs: tallyProofs(chain, electionId),
      }),
    ),
  );
}

/** Runs a rating poll for an official with `approve` yes out of `total` (scale 1). */
export function runRatingPoll(
  chain: Chain,
  u: { unit: string; kiosk: Ed25519Signer; kioskId: string },
  electionId: string,
  official: string,
  approve: number,
  total: number,
): Applied {
  expectOk(
    chain.one(
      chain.auth(electionBody(chain, electionId, u.unit, { kind: 'rating', official, scale: 1 })),
    ),
  );
  const ballots: Tx[] = [];
  for (let i = 0; i < total; i++)
    ballots.push(ballotTx(electionId, u.kioskId, u.kiosk, bytes32(`${electionId}-r-${i}`)));
  chain.block(ballots).outcomes.forEach(expectOk);
  chain.block([], chain.timeS + 2 * DAY);
  const r = chain.block([
    chain.auth({
      kind: 'tally',
      electionId,
      cast: total,
      contests: [{ contestId: 'approve', totals: [approve, total - approve] }],
      proofs: tallyProofs(chain, electionId),
    }),
  ]);
  r.outcomes.forEach(expectOk);
  return r;
}

/** A kiosk-signed challenge of the envelope; the reveal names `revealFor` (default: that ballot). */
export function challengeTx(
  electionId: string,
  kioskId: string,
  by: Ed25519Signer,
  env: Uint8Array,
  revealFor?: Uint8Array,
): Tx {
  const ballotId = taggedHash(TAG.ballotId, env);
  return signTx(
    {
      kind: 'ballot-challenge',
      electionId,
      kioskId,
      ballotId,
      envelope: env,
      reveal: encodeCanonical({ ballotId: revealFor ?? ballotId }),
    },
    by,
  );
}
