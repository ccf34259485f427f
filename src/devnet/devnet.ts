// startDevnet: N validators in this process, each with its own SQLite chain in `dir`,
// connected by the in-process hub. Tests drive it with a ManualClock or short blockMs; the
// light-node protocols are served by rpc.ts on top of any of its validators.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { headerHash } from '../protocol/header.js';
import { type Ed25519Signer } from '../protocol/ed25519.js';
import { makeValidatorSet, type ValidatorSet } from '../protocol/validators.js';
import type { Checkpoint } from '../sync/light/index.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { EVENTS } from '../shared/events.js';
import { silentLogger, type Logger } from '../shared/log.js';
import { encodeCanonical, type Canonical } from '../protocol/encoding.js';
import type { AppDeps } from './app/index.js';
import { ballotModuleDeps } from './ballot-deps.js';
import { validatorUpdateMessage } from './consensus/execute.js';
import { InProcessHub } from './consensus/hub.js';
import { ChainStore } from './consensus/store.js';
import type { Genesis, ValidatorUpdateTx } from './consensus/types.js';
import { Validator, type SubmitError, type SubmitOutcome } from './consensus/validator.js';
import { noFaults, type FaultSwitches } from './faults.js';
import { DEFAULT_SEED, devnetGenesis } from './genesis.js';
import { authoritySigner, validatorSigner } from './keys.js';
import type { Result } from '../shared/result.js';

export interface DevnetOptions {
  /** Validators in the genesis set (default 4). */
  validators?: number;
  /** Extra validators that run and follow the chain but start outside the set (rotation). */
  standby?: number;
  blockMs?: number;
  roundTimeoutMs?: number;
  maxClockDriftMs?: number;
  /** Each validator's SQLite chain lives in dir/validator-<i>.sqlite. */
  dir: string;
  clock?: Clock;
  chainId?: string;
  /** Public seed the devnet's keys derive from (keys.ts). */
  seed?: string;
  genesisTime?: number;
  deps?: AppDeps;
  logger?: Logger;
}

export interface DevnetNode {
  readonly index: number;
  readonly signer: Ed25519Signer;
  /** Mutable: flip switches at any time (faults.ts). */
  readonly faults: FaultSwitches;
  /** The current incarnation (a restart replaces it). */
  validator: Validator;
  running: boolean;
}

export interface Devnet {
  readonly genesis: Genesis;
  readonly authority: Ed25519Signer;
  readonly nodes: readonly DevnetNode[];
  readonly clock: Clock;
  validator(index: number): Validator;
  submit(tx: Uint8Array, to?: number): Result<SubmitOutcome, SubmitError>;
  /** Stops a validator abruptly (its store closes; nothing is flushed beyond commits). */
  crash(index: number): void;
  /** Reopens a crashed validator from its store; it replays and catches up from peers. */
  restart(index: number): Validator;
  /**
   * Submits an authority-signed validator-set change (effective two heights after the
   * block that includes it). `powers[i]` is node i's power; 0 or absent leaves it out.
   */
  rotate(powers: readonly number[], to?: number): Result<SubmitOutcome, SubmitError>;
  /** The checkpoint a kiosk is provisioned with, at a committed height. */
  checkpoint(height: number): Checkpoint;
  /** Resolves when every running validator has committed `height` (real clock). */
  waitForHeight(height: number, timeoutMs?: number): Promise<void>;
  stop(): void;
}

export function setFromPowers(
  nodes: readonly { signer: Ed25519Signer }[],
  powers: readonly number[],
): ValidatorSet {
  const vs = nodes
    .map((n, i) => ({ pubKey: n.signer.publicKey, power: powers[i] ?? 0 }))
    .filter((v) => v.power > 0);
  return makeValidatorSet(vs);
}

let nonce = 0;

export function startDevnet(opts: DevnetOptions): Devnet {
  const n = opts.validators ?? 4;
  const standby = opts.standby ?? 0;
  const seed = opts.seed ?? DEFAULT_SEED;
  const clock = opts.clock ?? systemClock();
  const logger = opts.logger ?? silentLogger;
  const blockMs = opts.blockMs ?? 1000;
  mkdirSync(opts.dir, { recursive: true });
  const authority = authoritySigner(seed);
  const signers = Array.from({ length: n + standby }, (_, i) => validatorSigner(seed, i));
  const genesis: Genesis = devnetGenesis(seed, n, opts.genesisTime ?? clock.now(), opts.chainId);
  const hub = new InProcessHub();
  const stores = new Map<number, ChainStore>();

  const makeValidator = (node: { index: number; signer: Ed25519Signer; faults: FaultSwitches }) => {
    const store = new ChainStore(join(opts.dir, `validator-${node.index}.sqlite`));
    stores.set(node.index, store);
    // The transport needs its validator, which needs the transport: tie the knot here.
    const ref: { v?: Validator } = {};
    const v = new Validator({
      genesis,
      signer: node.signer,
      store,
      clock,
      deps: opts.deps ?? ballotModuleDeps(store),
      transport: hub.transportFor(() => ref.v),
      blockMs,
      ...(opts.roundTimeoutMs === undefined ? {} : { roundTimeoutMs: opts.roundTimeoutMs }),
      ...(opts.maxClockDriftMs === undefined ? {} : { maxClockDriftMs: opts.maxClockDriftMs }),
      faults: node.faults,
      logger: logger.child({ node: node.index }),
    });
    ref.v = v;
    hub.join(v);
    return v;
  };

  const nodes: DevnetNode[] = signers.map((signer, index) => {
    const partial = { index, signer, faults: noFaults() };
    return { ...partial, validator: makeValidator(partial), running: true };
  });
  for (const node of nodes) node.validator.start();
  logger.info(EVENTS.devnetStart, { validators: n, standby, chainId: genesis.chainId });

  const nodeAt = (i: number): DevnetNode => {
    const node = nodes[i];
    if (node === undefined) throw new RangeError(`no validator ${i}`);
    return node;
  };

  let stopped = false;
  const stopWaiters = new Set<() => void>();
  const devnet: Devnet = {
    genesis,
    authority,
    nodes,
    clock,
    validator: (i) => nodeAt(i).validator,
    submit: (tx, to = 0) => nodeAt(to).validator.submit(tx),
    crash(i) {
      const node = nodeAt(i);
      if (!node.running) return;
      node.validator.stop();
      hub.leave(node.validator);
      stores.get(i)?.close();
      node.running = false;
      logger.info(EVENTS.faultSet, { node: i, fault: 'crash' });
    },
    restart(i) {
      const node = nodeAt(i);
      if (node.running) return node.validator;
      node.validator = makeValidator(node);
      node.running = true;
      node.validator.start();
      logger.info(EVENTS.faultSet, { node: i, fault: 'restart' });
      return node.validator;
    },
    rotate(powers, to = 0) {
      const body = {
        kind: 'devnet-validator-set' as const,
        nonce: ++nonce,
        validatorSet: setFromPowers(nodes, powers),
      };
      const tx: ValidatorUpdateTx = {
        validatorUpdate: body,
        signature: authority.sign(validatorUpdateMessage(body)),
      };
      return devnet.submit(encodeCanonical(tx as unknown as Canonical), to);
    },
    checkpoint(height) {
      const v = nodes.find((x) => x.running)?.validator;
      const lb = v?.lightBlock(height);
      if (lb === undefined) throw new RangeError(`height ${height} is not committed`);
      return {
        chainId: genesis.chainId,
        height,
        headerHash: headerHash(lb.header),
        validatorSet: lb.validatorSet,
      };
    },
    waitForHeight(height, timeoutMs = 30_000) {
      if (stopped) return Promise.reject(new Error('devnet stopped'));
      const done = () => nodes.every((x) => !x.running || x.validator.committedHeight >= height);
      if (done()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const offs: (() => void)[] = [];
        const finish = (e?: Error) => {
          clearTimeout(timer);
          for (const off of offs) off();
          if (e === undefined) resolve();
          else reject(e);
        };
        // A script waiting on a stopped devnet ends now, not at its timeout.
        const onStop = () => finish(new Error('devnet stopped'));
        stopWaiters.add(onStop);
        offs.push(() => stopWaiters.delete(onStop));
        const timer = setTimeout(() => {
          const hs = nodes.map((x) => (x.running ? x.validator.committedHeight : 'down')).join(',');
          finish(new Error(`devnet did not reach height ${height} in ${timeoutMs} ms (at ${hs})`));
        }, timeoutMs);
        for (const x of nodes) {
          offs.push(
            x.validator.onCommit(() => {
              if (done()) finish();
            }),
          );
        }
      });
    },
    stop() {
      stopped = true;
      for (const w of [...stopWaiters]) w();
      for (const node of nodes) {
        node.validator.stop();
        if (node.running) stores.get(node.index)?.close();
        node.running = false;
      }
    },
  };
  return devnet;
}
