// SHA-256 on node:crypto (OpenSSL, with the CPU's SHA extensions where it has them). The
// protocol code runs only in Node (host, devnet, CLI; never the renderer), and native hashing
// measured 3.5× noble's for a 65-byte Merkle node and 7× for a 3 KiB ballot transaction: tx
// ids and Merkle leaves were 22 % of the devnet's CPU in the sync bench. Results are copied
// into plain Uint8Arrays: a Buffer may sit in a shared pool, and callers keep hashes.
import { createHash, hash } from 'node:crypto';

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(hash('sha256', data, 'buffer'));
}

/** SHA-256 over parts in order, without concatenating them first. */
export function sha256Parts(parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}
