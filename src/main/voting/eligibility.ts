// Who the voter is to the roll, without keeping who they are: the document becomes an identity
// key and a roll entry (src/ballot/nullifier.ts), and the document itself is not kept.
import { scrypt } from 'node:crypto';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import {
  deriveNullifier,
  deriveRollEntry,
  type DocumentIdentity,
  type RollParams,
} from '../../ballot/index.js';
import { canonicalIdentity } from '../../ballot/nullifier.js';
import type { IdDocument } from '../../hardware/types.js';
import { TAG, taggedHash } from '../../protocol/hash.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ChainView } from './chain-view.js';

/** The roll secret and scrypt parameters, given to every registered kiosk of the unit. */
export interface RollConfig {
  readonly secret: Uint8Array;
  readonly params: RollParams;
}

/** A voter on the roll, as host memory holds them for one session. */
export interface Voter {
  readonly identityKey: Uint8Array;
  readonly rollEntry: Uint8Array;
}

/** Why a voter cannot vote here now; each is shown with its way out (docs/voting.md). */
export type EligibilityRefusal =
  | { readonly kind: 'not-on-roll' }
  | { readonly kind: 'document-expired' }
  | { readonly kind: 'nothing-to-vote' };

/** Valid through the expiry day itself, in UTC, on the host's clock (the card reader applies
 * the same rule on its own clock; a wedge reader or a read just before midnight need not). */
export function documentExpired(doc: IdDocument, nowMs: number): boolean {
  return doc.expiryDate < new Date(nowMs).toISOString().slice(0, 10);
}

/** deriveIdentityKey (src/ballot/nullifier.ts) on libuv's thread pool: the same scrypt, but
 * the event loop keeps serving the screen and the light node while it runs. */
export function deriveIdentityKeyAsync(
  params: RollParams,
  identity: DocumentIdentity,
): Promise<Uint8Array> {
  const password = taggedHash(TAG.rollIdentity, canonicalIdentity(identity));
  return new Promise((resolve, reject) =>
    scrypt(
      password,
      utf8ToBytes(params.rollId),
      32,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + (1 << 20) },
      (e, key) => (e ? reject(e) : resolve(new Uint8Array(key))),
    ),
  );
}

/** ISO YYYY-MM-DD (what the card reader gives) to the MRZ's YYMMDD (what the roll hashes). */
export function documentIdentity(doc: IdDocument): DocumentIdentity {
  const [y = '', m = '', d = ''] = doc.birthDate.split('-');
  return {
    issuingState: doc.issuingState,
    documentNumber: doc.documentNumber,
    birthDate: `${y.slice(-2)}${m}${d}`,
  };
}

/** The slow step of a session (one scrypt); refusal is a value the voter screen explains. */
export async function identifyVoter(
  roll: RollConfig,
  chain: ChainView,
  doc: IdDocument,
): Promise<Result<Voter, EligibilityRefusal>> {
  const identityKey = await deriveIdentityKeyAsync(roll.params, documentIdentity(doc));
  const rollEntry = deriveRollEntry(roll.secret, identityKey);
  if (!chain.onRoll(rollEntry)) {
    identityKey.fill(0);
    return err({ kind: 'not-on-roll' });
  }
  return ok({ identityKey, rollEntry });
}

export const nullifierOf = (roll: RollConfig, voter: Voter, electionId: string): Uint8Array =>
  deriveNullifier(roll.secret, voter.identityKey, electionId);
