// Validates an RPC body against its method's schema, calls the handler, validates what the
// handler returns (a host bug must not leak odd shapes to the renderer).
import type { z } from 'zod';
import type { Result } from '../../shared/result.js';
import { RPC, type RpcError, type RpcMethod, type RpcRequest, type RpcResponse } from './schema.js';

export type Handler<M extends RpcMethod> = (
  request: RpcRequest<M>,
) => Promise<Result<RpcResponse<M>, RpcError>> | Result<RpcResponse<M>, RpcError>;

export type Handlers = { [M in RpcMethod]?: Handler<M> };

export type DispatchOutcome =
  | { status: 200; body: { ok: true; value: unknown } | { ok: false; error: RpcError } }
  | { status: 400 | 404; body: { ok: false; error: RpcError } };

function issuesOf(e: z.ZodError): NonNullable<RpcError['issues']> {
  return e.issues.slice(0, 20).map((i) => ({
    path: i.path.map(String).join('.') || '(body)',
    message: i.message,
  }));
}

export function isMethod(name: string): name is RpcMethod {
  return Object.hasOwn(RPC, name);
}

export async function dispatch(
  handlers: Handlers,
  method: string,
  rawBody: Buffer,
): Promise<DispatchOutcome> {
  if (!isMethod(method) || handlers[method] === undefined) {
    return {
      status: 404,
      body: { ok: false, error: { kind: 'unknown-method', message: `no method ${method}` } },
    };
  }
  let json: unknown;
  try {
    json = rawBody.length === 0 ? {} : JSON.parse(rawBody.toString('utf8'));
  } catch {
    return {
      status: 400,
      body: { ok: false, error: { kind: 'invalid-request', message: 'body is not valid JSON' } },
    };
  }
  const spec = RPC[method];
  const parsed = spec.request.safeParse(json);
  if (!parsed.success) {
    return {
      status: 400,
      body: {
        ok: false,
        error: {
          kind: 'invalid-request',
          message: `request does not match ${method}`,
          issues: issuesOf(parsed.error),
        },
      },
    };
  }
  const handler = handlers[method] as Handler<RpcMethod>;
  const result = await handler(parsed.data as never);
  if (!result.ok) return { status: 200, body: { ok: false, error: result.error } };
  const checked = spec.response.safeParse(result.value);
  if (!checked.success) {
    throw new Error(`handler for ${method} returned a bad response: ${checked.error.message}`);
  }
  return { status: 200, body: { ok: true, value: checked.data } };
}
