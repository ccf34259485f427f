// The election definition the devnet publishes, the kiosk UI shows and the ballot code
// encrypts against. Parsed with zod wherever it crosses a boundary (state pull, files, RPC);
// the types are inferred from the schemas so there is one source of truth.
// Byte values (points, scalars) are lowercase hex so the definition round-trips through JSON;
// the election hash is taken over its canonical CBOR (see docs/protocol.md, "Election").
import { z } from 'zod';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 32 bytes of lowercase hex');
const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'ids are ASCII letters, digits and . _ : -');

export const LocalizedSchema = z.strictObject({
  be: z.string().min(1),
  ru: z.string().min(1),
  en: z.string().min(1),
});
export type Localized = z.infer<typeof LocalizedSchema>;

/** What the voter is asked; fixes the defaults of range and limit (src/ballot/kinds.ts). */
export const BallotKindSchema = z.enum([
  'single-choice',
  'k-of-n',
  'approval',
  'referendum',
  'rating',
  'recall',
  'confidence',
  'jury',
]);
export type BallotKind = z.infer<typeof BallotKindSchema>;

/** The rule on the sum of a contest's selections, proven on the encrypted sum. */
export const LimitRuleSchema = z.discriminatedUnion('rule', [
  z.strictObject({ rule: z.literal('exactly'), k: z.int().min(0).max(1000) }),
  z.strictObject({ rule: z.literal('at-most'), k: z.int().min(0).max(1000) }),
  // {0, k}: abstain entirely or use exactly k votes (e.g. a full ranking or nothing).
  z.strictObject({ rule: z.literal('zero-or'), k: z.int().min(1).max(1000) }),
]);
export type LimitRule = z.infer<typeof LimitRuleSchema>;

export const OptionSchema = z.strictObject({
  optionId: id,
  label: LocalizedSchema,
});
export type ElectionOption = z.infer<typeof OptionSchema>;

export const ContestSchema = z
  .strictObject({
    contestId: id,
    kind: BallotKindSchema,
    title: LocalizedSchema,
    options: z.array(OptionSchema).min(1).max(64),
    /** Each selection encrypts a value in 0..range (1 for a choice, 5 for a rating). */
    range: z.int().min(1).max(10),
    limit: LimitRuleSchema,
  })
  .superRefine((c, ctx) => {
    const ids = new Set(c.options.map((o) => o.optionId));
    if (ids.size !== c.options.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate optionId' });
    if (c.limit.k > c.options.length * c.range) {
      ctx.addIssue({ code: 'custom', message: 'limit k exceeds what the options can hold' });
    }
  });
export type Contest = z.infer<typeof ContestSchema>;

export const BallotStyleSchema = z.strictObject({
  styleId: id,
  /** Contests on this style, in ballot order; the envelope's arrays follow this order. */
  contestIds: z.array(id).min(1).max(64),
});
export type BallotStyle = z.infer<typeof BallotStyleSchema>;

export const SchnorrProofSchema = z.strictObject({ c: hex32, v: hex32 });
export type SchnorrProofHex = z.infer<typeof SchnorrProofSchema>;

/**
 * A guardian's public record: commitments K_{i,j} = a_{i,j}·G to the coefficients of its
 * secret sharing polynomial, each with a Schnorr proof of knowledge. K_{i,0} is its share of
 * the joint election key.
 */
export const GuardianRecordSchema = z.strictObject({
  index: z.int().min(1).max(255),
  commitments: z.array(hex32).min(1).max(255),
  proofs: z.array(SchnorrProofSchema).min(1).max(255),
});
export type GuardianRecord = z.infer<typeof GuardianRecordSchema>;

export const ElectionSchema = z
  .strictObject({
    version: z.literal(1),
    electionId: id,
    unit: id,
    kind: BallotKindSchema,
    title: LocalizedSchema,
    /** Unix seconds; ballots are accepted in [opens, closes). */
    window: z.strictObject({ opens: z.int().min(0), closes: z.int().min(0) }),
    contests: z.array(ContestSchema).min(1).max(64),
    ballotStyles: z.array(BallotStyleSchema).min(1).max(64),
    guardians: z.strictObject({
      threshold: z.int().min(1).max(255),
      records: z.array(GuardianRecordSchema).min(1).max(255),
    }),
    /** Which ballot wins when one nullifier appears twice. */
    duplicateRule: z.literal('first-included'),
  })
  .superRefine((e, ctx) => {
    if (e.window.closes <= e.window.opens)
      ctx.addIssue({ code: 'custom', message: 'empty window' });
    const contestIds = new Set(e.contests.map((c) => c.contestId));
    if (contestIds.size !== e.contests.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate contestId' });
    const styleIds = new Set(e.ballotStyles.map((s) => s.styleId));
    if (styleIds.size !== e.ballotStyles.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate styleId' });
    for (const s of e.ballotStyles) {
      if (new Set(s.contestIds).size !== s.contestIds.length) {
        ctx.addIssue({ code: 'custom', message: `style ${s.styleId} repeats a contest` });
      }
      for (const c of s.contestIds) {
        if (!contestIds.has(c))
          ctx.addIssue({ code: 'custom', message: `style ${s.styleId}: unknown contest ${c}` });
      }
    }
    const g = e.guardians;
    const n = g.records.length;
    if (g.threshold > n)
      ctx.addIssue({ code: 'custom', message: 'threshold above number of guardians' });
    const seen = new Set<number>();
    for (const r of g.records) {
      if (r.index > n || seen.has(r.index))
        ctx.addIssue({ code: 'custom', message: 'guardian indices must be 1..n, unique' });
      seen.add(r.index);
      if (r.commitments.length !== g.threshold || r.proofs.length !== g.threshold) {
        ctx.addIssue({
          code: 'custom',
          message: `guardian ${r.index}: needs threshold commitments and proofs`,
        });
      }
    }
  });
export type Election = z.infer<typeof ElectionSchema>;
