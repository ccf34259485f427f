// Proposed RPC methods for the voter screens, in the shape of src/main/rpc/schema.ts's RPC
// object, for the lead to merge there. A refusal the voter must see (over-vote, paper out,
// nothing recorded) is part of the response, as a tagged `outcome`, so the renderer can
// translate it; RpcError stays for transport problems and 'not-available' (no voter).
// Choices travel host → screen only in `voting.review`'s answer and `voting.view` in review.
import { z } from 'zod';
import { BallotKindSchema } from '../../protocol/election.js';

const empty = z.object({}).strict();
const IdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/);
const Localized = z.object({ be: z.string(), ru: z.string(), en: z.string() });
const Kind = BallotKindSchema;
const Limit = z.discriminatedUnion('rule', [
  z.object({ rule: z.literal('exactly'), k: z.int() }),
  z.object({ rule: z.literal('at-most'), k: z.int() }),
  z.object({ rule: z.literal('zero-or'), k: z.int() }),
]);
export const PicksSchema = z
  .record(IdSchema, z.record(IdSchema, z.int().min(0).max(10)))
  .refine((p) => Object.keys(p).length <= 64, 'too many contests');

export const VoteItemSchema = z.object({
  electionId: z.string(),
  kind: Kind,
  title: Localized,
  styleId: z.string(),
  status: z.enum(['open', 'already-voted']),
});

const ContestSchema = z.object({
  contestId: z.string(),
  kind: Kind,
  title: Localized,
  options: z.array(z.object({ optionId: z.string(), label: Localized })),
  range: z.int(),
  limit: Limit,
});

export const VotingViewSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('no-voter') }),
  z.object({ state: z.literal('choosing') }),
  z.object({ state: z.literal('marking'), electionId: z.string() }),
  z.object({ state: z.literal('review'), electionId: z.string(), picks: PicksSchema }),
  z.object({ state: z.literal('sealed'), electionId: z.string(), code: z.string() }),
  z.object({
    state: z.literal('receipt'),
    electionId: z.string(),
    kind: z.enum(['cast', 'challenged']),
    code: z.string(),
    printed: z.boolean(),
  }),
]);

const PrintOutcomeSchema = z.discriminatedUnion('printed', [
  z.object({ printed: z.literal(true) }),
  z.object({
    printed: z.literal(false),
    problem: z.enum(['paper-out', 'cover-open', 'printer-offline', 'printer-fault']),
  }),
]);

const refused = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ outcome: z.literal('refused'), ...shape });
const WrongState = refused({ reason: z.literal('wrong-state'), state: VotingViewSchema });
const PollsClosed = refused({ reason: z.literal('polls-closed'), electionId: z.string() });
const NotRecorded = refused({
  reason: z.literal('not-recorded'),
  cause: z.enum(['storage-full', 'storage-error']),
});

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** A candidate's or an official's public record, as the chain holds it (docs/voting.md). */
export const ProfileSchema = z.object({
  personId: z.string(),
  name: Localized,
  /** e.g. "Candidate for mayor", "Mayor of Polatsk". */
  role: Localized,
  status: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('candidate') }),
    z.object({ kind: z.literal('serving'), since: Day }),
    z.object({
      kind: z.literal('under-recall'),
      since: Day,
      acting: Localized.nullable(),
      endsOn: Day,
      /** Latest recall support, 0..1. */
      support: z.number().min(0).max(1),
    }),
    z.object({ kind: z.literal('recalled'), on: Day }),
    z.object({ kind: z.literal('succeeded'), on: Day }),
  ]),
  certificate: z
    .object({
      issuer: z.string(),
      certificateId: z.string(),
      validUntil: Day,
      valid: z.boolean(),
    })
    .nullable(),
  promises: z.array(
    z.object({
      itemId: z.string(),
      text: Localized,
      status: z.enum(['fulfilled', 'not-fulfilled', 'in-progress']),
      reason: Localized.nullable(),
    }),
  ),
  ratings: z.array(
    z.object({
      electionId: z.string(),
      /** The tally's day, YYYY-MM-DD. */
      label: z.string(),
      approval: z.number().min(0).max(1),
    }),
  ),
});

export const ReceiptStatusSchema = z.enum([
  'queued',
  'submitted',
  'included',
  'final',
  'rejected',
  'challenged',
  'unknown',
]);

export const VOTING_RPC = {
  'voting.view': { request: empty, response: VotingViewSchema },
  'voting.votes': { request: empty, response: z.object({ votes: z.array(VoteItemSchema) }) },
  'voting.open': {
    request: z.object({ electionId: IdSchema }).strict(),
    response: z.discriminatedUnion('outcome', [
      z.object({
        outcome: z.literal('ballot'),
        electionId: z.string(),
        kind: Kind,
        title: Localized,
        styleId: z.string(),
        contests: z.array(ContestSchema),
      }),
      z.object({
        outcome: z.literal('refused'),
        reason: z.enum(['busy', 'not-available', 'polls-closed', 'already-voted']),
        electionId: z.string(),
      }),
    ]),
  },
  'voting.review': {
    request: z.object({ picks: PicksSchema }).strict(),
    response: z.union([
      z.object({ outcome: z.literal('review'), picks: PicksSchema }),
      WrongState,
      refused({
        reason: z.enum([
          'unknown-contest',
          'unknown-option',
          'value-out-of-range',
          'too-many',
          'too-few',
        ]),
        contestId: z.string(),
        optionId: z.string().optional(),
        max: z.int().optional(),
        limit: Limit.optional(),
        marked: z.int().optional(),
      }),
    ]),
  },
  'voting.back': {
    request: empty,
    response: z.union([z.object({ outcome: z.literal('marking') }), WrongState]),
  },
  'voting.confirm': {
    request: empty,
    response: z.union([
      z.object({ outcome: z.literal('sealed'), code: z.string() }),
      WrongState,
      PollsClosed,
      refused({ reason: z.literal('window-closed'), electionId: z.string() }),
    ]),
  },
  'voting.cast': {
    request: empty,
    response: z.union([
      z.object({ outcome: z.literal('recorded'), code: z.string(), print: PrintOutcomeSchema }),
      WrongState,
      PollsClosed,
      NotRecorded,
    ]),
  },
  'voting.challenge': {
    request: empty,
    response: z.union([
      z.object({ outcome: z.literal('challenged'), code: z.string(), print: PrintOutcomeSchema }),
      WrongState,
      PollsClosed,
      NotRecorded,
    ]),
  },
  'voting.reprint': {
    request: empty,
    response: z.union([
      z.object({ outcome: z.literal('print'), print: PrintOutcomeSchema }),
      WrongState,
    ]),
  },
  'voting.skipReceipt': {
    request: empty,
    response: z.union([z.object({ outcome: z.literal('done') }), WrongState]),
  },
  /** The record of a candidate (office elections: optionId is their personId) or of the
   * official a rating, recall or confidence ballot is about (optionId is ignored). */
  'voting.profile': {
    request: z.object({ electionId: IdSchema, optionId: IdSchema }).strict(),
    response: z.discriminatedUnion('outcome', [
      z.object({ outcome: z.literal('profile'), profile: ProfileSchema }),
      z.object({
        outcome: z.literal('refused'),
        reason: z.enum(['unknown-person', 'not-available']),
      }),
    ]),
  },
  /** "Check my receipt": needs no voter; says nothing about the choices. `code` is the QR
   * payload `veche:ballot:v1:<electionId>:<ballotIdHex>:<codeHex>` or a bare ballot id. */
  'voting.checkReceipt': {
    request: z.object({ code: z.string().max(512) }).strict(),
    response: z.discriminatedUnion('outcome', [
      z.object({
        outcome: z.literal('status'),
        electionId: z.string(),
        title: Localized,
        status: ReceiptStatusSchema,
        height: z.int().nullable(),
        reason: z.string().nullable(),
        codeMatches: z.boolean().nullable(),
      }),
      z.object({ outcome: z.literal('refused'), reason: z.literal('malformed') }),
    ]),
  },
} as const;

export type Profile = z.infer<typeof ProfileSchema>;
export type ReceiptStatus = z.infer<typeof ReceiptStatusSchema>;
export type VotingMethod = keyof typeof VOTING_RPC;
export type VotingRequest<M extends VotingMethod> = z.infer<(typeof VOTING_RPC)[M]['request']>;
export type VotingResponse<M extends VotingMethod> = z.infer<(typeof VOTING_RPC)[M]['response']>;
