// Shapes of values that cross into the store from other modules. Strings are constrained to
// identifier patterns so that a name, a document number or a choice cannot ride along in a
// field meant for an id (the privacy test tries exactly that).
import { z } from 'zod';

/** Election ids as the chain names them: short identifiers, no spaces. */
export const ELECTION_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const electionIdSchema = z.string().regex(ELECTION_ID_RE);

/** Staff are named by the fingerprint of their roster key, never by name. */
export const STAFF_ID_RE = /^[0-9a-f]{16}$/;
export const staffIdSchema = z.string().regex(STAFF_ID_RE);

export const hex32Schema = z.string().regex(/^[0-9a-f]{64}$/);

export const bytesSchema = (min: number, max: number) =>
  z.instanceof(Uint8Array).refine((b) => b.length >= min && b.length <= max, {
    message: `expected ${min}..${max} bytes`,
  });

export const bytes32Schema = bytesSchema(32, 32);

export const countSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Paths of the fields that failed, never the values (they may be what we must not store). */
export function issuePaths(e: z.ZodError): string[] {
  return e.issues.map((i) => {
    const path = i.path.map(String).join('.') || '$';
    return i.code === 'unrecognized_keys' ? `${path}: unknown keys` : path;
  });
}
