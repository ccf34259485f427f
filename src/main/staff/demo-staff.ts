// The demo's and the e2e tests' poll staff and technician: two staff cards (the dev dock's
// staff cards: ID cards of people who are not sample voters, so every sample voter can vote) and their
// PINs, printed in docs/staff.md. A real kiosk's roster comes only from the authority's
// signed bundle; this one is built at start-up by the same function the authority uses.
import { findPerson, SAMPLE_STAFF_CARDS } from '../../hardware/sim/people.js';
import type { ScryptCost } from '../keys/kdf.js';
import { buildRoster } from '../provisioning/authority.js';
import type { Roster } from './roster.js';
import type { StaffRole } from './schemas.js';

export interface DemoStaffMember {
  readonly staffId: string;
  readonly role: StaffRole;
  readonly pin: string;
  readonly mrz: readonly string[];
  readonly card: { readonly issuingState: string; readonly documentNumber: string };
}

function member(staffId: string, role: StaffRole, pin: string, cardId: string): DemoStaffMember {
  // The card's MRZ is the dock's staff card, so "Insert card" in the dev dock signs staff in.
  const card = findPerson(cardId, SAMPLE_STAFF_CARDS);
  if (card === undefined) throw new Error(`no sample staff card ${cardId}`);
  // TD1 line 1, positions 6–14: the document number the roster's card hash is built from.
  const documentNumber = card.mrz[0]?.slice(5, 14) ?? '';
  return { staffId, role, pin, mrz: card.mrz, card: { issuingState: 'BLR', documentNumber } };
}

export const DEMO_STAFF = {
  poll: member('00000000000000a1', 'poll-staff', '246810', 'staff-poll'),
  tech: member('00000000000000b2', 'technician', '135799', 'staff-tech'),
} as const;

export function demoStaffRoster(costs: { card: ScryptCost; pin: ScryptCost }): Promise<Roster> {
  return buildRoster(
    Object.values(DEMO_STAFF).map((m) => ({
      staffId: m.staffId,
      role: m.role,
      card: m.card,
      pin: m.pin,
    })),
    costs,
  );
}

/** The serial reader's bytes for inserting a demo staff card (the dock's inject field). */
export function demoStaffCardBytes(m: DemoStaffMember): Buffer {
  return Buffer.from(`@CARD_IN\r\n${m.mrz.map((l) => `${l}\r\n`).join('')}\r\n`, 'latin1');
}
