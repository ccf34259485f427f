// `veche-kiosk serve --state-dir` as the appliance runs it, as a child process: on a blank
// state directory it answers the wizard and the staff methods, announces itself only through
// the ready file (the token never reaches stdout, i.e. the journal), and after a bundle is
// imported over RPC it exits with EXIT_RESTART so its supervisor starts it on the new record;
// started again, it is provisioned and its light node runs from the bundle.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_RESTART, HOST_CONFIG_ENV } from '../../src/cli/serve.js';
import { HOST_CONFIG_FORMAT } from '../../src/main/compose/config.js';
import { PASSPHRASE_ENV } from '../../src/main/compose/trust.js';
import { startDevnet } from '../../src/devnet/devnet.js';
import { TEST_COST } from '../../src/main/keys/kdf.js';
import { buildBundle, parseEnrollment, signBundle } from '../../src/main/provisioning/index.js';
import { demoStaffRoster } from '../../src/main/staff/demo-staff.js';
import { createNetNode, type NetNode } from '../../src/net/node.js';
import { ed25519SignerFromSeed, generateEd25519Seed } from '../../src/protocol/ed25519.js';
import { toHex } from '../../src/protocol/hash.js';
import { systemClock } from '../../src/shared/clock.js';
import { silentLogger } from '../../src/shared/log.js';
import type { Checkpoint } from '../../src/sync/light/types.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const authority = ed25519SignerFromSeed(generateEd25519Seed());
let dir: string;
let stateDir: string;
let readyFile: string;
let checkpoint: Checkpoint;
let chainId: string;
const peers: NetNode[] = [];
const children: ChildProcess[] = [];

interface Running {
  child: ChildProcess;
  origin: string;
  token: string;
  stdout: string[];
  stderr: string[];
}

async function serve(extra: readonly string[] = []): Promise<Running> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--state-dir',
      stateDir,
      '--simulated',
      '--transport',
      'mock',
      '--ready-file',
      readyFile,
      ...extra,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        [HOST_CONFIG_ENV]: join(dir, 'host.json'),
        [PASSPHRASE_ENV]: 'serve process test passphrase',
      },
    },
  );
  children.push(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout?.on('data', (d: Buffer) => stdout.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  for (let i = 0; i < 300 && !existsSync(readyFile); i++) {
    if (child.exitCode !== null) throw new Error(`serve exited: ${stderr.join('')}`);
    await sleep(100);
  }
  const ready = JSON.parse(readFileSync(readyFile, 'utf8')) as { origin: string; token: string };
  return { child, origin: ready.origin, token: ready.token, stdout, stderr };
}

type Reply = { ok: boolean; value?: Record<string, unknown>; error?: { kind: string } };
async function rpc(r: Running, method: string, body: unknown = {}): Promise<Reply> {
  const res = await fetch(`${r.origin}/rpc/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${r.token}` },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Reply;
}

beforeAll(async () => {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  dir = mkdtempSync(join(base, 'veche-serve-proc-'));
  stateDir = join(dir, 'state');
  mkdirSync(join(dir, 'run'));
  readyFile = join(dir, 'run', 'ready.json');
  writeFileSync(
    join(dir, 'host.json'),
    JSON.stringify({
      format: HOST_CONFIG_FORMAT,
      authorityKeys: [toHex(authority.publicKey)],
      sealer: 'passphrase',
    }),
  );
  // A real chain's trusted checkpoint and two real peer ids for the bundle.
  const clock = systemClock();
  const net = startDevnet({ dir: join(dir, 'devnet'), clock, blockMs: 200, logger: silentLogger });
  for (let i = 0; i < 100 && net.validator(0).committedHeight < 2; i++) await sleep(100);
  checkpoint = net.checkpoint(1);
  chainId = net.genesis.chainId;
  net.stop();
  for (const i of [0, 1]) {
    const n = await createNetNode({ keyFile: join(dir, `peer-${i}.key`) });
    if (!n.ok) throw new Error('peer');
    peers.push(n.value);
  }
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const p of peers) await p.stop().catch(() => undefined);
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('serve --state-dir (the appliance host)', () => {
  it('on a blank kiosk: the wizard and staff answer; import → exit EXIT_RESTART; restarted provisioned', async () => {
    const first = await serve();
    expect((await rpc(first, 'provisioning.status')).value).toEqual({
      state: 'blank',
      fingerprint: null,
    });
    expect((await rpc(first, 'staff.get')).value).toEqual({ state: 'signed-out' });
    expect((await rpc(first, 'polls.list')).error?.kind).toBe('not-signed-in');

    const begun = await rpc(first, 'provisioning.beginEnrollment', {
      unit: 'polatsk',
      pollingPlace: 'pp-3',
    });
    const enrollment = parseEnrollment(
      new Uint8Array(Buffer.from(String(begun.value?.['file']), 'base64url')),
    );
    if (!enrollment.ok) throw new Error(`enrollment: ${enrollment.error.kind}`);
    const bundle = buildBundle({
      enrollment: enrollment.value.request,
      chainId,
      issuedAt: Date.now(),
      unit: {
        unitId: 'polatsk',
        pollingPlace: 'pp-3',
        kioskId: 'kiosk-proc-1',
        staffIdleTimeoutSec: 300,
      },
      validators: peers.map((p) => ({
        peerId: p.peerId.toString(),
        multiaddrs: p.multiaddrs().map((a) => a.toString()),
      })),
      checkpoint,
      roster: await demoStaffRoster({ card: TEST_COST, pin: TEST_COST }),
      rollSecret: new Uint8Array(32).fill(7),
      roll: { rollId: 'proc-roll-1', N: 1 << 10, r: 8, p: 1 },
    });
    const exited = once(first.child, 'exit');
    const imported = await rpc(first, 'provisioning.importBundle', {
      bundle: Buffer.from(signBundle(bundle, authority)).toString('base64url'),
    });
    expect(imported.value).toMatchObject({ state: 'provisioned', kioskId: 'kiosk-proc-1' });
    const [code] = (await exited) as [number | null];
    expect(code).toBe(EXIT_RESTART);
    expect(existsSync(readyFile)).toBe(false);
    // The boot token went to the ready file only: nothing on stdout.
    expect(first.stdout.join('')).not.toContain(first.token);
    expect(first.stdout.join('')).toBe('');
    expect(first.stderr.join('')).toContain('"event":"compose.restart"');

    mkdirSync(join(dir, 'usb'));
    const second = await serve(['--export-dir', join(dir, 'usb')]);
    expect((await rpc(second, 'provisioning.status')).value).toMatchObject({
      state: 'provisioned',
      kioskId: 'kiosk-proc-1',
      chainId,
    });
    // The logger writes asynchronously: the line may reach the pipe after the ready file.
    await expect
      .poll(() => second.stderr.join(''), { timeout: 10_000 })
      .toMatch(/"event":"compose\.ok".*"chain":"running","voting":"running","exportFolder":true/);
    second.child.kill('SIGTERM');
    const [code2] = (await once(second.child, 'exit')) as [number | null];
    expect(code2).toBe(0);
  }, 120_000);
});
