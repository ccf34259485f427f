// A jury draw on a running devnet, recomputed by an outsider from public data only: the jury
// record, the unit's juror records as they stood when the draw ran, and the ids of the
// blocks in between, all proven against headers a light client verified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  drawJury,
  juryPoolHash,
  jurySeed,
  key,
  verifyJuryDraw,
  type JurorRecord,
  type JuryRecord,
} from '../../../src/devnet/app/index.js';
import { runJuryScenario, type JuryScenario } from '../../../src/devnet/scenario/jury.js';
import { compareBytes } from '../../../src/protocol/bytes.js';
import { decodeCanonical } from '../../../src/protocol/encoding.js';
import { toHex } from '../../../src/protocol/hash.js';
import { headerHash } from '../../../src/protocol/header.js';
import { verifyStateProof } from '../../../src/protocol/state-tree.js';
import { must, testNet, type TestNet } from '../../unit/devnet-net/helpers.js';
import { kioskSide, type KioskSide } from './verified.js';

const UNIT = 'hlybokaje';
const BILL = 'bill-2027-07';
let t: TestNet;
let kiosk: KioskSide;
let scenario: JuryScenario;

beforeAll(async () => {
  t = testNet();
  await t.until(1);
  kiosk = await kioskSide(t);
  const r = await runJuryScenario(
    { net: t.net, until: (h) => t.until(h), pass: (ms) => t.step(ms) },
    { seed: 'jury-scenario', unit: UNIT, billId: BILL, qualified: 9, lapsed: 2, size: 5 },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  scenario = r.value;
}, 60_000);

afterAll(async () => {
  await kiosk?.close();
  t?.close();
});

describe('a jury draw recomputed from verified public data', () => {
  it('gives the same jurors, and only jurors whose certificates were valid', async () => {
    const latest = await kiosk.pull([key.jury(BILL)]);
    const jury = latest.get<JuryRecord>(key.jury(BILL));
    if (jury === undefined) throw new Error('no jury record in verified state');
    const published = { billId: jury.billId, jurors: jury.jurors, poolHash: must(jury.poolHash) };
    expect(jury).toMatchObject({ status: 'drawn', size: 5, unit: UNIT });
    expect(jury.drawAt - jury.requestedAt).toBe(4);

    // The pool as it stood when the draw ran: the juror records in the state the draw block
    // started from, which is what appHash of that block's header commits to.
    const drawHeader = await kiosk.header(jury.drawAt);
    const r = await kiosk.primary.state({
      height: jury.drawAt,
      keys: [],
      prefix: key.jurorPrefix(UNIT),
    });
    if (!r.ok || r.value.status !== 'ok') throw new Error(JSON.stringify(r));
    expect(r.value.complete).toBe(true);
    const jurors: JurorRecord[] = r.value.proofs.map((p) => {
      if (p.kind !== 'present') throw new Error('a listing holds present items');
      const v = verifyStateProof(drawHeader.appHash, p.item.key, p);
      if (!v.ok || v.value === null) throw new Error(`juror proof: ${JSON.stringify(v)}`);
      const d = decodeCanonical(v.value);
      if (!d.ok) throw new Error('undecodable juror');
      return d.value as unknown as JurorRecord;
    });
    expect(jurors).toHaveLength(11);
    const nowS = Math.floor(drawHeader.time / 1000);
    const pool = jurors
      .filter((j) => j.legal.validUntil > nowS && j.political.validUntil > nowS)
      .map((j) => j.entry);
    expect(pool).toHaveLength(9);

    // The block ids between the request and the draw, from verified headers.
    const ids: Uint8Array[] = [];
    for (let h = jury.requestedAt; h < jury.drawAt; h++)
      ids.push(headerHash(await kiosk.header(h)));

    expect(verifyJuryDraw(published, pool, ids)).toBe(true);
    const again = drawJury(pool, jury.size, jurySeed(BILL, ids));
    expect(again.map(toHex)).toEqual(jury.jurors.map(toHex));
    expect(toHex(juryPoolHash(pool))).toBe(toHex(published.poolHash));
    expect(jury.poolSize).toBe(9);
    // Nobody whose certificate had lapsed was drawn; the drawn are distinct qualified citizens.
    const lapsed = new Set(scenario.lapsed.map(toHex));
    expect(jury.jurors.some((j) => lapsed.has(toHex(j)))).toBe(false);
    expect(new Set(jury.jurors.map(toHex)).size).toBe(5);

    // Recomputing with any other block id, or a pool that includes a lapsed juror, disagrees.
    const otherIds = ids.map((id, i) => (i === 0 ? headerHash(drawHeader) : id));
    expect(verifyJuryDraw(published, pool, otherIds)).toBe(false);
    const wider = [...pool, ...scenario.lapsed].sort(compareBytes);
    expect(verifyJuryDraw(published, wider, ids)).toBe(false);
  });
});
