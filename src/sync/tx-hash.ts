// The hashes the kiosk computes for every ballot it delivers, on OpenSSL instead of the
// pure-JS SHA-256 of src/protocol: the id a batch receipt's leaf names and the leaf of a
// block's dataHash tree (over the ~3 KiB transaction), and the ~10 interior nodes of an
// inclusion proof. Same values and the same RFC 9162 algorithm, bit for bit (unit test
// test/unit/sync/tx-hash.test.ts checks them against taggedHash, leafHash and
// verifyInclusion); in JS they cost the kiosk ~80 µs per ballot, about five times the raw
// stream's whole cost per ballot.
import { createHash, hash } from 'node:crypto';
import { equalBytes } from '../protocol/bytes.js';
import { TAG } from '../protocol/hash.js';
import type { InclusionProof } from '../protocol/merkle.js';

const u32be = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const TX_ID_PREFIX = Buffer.concat([
  u32be(Buffer.byteLength(TAG.devnetTxId)),
  Buffer.from(TAG.devnetTxId, 'utf8'),
]);
const LEAF_PREFIX = Buffer.from([0x00]);

/** taggedHash(TAG.devnetTxId, tx). */
export function txIdOf(tx: Uint8Array): Uint8Array {
  const h = createHash('sha256').update(TX_ID_PREFIX).update(u32be(tx.byteLength)).update(tx);
  return new Uint8Array(h.digest());
}

/** leafHash(tx): the RFC 6962 leaf of `tx` in a block's dataHash tree. */
export function txLeafHash(tx: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(LEAF_PREFIX).update(tx).digest());
}

const HASH_SIZE = 32;
const node = new Uint8Array(1 + 2 * HASH_SIZE);
node[0] = 0x01;

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  node.set(left, 1);
  node.set(right, 1 + HASH_SIZE);
  return new Uint8Array(hash('sha256', node, 'buffer'));
}

/**
 * verifyInclusion(leaf, proof, root).ok of src/protocol/merkle.ts (RFC 9162 §2.1.3.2), with
 * native interior hashes.
 */
export function inclusionHolds(leaf: Uint8Array, proof: InclusionProof, root: Uint8Array): boolean {
  const { index, size, path } = proof;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    return false;
  }
  if (leaf.length !== HASH_SIZE || path.some((p) => p.length !== HASH_SIZE)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(r, root);
}
