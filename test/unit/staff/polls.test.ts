import { afterEach, describe, expect, it } from 'vitest';
import {
  canVote,
  createPollsService,
  nextPollsState,
  type PollsCommand,
  type PollsService,
  type PollsState,
} from '../../../src/main/staff/polls.js';
import { createReportsService } from '../../../src/main/staff/reports.js';
import { EVENTS } from '../../../src/shared/events.js';
import { verifyExport } from '../../../src/store/index.js';
import { STAFF_RPC } from '../../../src/main/staff/rpc-schema.js';
import { BallotFactory } from '../store/fixtures.js';
import { STAFF, UNIT } from './authority.js';
import { makeKiosk, read, removed, tempDir, type TestKiosk } from './fixtures.js';

const E = 'e-2026-council';
const kiosks: TestKiosk[] = [];
afterEach(() => {
  for (const k of kiosks.splice(0)) k.close();
});

async function setup(): Promise<{ k: TestKiosk; polls: PollsService }> {
  const k = await makeKiosk({ dir: tempDir().dir, provision: true });
  kiosks.push(k);
  const polls = createPollsService({
    store: k.store,
    kioskId: UNIT.kioskId,
    clock: k.clock,
    authorize: (a) => k.staff.authorize(a),
  });
  return { k, polls };
}

async function signIn(k: TestKiosk, who: typeof STAFF.poll | typeof STAFF.tech) {
  await k.staff.handleCard(read(who.card));
  const r = await k.staff.submitPin(who.pin);
  if (!r.ok) throw new Error(r.error.kind);
}

const STATES: PollsState[] = ['not-opened', 'open', 'paused', 'closed'];
const COMMANDS: PollsCommand[] = ['open', 'resume', 'pause', 'close'];

describe('polls transitions', () => {
  it('not-opened → open ⇄ paused → closed, and closed is for good', () => {
    expect(nextPollsState('not-opened', 'open')).toBe('open');
    expect(nextPollsState('open', 'pause')).toBe('paused');
    expect(nextPollsState('paused', 'resume')).toBe('open');
    expect(nextPollsState('paused', 'close')).toBe('closed');
    expect(nextPollsState('open', 'close')).toBe('closed');
    for (const c of COMMANDS) expect(nextPollsState('closed', c)).toBeUndefined();
    expect(nextPollsState('open', 'open')).toBeUndefined();
    expect(nextPollsState('paused', 'open')).toBeUndefined(); // reopening is 'resume'
    expect(nextPollsState('not-opened', 'resume')).toBeUndefined();
    expect(STATES.filter(canVote)).toEqual(['open']);
  });

  it('agrees with the store on every state and command', async () => {
    const { k, polls } = await setup();
    await signIn(k, STAFF.poll);
    // Drive a fresh election into each state, then try every command on it.
    const reach: Record<PollsState, PollsCommand[]> = {
      'not-opened': [],
      open: ['open'],
      paused: ['open', 'pause'],
      closed: ['close'],
    };
    let n = 0;
    for (const s of STATES) {
      for (const c of COMMANDS) {
        const id = `e-${n++}`;
        for (const step of reach[s]) expect(polls.command(id, step).ok).toBe(true);
        expect(polls.state(id)).toBe(s);
        const r = polls.command(id, c);
        const expected = nextPollsState(s, c);
        expect(r.ok ? polls.state(id) : undefined, `${s} + ${c}`).toBe(expected);
        if (!r.ok) expect(r.error).toEqual({ kind: 'not-allowed', current: s });
      }
    }
  });
});

describe('polls service', () => {
  it('opening prints a zero report; voting only while open; persisted', async () => {
    const { k, polls } = await setup();
    expect(polls.command(E, 'open')).toEqual({ ok: false, error: { kind: 'not-signed-in' } });
    await signIn(k, STAFF.tech);
    expect(polls.command(E, 'open')).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    await k.staff.handleCard(removed);
    await signIn(k, STAFF.poll);
    expect(polls.canVote(E)).toBe(false);
    const opened = polls.command(E, 'open');
    if (!opened.ok || opened.value.state !== 'open' || opened.value.zeroReport === undefined) {
      throw new Error('no zero report');
    }
    const z = opened.value.zeroReport;
    expect(z).toMatchObject({
      kind: 'zero-report',
      kioskId: UNIT.kioskId,
      electionId: E,
      staffId: STAFF.poll.staffId,
      queueEmpty: true,
    });
    expect(z.counts.cast.total + z.counts.challenged.total).toBe(0);
    expect(Object.values(z.counts.cast.byState).every((n) => n === 0)).toBe(true);
    expect(z.auditHead.seq).toBe(k.store.audit.head().seq);
    // What the host returns over RPC fits the proposed response schema.
    expect(STAFF_RPC['polls.open'].response.safeParse(opened.value).success).toBe(true);
    expect(polls.canVote(E)).toBe(true);
    expect(polls.command(E, 'pause').ok).toBe(true);
    expect(polls.canVote(E)).toBe(false);
    const again = await k.restart();
    kiosks.push(again);
    expect(again.store.polls.state(E)).toBe('paused');
  });

  it('refuses to open an election the kiosk already holds ballots for', async () => {
    const { k, polls } = await setup();
    await signIn(k, STAFF.poll);
    expect(k.store.outbox.enqueue(new BallotFactory().next({ electionId: E })).ok).toBe(true);
    expect(polls.command(E, 'open')).toEqual({
      ok: false,
      error: { kind: 'not-zero', cast: 1, challenged: 0 },
    });
  });

  it('closing returns the summary from reconciliation; closed never reopens', async () => {
    const { k, polls } = await setup();
    await signIn(k, STAFF.poll);
    expect(polls.command(E, 'open').ok).toBe(true);
    const f = new BallotFactory();
    const a = f.next({ electionId: E });
    const b = f.next({ electionId: E, kind: 'challenged' });
    const c = f.next({ electionId: E });
    for (const x of [a, b, c]) expect(k.store.outbox.enqueue(x).ok).toBe(true);
    expect(k.store.outbox.transition(a.ballotId, { to: 'final', height: 9 }).ok).toBe(true);
    const closed = polls.command(E, 'close');
    if (!closed.ok || closed.value.state !== 'closed') throw new Error('not closed');
    const s = closed.value.summary;
    expect(s.counts.cast.total).toBe(2);
    expect(s.counts.cast.byState.final).toBe(1);
    expect(s.counts.challenged.total).toBe(1);
    expect(s.undelivered).toBe(2);
    expect(s.queueEmpty).toBe(false);
    expect(s.chainHead?.kioskSeq).toBe(2);
    expect(STAFF_RPC['polls.close'].response.safeParse(closed.value).success).toBe(true);
    for (const cmd of COMMANDS) {
      expect(polls.command(E, cmd)).toEqual({
        ok: false,
        error: { kind: 'not-allowed', current: 'closed' },
      });
    }
    const events = k.store.audit
      .entries(0, 1000)
      .filter((e) => e.event.startsWith('polls.'))
      .map((e) => [e.event, e.detail]);
    expect(events).toEqual([
      [EVENTS.pollsOpen, { staffId: STAFF.poll.staffId, electionId: E }],
      [EVENTS.pollsClose, { staffId: STAFF.poll.staffId, electionId: E }],
    ]);
  });
});

describe('reports', () => {
  it('reconciliation and signed export are staff actions, audited', async () => {
    const { k } = await setup();
    const keys = k.provisioning.keys();
    if (keys === null) throw new Error('no keys');
    const reports = createReportsService({
      store: k.store,
      signer: keys.signer,
      authorize: (a) => k.staff.authorize(a),
    });
    expect(reports.reconcile(E)).toEqual({ ok: false, error: { kind: 'not-signed-in' } });
    await signIn(k, STAFF.poll);
    const counts = reports.reconcile(E);
    expect(counts.ok && counts.value.electionId).toBe(E);
    const x = reports.exportReconciliation(E, 'json');
    if (!x.ok) throw new Error('export');
    expect(verifyExport(x.value, keys.signingKey).ok).toBe(true);
    const tail = k.store.audit.entries(0, 1000).slice(-2);
    expect(tail.map((e) => [e.event, e.detail])).toEqual([
      [EVENTS.reconcileRun, { staffId: STAFF.poll.staffId, electionId: E }],
      [
        EVENTS.exportWritten,
        { staffId: STAFF.poll.staffId, electionId: E, format: 'json', rows: 0 },
      ],
    ]);
  });
});
