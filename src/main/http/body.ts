import type { IncomingMessage } from 'node:http';
import { err, ok, type Result } from '../../shared/result.js';

export const MAX_BODY_BYTES = 64 * 1024;

/** Reads a request body up to `limit` bytes; a larger one is refused without buffering it. */
export async function readBody(
  req: IncomingMessage,
  limit = MAX_BODY_BYTES,
): Promise<Result<Buffer, 'too-large' | 'aborted'>> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > limit) return err('too-large');
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of req) {
      const b = chunk as Buffer;
      total += b.length;
      if (total > limit) return err('too-large');
      chunks.push(b);
    }
  } catch {
    return err('aborted');
  }
  return ok(Buffer.concat(chunks));
}
