// The election authority's half of provisioning: turning a kiosk's enrollment, the roster and
// the chain's bootstrap data into a bundle. It runs on the authority's machine (and in tests
// and the e2e as the test authority), never on a kiosk; it lives here so both sides share one
// definition of every hash and box.
import { randomBytes } from 'node:crypto';
import type { ScryptCost } from '../keys/kdf.js';
import {
  cardHash,
  makePinVerifier,
  RosterSchema,
  type CardIdentity,
  type Roster,
  type StaffRole,
} from '../staff/roster.js';
import type { Checkpoint } from '../../sync/light/types.js';
import { sealToKiosk } from './sealed-box.js';
import {
  BUNDLE_FORMAT,
  ProvisioningBundleSchema,
  type EnrollmentRequest,
  type ProvisioningBundle,
  type RollParamsWire,
  type UnitParams,
  type ValidatorPeer,
} from './schemas.js';

export interface RosterInput {
  readonly staffId: string;
  readonly role: StaffRole;
  readonly card: CardIdentity;
  readonly pin: string;
}

export async function buildRoster(
  staff: readonly RosterInput[],
  costs: { card: ScryptCost; pin: ScryptCost },
): Promise<Roster> {
  const cardSalt = new Uint8Array(randomBytes(16));
  const entries = [];
  for (const s of staff) {
    entries.push({
      staffId: s.staffId,
      role: s.role,
      cardHash: await cardHash(s.card, cardSalt, costs.card),
      pin: await makePinVerifier(s.pin, costs.pin),
    });
  }
  return RosterSchema.parse({ cardSalt, cardCost: costs.card, staff: entries });
}

/** A bundle answering one (already verified) enrollment. */
export function buildBundle(input: {
  enrollment: EnrollmentRequest;
  chainId: string;
  issuedAt: number;
  unit: UnitParams;
  validators: readonly ValidatorPeer[];
  checkpoint: Checkpoint;
  roster: Roster;
  rollSecret: Uint8Array;
  /** The roll's scrypt parameters, as published with the roll. */
  roll: RollParamsWire;
}): ProvisioningBundle {
  const e = input.enrollment;
  return ProvisioningBundleSchema.parse({
    format: BUNDLE_FORMAT,
    chainId: input.chainId,
    issuedAt: input.issuedAt,
    kiosk: { signingKey: e.signingKey, boxKey: e.boxKey, enrollmentNonce: e.nonce },
    unit: input.unit,
    validators: input.validators,
    checkpoint: input.checkpoint,
    roster: input.roster,
    rollSecret: sealToKiosk(input.rollSecret, e.boxKey, {
      chainId: input.chainId,
      kioskSigningKey: e.signingKey,
      enrollmentNonce: e.nonce,
    }),
    roll: input.roll,
  });
}
