// The whole kiosk in one run, as `npm run demo` composes it: simulated devices, the local
// devnet, the host with its store, voting service and light node. A voter's card is read, a
// ballot cast over the RPC, the receipt printed (decoded from the printer's ESC/POS bytes),
// and the ballot ends final on the chain behind a verified inclusion proof.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let child: ChildProcess;
let origin = '';
let token = '';

async function rpc(
  method: string,
  body: unknown,
): Promise<{ ok: boolean; value?: unknown; error?: unknown }> {
  const res = await fetch(`${origin}/rpc/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { ok: boolean; value?: unknown; error?: unknown };
}

async function until<T>(
  what: string,
  f: () => Promise<T | undefined>,
  tries = 120,
  everyMs = 250,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
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
      const x = /(http:\/\/127\.0\.0\.1:\d+)\/#token=([\w-]+)/.exec(line);
      if (x) resolve(x);
    });
    child.once('exit', (code) => reject(new Error(`demo exited with ${code}`)));
  });
  origin = m[1] ?? '';
  token = m[2] ?? '';
});

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGINT');
    await once(child, 'exit');
  }
});

describe('a vote through the whole demo kiosk', () => {
  it('card → ballot → code → cast → receipt without choices → final on the chain', async () => {
    const inserted = performance.now();
    expect((await rpc('dock.insertCard', { personId: 'lutsevich-td1' })).ok).toBe(true);
    // Polled tightly: the time to the first answer is the card → list of votes latency.
    const votes = await until(
      'the votes open to the voter',
      async () => {
        const r = await rpc('voting.votes', {});
        return r.ok
          ? (r.value as { votes: { electionId: string; status: string }[] }).votes
          : undefined;
      },
      3000,
      10,
    );
    console.log(
      `card inserted → voting.votes answered: ${(performance.now() - inserted).toFixed(0)} ms`,
    );
    const session = (await rpc('session.get', {})).value;
    expect(session).toMatchObject({ state: 'welcome', eligibility: { status: 'eligible' } });

    // A candidate's record, read from the chain's verified state.
    const profile = (await rpc('voting.profile', {
      electionId: 'e-demo-single-choice',
      optionId: 'ales',
    })) as { ok: boolean; value: { outcome: string; profile?: Record<string, unknown> } };
    expect(profile.value).toMatchObject({
      outcome: 'profile',
      profile: {
        personId: 'ales',
        // The registered display names, in every language (not the kiosk's translation).
        name: { be: 'Алесь Бандарэнка', ru: 'Алесь Бондаренко', en: 'Ales Bandarenka' },
        certificate: { issuer: 'demo-ministry', certificateId: 'mq-ales', valid: true },
      },
    });
    expect((profile.value.profile?.['promises'] as unknown[]).length).toBe(2);
    expect(votes.find((v) => v.electionId === 'e-demo-referendum')?.status).toBe('open');
    // Not a drawn juror: no jury ballot, now or once the jury is drawn (the next test).
    expect(votes.some((v) => v.electionId === 'e-demo-jury')).toBe(false);

    expect((await rpc('voting.open', { electionId: 'e-demo-referendum' })).value).toMatchObject({
      outcome: 'ballot',
    });
    expect((await rpc('voting.review', { picks: { main: { yes: 1 } } })).value).toMatchObject({
      outcome: 'review',
    });
    const sealed = (await rpc('voting.confirm', {})).value as { outcome: string; code: string };
    expect(sealed.outcome).toBe('sealed');
    const cast = (await rpc('voting.cast', {})).value as { outcome: string; code: string };
    expect(cast).toMatchObject({ outcome: 'recorded', code: sealed.code });

    const paper = (await rpc('dock.paper', {})).value as { text: string; qr?: string }[];
    const text = paper.map((l) => `${l.text} ${l.qr ?? ''}`).join('\n');
    expect(text).toContain(sealed.code);
    for (const secret of ['LUTSEVICH', 'Lutsevich', 'KB4207182', '820707', 'IVAN', 'yes']) {
      expect(text).not.toContain(secret);
    }

    // The light node delivers it: final only behind a verified inclusion proof.
    const chain = await until('the ballot to be final', async () => {
      const r = await rpc('dock.chain', {});
      const v = r.value as { queue: Record<string, number>; alarm: string | null };
      return r.ok && v.queue['final'] === 1 ? v : undefined;
    });
    expect(chain.alarm).toBeNull();

    // "Check my receipt" with the printed QR: final, at the height the chain's verified state
    // holds, and the printed code is the stored one.
    const qr = paper.find((l) => l.qr?.startsWith('veche:ballot:v1:'))?.qr ?? '';
    // The state that holds the ballot is proven by the header after its block: until that
    // one is verified the answer is final with height null.
    const checked = await until('the chain state to hold the ballot', async () => {
      const v = (await rpc('voting.checkReceipt', { code: qr })).value as { height: unknown };
      return typeof v.height === 'number' ? v : undefined;
    });
    expect(checked).toMatchObject({
      outcome: 'status',
      electionId: 'e-demo-referendum',
      status: 'final',
      codeMatches: true,
    });
    expect((await rpc('voting.checkReceipt', { code: 'not a receipt' })).value).toEqual({
      outcome: 'refused',
      reason: 'malformed',
    });

    // The same voter cannot vote twice in that election at this kiosk.
    const again = (await rpc('voting.votes', {})).value as {
      votes: { electionId: string; status: string }[];
    };
    expect(again.votes.find((v) => v.electionId === 'e-demo-referendum')?.status).toBe(
      'already-voted',
    );
    expect((await rpc('dock.removeCard', {})).ok).toBe(true);
    expect((await rpc('voting.votes', {})).ok).toBe(false);
    // With nobody at the kiosk the receipt check still answers.
    expect((await rpc('voting.checkReceipt', { code: qr })).value).toMatchObject({
      status: 'final',
    });
  }, 120_000);

  it('the jury ballot, once the chain has drawn the jury, is on the drawn juror’s list alone', async () => {
    const votesOf = async (personId: string) => {
      expect((await rpc('dock.insertCard', { personId })).ok).toBe(true);
      const votes = await until('the votes open to the voter', async () => {
        const r = await rpc('voting.votes', {});
        return r.ok ? (r.value as { votes: { electionId: string }[] }).votes : undefined;
      });
      expect((await rpc('dock.removeCard', {})).ok).toBe(true);
      return votes.map((v) => v.electionId);
    };
    // The demo creates the jury election once the draw and its eligibility tokens are on chain
    // (~10 s after the devnet starts); the kiosk lists it after its next verified refresh.
    const deadline = performance.now() + 45_000;
    while (!(await votesOf('pashkevich-td3')).includes('e-demo-jury')) {
      if (performance.now() > deadline) throw new Error('no jury ballot for the drawn juror');
      await new Promise((r) => setTimeout(r, 1000));
    }
    // Someone on the roll who was not qualified, so not drawn, still does not see it.
    expect(await votesOf('lutsevich-td1')).not.toContain('e-demo-jury');
  }, 60_000);
});
