import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHost, type Host } from '../../../src/main/host.js';
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../../src/main/rpc/schema.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { memoryLogger } from '../../../src/shared/log.js';
import { fakeDevices } from '../../support/fake-devices.js';

const TOKEN = 'test-token-0123456789abcdef';

interface Reply {
  status: number;
  body: { ok: boolean; value?: unknown; error?: { kind: string; issues?: unknown[] } };
}

function post(
  host: Host,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const url = new URL(host.origin);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(url.port),
        path,
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${TOKEN}`,
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Reply['body'] });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('host RPC server', () => {
  let host: Host;
  const log = memoryLogger();
  const fake = fakeDevices();

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veche-renderer-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    host = await createHost({
      clock: new ManualClock(),
      logger: log,
      devices: fake.devices,
      dock: fake.dock,
      rendererDir: dir,
      token: TOKEN,
    });
  });
  afterAll(async () => host.close());

  it('answers a valid call', async () => {
    const r = await post(host, '/rpc/system.ping', JSON.stringify({ nonce: 'abc' }));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, value: { nonce: 'abc' } });
  });

  it('refuses a call without the token, or with a wrong one', async () => {
    const none = await post(host, '/rpc/system.ping', '{"nonce":"a"}', { Authorization: '' });
    expect(none.status).toBe(401);
    expect(none.body.error?.kind).toBe('unauthorized');
    const wrong = await post(host, '/rpc/system.ping', '{"nonce":"a"}', {
      Authorization: 'Bearer wrong-token-0123456789abc',
    });
    expect(wrong.status).toBe(401);
  });

  it('refuses a wrong Host header (DNS rebinding) and a foreign Origin', async () => {
    const badHost = await post(host, '/rpc/system.ping', '{"nonce":"a"}', {
      Host: 'evil.example:80',
    });
    expect(badHost.status).toBe(403);
    expect(badHost.body.error?.kind).toBe('forbidden-origin');
    const badOrigin = await post(host, '/rpc/system.ping', '{"nonce":"a"}', {
      Origin: 'http://evil.example',
    });
    expect(badOrigin.status).toBe(403);
    const ownOrigin = await post(host, '/rpc/system.ping', '{"nonce":"a"}', {
      Origin: host.origin,
    });
    expect(ownOrigin.status).toBe(200);
  });

  it('refuses an oversized body', async () => {
    const big = JSON.stringify({ nonce: 'x'.repeat(100 * 1024) });
    const r = await post(host, '/rpc/system.ping', big);
    expect(r.status).toBe(413);
    expect(r.body.error?.kind).toBe('payload-too-large');
  });

  it('gives malformed bodies a clear validation error', async () => {
    const notJson = await post(host, '/rpc/system.ping', '{nonce:');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error?.kind).toBe('invalid-request');
    const wrongShape = await post(host, '/rpc/session.setLanguage', '{"language":"de"}');
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.error?.issues?.length).toBeGreaterThan(0);
    const extra = await post(host, '/rpc/system.ping', '{"nonce":"a","admin":true}');
    expect(extra.status).toBe(400);
    const unknown = await post(host, '/rpc/ballot.signForNobody', '{}');
    expect(unknown.status).toBe(404);
  });

  it('runs the card → welcome → attract flow and pushes it over the event socket', async () => {
    const port = new URL(host.origin).port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/events`, [
      WS_PROTOCOL,
      WS_TOKEN_PREFIX + TOKEN,
    ]);
    const states: string[] = [];
    ws.on('message', (m) => {
      const e = JSON.parse(String(m)) as { type: string; session?: { state: string } };
      if (e.type === 'session' && e.session) states.push(e.session.state);
    });
    await new Promise((r) => ws.once('open', r));
    const inserted = await post(host, '/rpc/dock.insertCard', '{"personId":"alice"}');
    expect(inserted.body.ok).toBe(true);
    const s = await post(host, '/rpc/session.get', '{}');
    expect(s.body.value).toMatchObject({ state: 'welcome', greetingName: 'Alesia' });
    await post(host, '/rpc/dock.removeCard', '{}');
    await expect.poll(() => states).toEqual(['attract', 'reading', 'welcome', 'attract']);
    ws.close();
    // The log names states only: no greeting, no document fields.
    const text = JSON.stringify(log.lines);
    expect(text).not.toMatch(/ALESIA|Alesia|KUPALA|AB1234567|1990-05-17/);
    expect(log.lines.some((l) => l['event'] === 'session.transition')).toBe(true);
  });

  it('refuses an event socket without the token', async () => {
    const port = new URL(host.origin).port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/events`, [WS_PROTOCOL]);
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('error', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
  });

  it('does not serve files outside the renderer directory', async () => {
    const url = new URL(host.origin);
    const status = await new Promise<number>((resolve) => {
      request(
        { host: '127.0.0.1', port: Number(url.port), path: '/../../etc/passwd', method: 'GET' },
        (res) => resolve(res.statusCode ?? 0),
      ).end();
    });
    expect(status).toBe(404);
  });
});
