// The demo's and the e2e tests' poll staff and technician: two staff cards (ID cards that are
// not among the dev dock's sample voters, so every sample person can still vote) and their
// PINs, printed in docs/staff.md. A real kiosk's roster comes only from the authority's
// signed bundle; this one is built at start-up by the same function the authority uses.
import { makeTd1 } from '../../hardware/mrz/make-mrz.js';
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

function member(
  staffId: string,
  role: StaffRole,
  pin: string,
  documentNumber: string,
  surname: string,
  givenNames: string,
): DemoStaffMember {
  const mrz = makeTd1({
    documentCode: 'ID',
    issuingState: 'BLR',
    documentNumber,
    surname,
    givenNames,
    nationality: 'BLR',
    birth: '800101',
    sex: '<',
    expiry: '350101',
  });
  return { staffId, role, pin, mrz, card: { issuingState: 'BLR', documentNumber } };
}

export const DEMO_STAFF = {
  poll: member('00000000000000a1', 'poll-staff', '246810', 'MP7319264', 'STAFF', 'POLL'),
  tech: member('00000000000000b2', 'technician', '135799', 'KH5550172', 'STAFF', 'TECH'),
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
