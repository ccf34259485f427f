// A real sealed ballot for the fault tests: the demo world on chain, then one referendum
// ballot from the demo kiosk, as the kiosk would submit it.
import { chainGenesis, prepareBallot, sealBallot } from '../../../src/ballot/index.js';
import { ballotTxOf } from '../../../src/devnet/scenario/driver.js';
import { demoWorld } from '../../../src/devnet/world.js';
import { taggedHash } from '../../../src/protocol/hash.js';
import { must, type TestNet } from './helpers.js';

export async function ballotTxFor(t: TestNet): Promise<{ tx: Uint8Array; ballotId: Uint8Array }> {
  const nowS = Math.floor(t.clock.now() / 1000);
  const world = demoWorld('fault-world', t.net.authority, nowS);
  for (const tx of world.txs) {
    const r = t.net.submit(tx, 0);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
  }
  await t.until(t.net.validator(0).committedHeight + 2);
  const e = must(world.elections.find((x) => x.kind === 'referendum'));
  const sealed = sealBallot({
    ctx: e.ctx,
    prepared: prepareBallot(e.ctx, 'main'),
    choices: [[0, 1]],
    nullifier: taggedHash('veche/test-nullifier', new TextEncoder().encode('fault-voter')),
    kioskId: world.kiosk.kioskId,
    kioskSeq: 0,
    chainPrev: chainGenesis(world.kiosk.kioskId),
    now: nowS,
    signer: world.kiosk.signer,
  });
  if (!sealed.ok) throw new Error(JSON.stringify(sealed.error));
  const s = sealed.value;
  const tx = ballotTxOf(e.electionId, world.kiosk.kioskId, s);
  return { tx, ballotId: s.ballotId };
}
