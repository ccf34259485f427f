import { describe, expect, it } from 'vitest';
import { SyncProvisioningSchema, syncProvisioningOf } from '../../../src/sync/provisioning.js';
import { bootstrapAddrs } from '../../../src/sync/node.js';

const checkpoint = {
  chainId: 'veche-devnet',
  height: 1,
  headerHash: new Uint8Array(32),
  validatorSet: { validators: [{ pubKey: new Uint8Array(32).fill(1), power: 1 }] },
};
const v = (id: string, addr: string) => ({ peerId: id, multiaddrs: [addr] });

describe('sync provisioning', () => {
  it('needs at least two validators (a witness) and a checkpoint of the same chain', () => {
    const base = { chainId: 'veche-devnet', checkpoint };
    const two = [v('A', '/ip4/127.0.0.1/tcp/1'), v('B', '/ip4/127.0.0.1/tcp/2/p2p/B')];
    expect(SyncProvisioningSchema.safeParse({ ...base, validators: two }).success).toBe(true);
    expect(SyncProvisioningSchema.safeParse({ ...base, validators: two.slice(0, 1) }).success).toBe(
      false,
    );
    expect(
      SyncProvisioningSchema.safeParse({ ...base, chainId: 'other', validators: two }).success,
    ).toBe(false);
  });

  it('bootstrap addresses carry the peer id', () => {
    const p = SyncProvisioningSchema.parse({
      chainId: 'veche-devnet',
      checkpoint,
      validators: [v('A', '/ip4/127.0.0.1/tcp/1'), v('B', '/ip4/127.0.0.1/tcp/2/p2p/B')],
    });
    expect(bootstrapAddrs(p)).toEqual(['/ip4/127.0.0.1/tcp/1/p2p/A', '/ip4/127.0.0.1/tcp/2/p2p/B']);
  });

  it('a bundle with one validator runs no sync node; a valid one maps over', () => {
    const two = [v('A', '/ip4/127.0.0.1/tcp/1'), v('B', '/ip4/127.0.0.1/tcp/2')];
    const bundle = { chainId: 'veche-devnet', checkpoint, validators: two, roster: {} };
    const r = syncProvisioningOf(bundle);
    expect(r.ok && r.value).toEqual({ chainId: 'veche-devnet', checkpoint, validators: two });
    expect(syncProvisioningOf({ ...bundle, validators: two.slice(1) })).toEqual({
      ok: false,
      error: { kind: 'no-witness' },
    });
    const bad = syncProvisioningOf({ ...bundle, chainId: 'other' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.kind).toBe('invalid');
  });
});
