import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as lp from 'it-length-prefixed';
import type { Stream } from '@libp2p/interface';
import { decodeCanonical, encodeCanonical } from '../../../src/protocol/encoding.js';
import type { NetNode } from '../../../src/net/node.js';
import { defineProtocol } from '../../../src/net/protocol.js';
import { call, callStream, serve, serveStream } from '../../../src/net/reqres.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { memoryLogger } from '../../../src/shared/log.js';
import { addr, echo, fixture, req, type Fixture } from './fixtures.js';

let f: Fixture;
beforeEach(() => {
  f = fixture();
});
afterEach(async () => {
  await f.cleanup();
});

async function pair(serverOpts: Parameters<Fixture['node']>[0] = {}) {
  const server = await f.node(serverOpts);
  const client = await f.node();
  return { server, client, target: addr(server) };
}

/** Opens a raw stream on a protocol and writes bytes, bypassing the client's checks. */
async function raw(client: NetNode, target: string, protocol: string, bytes: Uint8Array) {
  const { multiaddr } = await import('@multiformats/multiaddr');
  const stream = await client.libp2p.dialProtocol(multiaddr(target), protocol);
  stream.send(bytes);
  await stream.close().catch(() => undefined);
  return stream;
}

/** Everything the peer sends until its end or a reset; `reset` says which. */
async function drain(stream: Stream): Promise<{ bytes: Uint8Array; reset: boolean }> {
  const chunks: Uint8Array[] = [];
  let reset = false;
  try {
    for await (const c of stream) chunks.push(c.subarray());
  } catch {
    reset = true;
  }
  if (stream.status === 'reset' || stream.status === 'aborted') reset = true;
  return { bytes: Buffer.concat(chunks), reset };
}

/** Decodes a single frame's envelope from raw bytes. */
function envelopeOf(bytes: Uint8Array): unknown {
  const frames = [...lp.decode([bytes])];
  const [only] = frames;
  if (frames.length !== 1 || only === undefined) return undefined;
  const v = decodeCanonical(only.subarray());
  return v.ok ? v.value : undefined;
}

describe('unary request/response', () => {
  it('round-trips a typed request and response, by multiaddr and by peer id', async () => {
    const { server, client, target } = await pair();
    const seen: string[] = [];
    const svc = await serve(server, echo, (r, ctx) => {
      seen.push(ctx.peer.toString());
      return { text: r.text.toUpperCase(), n: r.n + 1, size: r.blob.byteLength };
    });
    const r = await call(client, target, echo, req('hello', 41, new Uint8Array(17)));
    expect(r).toEqual({ ok: true, value: { text: 'HELLO', n: 42, size: 17 } });
    // Now the peer store knows the address, so the peer id alone is enough.
    const r2 = await call(client, server.peerId.toString(), echo, req('again'));
    expect(r2.ok && r2.value.text).toBe('AGAIN');
    expect(seen).toEqual([client.peerId.toString(), client.peerId.toString()]);
    expect(svc.stats.handled).toBe(2);
  });

  it('validates the request with the schema before sending anything', async () => {
    const { server, client, target } = await pair();
    let calls = 0;
    await serve(server, echo, () => {
      calls++;
      return { text: '', n: 0, size: 0 };
    });
    const bad = { text: 'x', n: 1.5, blob: new Uint8Array() };
    const r = await call(client, target, echo, bad);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ kind: 'malformed', side: 'request' });
    expect(calls).toBe(0);
  });

  it('refuses an oversize request on the caller side, and resets a raw one on the server', async () => {
    const logger = memoryLogger();
    const { server, client, target } = await pair({ logger });
    let calls = 0;
    const svc = await serve(server, echo, (r) => {
      calls++;
      return { text: r.text, n: r.n, size: 0 };
    });
    const big = req('x', 1, new Uint8Array(2000));
    const r = await call(client, target, echo, big);
    expect(r).toMatchObject({
      ok: false,
      error: { kind: 'too-large', side: 'request', limit: 1024 },
    });
    expect(!r.ok && r.error.kind === 'too-large' && r.error.bytes).toBeGreaterThan(2000);
    expect(svc.stats.rejected['too-large']).toBe(0); // nothing was sent

    // A peer that ignores the limit: only the length prefix is needed for the refusal.
    const frame = lp.encode.single(encodeCanonical(big)).subarray();
    const stream = await raw(client, target, echo.id, frame);
    const out = await drain(stream);
    expect(out.reset).toBe(true);
    expect(out.bytes.byteLength).toBe(0);
    await expect.poll(() => svc.stats.rejected['too-large']).toBe(1);
    expect(calls).toBe(0);
    expect(
      logger.lines.some(
        (l) => l['event'] === 'net.request.rejected' && l['reason'] === 'too-large',
      ),
    ).toBe(true);
    // Neither side crashed: the same connection still serves.
    expect((await call(client, target, echo, req('ok'))).ok).toBe(true);
  });

  it('refuses an oversize response on both sides', async () => {
    const { server, client, target } = await pair();
    // An honest server whose handler produced too much answers with an error instead.
    const svc = await serve(server, echo, (r) => ({ text: 'y'.repeat(r.n), n: 0, size: 0 }));
    const r = await call(client, target, echo, req('x', 5000));
    expect(r).toEqual({ ok: false, error: { kind: 'remote', code: 'response-too-large' } });
    expect(svc.stats.rejected['response-too-large']).toBe(1);

    // A server built with a laxer definition of the same protocol: the client refuses
    // the response from its length prefix.
    const lax = defineProtocol({ ...echo, maxResponseBytes: 1 << 20 });
    const other = await f.node();
    await serve(other, lax, (x) => ({ text: 'y'.repeat(x.n), n: 0, size: 0 }));
    const r2 = await call(client, addr(other), echo, req('x', 5000));
    expect(r2).toMatchObject({
      ok: false,
      error: { kind: 'too-large', side: 'response', limit: 1024 },
    });
    expect(!r2.ok && r2.error.kind === 'too-large' && r2.error.bytes).toBeGreaterThan(5000);
    expect((await call(client, addr(other), echo, req('x', 10))).ok).toBe(true);
  });

  it('rejects random garbage on the stream cleanly and keeps serving', async () => {
    const { server, client, target } = await pair();
    let calls = 0;
    const svc = await serve(server, echo, (r) => {
      calls++;
      return { text: r.text, n: r.n, size: 0 };
    });
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (garbage) => {
        cases++;
        const stream = await raw(client, target, echo.id, garbage);
        const out = await drain(stream);
        if (!out.reset) {
          // Whatever the server said must be a single bad-request envelope.
          expect(envelopeOf(out.bytes)).toMatchObject({ error: 'bad-request' });
        }
      }),
      { numRuns: 40, seed: 4242 },
    );
    expect(cases).toBe(40);
    expect(calls).toBe(0);
    const r = svc.stats.rejected;
    expect(r.malformed + r['too-large'] + r.closed).toBe(40);
    expect(r.malformed).toBeGreaterThan(0);
    expect((await call(client, target, echo, req('still alive'))).ok).toBe(true);
  });

  it('answers bad-request to canonical CBOR that fails the schema, and to non-canonical CBOR', async () => {
    const { server, client, target } = await pair();
    const svc = await serve(server, echo, () => ({ text: '', n: 0, size: 0 }));
    const wrongShape = lp.encode.single(encodeCanonical({ text: 1 })).subarray();
    const out = await drain(await raw(client, target, echo.id, wrongShape));
    expect(envelopeOf(out.bytes)).toMatchObject({ error: 'bad-request' });
    // 0x18 0x05 is the integer 5 in a longer form than necessary: not canonical.
    const nonCanonical = lp.encode.single(new Uint8Array([0x18, 0x05])).subarray();
    const out2 = await drain(await raw(client, target, echo.id, nonCanonical));
    expect(envelopeOf(out2.bytes)).toMatchObject({ error: 'bad-request' });
    expect(svc.stats.rejected.malformed).toBe(2);
  });

  it('times out on the caller clock when the handler stalls, and tells the handler', async () => {
    const clock = new ManualClock();
    const server = await f.node();
    const client = await f.node({ clock });
    const entered = Promise.withResolvers<AbortSignal>();
    const released = Promise.withResolvers<undefined>();
    await serve(server, echo, async (_r, ctx) => {
      entered.resolve(ctx.signal);
      ctx.signal.addEventListener('abort', () => released.resolve(undefined));
      await released.promise;
      return { text: '', n: 0, size: 0 };
    });
    const pending = call(client, addr(server), echo, req('slow'), { timeoutMs: 2_000 });
    const handlerSignal = await entered.promise;
    clock.advance(1_999);
    expect(handlerSignal.aborted).toBe(false);
    clock.advance(1);
    expect(await pending).toEqual({ ok: false, error: { kind: 'timeout', ms: 2_000 } });
    // The reset reached the server and aborted the handler's signal.
    await released.promise;
    expect(handlerSignal.aborted).toBe(true);
  });

  it('resets a peer that opens a stream and stays silent, on the server clock', async () => {
    const clock = new ManualClock();
    const server = await f.node({ clock });
    const client = await f.node();
    let calls = 0;
    const svc = await serve(
      server,
      echo,
      () => {
        calls++;
        return { text: '', n: 0, size: 0 };
      },
      { readTimeoutMs: 3_000 },
    );
    const { multiaddr } = await import('@multiformats/multiaddr');
    const stream = await client.libp2p.dialProtocol(multiaddr(addr(server)), echo.id);
    // Half a frame, then silence; time moves only once the server has armed its read
    // deadline (its clock has no other timer; the stream may reach it after the dial).
    expect(clock.pending).toBeLessThanOrEqual(1);
    stream.send(new Uint8Array([20, 1, 2]));
    const out = drain(stream);
    await expect.poll(() => clock.pending).toBe(1);
    clock.advance(2_999);
    expect(svc.stats.rejected.timeout).toBe(0);
    clock.advance(1);
    expect((await out).reset).toBe(true);
    expect(svc.stats.rejected.timeout).toBe(1);
    expect(calls).toBe(0);
  });

  it("returns 'aborted' when the caller's own signal fires", async () => {
    const { server, client, target } = await pair();
    await serve(
      server,
      echo,
      (_r, ctx) =>
        new Promise((resolve) =>
          ctx.signal.addEventListener('abort', () => resolve({ text: '', n: 0, size: 0 })),
        ),
    );
    const ac = new AbortController();
    const pending = call(client, target, echo, req('x'), { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect(await pending).toEqual({ ok: false, error: { kind: 'aborted' } });
  });

  it('rate-limits per peer with a token bucket on the injected clock', async () => {
    const clock = new ManualClock();
    const server = await f.node({ clock });
    const client = await f.node();
    const other = await f.node();
    const limited = defineProtocol({
      ...echo,
      rateLimit: { burst: 3, perSecond: 2, maxConcurrent: 8 },
    });
    const svc = await serve(server, limited, (r) => ({ text: r.text, n: r.n, size: 0 }));
    const target = addr(server);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await call(client, target, limited, req(`r${i}`)));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(results[3]).toEqual({
      ok: false,
      error: { kind: 'remote', code: 'rate-limited', message: 'rate' },
    });
    // Another peer has its own bucket.
    expect((await call(other, target, limited, req('other'))).ok).toBe(true);
    clock.advance(499);
    expect((await call(client, target, limited, req('early'))).ok).toBe(false);
    clock.advance(1);
    expect((await call(client, target, limited, req('refilled'))).ok).toBe(true);
    expect(svc.stats.rejected['rate-limited']).toBe(2);
  });

  it('limits concurrent requests per peer', async () => {
    const { server, client, target } = await pair();
    const one = defineProtocol({
      ...echo,
      rateLimit: { burst: 100, perSecond: 100, maxConcurrent: 1 },
    });
    const gate = Promise.withResolvers<undefined>();
    const entered = Promise.withResolvers<undefined>();
    await serve(server, one, async (r) => {
      entered.resolve(undefined);
      await gate.promise;
      return { text: r.text, n: r.n, size: 0 };
    });
    const first = call(client, target, one, req('first'));
    await entered.promise;
    const second = await call(client, target, one, req('second'));
    expect(second).toEqual({
      ok: false,
      error: { kind: 'remote', code: 'rate-limited', message: 'concurrency' },
    });
    gate.resolve(undefined);
    expect((await first).ok).toBe(true);
    expect((await call(client, target, one, req('third'))).ok).toBe(true);
  });

  it('turns a throwing handler into an internal error response', async () => {
    const logger = memoryLogger();
    const { server, client, target } = await pair({ logger });
    const svc = await serve(server, echo, () => {
      throw new Error('boom');
    });
    expect(await call(client, target, echo, req('x'))).toEqual({
      ok: false,
      error: { kind: 'remote', code: 'internal' },
    });
    expect(svc.stats.rejected['handler-failed']).toBe(1);
    expect(logger.lines.some((l) => l['event'] === 'net.handler.failed')).toBe(true);
  });

  it('refuses an unsupported protocol and a stopped node', async () => {
    const { client, target } = await pair();
    const r = await call(client, target, echo, req('x'));
    expect(r).toMatchObject({
      ok: false,
      error: { kind: 'refused', reason: 'unsupported-protocol' },
    });
    await client.stop();
    const r2 = await call(client, target, echo, req('x'));
    expect(r2).toMatchObject({ ok: false, error: { kind: 'refused' } });
  });

  it('yields a Result, not a rejection, when either node stops mid-call', async () => {
    for (const stopping of ['server', 'client'] as const) {
      const server = await f.node();
      const client = await f.node();
      const entered = Promise.withResolvers<undefined>();
      await serve(server, echo, async (_r, ctx) => {
        entered.resolve(undefined);
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        return { text: '', n: 0, size: 0 };
      });
      const pending = call(client, addr(server), echo, req('x'), { timeoutMs: 20_000 });
      await entered.promise;
      await (stopping === 'server' ? server : client).stop();
      const r = await pending;
      expect(r.ok, stopping).toBe(false);
      expect(!r.ok && ['closed', 'refused'].includes(r.error.kind), JSON.stringify(r)).toBe(true);
    }
  });
});

const item = z.object({ i: z.number().int(), payload: z.instanceof(Uint8Array) }).strict();
const bulk = defineProtocol({
  id: '/veche/test-bulk/1',
  request: item,
  response: z.object({ i: z.number().int(), ok: z.boolean() }).strict(),
  maxRequestBytes: 8 * 1024,
  maxResponseBytes: 256,
  maxMessages: 5_000,
  timeoutMs: 20_000,
});

describe('streaming request/response', () => {
  it('streams thousands of messages each way, in order, with a slow consumer', async () => {
    const { server, client, target } = await pair();
    let handled = 0;
    const svc = await serveStream(server, bulk, async function* (requests) {
      for await (const r of requests) {
        handled++;
        yield { i: r.i, ok: r.payload.byteLength === 3000 };
      }
    });
    const n = 3_000;
    const requests = Array.from({ length: n }, (_, i) => ({
      i,
      payload: new Uint8Array(3000).fill(i & 0xff),
    }));
    const got: number[] = [];
    const r = await callStream(client, target, bulk, requests, {
      onResponse: async (res) => {
        got.push(res.i);
        // Every so often the consumer is slow; the pipe must pause, not drop or buffer up.
        if (res.i % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      },
    });
    expect(r).toEqual({ ok: true, value: { sent: n, received: n, responses: [] } });
    expect(got).toEqual(requests.map((x) => x.i));
    expect(handled).toBe(n);
    expect(svc.stats.handled).toBe(1);
  });

  it('collects responses from an async request source', async () => {
    const { server, client, target } = await pair();
    await serveStream(server, bulk, async (requests) => {
      let count = 0;
      for await (const _ of requests) count++;
      return [{ i: count, ok: true }];
    });
    async function* source() {
      for (let i = 0; i < 50; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        yield { i, payload: new Uint8Array(10) };
      }
    }
    const r = await callStream(client, target, bulk, source());
    expect(r).toEqual({
      ok: true,
      value: { sent: 50, received: 1, responses: [{ i: 50, ok: true }] },
    });
  });

  it('times out a stream whose async request source stalls', async () => {
    const clock = new ManualClock();
    const server = await f.node();
    const client = await f.node({ clock });
    await serveStream(server, bulk, async function* (requests) {
      for await (const r of requests) yield { i: r.i, ok: true };
    });
    const stalled = Promise.withResolvers<undefined>();
    async function* source() {
      yield { i: 0, payload: new Uint8Array(1) };
      await stalled.promise; // never resolves within the test
      yield { i: 1, payload: new Uint8Array(1) };
    }
    const responses: number[] = [];
    const pending = callStream(client, addr(server), bulk, source(), {
      timeoutMs: 5_000,
      onResponse: (r) => {
        responses.push(r.i);
      },
    });
    await expect.poll(() => responses).toEqual([0]);
    clock.advance(5_000);
    expect(await pending).toEqual({ ok: false, error: { kind: 'timeout', ms: 5_000 } });
  });

  it('ends the exchange with an error when the peer exceeds the message count', async () => {
    const { server, client, target } = await pair();
    const lax = defineProtocol({ ...bulk, maxMessages: 1_000_000 });
    const strict = defineProtocol({ ...bulk, maxMessages: 10 });
    const svc = await serveStream(server, strict, async function* (requests) {
      for await (const r of requests) yield { i: r.i, ok: true };
    });
    const requests = Array.from({ length: 100 }, (_, i) => ({ i, payload: new Uint8Array(1) }));
    const r = await callStream(client, target, lax, requests);
    expect(r).toMatchObject({ ok: false, error: { kind: 'remote', code: 'too-many-messages' } });
    expect(svc.stats.rejected['too-many-messages']).toBe(1);
    expect((await callStream(client, target, strict, requests.slice(0, 5))).ok).toBe(true);
  });

  it('refuses an oversize message in the middle of a stream', async () => {
    const { server, client, target } = await pair();
    const lax = defineProtocol({ ...bulk, maxRequestBytes: 1 << 20 });
    const svc = await serveStream(server, bulk, async function* (requests) {
      for await (const r of requests) yield { i: r.i, ok: true };
    });
    const requests = Array.from({ length: 20 }, (_, i) => ({
      i,
      payload: new Uint8Array(i === 10 ? 100_000 : 10),
    }));
    const r = await callStream(client, target, lax, requests);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.kind).toBe('closed');
    await expect.poll(() => svc.stats.rejected['too-large']).toBe(1);
    // The strict caller never sends it.
    const r2 = await callStream(client, target, bulk, requests);
    expect(r2).toMatchObject({ ok: false, error: { kind: 'too-large', side: 'request' } });
  });
});
