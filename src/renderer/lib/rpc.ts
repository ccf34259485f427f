import {
  RPC,
  RpcErrorSchema,
  type RpcError,
  type RpcMethod,
  type RpcRequest,
  type RpcResponse,
} from '../../main/rpc/schema.js';
import { takeBootToken } from './token.js';

export type RpcResult<M extends RpcMethod> =
  { ok: true; value: RpcResponse<M> } | { ok: false; error: RpcError };

/** Calls the host. Network and protocol failures come back as values, like host errors. */
export async function call<M extends RpcMethod>(
  method: M,
  request: RpcRequest<M>,
): Promise<RpcResult<M>> {
  const token = takeBootToken();
  if (token === null) return { ok: false, error: { kind: 'unauthorized', message: 'no token' } };
  let res: Response;
  try {
    res = await fetch(`/rpc/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(request),
    });
  } catch {
    return { ok: false, error: { kind: 'not-available', message: 'host unreachable' } };
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { ok: false, error: { kind: 'internal', message: `HTTP ${res.status}` } };
  }
  const b = body as { ok?: unknown; value?: unknown; error?: unknown };
  if (b.ok === true) {
    const parsed = RPC[method].response.safeParse(b.value);
    if (parsed.success) return { ok: true, value: parsed.data as RpcResponse<M> };
    return { ok: false, error: { kind: 'internal', message: 'unexpected response shape' } };
  }
  const e = RpcErrorSchema.safeParse(b.error);
  return {
    ok: false,
    error: e.success ? e.data : { kind: 'internal', message: `HTTP ${res.status}` },
  };
}
