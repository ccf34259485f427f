// The first state: only the authority's key. Units, kiosks and everything else arrive as
// signed transactions, so the whole setup is in the chain's history and replayable.
import { isUsableEd25519Key } from './pubkey.js';
import { key } from './keys.js';
import type { AuthorityRecord } from './records.js';
import { AppState } from './state.js';

export function genesisState(authorityPublicKey: Uint8Array): AppState {
  if (!isUsableEd25519Key(authorityPublicKey)) throw new TypeError('invalid authority key');
  const rec: AuthorityRecord = { publicKey: authorityPublicKey, seq: 0 };
  return AppState.empty().apply(new Map([[key.authority(), rec]]));
}
