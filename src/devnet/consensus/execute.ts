// Executing a committed block: validator-set updates are consensus-level transactions the
// app never sees; everything else goes to the app's applyBlock. Also the statuses the
// ballot index records (included at (height, index), or refused with the app's reason).
import { encodeCanonical, type Canonical } from '../../protocol/encoding.js';
import { verifyEd25519 } from '../../protocol/ed25519.js';
import { TAG, taggedHash, toHex } from '../../protocol/hash.js';
import type { ValidatorSet } from '../../protocol/validators.js';
import { decodeWire } from '../../protocol/wire.js';
import {
  applyBlock,
  decodeTx,
  key,
  read,
  type AppDeps,
  type AppState,
  type AuthorityRecord,
  type BlockCtx,
  type Notice,
  type StateView,
  type StatelessMemo,
} from '../app/index.js';
import type { BallotStatus } from './store.js';
import {
  ValidatorUpdateTxSchema,
  type ValidatorUpdateBody,
  type ValidatorUpdateTx,
} from './types.js';

/** The bytes the authority signs for a validator-set update. */
export function validatorUpdateMessage(body: ValidatorUpdateBody): Uint8Array {
  return taggedHash(TAG.devnetTx, encodeCanonical(body as unknown as Canonical));
}

/**
 * A validator update if `bytes` is one (whatever its signature), else null. App
 * transactions never decode as one: the shapes differ at the top level.
 */
export function decodeValidatorUpdate(bytes: Uint8Array): ValidatorUpdateTx | null {
  const r = decodeWire(ValidatorUpdateTxSchema, bytes);
  return r.ok ? r.value : null;
}

export function validatorUpdateAuthorized(state: StateView, u: ValidatorUpdateTx): boolean {
  const auth = read<AuthorityRecord>(state, key.authority());
  if (auth === undefined) return false;
  return verifyEd25519(auth.publicKey, validatorUpdateMessage(u.validatorUpdate), u.signature);
}

export interface Executed {
  readonly state: AppState;
  /** Keyed by the ballot id in hex. */
  readonly statuses: Map<string, BallotStatus>;
  /** The last authorized validator update in the block, effective at height + 2. */
  readonly validatorUpdate: ValidatorSet | null;
  readonly notices: Notice[];
  readonly rejected: number;
}

export function executeBlock(
  state: AppState,
  txs: readonly Uint8Array[],
  ctx: BlockCtx,
  deps: AppDeps,
  /** The validator's check cache and txs[i]'s txId (docs/devnet.md, "Checked once"). */
  memo?: { memo: StatelessMemo; txKeys: readonly string[] },
): Executed {
  const appTxs: Uint8Array[] = [];
  const appIndex: number[] = [];
  const appKeys: string[] = [];
  let validatorUpdate: ValidatorSet | null = null;
  txs.forEach((bytes, i) => {
    const u = decodeValidatorUpdate(bytes);
    if (u === null) {
      appTxs.push(bytes);
      appIndex.push(i);
      const k = memo?.txKeys[i];
      if (k !== undefined) appKeys.push(k);
    } else if (validatorUpdateAuthorized(state, u)) {
      validatorUpdate = u.validatorUpdate.validatorSet;
    }
  });
  const r = applyBlock(
    state,
    appTxs,
    ctx,
    deps,
    memo === undefined ? undefined : { memo: memo.memo, txKeys: appKeys },
  );
  const statuses = new Map<string, BallotStatus>();
  let rejected = 0;
  for (const o of r.outcomes) {
    if (!o.ok) rejected++;
    if (o.txKind !== 'ballot') continue;
    const tx = decodeTx(appTxs[o.index] as Uint8Array);
    if (!tx.ok || tx.value.body.kind !== 'ballot') continue;
    const id = toHex(tx.value.body.ballotId);
    const index = appIndex[o.index] as number;
    // A second copy of an included ballot is refused as already-included: keep the inclusion.
    if (statuses.get(id)?.kind === 'included') continue;
    statuses.set(
      id,
      o.ok
        ? { kind: 'included', height: ctx.height, index }
        : {
            kind: 'rejected',
            height: ctx.height,
            reason: o.rejection.kind,
            detail: JSON.stringify(o.rejection),
          },
    );
  }
  return { state: r.state, statuses, validatorUpdate, notices: r.notices, rejected };
}
