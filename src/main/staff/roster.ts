// The staff roster as the authority signs it into the provisioning bundle, and the two slow
// hashes that make it safe to keep on a kiosk disk:
// - a card is named by scrypt(issuing state ‖ document number, roster salt): document numbers
//   are short and often sequential, so a fast hash of them would be a lookup table away from
//   the plain number; the roster never holds the number itself;
// - a PIN is kept as a scrypt verifier with its own per-staff salt and cost.
// Both hashes are computed by the authority with these same functions (provisioning/authority.ts).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { bytesSchema } from '../../protocol/bytes.js';
import type { IdDocument } from '../../hardware/types.js';
import { scrypt, ScryptCostSchema, type ScryptCost } from '../keys/kdf.js';
import { StaffIdSchema, StaffRoleSchema } from './schemas.js';

export {
  STAFF_ROLES,
  StaffRoleSchema,
  StaffIdSchema,
  PinSchema,
  type StaffRole,
} from './schemas.js';

export const PinVerifierSchema = z.strictObject({
  kdf: z.literal('scrypt'),
  cost: ScryptCostSchema,
  salt: bytesSchema(16),
  hash: bytesSchema(32),
});
export type PinVerifier = z.infer<typeof PinVerifierSchema>;

export const StaffEntrySchema = z.strictObject({
  staffId: StaffIdSchema,
  role: StaffRoleSchema,
  cardHash: bytesSchema(32),
  pin: PinVerifierSchema,
});
export type StaffEntry = z.infer<typeof StaffEntrySchema>;

export const RosterSchema = z
  .strictObject({
    cardSalt: bytesSchema(16),
    cardCost: ScryptCostSchema,
    staff: z.array(StaffEntrySchema).min(1).max(500),
  })
  .superRefine((r, ctx) => {
    const ids = new Set<string>();
    const cards = new Set<string>();
    r.staff.forEach((s, i) => {
      const card = Buffer.from(s.cardHash).toString('hex');
      if (ids.has(s.staffId) || cards.has(card)) {
        ctx.addIssue({ code: 'custom', path: ['staff', i], message: 'duplicate staff or card' });
      }
      ids.add(s.staffId);
      cards.add(card);
    });
  });
export type Roster = z.infer<typeof RosterSchema>;

const CARD_DOMAIN = 'veche/staff-card/v1';
const PIN_DOMAIN = 'veche/staff-pin/v1';

/** The part of an ID document that names a staff card, normalized like the MRZ prints it. */
export type CardIdentity = Pick<IdDocument, 'issuingState' | 'documentNumber'>;

function cardInput(card: CardIdentity): Uint8Array {
  const norm = (s: string) => s.toUpperCase().replace(/[<\s]/g, '');
  return new Uint8Array(
    Buffer.from(`${CARD_DOMAIN}\u0000${norm(card.issuingState)}\u0000${norm(card.documentNumber)}`),
  );
}

export async function cardHash(
  card: CardIdentity,
  salt: Uint8Array,
  cost: ScryptCost,
): Promise<Uint8Array> {
  const input = cardInput(card);
  try {
    return await scrypt(input, salt, cost);
  } finally {
    input.fill(0);
  }
}

/** Looks a card up in the roster. Compares against every entry (no early exit), in constant
 * time per entry, so timing does not say how far down the roster a card is. */
export async function findStaff(roster: Roster, card: CardIdentity): Promise<StaffEntry | null> {
  const h = await cardHash(card, roster.cardSalt, roster.cardCost);
  let found: StaffEntry | null = null;
  for (const s of roster.staff) {
    if (timingSafeEqual(h, s.cardHash) && found === null) found = s;
  }
  return found;
}

function pinInput(pin: string): Uint8Array {
  return new Uint8Array(Buffer.from(`${PIN_DOMAIN}\u0000${pin}`));
}

/** The authority's side: a fresh verifier for a PIN. */
export async function makePinVerifier(pin: string, cost: ScryptCost): Promise<PinVerifier> {
  const salt = new Uint8Array(randomBytes(16));
  return { kdf: 'scrypt', cost, salt, hash: await scrypt(pinInput(pin), salt, cost) };
}

export async function verifyPin(pin: string, verifier: PinVerifier): Promise<boolean> {
  const h = await scrypt(pinInput(pin), verifier.salt, verifier.cost);
  return timingSafeEqual(h, verifier.hash);
}
