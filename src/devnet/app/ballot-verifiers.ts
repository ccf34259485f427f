// AppDeps bound to the ballot module (src/ballot/): what a devnet validator injects. The app
// has already checked the kiosk signature, the kiosk, the window and the nullifier rule;
// these check the mathematics. Election contexts (guardian proofs verified, fixed-base
// tables built) are cached per election, since loading one costs far more than a ballot.
import { openChallenged, parseReveal } from '../../ballot/challenge.js';
import { loadElectionBytes, type ElectionContext } from '../../ballot/context.js';
import {
  accumulateTally,
  decodePartialDecryptions,
  verifyTallyResult,
} from '../../ballot/tally.js';
import { verifyUnsignedEnvelope, type VerifiedBallot } from '../../ballot/verify-envelope.js';
import { equalBytes } from '../../protocol/bytes.js';
import { toHex } from '../../protocol/hash.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { AppDeps, VerifierError } from './deps.js';
import type { ElectionRecord } from './records.js';

export interface BallotVerifierOptions {
  /**
   * The envelope bytes of a cast ballot. Envelopes live in the blocks (dataHash), not in the
   * application state, so the validator answers this from its block store.
   */
  envelopeOf(electionId: string, ballotId: Uint8Array): Uint8Array | undefined;
  /** Election contexts kept in memory (default 16). */
  cacheSize?: number;
}

export function ballotVerifiers(options: BallotVerifierOptions): AppDeps {
  const cacheSize = options.cacheSize ?? 16;
  const contexts = new Map<string, { definition: Uint8Array; ctx: ElectionContext }>();

  const load = (e: ElectionRecord): Result<ElectionContext, VerifierError> => {
    if (e.definition === null) return err({ kind: 'no-definition' });
    const hit = contexts.get(e.electionId);
    // Keyed by id but checked by bytes: a called election gets its definition later.
    if (hit !== undefined && equalBytes(hit.definition, e.definition)) return ok(hit.ctx);
    const loaded = loadElectionBytes(e.definition);
    if (!loaded.ok) return err({ kind: loaded.error.kind, message: JSON.stringify(loaded.error) });
    if (contexts.size >= cacheSize) contexts.delete(contexts.keys().next().value as string);
    contexts.set(e.electionId, { definition: e.definition, ctx: loaded.value });
    return ok(loaded.value);
  };

  const verifyStored = (
    ctx: ElectionContext,
    bytes: Uint8Array,
  ): Result<VerifiedBallot, VerifierError> => {
    const v = verifyUnsignedEnvelope(ctx, bytes);
    return v.ok ? v : err({ kind: v.error.kind, message: JSON.stringify(v.error) });
  };

  return {
    verifyElection(e) {
      const ctx = load(e);
      if (!ctx.ok) return ctx;
      const d = ctx.value.election;
      const styles = d.ballotStyles.map((s) => s.styleId);
      const same =
        d.electionId === e.electionId &&
        d.unit === e.unit &&
        e.window !== null &&
        d.window.opens === e.window.opens &&
        d.window.closes === e.window.closes &&
        e.guardianKey !== null &&
        equalBytes(ctx.value.Kbytes, e.guardianKey) &&
        styles.length === e.ballotStyles.length &&
        styles.every((s, i) => s === e.ballotStyles[i]);
      return same ? ok(undefined) : err({ kind: 'definition-mismatch' });
    },

    verifyBallot(bytes, e, claim) {
      const ctx = load(e);
      if (!ctx.ok) return ctx;
      const v = verifyStored(ctx.value, bytes);
      if (!v.ok) return v;
      const env = v.value.envelope;
      const matches =
        env.electionId === claim.electionId &&
        env.kioskId === claim.kioskId &&
        env.unit === claim.kiosk.unit &&
        equalBytes(env.nullifier, claim.nullifier);
      return matches ? ok(undefined) : err({ kind: 'claim-mismatch' });
    },

    verifyChallenge(reveal, e, claim) {
      const ctx = load(e);
      if (!ctx.ok) return ctx;
      const v = verifyStored(ctx.value, claim.envelope);
      if (!v.ok) return v;
      const r = parseReveal(reveal);
      if (!r.ok) return err({ kind: r.error.kind });
      const opened = openChallenged(ctx.value, v.value, r.value);
      return opened.ok ? ok(undefined) : err({ kind: opened.error.kind });
    },

    verifyTally(tally, e, castBallotIds) {
      const ctx = load(e);
      if (!ctx.ok) return ctx;
      const ballots: VerifiedBallot[] = [];
      for (const id of castBallotIds) {
        const bytes = options.envelopeOf(e.electionId, id);
        if (bytes === undefined) return err({ kind: 'missing-envelope', message: toHex(id) });
        const v = verifyStored(ctx.value, bytes);
        if (!v.ok) return v;
        ballots.push(v.value);
      }
      // Challenged ballots are never among castBallotIds (the app keeps them apart).
      const sum = accumulateTally(ctx.value, ballots, []);
      if (!sum.ok) return err({ kind: sum.error.kind });
      const partials = decodePartialDecryptions(tally.proofs);
      if (!partials.ok) return err({ kind: 'malformed-proofs', message: partials.error.message });
      const claimed = {
        contests: tally.contests.map((c) => ({ contestId: c.contestId, counts: [...c.totals] })),
      };
      const r = verifyTallyResult(ctx.value, sum.value, partials.value, claimed);
      return r.ok ? ok(undefined) : err({ kind: r.error.kind });
    },
  };
}
