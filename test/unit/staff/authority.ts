// A test election authority: pins a key, answers enrollments with signed provisioning bundles
// (low KDF cost, so tests stay fast). The e2e suite can use it to provision a kiosk.
import { randomBytes } from 'node:crypto';
import { ed25519SignerFromSeed, generateEd25519Seed } from '../../../src/protocol/ed25519.js';
import { makeValidatorSet } from '../../../src/protocol/validators.js';
import {
  buildBundle,
  buildRoster,
  type RosterInput,
} from '../../../src/main/provisioning/authority.js';
import { signBundle } from '../../../src/main/provisioning/bundle.js';
import { parseEnrollment } from '../../../src/main/provisioning/enrollment.js';
import { encodeCanonical, type Canonical } from '../../../src/protocol/encoding.js';
import { taggedHash } from '../../../src/protocol/hash.js';
import { SIG_TAG, SIGNED_BUNDLE_FORMAT } from '../../../src/main/provisioning/schemas.js';
import type {
  ProvisioningBundle,
  RollParamsWire,
  UnitParams,
  ValidatorPeer,
} from '../../../src/main/provisioning/schemas.js';
import { TEST_COST } from '../../../src/main/keys/kdf.js';
import type { Checkpoint } from '../../../src/sync/light/types.js';

export const STAFF = {
  poll: {
    staffId: '00000000000000a1',
    role: 'poll-staff',
    card: { issuingState: 'BLR', documentNumber: 'MP7319264' },
    pin: '246810',
  },
  tech: {
    staffId: '00000000000000b2',
    role: 'technician',
    card: { issuingState: 'BLR', documentNumber: 'KH5550172' },
    pin: '135799',
  },
} as const satisfies Record<string, RosterInput>;

export const UNIT: UnitParams = {
  unitId: 'polotsk-city',
  pollingPlace: 'pp-017',
  kioskId: 'kiosk-017-a',
  staffIdleTimeoutSec: 300,
};

export const CHAIN_ID = 'veche-devnet';

/** Low cost so tests stay fast; still within the bundle's bounds. */
export const ROLL: RollParamsWire = { rollId: 'test-roll-1', N: 1 << 10, r: 8, p: 1 };

export function testCheckpoint(chainId = CHAIN_ID): Checkpoint {
  return {
    chainId,
    height: 42,
    headerHash: new Uint8Array(randomBytes(32)),
    validatorSet: makeValidatorSet(
      [1, 2, 3, 4].map((i) => ({ pubKey: new Uint8Array(32).fill(i), power: 10 })),
    ),
  };
}

export const VALIDATORS: ValidatorPeer[] = [
  {
    peerId: '12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq',
    multiaddrs: ['/ip4/127.0.0.1/tcp/40001'],
  },
];

export interface TestAuthority {
  readonly publicKey: Uint8Array;
  readonly rollSecret: Uint8Array;
  /** Answers an enrollment (file bytes or QR payload) with a signed bundle. */
  provision(
    enrollment: Uint8Array | string,
    opts?: {
      staff?: readonly RosterInput[];
      unit?: UnitParams;
      /** Edit the bundle before signing (to build bad ones). */
      edit?: (b: ProvisioningBundle) => ProvisioningBundle;
    },
  ): Promise<Uint8Array>;
  /** Signs any value as a bundle, bypassing the schema (to build legacy or invalid ones). */
  signRaw(bundle: Canonical): Uint8Array;
}

export function makeAuthority(): TestAuthority {
  const signer = ed25519SignerFromSeed(generateEd25519Seed());
  const rollSecret = new Uint8Array(randomBytes(32));
  return {
    publicKey: signer.publicKey,
    rollSecret,
    async provision(enrollment, opts = {}) {
      const parsed = parseEnrollment(enrollment);
      if (!parsed.ok) throw new Error(`bad enrollment: ${parsed.error.kind}`);
      const roster = await buildRoster(opts.staff ?? [STAFF.poll, STAFF.tech], {
        card: TEST_COST,
        pin: TEST_COST,
      });
      const bundle = buildBundle({
        enrollment: parsed.value.request,
        chainId: CHAIN_ID,
        issuedAt: parsed.value.request.createdAt + 60_000,
        unit: opts.unit ?? UNIT,
        validators: VALIDATORS,
        checkpoint: testCheckpoint(),
        roster,
        rollSecret,
        roll: ROLL,
      });
      return signBundle(opts.edit ? opts.edit(bundle) : bundle, signer);
    },
    signRaw(bundle) {
      const bytes = encodeCanonical(bundle);
      return encodeCanonical({
        format: SIGNED_BUNDLE_FORMAT,
        bundle: bytes,
        authorityKey: signer.publicKey,
        signature: signer.sign(taggedHash(SIG_TAG.bundle, bytes)),
      });
    },
  };
}
