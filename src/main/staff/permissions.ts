// Who may do what. Poll staff run the poll; technicians service the machine. Neither role is
// a superset of the other, on purpose: a technician cannot open or close polls or export
// results, and poll staff cannot re-provision, decommission or update the kiosk, so one
// stolen card+PIN never gives both the ballot box and the machine.
import type { StaffRole } from './schemas.js';

export const STAFF_ACTIONS = [
  'polls.open',
  'polls.pause',
  'polls.resume',
  'polls.close',
  'queue.view',
  'sync.view',
  'sync.run',
  'reconcile.run',
  'report.print',
  'report.export',
  'ballot.resolve',
  'diagnostics.view',
  'device.test',
  'device.replace',
  'provision.enroll',
  'provision.import',
  'provision.decommission',
  'update.install',
  'evidence.export',
  'evidence.resolve',
] as const;
export type StaffAction = (typeof STAFF_ACTIONS)[number];

const BOTH: readonly StaffRole[] = ['poll-staff', 'technician'];
const POLL_STAFF: readonly StaffRole[] = ['poll-staff'];
const TECHNICIAN: readonly StaffRole[] = ['technician'];

export const PERMISSIONS: Readonly<Record<StaffAction, readonly StaffRole[]>> = {
  'polls.open': POLL_STAFF,
  'polls.pause': POLL_STAFF,
  'polls.resume': POLL_STAFF,
  'polls.close': POLL_STAFF,
  'queue.view': BOTH,
  'sync.view': BOTH,
  'sync.run': BOTH,
  'reconcile.run': POLL_STAFF,
  'report.print': POLL_STAFF,
  'report.export': POLL_STAFF,
  'ballot.resolve': POLL_STAFF,
  'diagnostics.view': BOTH,
  'device.test': BOTH,
  'device.replace': TECHNICIAN,
  'provision.enroll': TECHNICIAN,
  'provision.import': TECHNICIAN,
  'provision.decommission': TECHNICIAN,
  'update.install': TECHNICIAN,
  // Light-client evidence names validators and clears the sync alarm: the machine's side.
  'evidence.export': TECHNICIAN,
  'evidence.resolve': TECHNICIAN,
};

export function can(role: StaffRole, action: StaffAction): boolean {
  return PERMISSIONS[action].includes(role);
}

export function permissionsOf(role: StaffRole): StaffAction[] {
  return STAFF_ACTIONS.filter((a) => can(role, a));
}
