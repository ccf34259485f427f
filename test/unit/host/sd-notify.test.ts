import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeReadyFile, writeReadyFile } from '../../../src/main/ready-file.js';
import { createSdNotifier } from '../../../src/main/sd-notify.js';
import { ManualClock } from '../../../src/shared/clock.js';

const flush = () => new Promise((r) => setImmediate(r));

describe('sd_notify', () => {
  it('does nothing without NOTIFY_SOCKET', async () => {
    const calls: string[][] = [];
    const n = createSdNotifier({
      env: {},
      pid: 1,
      clock: new ManualClock(),
      exec: async (_f, a) => void calls.push(a),
    });
    await n.ready('x');
    n.startWatchdog(async () => true)();
    expect(n.active).toBe(false);
    expect(calls).toEqual([]);
  });

  it('announces readiness and pings the watchdog at half the interval only while healthy', async () => {
    const calls: string[][] = [];
    const clock = new ManualClock();
    let healthy = true;
    const n = createSdNotifier({
      env: { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000', WATCHDOG_PID: '42' },
      pid: 42,
      clock,
      exec: async (_f, a) => void calls.push(a),
    });
    await n.ready('listening on 127.0.0.1:1');
    expect(calls[0]).toEqual(['--ready', '--status=listening on 127.0.0.1:1']);
    const stop = n.startWatchdog(async () => healthy);
    await flush();
    clock.advance(15_000);
    await flush();
    expect(calls.filter((c) => c[0] === 'WATCHDOG=1')).toHaveLength(2);
    healthy = false;
    clock.advance(15_000);
    await flush();
    expect(calls.filter((c) => c[0] === 'WATCHDOG=1')).toHaveLength(2);
    stop();
    await n.stopping();
    expect(calls.at(-1)).toEqual(['--stopping']);
  });

  it('leaves the watchdog alone when it is meant for another pid', async () => {
    const calls: string[][] = [];
    const n = createSdNotifier({
      env: { NOTIFY_SOCKET: '/s', WATCHDOG_USEC: '30000000', WATCHDOG_PID: '7' },
      pid: 8,
      clock: new ManualClock(),
      exec: async (_f, a) => void calls.push(a),
    });
    n.startWatchdog(async () => true);
    await flush();
    expect(calls).toEqual([]);
  });
});

describe('ready file', () => {
  it('is written atomically, group-readable, and removed on stop', () => {
    const dir = mkdtempSync(join(tmpdir(), 'veche-ready-'));
    const path = join(dir, 'ready.json');
    const msg = {
      type: 'veche-host-ready' as const,
      origin: 'http://127.0.0.1:5',
      token: 't'.repeat(20),
    };
    writeReadyFile(path, msg);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(msg);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['ready.json']);
    removeReadyFile(path);
    expect(readdirSync(dir)).toEqual([]);
  });
});
