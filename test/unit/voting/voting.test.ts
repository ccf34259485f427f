// The voter's session end to end against a real store: eligibility, every demo ballot kind,
// over-votes, challenge, paper out, full disk, a pulled card and closed polls.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  decodeEnvelope,
  decodeSignedEnvelope,
  openChallenged,
  parseReveal,
  verifyEnvelope,
} from '../../../src/ballot/index.js';
import { decodeCanonical } from '../../../src/protocol/encoding.js';
import { deriveIdentityKey } from '../../../src/ballot/index.js';
import { deriveIdentityKeyAsync, documentIdentity } from '../../../src/main/voting/eligibility.js';
import { receiptTime } from '../../../src/main/voting/receipt.js';
import { SPENT_LOOKUP_MS } from '../../../src/main/voting/service.js';
import { EVENTS } from '../../../src/shared/events.js';
import { memoryLogger } from '../../../src/shared/log.js';
import { BallotFactory } from '../store/fixtures.js';
import {
  CITIZEN,
  harness,
  JUROR,
  nullifierFor,
  picksFor,
  STRANGER,
  type Harness,
} from './fixtures.js';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.cleanup());

const electionOf = (kind: string) => {
  const e = h.world.elections.find((x) => x.kind === kind);
  if (!e) throw new Error(kind);
  return e;
};

/** Opens, reviews and confirms; returns the code shown. */
function confirmVote(kind: string, picks = picksFor(kind)): { code: string; sealMs: number } {
  const e = electionOf(kind);
  expect(h.service.open(e.electionId)).toMatchObject({ ok: true });
  expect(h.service.review(picks)).toMatchObject({ ok: true });
  const c = h.service.confirm();
  if (!c.ok) throw new Error(JSON.stringify(c.error));
  return c.value;
}

function must<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('missing');
  return v;
}

function signedOf(bytes: Uint8Array) {
  const s = decodeSignedEnvelope(bytes);
  if (!s.ok) throw new Error('stored bytes are not a signed envelope');
  return s.value;
}

function storedCast(electionId: string) {
  return h.store.reconciliation.list(electionId, { kind: 'cast' }, { limit: 10 });
}

describe('eligibility', () => {
  it('refuses a document not on the roll, with nothing kept', async () => {
    expect(await h.service.begin(STRANGER, 'en')).toEqual({
      ok: false,
      error: { kind: 'not-on-roll' },
    });
    expect(h.service.view()).toEqual({ state: 'no-voter' });
    expect(h.service.votes()).toEqual({ ok: false, error: { kind: 'no-voter' } });
  });

  it('shows jury ballots to drawn jurors only', async () => {
    const juror = await h.service.begin(JUROR, 'en');
    expect(juror.ok && juror.value.votes.map((v) => v.kind).sort()).toEqual(
      h.world.elections.map((e) => e.kind).sort(),
    );
    const citizen = await h.service.begin(CITIZEN, 'en');
    expect(citizen.ok && citizen.value.votes.map((v) => v.kind)).not.toContain('jury');
    expect(citizen.ok && citizen.value.votes).toHaveLength(h.world.elections.length - 1);
    expect(h.service.open(electionOf('jury').electionId)).toEqual({
      ok: false,
      error: { kind: 'not-available', electionId: electionOf('jury').electionId },
    });
  });

  it('already voted at another kiosk (the chain holds the nullifier)', async () => {
    h.cleanup();
    const e = electionOf('approval');
    h = harness({ spent: { [e.electionId]: [nullifierFor(CITIZEN, e.electionId)] } });
    const r = await h.service.begin(CITIZEN, 'en');
    const statuses = r.ok ? r.value.votes.map((v) => [v.kind, v.status]) : [];
    expect(statuses.filter(([, s]) => s === 'already-voted')).toEqual([
      ['approval', 'already-voted'],
    ]);
    expect(h.service.open(e.electionId)).toEqual({
      ok: false,
      error: { kind: 'already-voted', electionId: e.electionId },
    });
    // Another voter's nullifier differs: not affected.
    const j = await h.service.begin(JUROR, 'en');
    expect(j.ok && j.value.votes.every((v) => v.status === 'open')).toBe(true);
  });

  it('a chain that cannot answer the nullifier lookup in time: the session starts anyway', async () => {
    h.cleanup();
    let asked = 0;
    const log = memoryLogger();
    h = harness({
      logger: log,
      spentNullifiers: () => {
        asked++;
        return new Promise(() => undefined);
      },
    });
    const pending = h.service.begin(CITIZEN, 'en');
    let done = false;
    void pending.then(() => (done = true));
    // scrypt runs on the thread pool; then the lookup waits on the (manual) clock.
    for (let i = 0; i < 500 && !done; i++) {
      await new Promise((r) => setTimeout(r, 10));
      if (asked > 0) h.clock.advance(SPENT_LOOKUP_MS);
    }
    const r = await pending;
    expect(asked).toBe(1);
    expect(r.ok && r.value.votes.every((v) => v.status === 'open')).toBe(true);
    // Staff can see it happened; the line holds counts only.
    const unknown = log.lines.filter((l) => l['event'] === EVENTS.votingSpentUnknown);
    expect(unknown).toEqual([expect.objectContaining({ reason: 'late' })]);
    expect(Object.keys(unknown[0] ?? {}).sort()).toEqual(
      expect.arrayContaining(['elections', 'event', 'reason']),
    );
    // A chain that says it cannot answer now: the same.
    h.cleanup();
    h = harness({ spentNullifiers: () => Promise.resolve(null) });
    const n = await h.service.begin(CITIZEN, 'en');
    expect(n.ok && n.value.votes.every((v) => v.status === 'open')).toBe(true);
  });

  it('nothing to vote on once every window has closed: refused, no session kept', async () => {
    h.clock.advance(15 * 24 * 3600 * 1000);
    expect(await h.service.begin(JUROR, 'en')).toEqual({
      ok: false,
      error: { kind: 'nothing-to-vote' },
    });
    expect(h.service.view()).toEqual({ state: 'no-voter' });
  });

  it('refuses an expired document on the host clock, before any scrypt', async () => {
    // Valid through its expiry day (UTC), refused the day after.
    h.clock.advance(Date.parse('2031-05-01T23:59:59Z') - h.clock.now());
    const last = await h.service.begin({ ...JUROR }, 'en');
    // The demo windows are long closed by then: eligible by document, nothing open.
    expect(last).toEqual({ ok: false, error: { kind: 'nothing-to-vote' } });
    h.clock.advance(Date.parse('2031-05-02T00:00:00Z') - h.clock.now());
    expect(await h.service.begin(JUROR, 'en')).toEqual({
      ok: false,
      error: { kind: 'document-expired' },
    });
    expect(h.service.view()).toEqual({ state: 'no-voter' });
  });

  it('an expired document is refused even when the elections are open', async () => {
    const r = await h.service.begin({ ...JUROR, expiryDate: '2026-10-31' }, 'en');
    expect(r).toEqual({ ok: false, error: { kind: 'document-expired' } });
    const today = new Date(h.clock.now()).toISOString().slice(0, 10);
    expect((await h.service.begin({ ...JUROR, expiryDate: today }, 'en')).ok).toBe(true);
  });

  it('a card pulled while scrypt runs leaves no session behind', async () => {
    const pending = h.service.begin(JUROR, 'en');
    h.service.end();
    expect(await pending).toEqual({ ok: false, error: { kind: 'superseded' } });
    expect(h.service.view()).toEqual({ state: 'no-voter' });
    // A second card inserted before the first check ended wins; the first is void.
    const first = h.service.begin(JUROR, 'en');
    const second = h.service.begin(CITIZEN, 'en');
    expect(await first).toEqual({ ok: false, error: { kind: 'superseded' } });
    const s = await second;
    expect(s.ok && s.value.votes.map((v) => v.kind)).not.toContain('jury');
    expect(h.service.view()).toEqual({ state: 'choosing' });
  });

  it('runs the roll scrypt off the event loop, with the same key as the sync derivation', async () => {
    const params = { rollId: 'cost-check', N: 1 << 14, r: 8, p: 1 };
    const id = documentIdentity(JUROR);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const key = await deriveIdentityKeyAsync(params, id);
    clearInterval(timer);
    expect(Buffer.from(key).toString('hex')).toBe(
      Buffer.from(deriveIdentityKey(params, id)).toString('hex'),
    );
    // The loop kept turning while the thread pool ran scrypt (a sync call would give 0).
    expect(ticks).toBeGreaterThan(0);
  });
});

describe('voting', () => {
  it('casts every demo ballot kind into the store; each envelope verifies; then already-voted', async () => {
    expect((await h.service.begin(JUROR, 'be')).ok).toBe(true);
    h.service.prefill();
    for (const e of h.world.elections) {
      const { code } = confirmVote(e.kind);
      expect(h.service.view()).toMatchObject({ state: 'sealed', code });
      const cast = await h.service.cast();
      expect(cast).toEqual({ ok: true, value: { recorded: true, code, print: { printed: true } } });
      const rows = storedCast(e.electionId);
      expect(rows).toHaveLength(1);
      const stored = must(h.store.outbox.envelope(must(rows[0]).ballotId));
      const v = verifyEnvelope(e.ctx, signedOf(stored), h.world.kiosk.signer.publicKey);
      expect(v.ok).toBe(true);
      expect(v.ok && v.value.envelope.kioskId).toBe('kiosk-demo-1');
      expect(h.service.view()).toEqual({ state: 'choosing' });
    }
    expect(h.store.chain.verify()).toMatchObject({ ok: true, links: h.world.elections.length });
    expect(h.printer.printed).toHaveLength(h.world.elections.length);
    // The receipt: title in the voter's language, kiosk, code, hour, QR of ballot id and code.
    const first = must(h.printer.printed[0]);
    const e0 = must(h.world.elections[0]);
    const row = must(storedCast(e0.electionId)[0]);
    const env = decodeEnvelope(signedOf(must(h.store.outbox.envelope(row.ballotId))).bytes);
    expect(env.ok).toBe(true);
    const text = first.lines
      .map((l) => (l.kind === 'text' ? l.text : l.kind === 'qr' ? l.payload : ''))
      .join('\n');
    expect(text).toContain(e0.election.title.be);
    expect(text).toContain('kiosk-demo-1');
    expect(text).toContain(Buffer.from(row.ballotId).toString('hex'));
    expect(text).toContain(env.ok ? receiptTime(env.value.time) : 'no time');
    expect(env.ok && env.value.time % 3600).toBe(0);

    // Same voter again (another session): every vote is already voted, so nothing to do.
    expect(await h.service.begin(JUROR, 'en')).toEqual({
      ok: false,
      error: { kind: 'nothing-to-vote' },
    });
    expect(h.service.open(e0.electionId)).toEqual({ ok: false, error: { kind: 'no-voter' } });
    // Another voter is not affected.
    const other = await h.service.begin(CITIZEN, 'en');
    expect(other.ok && other.value.votes.every((v) => v.status === 'open')).toBe(true);
  });

  it('refuses an over-vote, an under-vote and an out-of-range rating with typed errors', async () => {
    await h.service.begin(JUROR, 'en');
    h.service.open(electionOf('k-of-n').electionId);
    expect(h.service.review({ main: { o1: 1, o2: 1, o3: 1 } })).toEqual({
      ok: false,
      error: { kind: 'too-many', contestId: 'main', limit: { rule: 'at-most', k: 2 }, marked: 3 },
    });
    expect(h.service.confirm()).toMatchObject({ ok: false, error: { kind: 'wrong-state' } });
    h.service.open(electionOf('single-choice').electionId);
    expect(h.service.review({})).toMatchObject({
      ok: false,
      error: { kind: 'too-few', marked: 0 },
    });
    expect(h.service.review({ main: { ales: 1, bazhena: 1 } })).toMatchObject({
      ok: false,
      error: { kind: 'too-many', marked: 2 },
    });
    expect(h.service.review({ main: { nobody: 1 } })).toMatchObject({
      ok: false,
      error: { kind: 'unknown-option', optionId: 'nobody' },
    });
    h.service.open(electionOf('rating').electionId);
    expect(h.service.review({ main: { score: 6 } })).toMatchObject({
      ok: false,
      error: { kind: 'value-out-of-range', max: 5 },
    });
    expect(h.service.review({ main: { score: 0 } })).toMatchObject({ ok: true });
    expect(h.store.reconciliation.elections()).toEqual([]);
  });

  it('challenge, then cast with fresh nonces: the challenged ballot opens to what was marked', async () => {
    await h.service.begin(JUROR, 'en');
    const e = electionOf('k-of-n');
    const first = confirmVote('k-of-n');
    const ch = await h.service.challenge();
    expect(ch).toEqual({
      ok: true,
      value: { challenged: true, code: first.code, print: { printed: true } },
    });
    // Back at marking the same election, with nothing cast.
    expect(h.service.view()).toEqual({ state: 'marking', electionId: e.electionId });
    const challenged = h.store.reconciliation.list(
      e.electionId,
      { kind: 'challenged' },
      { limit: 5 },
    );
    expect(challenged).toHaveLength(1);
    const stored = decodeCanonical(must(h.store.outbox.envelope(must(challenged[0]).ballotId)));
    if (!stored.ok) throw new Error('challenged row is not canonical CBOR');
    const rec = stored.value as Record<string, Uint8Array>;
    const v = verifyEnvelope(
      e.ctx,
      { bytes: must(rec['envelope']), signature: must(rec['signature']) },
      h.world.kiosk.signer.publicKey,
    );
    if (!v.ok) throw new Error('challenged envelope does not verify');
    const reveal = parseReveal(must(rec['reveal']));
    if (!reveal.ok) throw new Error('bad reveal');
    expect(openChallenged(e.ctx, v.value, reveal.value)).toEqual({
      ok: true,
      value: [[0, 1, 0, 1]],
    });
    // The printout carries the same reveal.
    const qr = must(h.printer.printed[0]).lines.find((l) => l.kind === 'qr');
    expect(qr && qr.kind === 'qr' && qr.payload.startsWith('veche:reveal:v1:')).toBe(true);

    h.service.review(picksFor('k-of-n'));
    const second = h.service.confirm();
    expect(second.ok && second.value.code).not.toBe(first.code);
    expect(await h.service.cast()).toMatchObject({ ok: true, value: { recorded: true } });
    const counts = h.store.reconciliation.counts(e.electionId);
    expect([counts.cast.total, counts.challenged.total]).toEqual([1, 1]);
    const castRow = must(storedCast(e.electionId)[0]);
    const castBytes = decodeEnvelope(
      signedOf(must(h.store.outbox.envelope(castRow.ballotId))).bytes,
    );
    const chBytes = decodeEnvelope(must(rec['envelope']));
    // Fresh nonces: no ciphertext of the cast ballot repeats the challenged one's.
    expect(castBytes.ok && chBytes.ok).toBe(true);
    if (castBytes.ok && chBytes.ok) {
      const alphas = (x: typeof chBytes.value) =>
        x.ciphertexts.flat().map((c) => Buffer.from(c.alpha).toString('hex'));
      expect(alphas(castBytes.value).filter((a) => alphas(chBytes.value).includes(a))).toEqual([]);
      expect(castBytes.value.kioskSeq).toBe(chBytes.value.kioskSeq + 1);
    }
    expect(h.store.chain.verify()).toMatchObject({ ok: true, links: 2 });
  });

  it('paper out during the receipt: recorded once, reprint prints the identical receipt', async () => {
    await h.service.begin(JUROR, 'ru');
    const e = electionOf('referendum');
    const { code } = confirmVote('referendum');
    h.printer.failNext = 2;
    expect(await h.service.cast()).toEqual({
      ok: true,
      value: { recorded: true, code, print: { printed: false, problem: 'paper-out' } },
    });
    expect(h.service.view()).toEqual({
      state: 'receipt',
      electionId: e.electionId,
      kind: 'cast',
      code,
      printed: false,
    });
    expect(await h.service.reprint()).toEqual({
      ok: true,
      value: { printed: false, problem: 'paper-out' },
    });
    expect(await h.service.reprint()).toEqual({ ok: true, value: { printed: true } });
    expect(h.printer.printed).toHaveLength(1);
    expect(h.printer.attempts).toHaveLength(3);
    expect(h.printer.attempts[0]).toEqual(h.printer.printed[0]);
    expect(h.printer.attempts[1]).toEqual(h.printer.printed[0]);
    expect(h.service.view()).toEqual({ state: 'choosing' });
    expect(await h.service.reprint()).toMatchObject({ ok: false, error: { kind: 'wrong-state' } });
    expect(h.store.reconciliation.counts(e.electionId).cast.total).toBe(1);
    expect(h.store.chain.verify()).toMatchObject({ ok: true, links: 1 });
  });

  it('full disk: the voter is told nothing was recorded; nothing half-stored; retry works', async () => {
    await h.service.begin(JUROR, 'en');
    const e = electionOf('approval');
    // Fill the "disk" with other (synthetic, 1000-byte) ballots until the store refuses one:
    // no room is left for this ~1.3 KB envelope either.
    h.store.db.pragma(
      `max_page_count = ${(h.store.db.pragma('page_count', { simple: true }) as number) + 8}`,
    );
    const f = BallotFactory.after(h.store.chain.head());
    let filled = 0;
    for (;;) {
      const r = h.store.outbox.enqueue({ ...f.next({ size: 1000 }), electionId: 'e-filler' });
      if (!r.ok) break;
      filled++;
    }
    expect(filled).toBeGreaterThan(0);
    const { code } = confirmVote('approval');
    expect(await h.service.cast()).toEqual({
      ok: false,
      error: { kind: 'not-recorded', reason: 'storage-full' },
    });
    expect(h.printer.attempts).toEqual([]);
    expect(h.service.view()).toEqual({ state: 'sealed', electionId: e.electionId, code });
    expect(h.store.reconciliation.counts(e.electionId).cast.total).toBe(0);
    expect(h.store.integrityCheck()).toEqual({ ok: true });
    h.store.db.pragma('max_page_count = 100000');
    expect(h.service.view()).toMatchObject({ state: 'sealed', code });
    expect(await h.service.cast()).toMatchObject({ ok: true, value: { recorded: true, code } });
    expect(h.store.reconciliation.counts(e.electionId).cast.total).toBe(1);
  });

  it('card pulled after confirm: nothing stored, nothing printed, session forgotten', async () => {
    await h.service.begin(JUROR, 'en');
    const e = electionOf('single-choice');
    confirmVote('single-choice');
    h.service.end();
    expect(h.service.view()).toEqual({ state: 'no-voter' });
    expect(await h.service.cast()).toEqual({ ok: false, error: { kind: 'no-voter' } });
    expect(h.store.reconciliation.counts(e.electionId).cast.total).toBe(0);
    expect(h.store.outbox.pending(10)).toEqual([]);
    expect(h.printer.attempts).toEqual([]);
    // The voter may come back and vote: the abandoned ballot did not count.
    const again = await h.service.begin(JUROR, 'en');
    expect(again.ok && again.value.votes.find((v) => v.electionId === e.electionId)?.status).toBe(
      'open',
    );
  });

  it('card pulled while the receipt prints: the ballot stays recorded, the late answer is ignored', async () => {
    await h.service.begin(JUROR, 'en');
    confirmVote('confidence');
    const pending = h.service.cast();
    h.service.end();
    expect(await pending).toMatchObject({ ok: true, value: { recorded: true } });
    expect(h.service.view()).toEqual({ state: 'no-voter' });
    expect(h.store.reconciliation.counts(electionOf('confidence').electionId).cast.total).toBe(1);
  });

  it('polls closed: not listed, refused on open, and refused between confirm and cast', async () => {
    const e = electionOf('recall');
    h.polls.set(e.electionId, false);
    const r = await h.service.begin(JUROR, 'en');
    expect(r.ok && r.value.votes.map((v) => v.electionId)).not.toContain(e.electionId);
    expect(h.service.open(e.electionId)).toEqual({
      ok: false,
      error: { kind: 'polls-closed', electionId: e.electionId },
    });
    h.polls.set(e.electionId, true);
    confirmVote('recall');
    h.polls.set(e.electionId, false);
    expect(await h.service.cast()).toEqual({
      ok: false,
      error: { kind: 'polls-closed', electionId: e.electionId },
    });
    expect(h.store.reconciliation.counts(e.electionId).cast.total).toBe(0);
  });

  it('confirm → code with a warm pool (measured)', async () => {
    await h.service.begin(JUROR, 'en');
    // Cold: the pool is empty, so confirm prepares the ballot on the spot (for comparison).
    const cold = confirmVote('k-of-n').sealMs;
    h.service.end();
    await h.service.begin(JUROR, 'en');
    h.service.prefill();
    const times: number[] = [];
    for (const kind of ['single-choice', 'approval', 'jury']) {
      times.push(confirmVote(kind).sealMs);
      h.service.end();
      await h.service.begin(JUROR, 'en');
      h.service.prefill();
    }
    // Reported by the test run; the bound only catches a pool that is not used at all.
    console.info(
      `confirm→code ms: warm ${times.map((t) => t.toFixed(1)).join(', ')}; cold ${cold.toFixed(1)}`,
    );
    expect(Math.max(...times)).toBeLessThan(250);
  });
});
