// The demo's voting: the simulated card reader's sample people are on the demo unit's roll
// (locally, and on chain through one authority `roll-add`), one of them is a drawn juror, and
// the kiosk votes with the demo world's registered kiosk key. Polls are open for the demo
// (staff sign-in and the polls screen are not wired into the host yet).
import { deriveIdentityKey, deriveRollEntry, type RollParams } from '../ballot/index.js';
import { encodeTx, signTx, type TxBody } from '../devnet/app/index.js';
import type { Devnet } from '../devnet/devnet.js';
import { DEMO_UNIT, type DemoWorld } from '../devnet/world.js';
import { parseMrz } from '../hardware/mrz/parse-mrz.js';
import { SAMPLE_PEOPLE } from '../hardware/sim/people.js';
import type { ReceiptPrinter } from '../hardware/types.js';
import type { Clock } from '../shared/clock.js';
import type { Store } from '../store/index.js';
import {
  createVotingService,
  documentIdentity,
  staticChainView,
  type VotingService,
} from '../main/voting/index.js';

/** Demo-only roll secret and parameters: a real kiosk gets its secret sealed in the
 * provisioning bundle (docs/keys.md), never from source code. */
export const DEMO_ROLL_SECRET = new Uint8Array(32).fill(0x5e);
export const DEMO_ROLL_PARAMS: RollParams = { rollId: 'demo-roll-1', N: 1 << 12, r: 8, p: 1 };
/** The sample person who was drawn for the demo jury. */
export const DEMO_JUROR = 'pashkevich-td3';

export function demoRollEntries(nowMs: number): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const p of SAMPLE_PEOPLE) {
    const doc = parseMrz(p.mrz, nowMs);
    if (!doc.ok) continue; // the expired sample card is refused at the reader anyway
    out.set(
      p.id,
      deriveRollEntry(
        DEMO_ROLL_SECRET,
        deriveIdentityKey(DEMO_ROLL_PARAMS, documentIdentity(doc.value)),
      ),
    );
  }
  return out;
}

/** The authority transaction that puts the sample people on the demo unit's roll. */
export function demoRollTx(
  world: DemoWorld,
  net: Devnet,
  entries: Iterable<Uint8Array>,
): Uint8Array {
  return encodeTx(
    signTx(
      {
        kind: 'roll-add',
        seq: world.txs.length + 1,
        unit: DEMO_UNIT,
        entries: [...entries],
      } as unknown as TxBody,
      net.authority,
    ),
  );
}

export function createDemoVoting(o: {
  world: DemoWorld;
  rollEntries: Map<string, Uint8Array>;
  store: Store;
  printer: Pick<ReceiptPrinter, 'print'>;
  clock: Clock;
}): VotingService {
  const jury = o.world.elections.find((e) => e.kind === 'jury');
  const juror = o.rollEntries.get(DEMO_JUROR);
  const chain = staticChainView({
    elections: o.world.elections.map((e) => ({ ctx: e.ctx, styleId: 'main' })),
    rollEntries: [...o.world.rollEntries, ...o.rollEntries.values()],
    jurors: jury !== undefined && juror !== undefined ? { [jury.electionId]: [juror] } : {},
  });
  return createVotingService({
    chain,
    roll: { secret: DEMO_ROLL_SECRET, params: DEMO_ROLL_PARAMS },
    kioskId: o.world.kiosk.kioskId,
    signer: o.world.kiosk.signer,
    store: o.store,
    printer: o.printer,
    canVote: () => true,
    clock: o.clock,
  });
}
