// Provisioning's public surface: the host imports from here; the authority tool and the test
// authority also use authority.ts and signBundle.
export {
  createProvisioningService,
  ENROLLMENT_FILE,
  RECORD_FILE,
  type ProvisioningService,
  type ProvisioningDeps,
  type ProvisioningStatus,
  type ProvisioningError,
  type Provisioned,
  type EnrollmentOutput,
} from './service.js';
export { parseEnrollment, renderEnrollmentQr, QR_PREFIX } from './enrollment.js';
export { verifyBundle, signBundle, type BundleError, type VerifiedBundle } from './bundle.js';
export { buildBundle, buildRoster, type RosterInput } from './authority.js';
export type {
  EnrollmentRequest,
  ProvisioningBundle,
  RollParamsWire,
  UnitParams,
  ValidatorPeer,
} from './schemas.js';
