import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNetNode } from '../../../src/net/node.js';
import { call, serve } from '../../../src/net/reqres.js';
import { memoryLogger } from '../../../src/shared/log.js';
import { addr, echo, fixture, req, type Fixture } from './fixtures.js';

let f: Fixture;
beforeEach(() => {
  f = fixture();
});
afterEach(async () => {
  await f.cleanup();
});

const reply = (r: { text: string; n: number }) => ({ text: r.text, n: r.n, size: 0 });

describe('identity key', () => {
  it('keeps the same peer id across restarts with the same key file', async () => {
    const keyFile = join(f.dir, 'sub', 'node.key');
    const logger = memoryLogger();
    const first = await createNetNode({ keyFile, logger });
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    const id = first.value.peerId.toString();
    await first.value.stop();
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(logger.lines.filter((l) => l['event'] === 'net.key.created')).toHaveLength(1);

    const second = await createNetNode({ keyFile, logger });
    if (!second.ok) throw new Error(JSON.stringify(second.error));
    expect(second.value.peerId.toString()).toBe(id);
    expect(second.value.peerId.type).toBe('Ed25519');
    await second.value.stop();
    expect(logger.lines.filter((l) => l['event'] === 'net.key.created')).toHaveLength(1);

    const other = await f.node();
    expect(other.peerId.toString()).not.toBe(id);
  });

  it('refuses a corrupt key file instead of replacing it', async () => {
    const keyFile = join(f.dir, 'corrupt.key');
    writeFileSync(keyFile, new Uint8Array([1, 2, 3, 4]));
    const r = await createNetNode({ keyFile });
    expect(r).toMatchObject({ ok: false, error: { kind: 'key-file', error: { kind: 'corrupt' } } });
  });

  it('listens on loopback only by default, and on WebSockets when asked', async () => {
    const plain = await f.node();
    expect(plain.multiaddrs().map((m) => m.toString())).toEqual([
      expect.stringMatching(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\w+$/),
    ]);
    const ws = await f.node({ webSockets: true });
    const addrs = ws.multiaddrs().map((m) => m.toString());
    expect(addrs.some((a) => /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\//.test(a))).toBe(true);
    expect(addrs.every((a) => a.startsWith('/ip4/127.0.0.1/'))).toBe(true);
  });
});

describe('allow-list gater', () => {
  it('refuses peers that are not on the list, in both directions', async () => {
    const logger = memoryLogger();
    const friend = await f.node({ name: 'friend' });
    const stranger = await f.node({ name: 'stranger' });
    const guarded = await f.node({ allowPeers: [friend.peerId.toString()], logger });
    await serve(guarded, echo, reply);
    await serve(stranger, echo, reply);

    // Inbound: the stranger dials the guarded node.
    const inbound = await call(stranger, addr(guarded), echo, req('let me in'));
    expect(inbound.ok).toBe(false);
    expect(!inbound.ok && inbound.error.kind).toBe('refused');
    // Outbound: the guarded node refuses to dial the stranger before any socket opens.
    const outbound = await call(guarded, addr(stranger), echo, req('hello?'));
    expect(outbound).toMatchObject({ ok: false, error: { kind: 'refused', reason: 'denied' } });
    // An outbound dial by an address without /p2p is judged after the handshake.
    const bare = addr(stranger).replace(/\/p2p\/.*$/, '');
    const outboundBare = await call(guarded, bare, echo, req('hello?'));
    expect(outboundBare.ok).toBe(false);
    expect(guarded.libp2p.getConnections().some((c) => c.remotePeer.equals(stranger.peerId))).toBe(
      false,
    );

    // The friend gets through both ways.
    await serve(friend, echo, reply);
    expect((await call(friend, addr(guarded), echo, req('hi'))).ok).toBe(true);
    expect((await call(guarded, addr(friend), echo, req('hi'))).ok).toBe(true);
    const denied = logger.lines.filter((l) => l['event'] === 'net.peer.denied');
    expect(denied.length).toBeGreaterThanOrEqual(3);
    expect(denied.every((l) => l['peer'] === stranger.peerId.toString())).toBe(true);
  });

  it('drops connections of peers removed from the list', async () => {
    const kiosk = await f.node();
    const validator = await f.node({ allowPeers: [kiosk.peerId.toString()] });
    await serve(validator, echo, reply);
    expect((await call(kiosk, addr(validator), echo, req('a'))).ok).toBe(true);
    await validator.setAllowedPeers([]);
    expect(validator.libp2p.getConnections()).toHaveLength(0);
    expect((await call(kiosk, addr(validator), echo, req('b'))).ok).toBe(false);
    await validator.setAllowedPeers(undefined);
    expect((await call(kiosk, addr(validator), echo, req('c'))).ok).toBe(true);
  });

  it('rejects an allow-list entry that is not a peer id', async () => {
    const r = await createNetNode({ keyFile: join(f.dir, 'x.key'), allowPeers: ['nope'] });
    expect(r).toMatchObject({ ok: false, error: { kind: 'bad-option' } });
  });
});

describe('bootstrap', () => {
  it('dials the bootstrap peers at start and then reaches them by peer id', async () => {
    const validator = await f.node();
    await serve(validator, echo, reply);
    const logger = memoryLogger();
    const kiosk = await f.node({ bootstrap: [addr(validator)], logger });
    await expect
      .poll(() => kiosk.libp2p.getConnections().some((c) => c.remotePeer.equals(validator.peerId)))
      .toBe(true);
    const r = await call(kiosk, validator.peerId.toString(), echo, req('by id'));
    expect(r.ok).toBe(true);
    const rtt = await kiosk.ping(validator.peerId);
    expect(rtt.ok && rtt.value).toBeGreaterThanOrEqual(0);

    // A bootstrap peer that is down is reported, not thrown.
    const gone = await f.node();
    const goneAddr = addr(gone);
    await gone.stop();
    const lonely = await f.node({ bootstrap: [goneAddr], logger });
    const results = await lonely.dialBootstrap();
    expect(results).toMatchObject([{ ok: false, error: { kind: 'refused' } }]);
    expect(logger.lines.some((l) => l['event'] === 'net.bootstrap.failed')).toBe(true);
  });
});

describe('inbound connections from one host', () => {
  it('admits a dozen new kiosks from one address within a second (no per-host reset at 6)', async () => {
    // libp2p's default resets a 6th new connection per second from one host; kiosks behind one
    // NAT (and every test kiosk on 127.0.0.1) would be refused.
    const validator = await f.node({ name: 'validator' });
    await serve(validator, echo, reply);
    const kiosks = await Promise.all(Array.from({ length: 12 }, () => f.node()));
    const results = await Promise.all(kiosks.map((k) => call(k, addr(validator), echo, req('hi'))));
    expect(results.map((r) => (r.ok ? 'ok' : r.error.kind))).toEqual(Array(12).fill('ok'));
  });
});
