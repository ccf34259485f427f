// scrypt (RFC 7914) for everything derived from a human secret: the key-sealing passphrase,
// staff PINs and staff card numbers. node:crypto's scrypt gives the same bytes as
// @noble/hashes' (both follow the RFC) but runs natively on libuv's thread pool, so a
// production-cost derivation (hundreds of ms) never stalls the host's event loop, its RPC or
// its systemd watchdog ping.
import { scrypt as nodeScrypt } from 'node:crypto';
import { z } from 'zod';

export const ScryptCostSchema = z.strictObject({
  /** CPU/memory cost; a power of two. Capped so a tampered file cannot ask for 64 GiB. */
  N: z
    .int()
    .min(2 ** 10)
    .max(2 ** 20)
    .refine((n) => (n & (n - 1)) === 0, 'N must be a power of two'),
  r: z.int().min(1).max(32),
  p: z.int().min(1).max(16),
});
export type ScryptCost = z.infer<typeof ScryptCostSchema>;

/** 128 MiB, ~0.3–0.6 s on the kiosk's CPU: for the key-sealing passphrase. */
export const SEALING_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
/** 32 MiB: for staff PIN verifiers (checked at most a few times a minute). */
export const PIN_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
/** 16 MiB: for card-number lookups, which run on every card read. */
export const CARD_COST: ScryptCost = { N: 2 ** 14, r: 8, p: 1 };
/** For tests only: fast, and still the same code path. */
export const TEST_COST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };

export function scrypt(
  secret: Uint8Array,
  salt: Uint8Array,
  cost: ScryptCost,
  length = 32,
): Promise<Uint8Array> {
  const { N, r, p } = ScryptCostSchema.parse(cost);
  return new Promise((resolve, reject) => {
    nodeScrypt(secret, salt, length, { N, r, p, maxmem: 128 * N * r * p + (32 << 20) }, (e, key) =>
      e === null ? resolve(new Uint8Array(key)) : reject(e),
    );
  });
}
