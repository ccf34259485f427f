// The crash harness's child: a kiosk that votes and syncs against the real store as fast as it
// can until the parent SIGKILLs it. It tells the parent what it reported, in this order and
// only after the store call returned:
//   R                       ready (after "go" on stdin: store opened and recovered)
//   E <seq> <ballotIdHex>   enqueue returned Ok: the voter was told "recorded"
//   S <seq>:<state> ...     transitionMany returned Ok: these states are committed
// Receipts go to the printer file (appended and fsync'd) only after "recorded", like the real
// printer. Lines go to fd 1 with writeSync: a pipe write is atomic for these sizes and the
// bytes survive the writer's death.
import { fsyncSync, openSync, writeSync } from 'node:fs';
import { toHex } from '../../src/protocol/hash.js';
import { systemClock } from '../../src/shared/clock.js';
import { EVENTS } from '../../src/shared/events.js';
import type { Transition } from '../../src/store/outbox.js';
import { REJECT_REASONS, type OutboxState } from '../../src/store/states.js';
import { openStore } from '../../src/store/store.js';
import { BallotFactory } from '../unit/store/fixtures.js';

const [dbPath, printerPath] = process.argv.slice(2);
if (dbPath === undefined || printerPath === undefined)
  throw new Error('usage: worker <db> <printer>');

const say = (line: string) => writeSync(1, line + '\n');
// The harness's self-test: a kiosk that prints before the commit, which the checks must catch.
const printBeforeCommit = process.env['VECHE_CRASH_MUTANT'] === 'print-before-commit';

// The parent starts the next worker while the current one runs; it waits here, modules
// loaded, and touches the database only after "go" (sent once its predecessor is dead).
await new Promise<void>((resolve) => {
  let input = '';
  process.stdin.setEncoding('utf8').on('data', (d: string) => {
    input += d;
    if (input.includes('go\n')) resolve();
  });
});

const opened = openStore({ path: dbPath, kioskId: 'kiosk-crash', clock: systemClock() });
if (!opened.ok) {
  console.error(`open failed: ${JSON.stringify(opened.error)}`);
  process.exit(3);
}
const store = opened.value;
const printer = openSync(printerPath, 'a');
const factory = BallotFactory.after(store.chain.head());
const elections = ['e-council', 'e-rating'];
const CHAIN = 'veche-devnet';
let height = store.synced.latestHeader(CHAIN)?.height ?? 0;
const rand = (n: number) => Math.floor(Math.random() * n);

say('R');

function vote(): void {
  const b = factory.next({
    electionId: elections[rand(elections.length)] ?? 'e-council',
    kind: rand(10) === 0 ? 'challenged' : 'cast',
  });
  const report = () => {
    say(`E ${b.kioskSeq} ${toHex(b.ballotId)}`);
    writeSync(printer, `P ${b.kioskSeq} ${toHex(b.ballotId)} ${toHex(b.confirmationCode)}\n`);
    fsyncSync(printer);
  };
  if (printBeforeCommit) report();
  const r = store.outbox.enqueue(b);
  if (!r.ok || r.value.duplicate) throw new Error(`enqueue failed: ${JSON.stringify(r)}`);
  if (!printBeforeCommit) report();
  // A UI retry of the same ballot must change nothing.
  if (rand(20) === 0) {
    const again = store.outbox.enqueue(b);
    if (!again.ok || !again.value.duplicate) throw new Error('retry was not idempotent');
  }
}

function nextTransition(state: OutboxState): Transition | undefined {
  const h = height;
  switch (state) {
    case 'queued':
      return rand(15) === 0
        ? { to: 'rejected', reason: REJECT_REASONS[rand(REJECT_REASONS.length)] ?? 'other' }
        : { to: 'sent' };
    case 'sent':
      return rand(4) === 0
        ? { to: 'included', height: h }
        : { to: 'receipted', receipt: new Uint8Array(96).fill(7) };
    case 'receipted':
      return { to: 'included', height: h };
    case 'included':
      return { to: 'final', height: h };
    case 'final':
    case 'rejected':
      return undefined;
  }
}

function sync(): void {
  height++;
  const vset = new Uint8Array(32).fill(height % 3);
  const hash = new Uint8Array(32);
  new DataView(hash.buffer).setUint32(0, height);
  const okOrThrow = (r: { ok: boolean }, what: string) => {
    if (!r.ok) throw new Error(`${what} failed: ${JSON.stringify(r)}`);
  };
  okOrThrow(store.synced.putValidatorSet(vset, new Uint8Array(512).fill(1)), 'putValidatorSet');
  okOrThrow(
    store.synced.putHeader({
      chainId: CHAIN,
      height,
      hash,
      header: new Uint8Array(200).fill(2),
      commit: new Uint8Array(300).fill(3),
      validatorsHash: vset,
      appHash: new Uint8Array(32).fill(4),
    }),
    'putHeader',
  );
  okOrThrow(
    store.synced.putStateItems([
      {
        chainId: CHAIN,
        key: `roll/${height % 5}`,
        height,
        value: new Uint8Array(64),
        proof: new Uint8Array(128),
      },
    ]),
    'putStateItems',
  );
  const items = store.outbox.pending(1 + rand(30)).flatMap((p) => {
    const t = nextTransition(p.state);
    return t === undefined ? [] : [{ ballotId: p.ballotId, transition: t, seq: p.kioskSeq }];
  });
  const r = store.outbox.transitionMany(items);
  if (!r.ok) throw new Error(`transitionMany failed: ${JSON.stringify(r.error)}`);
  const done = items.filter((_, i) => r.value[i]?.ok === true);
  if (done.length > 0) say(`S ${done.map((d) => `${d.seq}:${d.transition.to}`).join(' ')}`);
  okOrThrow(
    store.audit.append(EVENTS.syncOk, {
      height,
      submitted: items.length,
      receipted: 0,
      finalized: done.filter((d) => d.transition.to === 'final').length,
      rejected: done.filter((d) => d.transition.to === 'rejected').length,
    }),
    'audit',
  );
}

function staff(): void {
  const e = elections[rand(elections.length)] ?? 'e-council';
  const action = (['open', 'pause', 'open'] as const)[rand(3)] ?? 'open';
  const r = store.polls.apply(e, action, '00112233aabbccdd');
  if (!r.ok && r.error.kind !== 'not-allowed')
    throw new Error(`polls failed: ${JSON.stringify(r.error)}`);
  const a = store.audit.append(EVENTS.deviceFault, { device: 'printer', fault: 'paper-out' });
  if (!a.ok) throw new Error('audit failed');
}

for (;;) {
  const x = rand(10);
  if (x < 6) vote();
  else if (x < 9) sync();
  else staff();
}
