// voting.checkReceipt: the receipt's QR or bare ballot id → the store's delivery state and,
// once included, what the chain holds; malformed input is refused; nothing needs a voter.
import { afterEach, describe, expect, it } from 'vitest';
import type { StaticChainData } from '../../../src/main/voting/chain-view.js';
import { votingHandlers } from '../../../src/main/voting/handlers.js';
import { ReceiptCodeSchema } from '../../../src/main/voting/receipt-check.js';
import { VOTING_RPC } from '../../../src/main/voting/rpc-schema.js';
import { harness, JUROR, picksFor, type Harness } from './fixtures.js';

let h: Harness;
afterEach(() => h.cleanup());

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const OTHER_BALLOT = new Uint8Array(32).fill(0xab);

async function check(code: string) {
  const r = await votingHandlers(h.service)['voting.checkReceipt'](
    VOTING_RPC['voting.checkReceipt'].request.parse({ code }),
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return VOTING_RPC['voting.checkReceipt'].response.parse(r.value);
}

/** Casts one approval ballot and returns the QR payload its receipt carries. */
async function castOne(kind: 'cast' | 'challenge' = 'cast', ballot = 'approval'): Promise<string> {
  const e = h.world.elections.find((x) => x.kind === ballot);
  if (!e) throw new Error(`no ${ballot} election`);
  await h.service.begin(JUROR, 'en');
  h.service.open(e.electionId);
  h.service.review(picksFor(ballot));
  h.service.confirm();
  if (kind === 'cast') await h.service.cast();
  else await h.service.challenge();
  const job = h.printer.printed.at(-1);
  const text = job?.lines.map((l) => (l.kind === 'qr' ? l.payload : '')).join('');
  h.service.end();
  if (kind === 'challenge') {
    const row = h.store.reconciliation.list(e.electionId, { kind: 'challenged' }, { limit: 1 })[0];
    if (!row) throw new Error('no challenged row');
    return hex(row.ballotId);
  }
  if (!text?.startsWith('veche:ballot:v1:')) throw new Error('no receipt QR');
  return text;
}

describe('voting.checkReceipt', () => {
  it('refuses malformed codes', async () => {
    h = harness();
    for (const code of [
      '',
      'hello',
      'veche:ballot:v1:e-demo-approval:zz:00',
      `veche:ballot:v2:e-x:${'0'.repeat(64)}:${'0'.repeat(64)}`,
      `veche:ballot:v1:e-x:${'0'.repeat(63)}:${'0'.repeat(64)}`,
      `veche:ballot:v1:e-x:${'0'.repeat(64)}:${'0'.repeat(64)}:extra`,
      `veche:reveal:v1:AAAA`,
      '0'.repeat(65),
    ]) {
      expect(await check(code), code).toEqual({ outcome: 'refused', reason: 'malformed' });
    }
    expect(() =>
      VOTING_RPC['voting.checkReceipt'].request.parse({ code: 'x'.repeat(513) }),
    ).toThrow();
    expect(ReceiptCodeSchema.parse(` ${'A'.repeat(64)} `)).toEqual({
      electionId: null,
      ballotId: 'a'.repeat(64),
      code: null,
    });
  });

  it("this kiosk's receipt: queued, then submitted, then final with the chain's height", async () => {
    h = harness();
    const qr = await castOne();
    const [, , , electionId, ballotHex, codeHex] = qr.split(':') as string[];
    const title = h.world.elections.find((e) => e.electionId === electionId)?.election.title;
    // No voter at the kiosk any more: the check still works.
    expect(h.service.view()).toEqual({ state: 'no-voter' });
    expect(await check(qr)).toEqual({
      outcome: 'status',
      electionId,
      title,
      status: 'queued',
      height: null,
      reason: null,
      codeMatches: true,
    });
    // A receipt whose printed code was altered does not match.
    const forged = `veche:ballot:v1:${electionId}:${ballotHex}:${'0'.repeat(64)}`;
    expect(await check(forged)).toMatchObject({ status: 'queued', codeMatches: false });
    // The bare ballot id: same ballot, no code to compare.
    expect(await check(ballotHex ?? '')).toMatchObject({ status: 'queued', codeMatches: null });
    expect(codeHex).toHaveLength(64);

    const id = Uint8Array.from(Buffer.from(ballotHex ?? '', 'hex'));
    h.store.outbox.transition(id, { to: 'sent' });
    expect(await check(qr)).toMatchObject({ status: 'submitted', height: null });
    h.store.outbox.transition(id, { to: 'final', height: 17 });
    // Final in the store, but this static chain holds no record: height unknown.
    expect(await check(qr)).toMatchObject({ status: 'final', height: null, codeMatches: true });
  });

  it('final with the height the chain holds for it', async () => {
    // The static view reads this array on each lookup: the chain "learns" the ballot below.
    const ballots: NonNullable<StaticChainData['ballots']>[number][] = [];
    h = harness({ chain: { ballots } });
    const qr = await castOne();
    const [, , , electionId = '', ballotHex = ''] = qr.split(':');
    const id = Uint8Array.from(Buffer.from(ballotHex, 'hex'));
    ballots.push({ electionId, ballotId: id, kind: 'cast', height: 23, kioskId: 'kiosk-demo-1' });
    h.store.outbox.transition(id, { to: 'final', height: 22 });
    expect(await check(qr)).toMatchObject({ status: 'final', height: 23, codeMatches: true });
  });

  it('a rejected ballot says why; a challenged one says challenged', async () => {
    h = harness();
    const qr = await castOne();
    const id = Uint8Array.from(Buffer.from(qr.split(':')[4] ?? '', 'hex'));
    h.store.outbox.transition(id, { to: 'rejected', reason: 'election-closed' });
    expect(await check(qr)).toMatchObject({ status: 'rejected', reason: 'election-closed' });
    const challenged = await castOne('challenge', 'k-of-n');
    expect(await check(challenged)).toMatchObject({ status: 'challenged', codeMatches: null });
  });

  it("another kiosk's receipt: unknown here, or what the chain holds", async () => {
    const e = 'e-demo-approval';
    const other = `veche:ballot:v1:${e}:${hex(OTHER_BALLOT)}:${'1'.repeat(64)}`;
    h = harness();
    expect(await check(other)).toMatchObject({
      outcome: 'status',
      electionId: e,
      status: 'unknown',
      height: null,
      codeMatches: null,
    });
    expect(await check(hex(OTHER_BALLOT))).toMatchObject({ status: 'unknown', electionId: '' });
    h.cleanup();
    h = harness({
      chain: {
        ballots: [
          { electionId: e, ballotId: OTHER_BALLOT, kind: 'cast', height: 9, kioskId: 'k2' },
        ],
      },
    });
    // The chain has it (verified state): final at its height; the code is not on chain.
    expect(await check(other)).toMatchObject({ status: 'final', height: 9, codeMatches: null });
    // A bare id is looked for in every election the kiosk knows.
    expect(await check(hex(OTHER_BALLOT))).toMatchObject({
      electionId: e,
      status: 'final',
      height: 9,
    });
  });
});
