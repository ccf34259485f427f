// A consensus test cluster: validators built directly on an InProcessHub whose deliveries a
// test can drop, delay or inspect (hub.setInterceptor), on a ManualClock. Indices name
// validators as devnetGenesis does; a "byzantine" index gets no Validator, only its signer,
// so the test can sign whatever it likes with it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ballotVerifiers } from '../../../src/devnet/app/index.js';
import { InProcessHub } from '../../../src/devnet/consensus/hub.js';
import { ChainStore } from '../../../src/devnet/consensus/store.js';
import { signProposal, type Genesis, type Proposal } from '../../../src/devnet/consensus/types.js';
import { Validator } from '../../../src/devnet/consensus/validator.js';
import { devnetGenesis } from '../../../src/devnet/genesis.js';
import { validatorSigner } from '../../../src/devnet/keys.js';
import type { Ed25519Signer } from '../../../src/protocol/ed25519.js';
import { toHex } from '../../../src/protocol/hash.js';
import { GENESIS_LAST_BLOCK_ID, headerHash, type Header } from '../../../src/protocol/header.js';
import { merkleRoot } from '../../../src/protocol/merkle.js';
import { validatorSetHash } from '../../../src/protocol/validators.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { ok } from '../../../src/shared/result.js';
import { must, settle } from './helpers.js';

export const SEED = 'consensus-test';

export interface Member {
  readonly index: number;
  readonly signer: Ed25519Signer;
  readonly hex: string;
  /** Undefined for a byzantine member (no honest code runs for it). */
  validator: Validator | undefined;
  store: ChainStore | undefined;
}

export interface Cluster {
  readonly clock: ManualClock;
  readonly hub: InProcessHub;
  readonly genesis: Genesis;
  readonly members: readonly Member[];
  /** The honest validators that are up. */
  running(): Validator[];
  indexOf(pubKey: Uint8Array): number;
  /** The member that proposes at (height, round). */
  proposer(height: number, round: number): Member;
  step(ms: number): Promise<void>;
  /** Steps until every running validator committed `height`; false if it never does. */
  until(height: number, maxSteps?: number): Promise<boolean>;
  crash(index: number): void;
  /** Starts a crashed validator again on its own store (a new Validator, as after a reboot). */
  restart(index: number): Validator;
  /** A correctly signed proposal by member `index` (byzantine use), over a valid header. */
  proposal(index: number, height: number, round: number, timeOffset: number): Proposal;
  /** Throws if two validators ever committed different blocks at one height. */
  assertAgreement(): void;
  close(): void;
}

export function cluster(
  o: { n?: number; byzantine?: readonly number[]; roundTimeoutMs?: number } = {},
): Cluster {
  const n = o.n ?? 4;
  const dir = mkdtempSync(join(tmpdir(), 'veche-consensus-'));
  const clock = new ManualClock(Date.UTC(2027, 0, 1));
  const genesis = devnetGenesis(SEED, n, clock.now());
  const hub = new InProcessHub();
  const members: Member[] = Array.from({ length: n }, (_, index) => {
    const signer = validatorSigner(SEED, index);
    return {
      index,
      signer,
      hex: toHex(signer.publicKey),
      validator: undefined,
      store: undefined,
    };
  });
  // Every block each validator ever committed, by height, to check agreement even across
  // validators that crashed later.
  const committed = new Map<number, Set<string>>();
  const boot = (m: Member): Validator => {
    const store = new ChainStore(join(dir, `v${m.index}.sqlite`));
    const ref: { v?: Validator } = {};
    const v = new Validator({
      genesis,
      signer: m.signer,
      store,
      clock,
      deps: {
        ...ballotVerifiers({ envelopeOf: () => undefined }),
        verifyBallot: () => ok(undefined),
      },
      transport: hub.transportFor(() => ref.v),
      blockMs: 1000,
      roundTimeoutMs: o.roundTimeoutMs ?? 3000,
    });
    ref.v = v;
    v.onCommit((b) => {
      let s = committed.get(b.header.height);
      if (s === undefined) {
        s = new Set();
        committed.set(b.header.height, s);
      }
      s.add(toHex(headerHash(b.header)));
    });
    m.validator = v;
    m.store = store;
    hub.join(v);
    return v;
  };
  for (const m of members) if (o.byzantine?.includes(m.index) !== true) boot(m);
  for (const m of members) m.validator?.start();

  const running = () =>
    members.flatMap((m) =>
      m.validator !== undefined && m.store !== undefined ? [m.validator] : [],
    );
  const indexOf = (pubKey: Uint8Array) => {
    const hex = toHex(pubKey);
    return members.findIndex((m) => m.hex === hex);
  };
  const step = async (ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      clock.advance(Math.min(100, ms - t));
      await settle();
      await settle();
    }
  };
  const anyHonest = () => must(running()[0]);
  return {
    clock,
    hub,
    genesis,
    members,
    running,
    indexOf,
    proposer: (height, round) => must(members[indexOf(anyHonest().proposerOf(height, round))]),
    step,
    async until(height, maxSteps = 600) {
      for (let i = 0; i < maxSteps; i++) {
        if (running().every((v) => v.committedHeight >= height)) return true;
        await step(100);
      }
      return false;
    },
    crash(index) {
      const m = must(members[index]);
      const v = must(m.validator);
      v.stop();
      hub.leave(v);
      m.store?.close();
      m.store = undefined;
    },
    restart(index) {
      const m = must(members[index]);
      if (m.store !== undefined) throw new Error(`validator ${index} is running`);
      const v = boot(m);
      v.start();
      return v;
    },
    proposal(index, height, round, timeOffset) {
      const v = anyHonest();
      const last = height === 1 ? null : must(v.lightBlock(height - 1)).header;
      const txs: Uint8Array[] = [];
      const header: Header = {
        chainId: genesis.chainId,
        height,
        time: Math.max(clock.now(), (last?.time ?? 0) + 1) + timeOffset,
        lastBlockId: last === null ? GENESIS_LAST_BLOCK_ID : headerHash(last),
        dataHash: merkleRoot(txs),
        validatorsHash: validatorSetHash(v.validatorSetAt(height)),
        nextValidatorsHash: validatorSetHash(v.validatorSetAt(height + 1)),
        appHash: must(v.stateAt(height)).appHash(),
      };
      return signProposal(must(members[index]).signer, {
        round,
        validRound: -1,
        header,
        txs,
        pol: [],
      });
    },
    assertAgreement() {
      for (const [h, ids] of committed) {
        if (ids.size > 1) throw new Error(`height ${h}: ${ids.size} different blocks committed`);
      }
    },
    close() {
      for (const m of members) {
        m.validator?.stop();
        m.store?.close();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
