import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Transition } from '../../../src/store/outbox.js';
import { classifyStep, OUTBOX_STATES, type OutboxState } from '../../../src/store/states.js';
import { BallotFactory, openTestStore, tempDir } from './fixtures.js';

const reach: Record<OutboxState, Transition> = {
  queued: { to: 'sent' }, // unused: a fresh ballot is queued
  sent: { to: 'sent' },
  receipted: { to: 'receipted', receipt: new Uint8Array(1) },
  included: { to: 'included', height: 1 },
  final: { to: 'final', height: 1 },
  rejected: { to: 'rejected', reason: 'other' },
};

describe('outbox state machine', () => {
  let t: ReturnType<typeof tempDir>;
  let store: ReturnType<typeof openTestStore>;
  beforeEach(() => {
    t = tempDir();
    store = openTestStore(t.dir);
  });
  afterEach(() => {
    store.close();
    t.cleanup();
  });

  it('the code and the schema trigger agree on every pair of states', () => {
    const f = new BallotFactory();
    const table: string[] = [];
    for (const from of OUTBOX_STATES) {
      for (const to of OUTBOX_STATES) {
        const b = f.next({ size: 16 });
        expect(store.outbox.enqueue(b).ok).toBe(true);
        if (from !== 'queued')
          expect(store.outbox.transition(b.ballotId, reach[from]).ok).toBe(true);
        const step = classifyStep(from, to);
        let sqlAllows = true;
        try {
          store.db
            .prepare('UPDATE outbox SET state = ?, reject_reason = ? WHERE ballot_id = ?')
            .run(to, to === 'rejected' ? 'other' : null, b.ballotId);
        } catch {
          sqlAllows = false;
        }
        expect(sqlAllows, `${from} → ${to}`).toBe(step === 'forward' || step === 'same');
        table.push(`${from}->${to}:${step}`);
      }
    }
    expect(table).toContain('included->rejected:backward');
    expect(table).toContain('queued->final:forward');
    expect(table).toContain('rejected->final:from-terminal');
  });
});
