import type { Stream } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as lp from 'it-length-prefixed';
import { FrameReader, FrameWriter, varint } from '../../../src/net/frames.js';
import { PeerLimiter } from '../../../src/net/rate-limit.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { addr, fixture, type Fixture } from './fixtures.js';

let f: Fixture;
beforeEach(() => {
  f = fixture();
});
afterEach(async () => {
  await f.cleanup();
});

async function streamPair(): Promise<{ out: Stream; inbound: Stream }> {
  const server = await f.node();
  const client = await f.node();
  const inbound = Promise.withResolvers<Stream>();
  await server.libp2p.handle('/veche/test-frames/1', (s) => inbound.resolve(s));
  const out = await client.libp2p.dialProtocol(multiaddr(addr(server)), '/veche/test-frames/1');
  return { out, inbound: await inbound.promise };
}

describe('frames', () => {
  it('round-trips frames of many sizes, coalesced into few sends', async () => {
    const { out, inbound } = await streamPair();
    const reader = new FrameReader(inbound, 200_000);
    const writer = new FrameWriter(out);
    const sizes = [0, 1, 127, 128, 16_383, 16_384, 100_000, 3, 200_000];
    for (const n of sizes) {
      const w = await writer.write(new Uint8Array(n).fill(n & 0xff));
      expect(w.ok).toBe(true);
    }
    expect((await writer.end()).ok).toBe(true);
    for (const n of sizes) {
      const r = await reader.next();
      expect(r.ok && r.value?.byteLength).toBe(n);
      expect(r.ok && r.value?.every((b) => b === (n & 0xff))).toBe(true);
    }
    expect(await reader.next()).toEqual({ ok: true, value: null });
  });

  it('pauses the sender when the reader does not keep up', async () => {
    const { out, inbound } = await streamPair();
    // A reader that is constructed (listening) but never asked for a frame.
    const reader = new FrameReader(inbound, 64 * 1024);
    const writer = new FrameWriter(out);
    const frame = new Uint8Array(60 * 1024);
    const budget = 64 * 1024 * 1024;
    let written = 0;
    let blocked = false;
    while (written < budget) {
      const w = writer.write(frame);
      const settled = await Promise.race([
        w.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 200)),
      ]);
      if (!settled) {
        blocked = true;
        break;
      }
      written += frame.byteLength;
    }
    expect(blocked).toBe(true);
    // Yamux's window (at most 16 MiB) plus our high-water mark bounds what piled up.
    expect(written).toBeLessThan(24 * 1024 * 1024);
    // Reading resumes the flow: the sender unblocks.
    for (let i = 0; i < 50; i++) expect((await reader.next()).ok).toBe(true);
    out.abort(new Error('done'));
  });

  it('refuses an oversize frame from its prefix and reports the declared size', async () => {
    const { out, inbound } = await streamPair();
    const reader = new FrameReader(inbound, 1000);
    // Only the prefix (1 MB) and 10 bytes of body: the reader must not wait for the rest.
    out.send(new Uint8Array([0xc0, 0x84, 0x3d, ...new Uint8Array(10)]));
    const r = await reader.next();
    expect(r).toEqual({ ok: false, error: { kind: 'too-large', bytes: 1_000_000, limit: 1000 } });
    // Sticky: a later read does not pretend the stream ended cleanly.
    expect((await reader.next()).ok).toBe(false);
  });

  it('reports a reset as closed and a truncated frame as malformed', async () => {
    const a = await streamPair();
    const r1 = new FrameReader(a.inbound, 1000);
    a.out.abort(new Error('bye'));
    expect(await r1.next()).toMatchObject({ ok: false, error: { kind: 'closed' } });

    const b = await streamPair();
    const r2 = new FrameReader(b.inbound, 1000);
    b.out.send(new Uint8Array([10, 1, 2, 3]));
    await b.out.close();
    expect(await r2.next()).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });

  it('stops waiting when its signal aborts', async () => {
    const { inbound } = await streamPair();
    const ac = new AbortController();
    const reader = new FrameReader(inbound, 1000, ac.signal);
    const pending = reader.next();
    ac.abort();
    expect(await pending).toEqual({ ok: false, error: { kind: 'aborted' } });
    expect(await reader.next()).toEqual({ ok: false, error: { kind: 'aborted' } });
  });
});

describe('varint prefix', () => {
  it('is byte for byte the prefix it-length-prefixed writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300_000 }), (n) => {
        const theirs = lp.encode.single(new Uint8Array(n)).subarray();
        expect(varint(n)).toEqual(theirs.subarray(0, theirs.byteLength - n));
      }),
      { numRuns: 100 },
    );
  });
});

describe('peer limiter', () => {
  it('refills tokens with the clock and caps concurrency per peer', () => {
    const clock = new ManualClock();
    const limiter = new PeerLimiter({ burst: 2, perSecond: 4, maxConcurrent: 2 }, clock);
    const a1 = limiter.acquire('a');
    const a2 = limiter.acquire('a');
    expect(a1.ok && a2.ok).toBe(true);
    expect(limiter.acquire('a')).toEqual({ ok: false, error: 'concurrency' });
    if (a1.ok) a1.value();
    if (a1.ok) a1.value(); // releasing twice frees one slot only
    expect(limiter.acquire('a')).toEqual({ ok: false, error: 'rate' });
    clock.advance(250);
    const a3 = limiter.acquire('a');
    expect(a3.ok).toBe(true);
    expect(limiter.acquire('a')).toEqual({ ok: false, error: 'concurrency' });
    expect(limiter.acquire('b').ok).toBe(true);
  });
});
