// The commands a person or a parent process actually runs, as child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function start(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' },
  });
  children.push(child);
  return child;
}

function firstLineMatching(child: ChildProcess, re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const stdout = child.stdout;
    if (stdout === null) throw new Error('child has no stdout pipe');
    const rl = createInterface({ input: stdout });
    rl.on('line', (line) => {
      const m = re.exec(line);
      if (m) {
        rl.close();
        resolve(m);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${re}`)));
  });
}

async function rpc(origin: string, token: string, method: string, body: unknown) {
  const res = await fetch(`${origin}/rpc/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { ok: boolean; value?: Record<string, unknown> };
}

describe('veche-kiosk CLI', () => {
  it('demo --headless prints the URL, serves the dock, follows its devnet, and stops on SIGINT', async () => {
    const child = start(['demo', '--headless', '--transport', 'mock']);
    const m = await firstLineMatching(child, /(http:\/\/127\.0\.0\.1:\d+)\/#token=([\w-]+)/);
    const [, origin, token] = m as unknown as [string, string, string];
    const hello = await rpc(origin, token, 'system.hello', {});
    expect(hello.ok).toBe(true);
    expect(hello.value?.['devDock']).toBe(true);
    // The demo's local devnet: the kiosk's light node verifies its headers (bounded wait).
    let verified = 0;
    for (let i = 0; i < 60 && verified < 2; i++) {
      const chain = await rpc(origin, token, 'dock.chain', {});
      verified = Number(chain.value?.['verifiedHeight'] ?? 0);
      if (verified < 2) await new Promise((r) => setTimeout(r, 250));
    }
    expect(verified).toBeGreaterThanOrEqual(2);
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('demo stops cleanly on a Ctrl-C sent the moment its URL is printed', async () => {
    const child = start(['demo', '--headless', '--no-chain', '--transport', 'mock']);
    await firstLineMatching(child, /http:\/\/127\.0\.0\.1:\d+\/#token=/);
    child.kill('SIGINT');
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it('serve --simulated announces origin and token as one JSON line, without a dock', async () => {
    const plain = start(['serve', '--simulated', '--transport', 'mock']);
    const line = await firstLineMatching(plain, /^\{.*"veche-host-ready".*\}$/);
    expect(JSON.parse(line[0])).toMatchObject({ type: 'veche-host-ready' });
    plain.kill('SIGTERM');
    await once(plain, 'exit');

    // With a ready file the message goes there only: stdout may end up in the journal.
    const dir = mkdtempSync(join(tmpdir(), 'veche-run-'));
    const readyFile = join(dir, 'ready.json');
    const child = start(['serve', '--simulated', '--transport', 'mock', '--ready-file', readyFile]);
    const stdout: string[] = [];
    child.stdout?.on('data', (d: Buffer) => stdout.push(d.toString()));
    for (let i = 0; i < 300 && !existsSync(readyFile); i++)
      await new Promise((r) => setTimeout(r, 100));
    const msg = JSON.parse(readFileSync(readyFile, 'utf8')) as {
      type: string;
      origin: string;
      token: string;
    };
    expect(msg.type).toBe('veche-host-ready');
    expect(stdout.join('')).not.toContain(msg.token);
    expect(msg.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const hello = await rpc(msg.origin, msg.token, 'system.hello', {});
    expect(hello.value?.['devDock']).toBe(false);
    const dock = await rpc(msg.origin, msg.token, 'dock.insertCard', { personId: 'lutsevich-td1' });
    expect(dock.ok).toBe(false);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(existsSync(readyFile)).toBe(false);
  });

  it('serve that cannot announce itself (ready file unwritable) stops with exit 1, not serving unannounced', async () => {
    const child = start([
      'serve',
      '--simulated',
      '--transport',
      'mock',
      '--ready-file',
      '/nonexistent-veche-dir/ready.json',
    ]);
    const stderr: string[] = [];
    child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr.join('')).toContain('"event":"host.stopped"');
  });

  it('serve explains a missing or malformed device configuration instead of crashing', async () => {
    const none = start(['serve']);
    const errNone: string[] = [];
    none.stderr?.on('data', (d: Buffer) => errNone.push(d.toString()));
    const [codeNone] = (await once(none, 'exit')) as [number | null];
    expect(codeNone).toBe(2);
    expect(errNone.join('')).toMatch(/--devices FILE/);

    const dir = mkdtempSync(join(tmpdir(), 'veche-dev-'));
    const cfg = join(dir, 'devices.json');
    writeFileSync(cfg, JSON.stringify({ cardReader: { kind: 'serial' }, printer: {} }));
    const bad = start(['serve', '--devices', cfg]);
    const errBad: string[] = [];
    bad.stderr?.on('data', (d: Buffer) => errBad.push(d.toString()));
    const [codeBad] = (await once(bad, 'exit')) as [number | null];
    expect(codeBad).toBe(1);
    expect(errBad.join('')).toMatch(/device configuration: .*cardReader\.path/);
  });

  it('rejects an unknown command with usage and exit code 2', async () => {
    const child = start(['frobnicate']);
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
  });
});
