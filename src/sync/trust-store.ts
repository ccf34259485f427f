// The light client's trusted state in the store: every verified light block is kept as a
// header row (with its commit) plus its two validator sets, and the newest row with its next
// set is the TrustedState a restarted kiosk resumes from.
import { decodeCanonical, encodeCanonical, type Canonical } from '../protocol/encoding.js';
import { headerHash, HeaderSchema, type Header, type LightBlock } from '../protocol/header.js';
import { validatorSetHash, ValidatorSetSchema } from '../protocol/validators.js';
import type { Store, SyncedWriteError } from '../store/index.js';
import { type Result } from '../shared/result.js';
import type { TrustedState } from './light/index.js';

const enc = (v: unknown): Uint8Array => encodeCanonical(v as Canonical);

/** Our own rows: undecodable means a damaged store, a bug-class failure. */
function dec(bytes: Uint8Array): Canonical {
  const r = decodeCanonical(bytes);
  if (!r.ok) throw new Error(`stored chain data does not decode: ${JSON.stringify(r.error)}`);
  return r.value;
}

export function saveLightBlock(store: Store, b: LightBlock): Result<void, SyncedWriteError> {
  for (const set of [b.validatorSet, b.nextValidatorSet]) {
    const r = store.synced.putValidatorSet(validatorSetHash(set), enc(set));
    if (!r.ok) return r;
  }
  return store.synced.putHeader({
    chainId: b.header.chainId,
    height: b.header.height,
    hash: headerHash(b.header),
    header: enc(b.header),
    commit: enc(b.commit),
    validatorsHash: b.header.validatorsHash,
    appHash: b.header.appHash,
  });
}

export function storedHeader(store: Store, chainId: string, height: number): Header | undefined {
  const row = store.synced.header(chainId, height);
  return row === undefined ? undefined : HeaderSchema.parse(dec(row.header));
}

/**
 * A header reached by the backwards hash chain from a verified one, as kept by
 * saveLinkedHeader: trusted as far as that chain, which was walked before it was stored.
 */
export function linkedHeader(store: Store, chainId: string, height: number): Header | undefined {
  const bytes = store.synced.linkedHeader(chainId, height);
  return bytes === undefined ? undefined : HeaderSchema.parse(dec(bytes));
}

/** The lowest kept header above `height`, verified or linked (both trusted, see above). */
export function nearestHeaderAbove(
  store: Store,
  chainId: string,
  height: number,
): Header | undefined {
  const bytes = store.synced.nearestHeaderAbove(chainId, height);
  return bytes === undefined ? undefined : HeaderSchema.parse(dec(bytes));
}

/** Keeps a linked header; a full disk only means it is fetched again next time. */
export function saveLinkedHeader(store: Store, h: Header): void {
  store.synced.putLinkedHeader(h.chainId, h.height, headerHash(h), enc(h));
}

/** The newest stored trusted state, or undefined before the first sync. */
export function loadTrustedState(store: Store, chainId: string): TrustedState | undefined {
  const row = store.synced.latestHeader(chainId);
  if (row === undefined) return undefined;
  const header = HeaderSchema.parse(dec(row.header));
  const setBytes = store.synced.validatorSet(header.nextValidatorsHash);
  // Written together with the header by saveLightBlock: missing means a damaged store.
  if (setBytes === undefined) throw new Error(`next validator set of ${header.height} missing`);
  return { header, nextValidatorSet: ValidatorSetSchema.parse(dec(setBytes)) };
}
