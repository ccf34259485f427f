// Typed protocol definitions and the message codec: canonical CBOR (the same encoding the
// kiosk signs and hashes with) checked by a zod schema on the way out and on the way in.
import { z } from 'zod';
import { decodeCanonical, encodeCanonical, type Canonical } from '../protocol/encoding.js';
import { err, ok, type Result } from '../shared/result.js';
import { REMOTE_ERROR_CODES, type RemoteErrorCode } from './errors.js';
import { DEFAULT_RATE_LIMIT, type RateLimit } from './rate-limit.js';

/** A schema whose values are inside the canonical data model (no floats, no undefined). */
export type MessageSchema = z.ZodType<Canonical>;

export interface ProtocolSpec<Req extends MessageSchema, Res extends MessageSchema> {
  /** The multistream-select id, e.g. '/veche/headers/1'. Bump the version to change it. */
  id: string;
  request: Req;
  response: Res;
  /** Largest encoded request (CBOR bytes, without the length prefix). */
  maxRequestBytes: number;
  /** Largest encoded response (CBOR bytes of the `{ok}` / `{error}` envelope). */
  maxResponseBytes: number;
  /** Default per-call timeout, ms. */
  timeoutMs?: number;
  /** Handler-side admission per peer. */
  rateLimit?: RateLimit;
  /** Streaming variant only: most messages one stream may carry in each direction. */
  maxMessages?: number;
}

export interface Protocol<Req extends Canonical, Res extends Canonical> {
  readonly id: string;
  readonly request: z.ZodType<Req>;
  readonly response: z.ZodType<Res>;
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
  readonly timeoutMs: number;
  readonly rateLimit: RateLimit;
  readonly maxMessages: number;
}

export type RequestOf<P> = P extends Protocol<infer Req, Canonical> ? Req : never;
export type ResponseOf<P> = P extends Protocol<Canonical, infer Res> ? Res : never;

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_MESSAGES = 1_000_000;

export function defineProtocol<Req extends MessageSchema, Res extends MessageSchema>(
  spec: ProtocolSpec<Req, Res>,
): Protocol<z.output<Req>, z.output<Res>> {
  if (!/^\/[a-z0-9-]+(\/[a-z0-9.-]+)+$/.test(spec.id)) {
    throw new TypeError(`protocol id ${spec.id} is not of the form /veche/name/1`);
  }
  for (const k of ['maxRequestBytes', 'maxResponseBytes'] as const) {
    if (!Number.isSafeInteger(spec[k]) || spec[k] < 1) throw new RangeError(`${k} must be >= 1`);
  }
  return Object.freeze({
    id: spec.id,
    request: spec.request as unknown as z.ZodType<z.output<Req>>,
    response: spec.response as unknown as z.ZodType<z.output<Res>>,
    maxRequestBytes: spec.maxRequestBytes,
    maxResponseBytes: spec.maxResponseBytes,
    timeoutMs: spec.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    rateLimit: spec.rateLimit ?? DEFAULT_RATE_LIMIT,
    maxMessages: spec.maxMessages ?? DEFAULT_MAX_MESSAGES,
  });
}

/**
 * Responses travel in an envelope so an error can never be mistaken for a value whatever
 * the response schema looks like: `{ok: value}` or `{error: code, message?}`.
 */
const envelopeSchema = z.union([
  z.object({ ok: z.unknown() }).strict(),
  z.object({ error: z.enum(REMOTE_ERROR_CODES), message: z.string().max(512).optional() }).strict(),
]);

export type Envelope<Res> = { ok: Res } | { error: RemoteErrorCode; message?: string };

export type CodecError = { kind: 'malformed'; message: string };

function describe(e: z.ZodError): string {
  return e.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '$'}: ${i.message}`)
    .join('; ');
}

/** Checks a value against its schema and encodes it; the schema's output is what is sent. */
export function encodeMessage<T extends Canonical>(
  schema: z.ZodType<T>,
  value: T,
): Result<Uint8Array, CodecError> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) return err({ kind: 'malformed', message: describe(parsed.error) });
  return ok(encodeCanonical(parsed.data));
}

export function decodeMessage<T extends Canonical>(
  schema: z.ZodType<T>,
  bytes: Uint8Array,
): Result<T, CodecError> {
  const value = decodeCanonical(bytes);
  if (!value.ok) {
    const e = value.error;
    return err({ kind: 'malformed', message: e.kind === 'malformed' ? e.message : e.kind });
  }
  const parsed = schema.safeParse(value.value);
  if (!parsed.success) return err({ kind: 'malformed', message: describe(parsed.error) });
  return ok(parsed.data);
}

/** Checks a response against its schema and encodes it inside an `{ok}` envelope. */
export function encodeOk<T extends Canonical>(
  schema: z.ZodType<T>,
  value: T,
): Result<Uint8Array, CodecError> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) return err({ kind: 'malformed', message: describe(parsed.error) });
  return ok(encodeCanonical({ ok: parsed.data }));
}

export function encodeError(code: RemoteErrorCode, message?: string): Uint8Array {
  return encodeCanonical(message === undefined ? { error: code } : { error: code, message });
}

/** Decodes an envelope, then the value inside with the protocol's response schema. */
export function decodeEnvelope<T extends Canonical>(
  schema: z.ZodType<T>,
  bytes: Uint8Array,
): Result<Envelope<T>, CodecError> {
  const value = decodeCanonical(bytes);
  if (!value.ok) {
    const e = value.error;
    return err({ kind: 'malformed', message: e.kind === 'malformed' ? e.message : e.kind });
  }
  const env = envelopeSchema.safeParse(value.value);
  if (!env.success) return err({ kind: 'malformed', message: describe(env.error) });
  if ('error' in env.data) {
    const { error, message } = env.data;
    return ok(message === undefined ? { error } : { error, message });
  }
  const parsed = schema.safeParse(env.data.ok);
  if (!parsed.success) return err({ kind: 'malformed', message: describe(parsed.error) });
  return ok({ ok: parsed.data });
}
