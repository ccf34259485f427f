// Who the voter is to the roll, without keeping who they are: the document becomes an identity
// key and a roll entry (src/ballot/nullifier.ts), and the document itself is not kept.
import {
  deriveIdentityKey,
  deriveNullifier,
  deriveRollEntry,
  type DocumentIdentity,
  type RollParams,
} from '../../ballot/index.js';
import type { IdDocument } from '../../hardware/types.js';
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

export type EligibilityRefusal = { readonly kind: 'not-on-roll' };

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
export function identifyVoter(
  roll: RollConfig,
  chain: ChainView,
  doc: IdDocument,
): Result<Voter, EligibilityRefusal> {
  const identityKey = deriveIdentityKey(roll.params, documentIdentity(doc));
  const rollEntry = deriveRollEntry(roll.secret, identityKey);
  if (!chain.onRoll(rollEntry)) {
    identityKey.fill(0);
    return err({ kind: 'not-on-roll' });
  }
  return ok({ identityKey, rollEntry });
}

export const nullifierOf = (roll: RollConfig, voter: Voter, electionId: string): Uint8Array =>
  deriveNullifier(roll.secret, voter.identityKey, electionId);
