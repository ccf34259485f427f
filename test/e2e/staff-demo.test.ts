// The demo kiosk as `npm run demo` composes it (simulated serial devices, local devnet, light
// node), driven over its RPC: a staff card arrives as raw reader bytes like any card, the poll
// staff pause an election and a voter can no longer open it, resume, the voter votes, the
// staff close the polls, and reconciliation and the signed export show that ballot.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_STAFF,
  demoStaffCardBytes,
  type DemoStaffMember,
} from '../../src/main/staff/demo-staff.js';
import { verifyExport } from '../../src/store/export.js';

let child: ChildProcess;
let origin = '';
let token = '';
let exportDir = '';
const ELECTION = 'e-demo-referendum';

type Reply = { ok: boolean; value?: unknown; error?: { kind: string; message: string } };

async function rpc(method: string, body: unknown = {}): Promise<Reply> {
  const res = await fetch(`${origin}/rpc/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Reply;
}

async function value<T>(method: string, body: unknown = {}): Promise<T> {
  const r = await rpc(method, body);
  if (!r.ok) throw new Error(`${method}: ${r.error?.kind} ${r.error?.message}`);
  return r.value as T;
}

async function until<T>(what: string, f: () => Promise<T | undefined>, tries = 160): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A staff card goes in as raw reader bytes, or through the dock's card list (`dockCard`). */
async function staffIn(m: DemoStaffMember, dockCard?: string): Promise<void> {
  if (dockCard === undefined) {
    await value('dock.injectCardBytes', { hex: demoStaffCardBytes(m).toString('hex') });
  } else {
    await value('dock.insertCard', { personId: dockCard });
  }
  await until('the PIN pad', async () => {
    const v = await value<{ state: string }>('staff.get');
    return v.state === 'awaiting-pin' ? v : undefined;
  });
  expect((await value<{ state: string }>('session.get')).state).toBe('attract');
  expect((await value<{ state: string }>('staff.submitPin', { pin: m.pin })).state).toBe(
    'signed-in',
  );
}

async function staffOut(dockCard = false): Promise<void> {
  if (dockCard) await value('dock.removeCard');
  else await value('dock.injectCardBytes', { hex: Buffer.from('@CARD_OUT\r\n').toString('hex') });
  await until('the sign-out', async () => {
    const v = await value<{ state: string }>('staff.get');
    return v.state === 'signed-out' ? v : undefined;
  });
}

async function voterIn(): Promise<string[]> {
  await value('dock.insertCard', { personId: 'lutsevich-td1' });
  const votes = await until('the votes open to the voter', async () => {
    const r = await rpc('voting.votes');
    return r.ok ? (r.value as { votes: { electionId: string }[] }).votes : undefined;
  });
  return votes.map((v) => v.electionId);
}

beforeAll(async () => {
  child = spawn(
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
  const m = await new Promise<RegExpExecArray>((resolve, reject) => {
    rl.on('line', (line) => {
      const dir = /Staff exports go to (\S+)/.exec(line);
      if (dir) exportDir = dir[1] ?? '';
      const x = /(http:\/\/127\.0\.0\.1:\d+)\/#token=([\w-]+)/.exec(line);
      if (x) resolve(x);
    });
    child.once('exit', (code) => reject(new Error(`demo exited with ${code}`)));
  });
  origin = m[1] ?? '';
  token = m[2] ?? '';
}, 120_000);

afterAll(async () => {
  if (child !== undefined && child.exitCode === null) {
    child.kill('SIGINT');
    await once(child, 'exit');
  }
});

describe('staff on the demo kiosk', () => {
  it('pausing the polls stops voting; resuming lets the voter vote; closing reports it', async () => {
    await staffIn(DEMO_STAFF.poll);
    const polls = await value<{ electionId: string; state: string }[]>('polls.list');
    expect(polls.find((p) => p.electionId === ELECTION)?.state).toBe('open');
    expect((await value<{ state: string }>('polls.pause', { electionId: ELECTION })).state).toBe(
      'paused',
    );
    await staffOut();

    expect(await voterIn()).not.toContain(ELECTION);
    expect(await value('voting.open', { electionId: ELECTION })).toEqual({
      outcome: 'refused',
      reason: 'polls-closed',
      electionId: ELECTION,
    });
    await value('dock.removeCard');

    // The dock offers the demo's staff cards next to the sample voters.
    const dockCards = await value<{ id: string; label: string }[]>('dock.people');
    expect(dockCards.find((p) => p.id === 'staff-poll')?.label).toContain(DEMO_STAFF.poll.pin);
    await staffIn(DEMO_STAFF.poll, 'staff-poll');
    expect((await value<{ state: string }>('polls.resume', { electionId: ELECTION })).state).toBe(
      'open',
    );
    await staffOut(true);

    expect(await voterIn()).toContain(ELECTION);
    await value('voting.open', { electionId: ELECTION });
    await value('voting.review', { picks: { main: { yes: 1 } } });
    await value('voting.confirm');
    expect(await value('voting.cast')).toMatchObject({ outcome: 'recorded' });
    await value('dock.removeCard');
    await until('the ballot to be final', async () => {
      const v = await value<{ queue: Record<string, number> }>('dock.chain');
      return v.queue['final'] === 1 ? v : undefined;
    });

    await staffIn(DEMO_STAFF.poll);
    const closed = await value<{
      state: string;
      printed: boolean;
      summary: { counts: { cast: { total: number } } };
    }>('polls.close', { electionId: ELECTION });
    expect(closed.state).toBe('closed');
    expect(closed.printed).toBe(true);
    expect(closed.summary.counts.cast.total).toBe(1);
    const paper = await value<{ text: string }[]>('dock.paper');
    expect(paper.map((l) => l.text).join('\n')).toContain('POLLS CLOSED');

    const report = await value<{
      lines: { ballotKind: string; local: number; onChain: number; final: number }[];
      balanced: boolean;
    }>('reconcile.report', { electionId: ELECTION });
    expect(report.lines[0]).toEqual({ ballotKind: 'cast', local: 1, onChain: 1, final: 1 });
    expect(report.balanced).toBe(true);
    const files = (
      await value<{ files: string[] }>('reports.exportToFolder', { electionId: ELECTION })
    ).files;
    expect(files).toHaveLength(2);
    for (const f of files)
      expect(verifyExport(readFileSync(join(exportDir, f), 'utf8')).ok).toBe(true);
    expect((await value<{ state: string }>('staff.signOut')).state).toBe('signed-out');
  }, 120_000);

  it('leaves nothing behind in the temporary folder when it stops', async () => {
    // exportDir is <demo folder>/staff/export: the demo's store, staff state and exports.
    const demoDir = dirname(dirname(exportDir));
    expect(existsSync(join(demoDir, 'chain'))).toBe(true);
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(existsSync(demoDir)).toBe(false);
  }, 30_000);
});
