// The whole demo kiosk as `npm run demo -- --headless --transport mock` composes it (the local
// four-validator devnet with the demo world, the voting service, the host with simulated
// devices and the dev dock RPC), run as a child process like a user would, for the voter-screen
// end-to-end tests. The demo prints its URL with the boot token; that is all the tests need.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface VotingKiosk {
  origin: string;
  token: string;
  appUrl: string;
  /** Wall-clock bounds (ms) around the demo world's creation: its elections' windows open at
   * a whole second in between, which a verifier needs to rebuild an election's context. */
  worldBornMs: { from: number; to: number };
  /** The kiosk's SQLite store file (the one the demo process holds open), for read-only
   * inspection by a test acting as an outside verifier. */
  storeFile(): string;
  /** Calls the host's RPC as the page would, with the boot token. */
  rpc(method: string, body?: unknown): Promise<{ ok: boolean; value?: unknown; error?: unknown }>;
  /** Calls and unwraps an Ok answer; an error answer throws (a test bug or a host bug). */
  ok<T = unknown>(method: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startVotingKiosk(): Promise<VotingKiosk> {
  let from = Date.now();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--headless', '--transport', 'mock'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' },
    },
  );
  const stdout = child.stdout;
  if (stdout === null) throw new Error('no stdout');
  const rl = createInterface({ input: stdout });
  let to = 0;
  const m = await new Promise<RegExpExecArray>((resolve, reject) => {
    rl.on('line', (line) => {
      // Printed before the devnet starts; the world is built right after.
      if (to === 0 && line.startsWith('Starting the local devnet')) {
        from = Date.now() - 1000;
        to = Date.now() + 5000;
      }
      const x = /((http:\/\/127\.0\.0\.1:\d+)\/#token=([\w-]+))/.exec(line);
      if (x) resolve(x);
    });
    child.once('exit', (code) => reject(new Error(`demo exited with ${code}`)));
  });
  const appUrl = m[1] ?? '';
  const origin = m[2] ?? '';
  const token = m[3] ?? '';
  const rpc: VotingKiosk['rpc'] = async (method, body = {}) => {
    const res = await fetch(`${origin}/rpc/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { ok: boolean; value?: unknown; error?: unknown };
  };
  return {
    origin,
    token,
    appUrl,
    worldBornMs: { from, to: to === 0 ? Date.now() : to },
    storeFile() {
      const fds = `/proc/${child.pid}/fd`;
      for (const fd of readdirSync(fds)) {
        const target = (() => {
          try {
            return readlinkSync(`${fds}/${fd}`);
          } catch {
            return ''; // closed in between
          }
        })();
        if (target.endsWith('/kiosk.sqlite')) return target;
      }
      throw new Error('the demo process has no kiosk.sqlite open');
    },
    rpc,
    async ok<T>(method: string, body: unknown = {}): Promise<T> {
      const r = await rpc(method, body);
      if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
      return r.value as T;
    },
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await once(child, 'exit');
      }
    },
  };
}
