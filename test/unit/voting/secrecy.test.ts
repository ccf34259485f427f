// After whole sessions (cast, and challenge then cast) through the RPC handlers, neither the
// store's files (database, WAL, shm), the log lines, the printed receipts nor the RPC answers
// (outside review) hold the voter's name, document number, birth date or what they chose.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../src/shared/log.js';
import { votingHandlers, type VotingHandlers } from '../../../src/main/voting/handlers.js';
import { VOTING_RPC, type VotingMethod } from '../../../src/main/voting/rpc-schema.js';
import { CITIZEN, harness, JUROR, type Harness } from './fixtures.js';

let h: Harness;
let logger: ReturnType<typeof memoryLogger>;
let rpc: VotingHandlers;
const answers: Array<{ method: VotingMethod; json: string }> = [];

beforeEach(() => {
  logger = memoryLogger();
  h = harness({ logger });
  rpc = votingHandlers(h.service);
  answers.length = 0;
});
afterEach(() => h.cleanup());

/** Calls a handler as the dispatcher would: request and response both schema-checked. */
async function call<M extends VotingMethod>(
  method: M,
  body: unknown,
): Promise<Record<string, unknown>> {
  const request = VOTING_RPC[method].request.parse(body);
  const handler = rpc[method] as (r: unknown) => unknown;
  const r = (await handler(request)) as { ok: boolean; value?: unknown; error?: unknown };
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  const value = VOTING_RPC[method].response.parse(r.value) as Record<string, unknown>;
  answers.push({ method, json: JSON.stringify(value) });
  return value;
}

function id(kind: string): string {
  const e = h.world.elections.find((x) => x.kind === kind);
  if (!e) throw new Error(`no ${kind} election`);
  return e.electionId;
}

function filesBytes(): Buffer {
  return Buffer.concat(readdirSync(h.dir).map((f) => readFileSync(join(h.dir, f))));
}

const identityStrings = (d: typeof JUROR) => [
  d.surname,
  d.givenNames,
  d.documentNumber,
  d.birthDate,
  d.birthDate.replace(/-/g, '').slice(2), // YYMMDD as in the MRZ
];
// The chosen options, by id and label. (Two-letter ids like 'o1' are left out: two bytes
// occur by chance in any binary file; the marks below use long, distinctive options.)
const CHOSEN_IDS = ['bazhena', 'against'];
/** The ids plus the chosen candidate's label in every language, as the world defines it. */
function chosen(): string[] {
  const e = h.world.elections.find((x) => x.kind === 'single-choice');
  const option = e?.election.contests[0]?.options.find((o) => o.optionId === 'bazhena');
  if (option === undefined) throw new Error('the demo world lost its candidate bazhena');
  return [...CHOSEN_IDS, option.label.be, option.label.ru, option.label.en];
}

describe('secrecy', () => {
  it('no identity and no choice on disk, in logs, on receipts or in non-review RPC answers', async () => {
    // Voter 1: casts single-choice for bazhena.
    expect((await h.service.begin(CITIZEN, 'en')).ok).toBe(true);
    await call('voting.votes', {});
    await call('voting.open', { electionId: id('single-choice') });
    const review = await call('voting.review', { picks: { main: { bazhena: 1 } } });
    expect(review).toEqual({ outcome: 'review', picks: { main: { bazhena: 1 } } });
    expect(await call('voting.view', {})).toMatchObject({ state: 'review' });
    await call('voting.confirm', {});
    expect(await call('voting.cast', {})).toMatchObject({ outcome: 'recorded' });
    h.service.end();

    // Voter 2 (juror): challenges a jury ballot marked 'against', then casts it.
    expect((await h.service.begin(JUROR, 'be')).ok).toBe(true);
    await call('voting.open', { electionId: id('jury') });
    await call('voting.review', { picks: { main: { against: 1 } } });
    await call('voting.confirm', {});
    expect(await call('voting.challenge', {})).toMatchObject({ outcome: 'challenged' });
    await call('voting.review', { picks: { main: { against: 1 } } });
    await call('voting.confirm', {});
    expect(await call('voting.cast', {})).toMatchObject({ outcome: 'recorded' });
    h.service.end();
    expect(await h.service.reprint()).toMatchObject({ ok: false });

    const forbidden = [...identityStrings(CITIZEN), ...identityStrings(JUROR), ...chosen()];
    const disk = filesBytes();
    // Positive control: the scan does see what is meant to be stored.
    expect(disk.includes(Buffer.from('kiosk-demo-1'))).toBe(true);
    expect(disk.includes(Buffer.from(id('jury')))).toBe(true);
    const logs = JSON.stringify(logger.lines);
    const receipts = JSON.stringify(h.printer.attempts);
    expect(h.printer.printed).toHaveLength(3);
    expect(receipts).toContain('kiosk-demo-1');
    for (const s of forbidden) {
      expect(disk.includes(Buffer.from(s)), `disk holds ${s}`).toBe(false);
      expect(disk.includes(Buffer.from(s, 'utf16le')), `disk holds ${s} (utf-16)`).toBe(false);
      expect(logs.includes(s), `logs hold ${s}`).toBe(false);
      expect(receipts.includes(s), `receipt holds ${s}`).toBe(false);
    }
    // RPC: identity never; the choices only in the voter's own review answers.
    for (const a of answers) {
      for (const s of identityStrings(CITIZEN).concat(identityStrings(JUROR)))
        expect(a.json.includes(s), `${a.method} holds ${s}`).toBe(false);
      const inReview =
        a.method === 'voting.review' || (a.method === 'voting.view' && a.json.includes('"review"'));
      // voting.open lists every option of the ballot: it says nothing about the choice.
      if (!inReview && a.method !== 'voting.open')
        for (const s of chosen()) expect(a.json.includes(s), `${a.method} holds ${s}`).toBe(false);
    }
    // The ballot screen lists every option (not a choice): show that this is the only place.
    expect(
      answers
        .filter((a) => a.json.includes('bazhena'))
        .map((a) => a.method)
        .sort(),
    ).toEqual(['voting.open', 'voting.review', 'voting.view']);

    // And after closing (WAL checkpointed into the database file).
    h.store.close();
    const closed = filesBytes();
    for (const s of forbidden)
      expect(closed.includes(Buffer.from(s)), `closed db holds ${s}`).toBe(false);
  });
});
