// Decoding values that arrive from peers: canonical CBOR first (so one value has one byte
// string), then the zod schema of the wire type (strict objects: unknown fields are errors).
import { z } from 'zod';
import { err, ok, type Result } from '../shared/result.js';
import { decodeCanonical, type DecodeError } from './encoding.js';

export type WireError = DecodeError | { kind: 'invalid'; message: string };

export function decodeWire<S extends z.ZodType>(
  schema: S,
  bytes: Uint8Array,
): Result<z.infer<S>, WireError> {
  const decoded = decodeCanonical(bytes);
  if (!decoded.ok) return decoded;
  const parsed = schema.safeParse(decoded.value);
  if (!parsed.success) return err({ kind: 'invalid', message: z.prettifyError(parsed.error) });
  return ok(parsed.data);
}
