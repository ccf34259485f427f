// Staff services' public surface: the host imports from here.
export {
  createStaffService,
  type StaffService,
  type StaffServiceDeps,
  type StaffView,
  type StaffPrincipal,
  type SignInError,
  type AuthError,
  type SignOutReason,
  type CardRouting,
} from './service.js';
export { openLockoutStore, DEFAULT_LOCKOUT, type LockoutPolicy } from './lockout.js';
export { STAFF_ACTIONS, PERMISSIONS, can, permissionsOf, type StaffAction } from './permissions.js';
export { STAFF_ROLES, type StaffRole, type Roster } from './roster.js';
export {
  createPollsService,
  canVote,
  nextPollsState,
  type PollsService,
  type PollsCommand,
  type PollsOutcome,
  type PollsServiceError,
  type ZeroReport,
  type ClosingSummary,
} from './polls.js';
export { createReportsService, type ReportsService, type ReportError } from './reports.js';
export { STAFF_RPC, STAFF_RPC_ERROR_KINDS } from './rpc-schema.js';
export type { AuditSink } from './audit.js';
