// A test election with a contest of every kind, deterministic guardian keys and a kiosk key.
import type { BallotKind, Contest, Election, LimitRule } from '../../../src/protocol/election.js';
import { loadElection, type ElectionContext } from '../../../src/ballot/context.js';
import { ed25519Signer } from '../../../src/ballot/ed25519.js';
import {
  deterministicScalars,
  generateGuardianKeys,
  type GuardianKeys,
} from '../../../src/ballot/election-key.js';
import { contestShape } from '../../../src/ballot/kinds.js';

export const label = (s: string) => ({ be: `${s} (be)`, ru: `${s} (ru)`, en: s });

export function contest(
  contestId: string,
  kind: BallotKind,
  options: string[] = [],
  k = 1,
  limit?: LimitRule,
): Contest {
  const shape = contestShape(kind, options, k);
  return {
    contestId,
    kind,
    title: label(contestId),
    options: shape.optionIds.map((optionId) => ({ optionId, label: label(optionId) })),
    range: shape.range,
    limit: limit ?? shape.limit,
  };
}

export const CONTESTS: Contest[] = [
  contest('mayor', 'single-choice', ['ales', 'bazhena', 'ciaslau', 'danuta']),
  contest('council', 'k-of-n', ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'], 3),
  contest('parks', 'approval', ['p1', 'p2', 'p3', 'p4']),
  contest('referendum', 'referendum'),
  contest('rating', 'rating'),
  contest('recall', 'recall'),
  contest('confidence', 'confidence'),
  contest('jury', 'jury'),
  contest('ranking', 'k-of-n', ['r1', 'r2', 'r3'], 2, { rule: 'zero-or', k: 2 }),
  contest('six', 'single-choice', ['o1', 'o2', 'o3', 'o4', 'o5', 'o6']),
];

export const WINDOW = { opens: 1_790_000_000, closes: 1_790_000_000 + 14 * 3600 };
export const NOW = WINDOW.opens + 5000;

export function buildElection(
  keys: GuardianKeys,
  electionId = 'e-2026-polatsk',
  threshold = 2,
): Election {
  return {
    version: 1,
    electionId,
    unit: 'polatsk',
    kind: 'single-choice',
    title: label('Test election'),
    window: WINDOW,
    contests: CONTESTS,
    ballotStyles: [
      {
        styleId: 'full',
        contestIds: CONTESTS.filter((c) => c.contestId !== 'six').map((c) => c.contestId),
      },
      { styleId: 'six', contestIds: ['six'] },
      { styleId: 'jury', contestIds: ['jury'] },
      { styleId: 'mayor', contestIds: ['mayor'] },
    ],
    guardians: { threshold, records: keys.records },
    duplicateRule: 'first-included',
  };
}

export interface Fixture {
  keys: GuardianKeys;
  election: Election;
  ctx: ElectionContext;
}

const cache = new Map<string, Fixture>();

export function fixture(electionId = 'e-2026-polatsk', n = 3, k = 2): Fixture {
  const key = `${electionId}/${n}/${k}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const keys = generateGuardianKeys(
    electionId,
    n,
    k,
    deterministicScalars(new TextEncoder().encode(key)),
  );
  const election = buildElection(keys, electionId, k);
  const ctx = loadElection(election);
  if (!ctx.ok) throw new Error(`fixture election rejected: ${JSON.stringify(ctx.error)}`);
  const f = { keys, election, ctx: ctx.value };
  cache.set(key, f);
  return f;
}

export const kioskSigner = ed25519Signer(new Uint8Array(32).fill(7));
export const otherSigner = ed25519Signer(new Uint8Array(32).fill(8));

import {
  chainGenesis,
  confirmationCode,
  encodeEnvelope,
  envelopeSigningMessage,
  type Envelope,
  type SignedEnvelope,
} from '../../../src/ballot/envelope.js';
import { prepareBallot } from '../../../src/ballot/prepare.js';
import { sealBallot, type SealedBallot } from '../../../src/ballot/seal.js';
import type { Signer } from '../../../src/ballot/ed25519.js';

export interface SealOptions {
  style?: string;
  nullifier?: Uint8Array;
  kioskSeq?: number;
  chainPrev?: Uint8Array;
  kioskId?: string;
  seed?: Uint8Array;
}

/** Seals one ballot; throws if sealing fails (callers pass valid choices). */
export function seal(ctx: ElectionContext, choices: number[][], o: SealOptions = {}): SealedBallot {
  const kioskId = o.kioskId ?? 'kiosk-1';
  const prepared = prepareBallot(ctx, o.style ?? 'full', o.seed);
  const r = sealBallot({
    ctx,
    prepared,
    choices,
    nullifier: o.nullifier ?? crypto.getRandomValues(new Uint8Array(32)),
    kioskId,
    kioskSeq: o.kioskSeq ?? 0,
    chainPrev: o.chainPrev ?? chainGenesis(kioskId),
    now: NOW,
    signer: kioskSigner,
  });
  if (!r.ok) throw new Error(`seal failed: ${JSON.stringify(r.error)}`);
  return r.value;
}

/** Re-signs an edited envelope as a (malicious) registered kiosk would, recomputing the code. */
export function resign(
  e: Envelope,
  signer: Signer = kioskSigner,
  recomputeCode = true,
): SignedEnvelope {
  const { confirmationCode: code, ...body } = e;
  const env: Envelope = {
    ...body,
    confirmationCode: recomputeCode ? confirmationCode(body) : code,
  };
  const bytes = encodeEnvelope(env);
  return { bytes, signature: signer.sign(envelopeSigningMessage(bytes)) };
}

/** Valid choices for the 'full' style (one of each kind). */
export const SAMPLE_CHOICES: number[][] = [
  [0, 1, 0, 0],
  [1, 0, 1, 0, 0, 1],
  [1, 1, 0, 1],
  [1, 0],
  [4],
  [0, 1],
  [1, 0],
  [0, 0, 1],
  [1, 1, 0],
];

/** xs[i], or a thrown error when it is absent (tests index fixtures they built). */
export function at<T>(xs: readonly T[] | undefined, i: number): T {
  const x = xs?.[i];
  if (x === undefined) throw new Error(`no element ${i}`);
  return x;
}
