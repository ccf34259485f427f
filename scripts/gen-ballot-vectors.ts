// Generates the ballot known-answer vectors under test/vectors/ballot/ from fixed seeds.
// Run once (`npx tsx scripts/gen-ballot-vectors.ts`); test/unit/ballot/vectors.test.ts
// recomputes every value from the recorded inputs and compares bytes, so a change in any
// encoding, hash input or derivation shows up as a failing vector.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { challengeBallot } from '../src/ballot/challenge.js';
import { loadElection } from '../src/ballot/context.js';
import { ed25519Signer } from '../src/ballot/ed25519.js';
import { deterministicScalars, generateGuardianKeys } from '../src/ballot/election-key.js';
import { chainGenesis } from '../src/ballot/envelope.js';
import { encodePoint, encodeScalar, G, taggedScalar } from '../src/ballot/group.js';
import { contestShape } from '../src/ballot/kinds.js';
import { deriveIdentityKey, deriveNullifier, deriveRollEntry } from '../src/ballot/nullifier.js';
import { prepareBallot } from '../src/ballot/prepare.js';
import { sealBallot } from '../src/ballot/seal.js';
import { accumulateTally, combineDecryptions, partialDecrypt } from '../src/ballot/tally.js';
import { verifyEnvelope } from '../src/ballot/verify-envelope.js';
import { encodeCanonical } from '../src/protocol/encoding.js';
import type { BallotKind, Contest, Election } from '../src/protocol/election.js';
import { toHex } from '../src/protocol/hash.js';

const label = (s: string) => ({ be: `${s} be`, ru: `${s} ru`, en: s });

function contest(contestId: string, kind: BallotKind, options?: string[]): Contest {
  const shape = contestShape(kind, options);
  return {
    contestId,
    kind,
    title: label(contestId),
    options: shape.optionIds.map((optionId) => ({ optionId, label: label(optionId) })),
    range: shape.range,
    limit: shape.limit,
  };
}

export const VECTOR_INPUTS = {
  electionId: 'kat-election',
  guardianSeed: '00'.repeat(31) + '01',
  guardians: { n: 3, k: 2 },
  kioskSeed: '07'.repeat(32),
  kioskId: 'kat-kiosk',
  now: 1_800_000_123,
  ballots: [
    { seed: '11'.repeat(32), nullifier: 'a1'.repeat(32), choices: [[0, 1, 0], [3], [1, 0, 0]] },
    { seed: '22'.repeat(32), nullifier: 'a2'.repeat(32), choices: [[1, 0, 0], [5], [0, 0, 1]] },
    { seed: '33'.repeat(32), nullifier: 'a3'.repeat(32), choices: [[0, 1, 0], [0], [0, 1, 0]] },
  ],
  /** Ballot index 2 is challenged; 0 and 1 are cast and tallied. */
  challenged: 2,
  decryptionSeed: '44'.repeat(32),
  roll: {
    params: { rollId: 'kat-roll', N: 1024, r: 8, p: 1 },
    secret: '55'.repeat(32),
    identity: { issuingState: 'BLR', documentNumber: 'MP1234567', birthDate: '850315' },
  },
} as const;

export function vectorElection(): Election {
  const I = VECTOR_INPUTS;
  const keys = generateGuardianKeys(
    I.electionId,
    I.guardians.n,
    I.guardians.k,
    deterministicScalars(Buffer.from(I.guardianSeed, 'hex')),
  );
  return {
    version: 1,
    electionId: I.electionId,
    unit: 'kat-unit',
    kind: 'single-choice',
    title: label('Known-answer election'),
    window: { opens: 1_799_990_000, closes: 1_800_090_000 },
    contests: [
      contest('mayor', 'single-choice', ['a', 'b', 'c']),
      contest('rating', 'rating'),
      contest('jury', 'jury'),
    ],
    ballotStyles: [{ styleId: 'main', contestIds: ['mayor', 'rating', 'jury'] }],
    guardians: { threshold: I.guardians.k, records: keys.records },
    duplicateRule: 'first-included',
  };
}

const hex = (b: Uint8Array) => toHex(b);

/** Computes every vector from VECTOR_INPUTS; pure and deterministic. */
export function buildBallotVectors() {
  const I = VECTOR_INPUTS;
  const election = vectorElection();
  const ctx = loadElection(election);
  if (!ctx.ok) throw new Error(`vector election rejected: ${JSON.stringify(ctx.error)}`);
  const c = ctx.value;
  const keys = generateGuardianKeys(
    I.electionId,
    I.guardians.n,
    I.guardians.k,
    deterministicScalars(Buffer.from(I.guardianSeed, 'hex')),
  );
  const signer = ed25519Signer(Buffer.from(I.kioskSeed, 'hex'));

  let chainPrev = chainGenesis(I.kioskId);
  const ballots = I.ballots.map((b, seq) => {
    const prepared = prepareBallot(c, 'main', Buffer.from(b.seed, 'hex'));
    const r = sealBallot({
      ctx: c,
      prepared,
      choices: b.choices,
      nullifier: Buffer.from(b.nullifier, 'hex'),
      kioskId: I.kioskId,
      kioskSeq: seq,
      chainPrev,
      now: I.now,
      signer,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    chainPrev = r.value.confirmationCode;
    return r.value;
  });
  const challenged = ballots[I.challenged];
  if (!challenged) throw new Error('no challenged ballot');
  const reveal = challengeBallot(challenged, signer);

  const verified = ballots.map((s) => {
    const v = verifyEnvelope(c, s.signed, signer.publicKey);
    if (!v.ok) throw new Error(JSON.stringify(v.error));
    return v.value;
  });
  const tally = accumulateTally(
    c,
    verified.filter((_, i) => i !== I.challenged),
    [challenged.ballotId],
  );
  if (!tally.ok) throw new Error(JSON.stringify(tally.error));
  const partials = keys.secrets
    .slice(0, I.guardians.k)
    .map((s) =>
      partialDecrypt(
        c,
        tally.value,
        s,
        deterministicScalars(
          Buffer.from(I.decryptionSeed + s.index.toString(16).padStart(2, '0'), 'hex'),
        ),
      ),
    );
  const result = combineDecryptions(c, tally.value, partials);
  if (!result.ok) throw new Error(JSON.stringify(result.error));

  const roll = I.roll;
  const identityKey = deriveIdentityKey(roll.params, roll.identity);
  const rollSecret = Buffer.from(roll.secret, 'hex');

  return {
    description:
      'Veche ballot protocol v1 known-answer vectors (docs/protocol.md). All byte strings are lowercase hex; generated by scripts/gen-ballot-vectors.ts from the inputs below.',
    inputs: I,
    group: {
      G: hex(encodePoint(G)),
      taggedScalarExample: {
        tag: 'veche/test',
        parts: ['00', '0102'],
        scalar: hex(
          encodeScalar(taggedScalar('veche/test', new Uint8Array([0]), new Uint8Array([1, 2]))),
        ),
      },
    },
    election: {
      definition: election,
      canonicalCbor: hex(encodeCanonical(election)),
      hash: hex(c.hash),
      K: hex(c.Kbytes),
      guardianShares: keys.secrets.map((s) => ({
        index: s.index,
        share: hex(encodeScalar(s.share)),
      })),
    },
    kiosk: { publicKey: hex(signer.publicKey), chainGenesis: hex(chainGenesis(I.kioskId)) },
    ballots: ballots.map((s) => ({
      envelope: hex(s.signed.bytes),
      signature: hex(s.signed.signature),
      ballotId: hex(s.ballotId),
      confirmationCode: hex(s.confirmationCode),
      selectionNonces: s.secrets.nonces.map((row) => row.map((x) => hex(encodeScalar(x)))),
    })),
    challenge: { reveal: hex(reveal.signed.bytes), signature: hex(reveal.signed.signature) },
    tally: {
      sums: tally.value.contests.map((t) => ({
        contestId: t.contestId,
        ballots: t.ballots,
        sums: t.sums.map((s) => ({
          alpha: hex(s.alpha.is0() ? new Uint8Array(32) : encodePoint(s.alpha)),
          beta: hex(encodePoint(s.beta)),
        })),
      })),
      partials: partials.map((p) => ({
        guardian: p.guardian,
        shares: p.shares.map((row) => row.map((x) => ({ m: hex(x.m), c: hex(x.c), v: hex(x.v) }))),
      })),
      result: result.value,
    },
    nullifier: {
      identityKey: hex(identityKey),
      rollEntry: hex(deriveRollEntry(rollSecret, identityKey)),
      nullifier: hex(deriveNullifier(rollSecret, identityKey, I.electionId)),
    },
  };
}

export const VECTORS_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'test',
  'vectors',
  'ballot',
  'ballot-v1.json',
);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mkdirSync(dirname(VECTORS_PATH), { recursive: true });
  writeFileSync(VECTORS_PATH, JSON.stringify(buildBallotVectors(), null, 2) + '\n');
  process.stdout.write(`wrote ${VECTORS_PATH}\n`);
}
