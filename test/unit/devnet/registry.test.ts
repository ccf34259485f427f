import { describe, expect, it } from 'vitest';
import {
  DEFAULT_UNIT_PARAMS,
  isOnRoll,
  key,
  signTx,
  UnitParamsTxSchema,
} from '../../../src/devnet/app/index.js';
import {
  bytes32,
  cert,
  Chain,
  DAY,
  expectOk,
  expectRejected,
  params,
  signer,
  withUnit,
} from './harness.js';

describe('authority transactions', () => {
  it('rejects a body signed by anyone but the authority, and replays of an accepted one', () => {
    const chain = new Chain();
    const body = {
      kind: 'unit-params',
      seq: 1,
      unit: 'village',
      parent: null,
      params: params(),
    } as const;
    expectRejected(chain.one(signTx(body, signer('not-the-authority'))), 'bad-signature');
    const good = signTx(body, chain.authority);
    expectOk(chain.one(good));
    expect(expectRejected(chain.one(good), 'stale-seq')).toMatchObject({ last: 1 });
    expect(chain.get(key.authority())).toMatchObject({ seq: 1 });
  });
});

describe('units and their parameters', () => {
  it('stores the parameters as given (not constants in code) and defaults to 20 % / 50 %', () => {
    expect(DEFAULT_UNIT_PARAMS).toMatchObject({
      recallThresholdBps: 2000,
      recoveryThresholdBps: 5000,
    });
    const chain = new Chain();
    expectOk(
      chain.one(
        chain.auth({
          kind: 'unit-params',
          unit: 'city',
          parent: null,
          params: params({ recallThresholdBps: 2500 }),
        }),
      ),
    );
    expectOk(
      chain.one(
        chain.auth({ kind: 'unit-params', unit: 'village', parent: 'city', params: params() }),
      ),
    );
    expect(chain.get(key.param('village'))).toMatchObject({
      parent: 'city',
      params: { recallThresholdBps: 2000 },
    });
    expect(chain.get(key.param('city'))).toMatchObject({ params: { recallThresholdBps: 2500 } });
  });

  it('rejects an unknown parent and a cycle', () => {
    const chain = new Chain();
    expectRejected(
      chain.one(
        chain.auth({ kind: 'unit-params', unit: 'v', parent: 'nowhere', params: params() }),
      ),
      'unknown-unit',
    );
    expectOk(
      chain.one(chain.auth({ kind: 'unit-params', unit: 'a', parent: null, params: params() })),
    );
    expectOk(
      chain.one(chain.auth({ kind: 'unit-params', unit: 'b', parent: 'a', params: params() })),
    );
    expectRejected(
      chain.one(chain.auth({ kind: 'unit-params', unit: 'a', parent: 'b', params: params() })),
      'unit-cycle',
    );
    expectRejected(
      chain.one(chain.auth({ kind: 'unit-params', unit: 'a', parent: 'a', params: params() })),
      'unit-cycle',
    );
  });

  it('the schema refuses a recovery threshold below the recall threshold', () => {
    const bad = {
      kind: 'unit-params',
      seq: 1,
      unit: 'v',
      parent: null,
      params: params({ recallThresholdBps: 6000 }),
    };
    expect(UnitParamsTxSchema.safeParse(bad).success).toBe(false);
    expect(UnitParamsTxSchema.safeParse({ ...bad, params: params() }).success).toBe(true);
  });
});

describe('kiosks', () => {
  it('registers a kiosk with unit, key and polling place; revokes it', () => {
    const chain = new Chain();
    const { kiosk, kioskId } = withUnit(chain);
    expect(chain.get(key.kiosk(kioskId))).toMatchObject({
      unit: 'village',
      publicKey: kiosk.publicKey,
      pollingPlace: 'school of village',
      status: 'active',
    });
    expectOk(chain.one(chain.auth({ kind: 'kiosk-revoke', kioskId })));
    expect(chain.get(key.kiosk(kioskId))).toMatchObject({
      status: 'revoked',
      revokedAt: chain.height,
    });
    expectRejected(chain.one(chain.auth({ kind: 'kiosk-revoke', kioskId })), 'kiosk-revoked');
  });

  it('rejects a duplicate id (even after revocation), an unknown unit, a bad key and unknown revocations', () => {
    const chain = new Chain();
    const { kioskId } = withUnit(chain);
    const reg = (over: Record<string, unknown>) =>
      chain.auth({
        kind: 'kiosk-register',
        kioskId: 'k2',
        unit: 'village',
        publicKey: signer('k2').publicKey,
        pollingPlace: 'p',
        ...over,
      });
    expectRejected(chain.one(reg({ kioskId })), 'kiosk-exists');
    expectRejected(chain.one(reg({ unit: 'atlantis' })), 'unknown-unit');
    // The y-coordinate 2 is not on the curve: not a public key.
    const notAKey = new Uint8Array(32);
    notAKey[0] = 2;
    expectRejected(chain.one(reg({ publicKey: notAKey })), 'invalid-public-key');
    expectRejected(
      chain.one(chain.auth({ kind: 'kiosk-revoke', kioskId: 'k9' })),
      'unregistered-kiosk',
    );
    expectOk(chain.one(chain.auth({ kind: 'kiosk-revoke', kioskId })));
    expectRejected(chain.one(reg({ kioskId })), 'kiosk-exists');
  });
});

describe('staff roster', () => {
  it('sets and revokes staff entries; rejects unknown staff and units', () => {
    const chain = new Chain();
    withUnit(chain);
    const pk = signer('anna').publicKey;
    expectOk(
      chain.one(
        chain.auth({
          kind: 'staff-set',
          staffId: 'anna',
          unit: 'village',
          role: 'poll-staff',
          publicKey: pk,
        }),
      ),
    );
    expect(chain.get(key.staff('anna'))).toMatchObject({
      role: 'poll-staff',
      publicKey: pk,
      status: 'active',
    });
    expectOk(
      chain.one(
        chain.auth({
          kind: 'staff-set',
          staffId: 'anna',
          unit: 'village',
          role: 'technician',
          publicKey: pk,
        }),
      ),
    );
    expect(chain.get(key.staff('anna'))).toMatchObject({ role: 'technician' });
    expectOk(chain.one(chain.auth({ kind: 'staff-revoke', staffId: 'anna' })));
    expect(chain.get(key.staff('anna'))).toMatchObject({ status: 'revoked' });
    expectRejected(
      chain.one(chain.auth({ kind: 'staff-revoke', staffId: 'bob' })),
      'unknown-staff',
    );
    expectRejected(
      chain.one(
        chain.auth({
          kind: 'staff-set',
          staffId: 'c',
          unit: 'x',
          role: 'technician',
          publicKey: pk,
        }),
      ),
      'unknown-unit',
    );
  });
});

describe('voter roll and qualified jurors', () => {
  it('stores roll entries per unit and exposes membership', () => {
    const chain = new Chain();
    withUnit(chain);
    withUnit(chain, 'town');
    const a = bytes32('a');
    const b = bytes32('b');
    expectOk(chain.one(chain.auth({ kind: 'roll-add', unit: 'village', entries: [a, b] })));
    expect([isOnRoll(chain.state, 'village', a), isOnRoll(chain.state, 'town', a)]).toEqual([
      true,
      false,
    ]);
    expectOk(chain.one(chain.auth({ kind: 'roll-add', unit: 'village', entries: [a] })));
    expect(chain.get(key.roll('village', a))).toEqual({ addedAt: chain.height - 1 });
    expectOk(chain.one(chain.auth({ kind: 'roll-remove', unit: 'village', entries: [a] })));
    expect(isOnRoll(chain.state, 'village', a)).toBe(false);
    expectRejected(
      chain.one(chain.auth({ kind: 'roll-remove', unit: 'village', entries: [b, a] })),
      'not-on-roll',
    );
    expect(isOnRoll(chain.state, 'village', b)).toBe(true); // all or nothing
  });

  it('qualifies only voters of the unit as jurors; removing the voter removes the juror', () => {
    const chain = new Chain();
    withUnit(chain);
    const a = bytes32('a');
    const q = {
      kind: 'juror-qualify',
      unit: 'village',
      entry: a,
      legal: cert(chain.timeS + DAY, 'law-1'),
      political: cert(chain.timeS + DAY, 'pol-1'),
    };
    expectRejected(chain.one(chain.auth(q)), 'not-on-roll');
    expectOk(chain.one(chain.auth({ kind: 'roll-add', unit: 'village', entries: [a] })));
    expectOk(chain.one(chain.auth(q)));
    expect(chain.get(key.juror('village', a))).toMatchObject({ legal: { certificateId: 'law-1' } });
    expectOk(chain.one(chain.auth({ kind: 'roll-remove', unit: 'village', entries: [a] })));
    expect(chain.get(key.juror('village', a))).toBeUndefined();
  });
});
