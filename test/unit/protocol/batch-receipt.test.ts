// The batch receipt of /veche/submit-batch/2: one signature over the root of the received
// transaction ids; each item covered by its audit path; the stored per-item encoding.
import { describe, expect, it } from 'vitest';
import { devnetSigner } from '../../../src/devnet/keys.js';
import {
  decodeCanonical,
  encodeCanonical,
  type Canonical,
} from '../../../src/protocol/encoding.js';
import { TAG, taggedHash } from '../../../src/protocol/hash.js';
import {
  batchItemCovers,
  encodeBatchItemReceipt,
  signBatchReceipt,
  StoredReceiptSchema,
  verifyBatchReceipt,
} from '../../../src/protocol/light-rpc.js';

const signer = devnetSigner('batch-receipt-test', 'validator');
const ids = (n: number) =>
  Array.from({ length: n }, (_, i) => taggedHash(TAG.devnetTxId, new Uint8Array([i, n])));
const head = { chainId: 'veche-test', validator: signer.publicKey, height: 7 };

describe('batch receipts', () => {
  it('cover each received id at its index, and nothing else', () => {
    for (const n of [1, 2, 3, 5, 256]) {
      const txIds = ids(n);
      const { receipt, tree } = signBatchReceipt(head, txIds, signer);
      expect(receipt.body.count).toBe(n);
      expect(verifyBatchReceipt(receipt)).toBe(true);
      for (const i of [0, n - 1, Math.floor(n / 2)]) {
        const item = { batch: receipt, index: i, path: tree.proof(i).path };
        expect(batchItemCovers(item, txIds[i] as Uint8Array)).toBe(true);
        const other = txIds[(i + 1) % n] as Uint8Array;
        expect(batchItemCovers(item, other)).toBe(n === 1);
        expect(batchItemCovers({ ...item, index: (i + 1) % n }, txIds[i] as Uint8Array)).toBe(
          n === 1,
        );
      }
    }
  });

  it('signature covers every body field under its own tag', () => {
    const { receipt } = signBatchReceipt(head, ids(3), signer);
    for (const body of [
      { ...receipt.body, count: 4 },
      { ...receipt.body, height: 8 },
      { ...receipt.body, chainId: 'other' },
      { ...receipt.body, root: new Uint8Array(32) },
    ]) {
      expect(verifyBatchReceipt({ ...receipt, body })).toBe(false);
    }
  });

  it('stored item encoding is the canonical encoding, and decodes as a stored receipt', () => {
    for (const n of [1, 2, 24, 25, 256]) {
      const { receipt, tree } = signBatchReceipt(head, ids(n), signer);
      const batchBytes = encodeCanonical(receipt as unknown as Canonical);
      for (const i of [0, 23, 24, n - 1].filter((x) => x < n)) {
        const path = tree.proof(i).path;
        const full = encodeCanonical({ batch: receipt, index: i, path } as unknown as Canonical);
        const fast = encodeBatchItemReceipt(batchBytes, i, path);
        expect({ n, i, hex: Buffer.from(fast).toString('hex') }).toEqual({
          n,
          i,
          hex: Buffer.from(full).toString('hex'),
        });
        const d = decodeCanonical(fast);
        expect(d.ok).toBe(true);
        if (!d.ok) return;
        const parsed = StoredReceiptSchema.parse(d.value);
        expect('batch' in parsed && parsed.index).toBe(i);
      }
    }
  });
});
