// What a scripted scenario needs from a running devnet, and the authority/kiosk/guardian
// roles it plays. The same scripts run under a ManualClock (tests step time) and under the
// real clock (the demo waits), so time only moves through the driver.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import {
  accumulateTally,
  chainGenesis,
  combineDecryptions,
  deterministicScalars,
  encodeElection,
  encodePartialDecryptions,
  generateGuardianKeys,
  loadElection,
  partialDecrypt,
  prepareBallot,
  sealBallot,
  verifyEnvelope,
  type ElectionContext,
  type GuardianKeys,
  type SealedBallot,
} from '../../ballot/index.js';
import { contestShape } from '../../ballot/kinds.js';
import type { Ed25519Signer } from '../../protocol/ed25519.js';
import type { BallotKind, Election, Localized } from '../../protocol/election.js';
import { err, ok, type Result } from '../../shared/result.js';
import {
  encodeTx,
  signTx,
  type AppState,
  type Purpose,
  type Rejection,
  type TxBody,
} from '../app/index.js';
import type { Devnet } from '../devnet.js';
import type { SubmitError } from '../consensus/validator.js';

export interface ScenarioDriver {
  readonly net: Devnet;
  /** Resolves once every running validator committed `height`. */
  until(height: number): Promise<void>;
  /** Lets `ms` of devnet time pass (a ManualClock is stepped; the real clock is waited on). */
  pass(ms: number): Promise<void>;
}

/**
 * A driver on the real clock: heights are awaited, time passes by waiting. `signal` ends a
 * wait at once (it rejects with the signal's reason): a stopped demo must not stay alive
 * for the rest of a recall window's timer.
 */
export function realClockDriver(
  net: Devnet,
  timeoutMs = 60_000,
  signal?: AbortSignal,
): ScenarioDriver {
  return {
    net,
    until: (h) => untilAborted(() => net.waitForHeight(h, timeoutMs), signal),
    pass: (ms) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted === true) {
          reject(signal.reason as Error);
          return;
        }
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal?.reason as Error);
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

/** The wait, or the signal's reason as soon as it aborts (a wait already under way included). */
function untilAborted<T>(wait: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return wait();
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  const p = wait();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export type ScenarioError =
  | { readonly kind: 'refused'; readonly step: string; readonly error: SubmitError }
  | { readonly kind: 'not-reached'; readonly step: string; readonly blocks: number }
  | { readonly kind: 'ballot'; readonly step: string; readonly message: string };

export const nowS = (d: ScenarioDriver): number => Math.floor(d.net.clock.now() / 1000);

/** The committed state of the first running validator (the script's own view, not a proof). */
export function committedState(d: ScenarioDriver): AppState {
  const node = d.net.nodes.find((n) => n.running);
  if (node === undefined) throw new Error('no running validator');
  const v = node.validator;
  const s = v.stateAt(v.committedHeight);
  if (s === undefined) throw new Error(`no state at committed height ${v.committedHeight}`);
  return s;
}

/** Waits block by block until `pred` holds on the committed state (at most `maxBlocks`). */
export async function untilState(
  d: ScenarioDriver,
  step: string,
  pred: (s: AppState) => boolean,
  maxBlocks = 12,
): Promise<Result<AppState, ScenarioError>> {
  for (let i = 0; i <= maxBlocks; i++) {
    const s = committedState(d);
    if (pred(s)) return ok(s);
    const height = Math.max(
      ...d.net.nodes.filter((n) => n.running).map((n) => n.validator.committedHeight),
    );
    await d.until(height + 1);
  }
  return err({ kind: 'not-reached', step, blocks: maxBlocks });
}

export function submitAll(
  d: ScenarioDriver,
  step: string,
  txs: readonly Uint8Array[],
): Result<void, ScenarioError> {
  for (const tx of txs) {
    const r = d.net.submit(tx, 0);
    if (!r.ok) return err({ kind: 'refused', step, error: r.error });
  }
  return ok(undefined);
}

/** Waits for the first block (there is no state before it). */
export async function firstBlock(d: ScenarioDriver): Promise<void> {
  const first = d.net.nodes.find((n) => n.running);
  if (first !== undefined && first.validator.committedHeight < 1) await d.until(1);
}

/** The authority's signing key and its transaction sequence (each tx takes the next seq). */
export class AuthorityTxs {
  constructor(
    private readonly signer: Ed25519Signer,
    private seq = 0,
  ) {}
  /**
   * The authority's seq as the chain last accepted it: continue from there. Earlier
   * authority transactions must be committed by then (not only in a mempool).
   */
  static continuing(d: ScenarioDriver, signer: Ed25519Signer): AuthorityTxs {
    const rec = committedState(d).get('authority/root') as { seq: number } | undefined;
    return new AuthorityTxs(signer, rec?.seq ?? 0);
  }
  tx(body: Record<string, unknown> & { kind: string }): Uint8Array {
    return encodeTx(signTx({ ...body, seq: ++this.seq } as unknown as TxBody, this.signer));
  }
}

/** A registered kiosk sealing ballots on one confirmation chain (seq and previous code). */
export class KioskSealer {
  private seq = 0;
  private prev: Uint8Array;
  constructor(
    readonly kioskId: string,
    readonly signer: Ed25519Signer,
  ) {
    this.prev = chainGenesis(kioskId);
  }
  seal(
    e: ScenarioElection,
    choices: readonly (readonly number[])[],
    nullifier: Uint8Array,
    now: number,
  ): Result<SealedBallot, string> {
    const r = sealBallot({
      ctx: e.ctx,
      prepared: prepareBallot(e.ctx, 'main'),
      choices,
      nullifier,
      kioskId: this.kioskId,
      kioskSeq: this.seq,
      chainPrev: this.prev,
      now,
      signer: this.signer,
    });
    if (!r.ok) return err(JSON.stringify(r.error));
    this.seq++;
    this.prev = r.value.confirmationCode;
    return ok(r.value);
  }
  ballotTx(electionId: string, sealed: SealedBallot): Uint8Array {
    return ballotTxOf(electionId, this.kioskId, sealed);
  }
}

/** A sealed ballot as the devnet's `ballot` transaction, signed with the envelope's signature. */
export function ballotTxOf(electionId: string, kioskId: string, sealed: SealedBallot): Uint8Array {
  return encodeTx({
    body: {
      kind: 'ballot',
      electionId,
      kioskId,
      nullifier: sealed.envelope.nullifier,
      ballotId: sealed.ballotId,
      envelope: sealed.signed.bytes,
    },
    signature: sealed.signed.signature,
  });
}

export interface ScenarioElection {
  readonly electionId: string;
  readonly kind: BallotKind;
  readonly purpose: Purpose;
  readonly election: Election;
  readonly ctx: ElectionContext;
  readonly guardians: GuardianKeys;
}

export interface ElectionSpec {
  readonly seed: string;
  readonly electionId: string;
  readonly unit: string;
  readonly kind: BallotKind;
  readonly purpose: Purpose;
  readonly title: Localized;
  /** Option ids and labels of the one contest (ignored by kinds with fixed options). */
  readonly options?: readonly { readonly optionId: string; readonly label: Localized }[];
  readonly window: { readonly opens: number; readonly closes: number };
}

/** Labels of the options that ballot kinds fix (contestShape): yes/no, score, for/against. */
const FIXED_LABELS: Readonly<Record<string, Localized>> = {
  yes: { be: 'Так', ru: 'Да', en: 'Yes' },
  no: { be: 'Не', ru: 'Нет', en: 'No' },
  score: { be: 'Ацэнка (0–5)', ru: 'Оценка (0–5)', en: 'Score (0–5)' },
  for: { be: 'За', ru: 'За', en: 'For' },
  against: { be: 'Супраць', ru: 'Против', en: 'Against' },
  abstain: { be: 'Устрымаўся', ru: 'Воздержался', en: 'Abstain' },
};

/** A one-contest election with 2-of-3 guardians whose keys derive from the seed (devnet only). */
export function defineElection(s: ElectionSpec): ScenarioElection {
  const guardians = generateGuardianKeys(
    s.electionId,
    3,
    2,
    deterministicScalars(utf8ToBytes(`${s.seed}/${s.electionId}`)),
  );
  const shape = contestShape(
    s.kind,
    (s.options ?? []).map((o) => o.optionId),
  );
  const labels = new Map((s.options ?? []).map((o) => [o.optionId, o.label]));
  const election: Election = {
    version: 1,
    electionId: s.electionId,
    unit: s.unit,
    kind: s.kind,
    title: s.title,
    window: { opens: s.window.opens, closes: s.window.closes },
    contests: [
      {
        contestId: 'main',
        kind: s.kind,
        title: s.title,
        options: shape.optionIds.map((optionId) => ({
          optionId,
          label: labels.get(optionId) ??
            FIXED_LABELS[optionId] ?? { be: optionId, ru: optionId, en: optionId },
        })),
        range: shape.range,
        limit: shape.limit,
      },
    ],
    ballotStyles: [{ styleId: 'main', contestIds: ['main'] }],
    guardians: { threshold: 2, records: guardians.records },
    duplicateRule: 'first-included',
  };
  const ctx = loadElection(election);
  if (!ctx.ok) throw new Error(`election ${s.electionId}: ${JSON.stringify(ctx.error)}`);
  return {
    electionId: s.electionId,
    kind: s.kind,
    purpose: s.purpose,
    election,
    ctx: ctx.value,
    guardians,
  };
}

export function electionCreateBody(
  e: ScenarioElection,
): Record<string, unknown> & { kind: string } {
  return {
    kind: 'election-create',
    electionId: e.electionId,
    unit: e.election.unit,
    purpose: e.purpose,
    window: { opens: e.election.window.opens, closes: e.election.window.closes },
    ballotStyles: ['main'],
    guardianKey: e.ctx.Kbytes,
    definition: encodeElection(e.election),
  };
}

/**
 * The guardians' side of a tally: the homomorphic sum of the cast envelopes, decrypted by two
 * of the three guardians with their proofs. Returns the tally transaction body.
 */
export function guardianTally(
  e: ScenarioElection,
  cast: readonly SealedBallot[],
  kioskKey: Uint8Array,
): Result<
  Record<string, unknown> & { kind: string; contests: { contestId: string; totals: number[] }[] },
  string
> {
  const verified = [];
  for (const s of cast) {
    const v = verifyEnvelope(e.ctx, s.signed, kioskKey);
    if (!v.ok) return err(`envelope: ${JSON.stringify(v.error)}`);
    verified.push(v.value);
  }
  const sum = accumulateTally(e.ctx, verified, []);
  if (!sum.ok) return err(`sum: ${JSON.stringify(sum.error)}`);
  const partials = [0, 1].map((i) => {
    const secret = e.guardians.secrets[i];
    if (secret === undefined) throw new Error('guardian secret missing');
    return partialDecrypt(e.ctx, sum.value, secret);
  });
  const result = combineDecryptions(e.ctx, sum.value, partials);
  if (!result.ok) return err(`decrypt: ${JSON.stringify(result.error)}`);
  const contests = result.value.contests.map((c) => ({
    contestId: c.contestId,
    totals: [...c.counts],
  }));
  return ok({
    kind: 'tally',
    electionId: e.electionId,
    cast: cast.length,
    contests,
    proofs: encodePartialDecryptions(partials),
  });
}

export type { Rejection };
