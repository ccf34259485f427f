// The whole surface the (untrusted) renderer can reach: each method's request and response
// schema. The host validates both directions; the renderer imports only types and schemas
// from here (no Node), so the two sides cannot drift apart.
import { z } from 'zod';
import { STAFF_RPC, STAFF_RPC_ERROR_KINDS } from '../staff/rpc-schema.js';
import { VOTING_RPC } from '../voting/rpc-schema.js';

export const LANGUAGES = ['be', 'ru', 'en'] as const;
export const LanguageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof LanguageSchema>;

export const CardErrorReasonSchema = z.enum([
  'read-badly',
  'expired',
  'unsupported-document',
  'reader-fault',
]);

/** What the renderer may know about the session. The greeting name is shown to the voter on
 * their own screen only; it never reaches the store or the logs. */
/** Whether the person at the kiosk may vote here (src/main/voting). 'checking' while the roll
 * lookup runs (one scrypt, ~0.1 s); a refusal comes with its way out (docs/voting.md). */
export const EligibilityViewSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('checking') }),
  z.object({ status: z.literal('eligible') }),
  z.object({
    status: z.literal('refused'),
    reason: z.enum(['not-on-roll', 'document-expired', 'nothing-to-vote']),
  }),
]);
export type EligibilityView = z.infer<typeof EligibilityViewSchema>;

/** Epoch ms when an idle voter's session ends, while the warning shows; null otherwise. */
const idle = { idleWarningUntil: z.number().nullable().optional() };

export const SessionViewSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('attract'), language: LanguageSchema, ...idle }),
  z.object({ state: z.literal('reading'), language: LanguageSchema, ...idle }),
  z.object({
    state: z.literal('welcome'),
    language: LanguageSchema,
    greetingName: z.string().max(80),
    ...idle,
    /** Present when the host has a voting service. */
    eligibility: EligibilityViewSchema.optional(),
  }),
  z.object({
    state: z.literal('card-error'),
    language: LanguageSchema,
    reason: CardErrorReasonSchema,
    ...idle,
  }),
]);
export type SessionView = z.infer<typeof SessionViewSchema>;

export const PrinterStatusSchema = z.object({
  online: z.boolean(),
  coverOpen: z.boolean(),
  paperNearEnd: z.boolean(),
  paperOut: z.boolean(),
  error: z.boolean(),
});

export const DeviceViewSchema = z.object({
  cardReader: z.enum(['ready', 'fault']),
  printer: z.enum(['ready', 'attention', 'fault']),
});
export type DeviceView = z.infer<typeof DeviceViewSchema>;

export const PaperLineSchema = z.object({
  text: z.string(),
  bold: z.boolean(),
  size: z.number(),
  qr: z.string().optional(),
  cut: z.boolean().optional(),
});

/** The kiosk's view of the chain, as its light node verified it (no ballot content). */
export const ChainViewSchema = z.object({
  verifiedHeight: z.number().int().nullable(),
  latestHeight: z.number().int(),
  lag: z.number().int(),
  peers: z.number().int(),
  queue: z.record(z.string(), z.number().int()),
  alarm: z.string().nullable(),
  lastError: z.string().nullable(),
});
export type ChainView = z.infer<typeof ChainViewSchema>;

const empty = z.object({}).strict();

/** Method name → request/response schemas. `dock.*` exists only in demo builds of the host. */
export const RPC = {
  'system.hello': {
    request: empty,
    response: z.object({
      version: z.string(),
      devDock: z.boolean(),
      session: SessionViewSchema,
      devices: DeviceViewSchema,
    }),
  },
  'system.ping': {
    request: z.object({ nonce: z.string().max(64) }).strict(),
    response: z.object({ nonce: z.string() }),
  },
  'session.get': { request: empty, response: SessionViewSchema },
  /** The voter did something: restarts the idle timer and clears its warning. */
  'session.touch': { request: empty, response: SessionViewSchema },
  'session.setLanguage': {
    request: z.object({ language: LanguageSchema }).strict(),
    response: SessionViewSchema,
  },
  'dock.people': {
    request: empty,
    response: z.array(z.object({ id: z.string(), label: z.string() })),
  },
  'dock.insertCard': {
    request: z.object({ personId: z.string().min(1).max(64) }).strict(),
    response: z.object({ inserted: z.literal(true) }),
  },
  'dock.removeCard': { request: empty, response: z.object({ removed: z.literal(true) }) },
  'dock.injectCardBytes': {
    request: z.object({ hex: z.string().regex(/^(?:[0-9a-f]{2}){1,2048}$/) }).strict(),
    response: z.object({ injected: z.number() }),
  },
  'dock.setPrinterStatus': {
    request: PrinterStatusSchema.partial().strict(),
    response: z.object({ set: z.literal(true) }),
  },
  'dock.paper': { request: empty, response: z.array(PaperLineSchema) },
  /** The demo chain's sync status; not-available when the host runs without a chain. */
  'dock.chain': { request: empty, response: ChainViewSchema },
  /** The voter's ballots (src/main/voting): present when the host has a voting service. */
  ...VOTING_RPC,
  /** Staff sign-in, polls, reconciliation, diagnostics, provisioning (src/main/staff). */
  ...STAFF_RPC,
} as const;

export type RpcMethod = keyof typeof RPC;
export type RpcRequest<M extends RpcMethod> = z.infer<(typeof RPC)[M]['request']>;
export type RpcResponse<M extends RpcMethod> = z.infer<(typeof RPC)[M]['response']>;

/** Expected failures travel as values with a kind the renderer translates. */
export const RpcErrorSchema = z.object({
  kind: z.enum([
    'unauthorized',
    'forbidden-origin',
    'payload-too-large',
    'invalid-request',
    'unknown-method',
    'not-available',
    'unknown-person',
    'card-present',
    'device',
    'internal',
    ...STAFF_RPC_ERROR_KINDS,
  ]),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type RpcError = z.infer<typeof RpcErrorSchema>;

export type RpcReply<M extends RpcMethod> =
  { ok: true; value: RpcResponse<M> } | { ok: false; error: RpcError };

/** Live events pushed to the renderer over the WebSocket. */
export const LiveEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session'), session: SessionViewSchema }),
  z.object({ type: z.literal('devices'), devices: DeviceViewSchema }),
  z.object({ type: z.literal('paper'), lines: z.number() }),
]);
export type LiveEvent = z.infer<typeof LiveEventSchema>;

/** The WebSocket subprotocol carrying the boot token (browsers cannot set headers there). */
export const WS_PROTOCOL = 'veche.v1';
export const WS_TOKEN_PREFIX = 'token.';
