// A scripted recall on a running devnet, played by the authority, a registered kiosk and the
// guardians with real ballots: an office election seats an official; a rating poll drops
// below the recall threshold, so a recall starts with the runner-up acting; a confidence
// poll in the recovery window stays below the recovery threshold; the window ends, the
// recall fails and a new election is called, which the authority then schedules.
// Each step waits until the validators applied it; what it returns is what the script did
// (ids, ballots, expected tallies), for a verifier to check against verified state.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { SealedBallot } from '../../ballot/index.js';
import type { Ed25519Signer } from '../../protocol/ed25519.js';
import type { Localized } from '../../protocol/election.js';
import { taggedHash } from '../../protocol/hash.js';
import { EVENTS } from '../../shared/events.js';
import { silentLogger, type Logger } from '../../shared/log.js';
import { err, ok, type Result } from '../../shared/result.js';
import {
  calledElectionId,
  DEFAULT_UNIT_PARAMS,
  key,
  type ElectionRecord,
  type RecallRecord,
  type UnitParams,
} from '../app/index.js';
import { devnetSigner } from '../keys.js';
import {
  AuthorityTxs,
  firstBlock,
  defineElection,
  electionCreateBody,
  guardianTally,
  KioskSealer,
  nowS,
  submitAll,
  untilState,
  type ScenarioDriver,
  type ScenarioElection,
  type ScenarioError,
} from './driver.js';

export interface RecallCandidate {
  readonly personId: string;
  readonly name: string;
  /** Localized display names (be, ru, en); `name` stays the canonical plain string. */
  readonly names?: Localized;
  /** `text` is the canonical plain string; `texts` the display texts per language. */
  readonly promises: readonly {
    readonly itemId: string;
    readonly text: string;
    readonly texts?: Localized;
  }[];
}

export interface RecallScenarioOptions {
  /** Public seed the kiosk key, guardian keys and voters' nullifiers derive from. */
  readonly seed: string;
  readonly unit: string;
  readonly office: string;
  readonly kioskId: string;
  /** Candidates in ballot order; votes[i] ballots go to candidates[i]. */
  readonly candidates: readonly RecallCandidate[];
  readonly officeVotes: readonly number[];
  /** Scores (0..5) of the routine rating poll: their mean must fall below the threshold. */
  readonly ratingScores: readonly number[];
  /** Confidence poll during the recall: true = confidence. */
  readonly confidence: readonly boolean[];
  /** Window of each election, seconds. */
  readonly windowS: number;
  readonly params: UnitParams;
  /** Stop once the recall is under way (the demo), or run it to the called election. */
  readonly until: 'recall-started' | 'election-called';
  /**
   * With until 'recall-started': then open a confidence vote about the official for this
   * many days, with no ballots yet (the demo's voters can cast them).
   */
  readonly openPollDays?: number;
  readonly titles?: {
    readonly office?: Localized;
    readonly rating?: Localized;
    readonly confidence?: Localized;
    readonly called?: Localized;
  };
  readonly logger?: Logger;
  /**
   * The authority's seq counter when another script signs authority transactions at the same
   * time (the demo's jury, src/devnet/scenario/demo-jury.ts); by default the script continues
   * from the committed seq, which is only right when it is the authority's one script.
   */
  readonly auth?: AuthorityTxs;
  /**
   * Called when a phase is on chain, before the script moves on: a verifier looks at the
   * chain at exactly that point (the recall is still active at 'not-recovered', say).
   */
  readonly observe?: (phase: RecallPhase) => Promise<void>;
}

export type RecallPhase =
  | 'office-cast'
  | 'seated'
  | 'recall-started'
  | 'not-recovered'
  | 'recall-failed'
  | 'called-scheduled';

export interface CastElection {
  readonly election: ScenarioElection;
  readonly ballots: readonly SealedBallot[];
  /** The decrypted totals the guardians published (first contest). */
  readonly totals: readonly number[];
}

export interface RecallScenario {
  readonly unit: string;
  readonly kioskId: string;
  readonly kiosk: Ed25519Signer;
  readonly official: string;
  readonly runnerUp: string;
  readonly office: CastElection;
  readonly rating: CastElection;
  readonly confidence: CastElection | null;
  /** The election the failed recall called (then scheduled by the authority), if reached. */
  readonly called: ScenarioElection | null;
  /** The confidence vote left open during the recall (openPollDays), if asked for. */
  readonly openPoll: ScenarioElection | null;
}

const DAY_S = 24 * 3600;
const label = (s: string): Localized => ({ be: s, ru: s, en: s });

export const RECALL_SCENARIO_DEFAULTS = {
  seed: 'recall-scenario',
  unit: 'zaslauje',
  office: 'head',
  kioskId: 'kiosk-recall-1',
  candidates: [
    { personId: 'ivan', name: 'Ivan', promises: [{ itemId: 'p1', text: 'pave the road' }] },
    { personId: 'olga', name: 'Olga', promises: [{ itemId: 'p1', text: 'a new school roof' }] },
    { personId: 'petr', name: 'Petr', promises: [{ itemId: 'p1', text: 'a bus to town' }] },
  ],
  officeVotes: [3, 2, 1],
  ratingScores: [1, 0, 1, 0],
  confidence: [true, false, false],
  windowS: 20,
  params: { ...DEFAULT_UNIT_PARAMS, recoveryWindowS: 60, ratingPollCadenceS: 0 },
  until: 'election-called',
} as const satisfies RecallScenarioOptions;

/** The confidence vote a demo-style run leaves open about the official under recall. */
export const openPollId = (unit: string, official: string): string =>
  `${unit}-${official}-confidence-open`;

const nullifier = (seed: string, electionId: string, i: number) =>
  taggedHash(
    'veche/scenario-voter/v1',
    utf8ToBytes(seed),
    utf8ToBytes(electionId),
    utf8ToBytes(String(i)),
  );

export async function runRecallScenario(
  d: ScenarioDriver,
  o: RecallScenarioOptions,
): Promise<Result<RecallScenario, ScenarioError>> {
  const log = (o.logger ?? silentLogger).child({ scenario: 'recall', unit: o.unit });
  log.info(EVENTS.scenarioStart, { until: o.until });
  const r = await play(d, o, log);
  if (r.ok)
    log.info(EVENTS.scenarioDone, {
      official: r.value.official,
      called: r.value.called?.electionId ?? null,
    });
  else log.error(EVENTS.scenarioFailed, { step: r.error.step, error: r.error.kind });
  return r;
}

async function play(
  d: ScenarioDriver,
  o: RecallScenarioOptions,
  log: Logger,
): Promise<Result<RecallScenario, ScenarioError>> {
  await firstBlock(d);
  const auth = o.auth ?? AuthorityTxs.continuing(d, d.net.authority);
  const kioskSigner = devnetSigner(o.seed, `kiosk/${o.kioskId}`);
  const kiosk = new KioskSealer(o.kioskId, kioskSigner);
  const step = (name: string) => log.info(EVENTS.scenarioStep, { step: name });
  const observe = async (phase: RecallPhase) => {
    log.info(EVENTS.scenarioStep, { phase });
    await o.observe?.(phase);
  };

  // 1. The unit with its recall parameters, the kiosk, the candidates with certificates.
  step('setup');
  const setup = submitAll(d, 'setup', [
    auth.tx({ kind: 'unit-params', unit: o.unit, parent: null, params: o.params }),
    auth.tx({
      kind: 'kiosk-register',
      kioskId: o.kioskId,
      unit: o.unit,
      publicKey: kioskSigner.publicKey,
      pollingPlace: `Community hall, ${o.unit}`,
    }),
    ...o.candidates.map((c) =>
      auth.tx({
        kind: 'candidate-register',
        personId: c.personId,
        unit: o.unit,
        name: c.name,
        ...(c.names === undefined ? {} : { names: c.names }),
        certificate: {
          issuer: 'devnet-ministry',
          certificateId: `mq-${c.personId}`,
          validUntil: nowS(d) + 5 * 365 * DAY_S,
        },
        promises: c.promises,
      }),
    ),
  ]);
  if (!setup.ok) return setup;
  const last = o.candidates[o.candidates.length - 1];
  if (last === undefined) throw new Error('a recall scenario needs candidates');
  const ready = await untilState(
    d,
    'setup',
    (s) => s.get(key.candidate(last.personId)) !== undefined,
  );
  if (!ready.ok) return ready;

  // 2. The office election: the votes decide who is seated and who is the runner-up.
  step('office-election');
  const officeEl = await castElection(
    d,
    auth,
    kiosk,
    o,
    {
      electionId: `${o.unit}-${o.office}-election`,
      kind: 'single-choice',
      purpose: {
        kind: 'office',
        office: o.office,
        candidates: o.candidates.map((c) => c.personId),
      },
      title: o.titles?.office ?? label(`Election of the ${o.office} of ${o.unit}`),
      options: o.candidates.map((c) => ({ optionId: c.personId, label: c.names ?? label(c.name) })),
      choices: o.officeVotes.flatMap((n, i) =>
        Array.from({ length: n }, () => [o.candidates.map((_, j) => (j === i ? 1 : 0))]),
      ),
    },
    () => observe('office-cast'),
  );
  if (!officeEl.ok) return officeEl;
  const ranking = o.candidates
    .map((c, i) => ({ id: c.personId, votes: officeEl.value.totals[i] ?? 0, i }))
    .sort((a, b) => b.votes - a.votes || a.i - b.i);
  const official = ranking[0]?.id;
  const runnerUp = ranking[1]?.id;
  if (official === undefined || runnerUp === undefined) throw new Error('two candidates needed');
  const seated = await untilState(
    d,
    'seated',
    (s) => s.get(key.official(o.unit, official)) !== undefined,
  );
  if (!seated.ok) return seated;
  await observe('seated');

  // 3. The routine rating poll (0..5 scores): support below the recall threshold.
  step('rating-poll');
  const rating = await castElection(d, auth, kiosk, o, {
    electionId: `${o.unit}-${official}-rating-1`,
    kind: 'rating',
    purpose: { kind: 'rating', official, scale: 5 },
    title: o.titles?.rating ?? label(`Rating of ${official}, ${o.office} of ${o.unit}`),
    choices: o.ratingScores.map((score) => [[score]]),
  });
  if (!rating.ok) return rating;
  const recallKey = key.recall(o.unit, official);
  const started = await untilState(d, 'recall-started', (s) => s.get(recallKey) !== undefined);
  if (!started.ok) return started;
  await observe('recall-started');
  const base = { unit: o.unit, kioskId: o.kioskId, kiosk: kioskSigner, official, runnerUp };
  if (o.until === 'recall-started') {
    let openPoll: ScenarioElection | null = null;
    if (o.openPollDays !== undefined) {
      step('open-poll');
      const opens = nowS(d);
      openPoll = defineElection({
        seed: o.seed,
        electionId: openPollId(o.unit, official),
        unit: o.unit,
        kind: 'confidence',
        purpose: { kind: 'rating', official, scale: 1 },
        title: o.titles?.confidence ?? label(`Confidence in ${official} during the recall`),
        window: { opens, closes: opens + Math.round(o.openPollDays * DAY_S) },
      });
      const sent = submitAll(d, 'open-poll', [auth.tx(electionCreateBody(openPoll))]);
      if (!sent.ok) return sent;
      const id = openPoll.electionId;
      const open = await untilState(d, 'open-poll', (s) => s.get(key.election(id)) !== undefined);
      if (!open.ok) return open;
    }
    return ok({
      ...base,
      office: officeEl.value,
      rating: rating.value,
      confidence: null,
      called: null,
      openPoll,
    });
  }

  // 4. A confidence poll inside the recovery window: support stays below recovery.
  step('confidence-poll');
  const confidence = await castElection(d, auth, kiosk, o, {
    electionId: `${o.unit}-${official}-confidence-1`,
    kind: 'confidence',
    purpose: { kind: 'rating', official, scale: 1 },
    title: o.titles?.confidence ?? label(`Confidence in ${official} during the recall`),
    choices: o.confidence.map((yes) => [yes ? [1, 0] : [0, 1]]),
  });
  if (!confidence.ok) return confidence;
  await observe('not-recovered');

  // 5. The recovery window ends: the recall fails and an election is called.
  step('recovery-window');
  const recall = started.value.get(recallKey) as RecallRecord;
  const waitS = recall.endsAtS - nowS(d) + 1;
  if (waitS > 0) await d.pass(waitS * 1000);
  const calledId = calledElectionId(o.unit, official, recall.round);
  const failed = await untilState(
    d,
    'recall-failed',
    (s) => s.get(key.election(calledId)) !== undefined,
  );
  if (!failed.ok) return failed;
  await observe('recall-failed');

  // 6. The authority schedules the called election with the remaining candidates.
  step('called-election');
  const opens = nowS(d);
  const called = defineElection({
    seed: o.seed,
    electionId: calledId,
    unit: o.unit,
    kind: 'single-choice',
    purpose: {
      kind: 'office',
      office: o.office,
      candidates: o.candidates.filter((c) => c.personId !== official).map((c) => c.personId),
    },
    title: o.titles?.called ?? label(`New election of the ${o.office} of ${o.unit}`),
    options: o.candidates
      .filter((c) => c.personId !== official)
      .map((c) => ({ optionId: c.personId, label: c.names ?? label(c.name) })),
    window: { opens, closes: opens + 14 * DAY_S },
  });
  const sched = submitAll(d, 'called-election', [auth.tx(electionCreateBody(called))]);
  if (!sched.ok) return sched;
  const scheduled = await untilState(
    d,
    'called-scheduled',
    (s) => (s.get(key.election(calledId)) as ElectionRecord | undefined)?.status === 'scheduled',
  );
  if (!scheduled.ok) return scheduled;
  await observe('called-scheduled');
  return ok({
    ...base,
    office: officeEl.value,
    rating: rating.value,
    confidence: confidence.value,
    called,
    openPoll: null,
  });
}

interface CastSpec {
  readonly electionId: string;
  readonly kind: ScenarioElection['kind'];
  readonly purpose: ScenarioElection['purpose'];
  readonly title: Localized;
  readonly options?: readonly { readonly optionId: string; readonly label: Localized }[];
  /** One entry per voter: the choices of the one contest. */
  readonly choices: readonly (readonly (readonly number[])[])[];
}

/** Create → ballots → window closes → guardians' tally → the validators store the result. */
async function castElection(
  d: ScenarioDriver,
  auth: AuthorityTxs,
  kiosk: KioskSealer,
  o: RecallScenarioOptions,
  c: CastSpec,
  onCast?: () => Promise<void>,
): Promise<Result<CastElection, ScenarioError>> {
  const opens = nowS(d);
  const e = defineElection({
    seed: o.seed,
    electionId: c.electionId,
    unit: o.unit,
    kind: c.kind,
    purpose: c.purpose,
    title: c.title,
    ...(c.options === undefined ? {} : { options: c.options }),
    window: { opens, closes: opens + o.windowS },
  });
  const electionKey = key.election(c.electionId);
  const status = (s: { get(k: string): unknown }) =>
    (s.get(electionKey) as ElectionRecord | undefined)?.status;
  const created = submitAll(d, c.electionId, [auth.tx(electionCreateBody(e))]);
  if (!created.ok) return created;
  const open = await untilState(d, c.electionId, (s) => status(s) === 'scheduled');
  if (!open.ok) return open;

  const ballots: SealedBallot[] = [];
  for (const [i, choices] of c.choices.entries()) {
    const s = kiosk.seal(e, choices, nullifier(o.seed, c.electionId, i), nowS(d));
    if (!s.ok) return err({ kind: 'ballot', step: c.electionId, message: s.error });
    ballots.push(s.value);
  }
  const sent = submitAll(
    d,
    c.electionId,
    ballots.map((b) => kiosk.ballotTx(c.electionId, b)),
  );
  if (!sent.ok) return sent;
  const cast = await untilState(
    d,
    `${c.electionId}/ballots`,
    (s) => (s.get(electionKey) as ElectionRecord | undefined)?.cast === ballots.length,
  );
  if (!cast.ok) return cast;
  await onCast?.();

  const waitS = e.election.window.closes - nowS(d) + 1;
  if (waitS > 0) await d.pass(waitS * 1000);
  const closed = await untilState(d, `${c.electionId}/close`, (s) => status(s) === 'closed');
  if (!closed.ok) return closed;

  const tally = guardianTally(e, ballots, kiosk.signer.publicKey);
  if (!tally.ok)
    return err({ kind: 'ballot', step: `${c.electionId}/tally`, message: tally.error });
  const sentTally = submitAll(d, `${c.electionId}/tally`, [auth.tx(tally.value)]);
  if (!sentTally.ok) return sentTally;
  const tallied = await untilState(d, `${c.electionId}/tally`, (s) => status(s) === 'tallied');
  if (!tallied.ok) return tallied;
  return ok({ election: e, ballots, totals: tally.value.contests[0]?.totals ?? [] });
}
