import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  drawJury,
  juryPoolHash,
  jurySeed,
  key,
  verifyJuryDraw,
  type JurorRecord,
  type JuryRecord,
} from '../../../src/devnet/app/index.js';
import { equalBytes } from '../../../src/protocol/bytes.js';
import { toHex } from '../../../src/protocol/hash.js';
import {
  ballotTx,
  bytes32,
  cert,
  Chain,
  DAY,
  electionBody,
  expectOk,
  expectRejected,
  withUnit,
} from './harness.js';

const LOOKBACK = 4;

/** A village with `n` voters on the roll, `qualified` of them qualified jurors. */
function village(n = 12, qualified = 10, validDays = 365) {
  const chain = new Chain();
  const u = withUnit(chain, 'village', { juryLookback: LOOKBACK });
  const entries = Array.from({ length: n }, (_, i) => bytes32(`citizen-${i}`));
  expectOk(chain.one(chain.auth({ kind: 'roll-add', unit: 'village', entries })));
  chain
    .block(
      entries.slice(0, qualified).map((entry, i) =>
        chain.auth({
          kind: 'juror-qualify',
          unit: 'village',
          entry,
          legal: cert(chain.timeS + validDays * DAY, `law-${i}`),
          political: cert(chain.timeS + 365 * DAY, `pol-${i}`),
        }),
      ),
    )
    .outcomes.forEach(expectOk);
  return { chain, entries, ...u };
}

/** The public data a verifier reads: the qualified-juror entries of the unit. */
const publicPool = (chain: Chain) =>
  chain.state.list('juror/village/').map(([, j]) => (j as JurorRecord).entry);

function requestAndDraw(chain: Chain, size = 3, billId = 'bill-7') {
  expectOk(chain.one(chain.auth({ kind: 'jury-draw', billId, unit: 'village', size })));
  const requested = chain.get<JuryRecord>(key.jury(billId));
  expect(requested).toMatchObject({
    status: 'requested',
    drawAt: requested.requestedAt + LOOKBACK,
    jurors: [],
  });
  while (chain.height + 1 < requested.drawAt) chain.block([]);
  const r = chain.block([]);
  return { requested, notices: r.notices, jury: chain.get<JuryRecord>(key.jury(billId)) };
}

describe('jury draws on chain', () => {
  it('draws at requestedAt + lookback from the ids of the blocks in between; anyone recomputes it', () => {
    const { chain } = village();
    const { requested, notices, jury } = requestAndDraw(chain);
    expect(notices).toContainEqual({ event: 'devnet.jury.drawn', subject: key.jury('bill-7') });
    expect(jury).toMatchObject({ status: 'drawn', poolSize: 10 });
    expect(jury.jurors).toHaveLength(3);

    const ids = chain.blockIds.slice(requested.requestedAt - 1, requested.drawAt - 1);
    expect(ids).toHaveLength(LOOKBACK);
    const pool = publicPool(chain);
    expect(equalBytes(jury.seed as Uint8Array, jurySeed('bill-7', ids))).toBe(true);
    expect(equalBytes(jury.poolHash as Uint8Array, juryPoolHash(pool))).toBe(true);
    expect(drawJury(pool, 3, jurySeed('bill-7', ids)).map(toHex)).toEqual(jury.jurors.map(toHex));
    expect(
      verifyJuryDraw(
        { billId: 'bill-7', jurors: jury.jurors, poolHash: jury.poolHash as Uint8Array },
        pool,
        ids,
      ),
    ).toBe(true);

    // One changed block id gives another draw, and the published one no longer verifies.
    const changed = ids.map((id, i) => (i === 2 ? bytes32('another block') : id));
    expect(drawJury(pool, 3, jurySeed('bill-7', changed)).map(toHex)).not.toEqual(
      jury.jurors.map(toHex),
    );
    expect(
      verifyJuryDraw(
        { billId: 'bill-7', jurors: jury.jurors, poolHash: jury.poolHash as Uint8Array },
        pool,
        changed,
      ),
    ).toBe(false);
    // A pool with someone added or left out does not verify either.
    expect(
      verifyJuryDraw(
        { billId: 'bill-7', jurors: jury.jurors, poolHash: jury.poolHash as Uint8Array },
        pool.slice(1),
        ids,
      ),
    ).toBe(false);
  });

  it('draws only jurors whose certificates are valid at the draw; fails when too few qualify', () => {
    const { chain } = village(12, 10, 1);
    chain.block([], chain.timeS + 2 * DAY); // every legal certificate has expired
    const { jury, notices } = requestAndDraw(chain, 3);
    expect(jury).toMatchObject({ status: 'failed', poolSize: 0, jurors: [] });
    expect(notices.map((n) => n.event)).toContain('devnet.jury.draw-failed');

    const fresh = village(12, 4);
    const drawn = requestAndDraw(fresh.chain, 4).jury;
    expect(drawn.jurors.map(toHex).sort()).toEqual(fresh.entries.slice(0, 4).map(toHex).sort());
  });

  it('rejects a second request for the same bill and a request for an unknown unit', () => {
    const { chain } = village();
    expectOk(chain.one(chain.auth({ kind: 'jury-draw', billId: 'b', unit: 'village', size: 1 })));
    expectRejected(
      chain.one(chain.auth({ kind: 'jury-draw', billId: 'b', unit: 'village', size: 1 })),
      'jury-exists',
    );
    expectRejected(
      chain.one(chain.auth({ kind: 'jury-draw', billId: 'c', unit: 'atlantis', size: 1 })),
      'unknown-unit',
    );
  });

  it('only drawn jurors’ eligibility tokens may cast the jury ballot', () => {
    const { chain, kiosk, kioskId } = village();
    expectOk(
      chain.one(chain.auth({ kind: 'jury-draw', billId: 'bill-7', unit: 'village', size: 3 })),
    );
    const tokens = [0, 1, 2].map((i) => bytes32(`jury-nullifier-${i}`));
    const eligibility = (eligible: Uint8Array[]) =>
      chain.auth({ kind: 'jury-eligibility', billId: 'bill-7', eligible });
    expectRejected(chain.one(eligibility(tokens)), 'jury-not-drawn');
    expectOk(
      chain.one(
        chain.auth(
          electionBody(
            chain,
            'vote-7',
            'village',
            { kind: 'jury', billId: 'bill-7' },
            { opens: chain.timeS, closes: chain.timeS + 5 * DAY },
          ),
        ),
      ),
    );
    while (chain.get<JuryRecord>(key.jury('bill-7')).status === 'requested') chain.block([]);
    expectRejected(
      chain.one(ballotTx('vote-7', kioskId, kiosk, tokens[0] as Uint8Array)),
      'jury-not-drawn',
    );
    expect(
      expectRejected(chain.one(eligibility(tokens.slice(0, 2))), 'eligibility-size'),
    ).toMatchObject({ expected: 3, got: 2 });
    expectRejected(
      chain.one(eligibility([tokens[0], tokens[0], tokens[1]] as Uint8Array[])),
      'malformed',
    );
    // Stored in byte order whatever order they came in: the order reveals nothing.
    const sortedHex = tokens.map(toHex).sort();
    expectOk(chain.one(eligibility([...tokens].sort((a, b) => (toHex(a) < toHex(b) ? 1 : -1)))));
    expect(chain.get<JuryRecord>(key.jury('bill-7')).eligible.map(toHex)).toEqual(sortedHex);
    expectRejected(chain.one(eligibility(tokens)), 'eligibility-set');
    expectOk(chain.one(ballotTx('vote-7', kioskId, kiosk, tokens[1] as Uint8Array)));
    expectRejected(
      chain.one(ballotTx('vote-7', kioskId, kiosk, bytes32('not drawn'))),
      'not-drawn-juror',
    );
  });
});

describe('drawJury', () => {
  const poolArb = fc.uniqueArray(fc.uint8Array({ minLength: 32, maxLength: 32 }), {
    minLength: 1,
    maxLength: 40,
    selector: (b) => toHex(b),
  });

  it('never repeats a person, draws only from the pool, and is a function of (pool, size, seed)', () => {
    fc.assert(
      fc.property(
        poolArb,
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat(),
        (pool, seed, k) => {
          const size = k % (pool.length + 1);
          const drawn = drawJury(pool, size, seed);
          const hexes = drawn.map(toHex);
          expect(new Set(hexes).size).toBe(size);
          const inPool = new Set(pool.map(toHex));
          expect(hexes.every((h) => inPool.has(h))).toBe(true);
          // Input order does not matter: the pool is canonicalised.
          expect(drawJury([...pool].reverse(), size, seed).map(toHex)).toEqual(hexes);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is uniform-ish: over many seeds every person is drawn about equally often, in every seat', () => {
    const pool = Array.from({ length: 8 }, (_, i) => bytes32(`p${i}`));
    const seats = [new Map<string, number>(), new Map<string, number>()];
    const runs = 4000;
    for (let s = 0; s < runs; s++) {
      drawJury(pool, 2, bytes32(`seed-${s}`)).forEach((j, seat) => {
        const m = seats[seat] as Map<string, number>;
        m.set(toHex(j), (m.get(toHex(j)) ?? 0) + 1);
      });
    }
    const expected = runs / pool.length; // 500 per person per seat
    for (const m of seats) {
      expect(m.size).toBe(pool.length);
      for (const count of m.values())
        expect(Math.abs(count - expected)).toBeLessThan(expected * 0.2);
    }
  });

  it('refuses a pool that repeats an entry or a jury larger than the pool', () => {
    const a = bytes32('a');
    expect(() => drawJury([a, a], 1, bytes32('s'))).toThrow(/repeats/);
    expect(() => drawJury([a], 2, bytes32('s'))).toThrow(/cannot draw/);
    expect(
      verifyJuryDraw(
        { billId: 'b', jurors: [a], poolHash: juryPoolHash([a]) },
        [a, a],
        [bytes32('x')],
      ),
    ).toBe(false);
  });
});
