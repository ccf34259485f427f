// Value schemas shared by the transaction kinds. Ids follow the election definition's rule
// (ASCII letters, digits and . _ : -) so they can never contain '/', the state-key separator:
// 'kiosk/<id>' is unambiguous for every id the schemas admit.
import { z } from 'zod';
import { bytesSchema } from '../../protocol/bytes.js';

export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'ids are ASCII letters, digits and . _ : -');

export const Bytes32Schema = bytesSchema(32);
export const PublicKeySchema = bytesSchema(32);
export const SignatureSchema = bytesSchema(64);

/**
 * Unix seconds (block time is milliseconds; the app compares in whole seconds). Bounded far
 * below 2^53 so sums with periods stay exact integers: a record that cannot be encoded
 * canonically would halt every validator.
 */
export const UnixSecondsSchema = z
  .int()
  .min(0)
  .max(2 ** 40);

/** Periods: at most a century. */
const PeriodSchema = z.int().max(100 * 366 * 24 * 3600);

/** Basis points: 2000 = 20 %. Integers, so thresholds compare exactly and encode canonically. */
export const BpsSchema = z.int().min(1).max(10_000);

/** A certificate as published by its issuer; the app checks presence and validity dates. */
export const CertificateSchema = z.strictObject({
  issuer: IdSchema,
  certificateId: IdSchema,
  validUntil: UnixSecondsSchema,
});
export type Certificate = z.infer<typeof CertificateSchema>;

/** Ballots are accepted in [opens, closes), Unix seconds like the election definition's window. */
export const WindowSchema = z
  .strictObject({ opens: UnixSecondsSchema, closes: UnixSecondsSchema })
  .refine((w) => w.closes > w.opens, 'empty window');
export type Window = z.infer<typeof WindowSchema>;

/**
 * Per-unit governance parameters (DESIGN §1: thresholds and periods belong to the unit).
 * recoveryThresholdBps >= recallThresholdBps, or a recall could end the moment it starts.
 */
export const UnitParamsSchema = z
  .strictObject({
    recallThresholdBps: BpsSchema,
    recoveryThresholdBps: BpsSchema,
    recoveryWindowS: PeriodSchema.min(1),
    ratingPollCadenceS: PeriodSchema.min(0),
    /** Blocks between a jury request and its draw; the draw hashes exactly these block ids. */
    juryLookback: z.int().min(1).max(64),
    /** Standing list for acting officials when no runner-up can act (see recall rule). */
    actingList: z.array(IdSchema).max(64),
  })
  .refine(
    (p) => p.recoveryThresholdBps >= p.recallThresholdBps,
    'recovery threshold must not be below the recall threshold',
  );
export type UnitParams = z.infer<typeof UnitParamsSchema>;

/** Defaults a unit starts from (the concept document's 20 % / 50 %); the chain stores values. */
export const DEFAULT_UNIT_PARAMS: UnitParams = {
  recallThresholdBps: 2000,
  recoveryThresholdBps: 5000,
  recoveryWindowS: 90 * 24 * 3600,
  ratingPollCadenceS: 180 * 24 * 3600,
  juryLookback: 4,
  actingList: [],
};

export const PromiseStatusSchema = z.enum(['pending', 'in-progress', 'fulfilled', 'unfulfilled']);
export type PromiseStatus = z.infer<typeof PromiseStatusSchema>;

/** What an election decides; the app's governance rules hang off this. */
export const PurposeSchema = z.discriminatedUnion('kind', [
  /** Fills `office`; option i of the first contest is candidates[i]. */
  z.strictObject({
    kind: z.literal('office'),
    office: IdSchema,
    candidates: z.array(IdSchema).min(1).max(64),
  }),
  /**
   * Measures support for a serving official (rating poll, recall or confidence vote).
   * Approval = totals[0] of the first contest / (scale × ballots cast): scale 1 for a yes/no
   * question, 5 for a 0..5 score.
   */
  z.strictObject({
    kind: z.literal('rating'),
    official: IdSchema,
    scale: z.int().min(1).max(10),
  }),
  /** A bill voted on by the jury drawn for it. */
  z.strictObject({ kind: z.literal('jury'), billId: IdSchema }),
  /** Anything else (referendum, …): recorded and tallied, no governance side effects. */
  z.strictObject({ kind: z.literal('general') }),
]);
export type Purpose = z.infer<typeof PurposeSchema>;
