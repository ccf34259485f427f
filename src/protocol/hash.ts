// Every hash in the protocol is domain-separated by a tag, so a value hashed in one role
// can never be replayed as a value of another role. See docs/protocol.md, "Hashing".
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { sha256Parts } from './sha256.js';

/** Domain tags. Adding one is a protocol change: document it in docs/protocol.md. */
export const TAG = {
  ballotId: 'veche/ballot-id/v1',
  confirmationCode: 'veche/confirmation-code/v1',
  nullifier: 'veche/nullifier/v1',
  envelopeSignature: 'veche/envelope-sig/v1',
  auditEntry: 'veche/audit-entry/v1',
  exportSignature: 'veche/export-sig/v1',
  headerVote: 'veche/header-vote/v1',
  consensusMsg: 'veche/consensus-msg/v1',
  headerHash: 'veche/header/v1',
  receipt: 'veche/receipt/v1',
  batchReceipt: 'veche/batch-receipt/v1',
  electionHash: 'veche/election/v1',
  ballotContext: 'veche/ballot-context/v1',
  selectionProof: 'veche/selection-proof/v1',
  limitProof: 'veche/limit-proof/v1',
  guardianKeyProof: 'veche/guardian-key-proof/v1',
  decryptionProof: 'veche/decryption-proof/v1',
  ballotNonce: 'veche/ballot-nonce/v1',
  chainGenesis: 'veche/chain-genesis/v1',
  rollEntry: 'veche/roll-entry/v1',
  rollIdentity: 'veche/roll-identity/v1',
  challengeSignature: 'veche/challenge-sig/v1',
  devnetTx: 'veche/devnet-tx/v1',
  devnetTxId: 'veche/devnet-tx-id/v1',
  jurySeed: 'veche/jury-seed/v1',
  juryPool: 'veche/jury-pool/v1',
  juryStream: 'veche/jury-stream/v1',
  calledElection: 'veche/called-election/v1',
} as const;
export type Tag = (typeof TAG)[keyof typeof TAG];

function u32be(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

/** sha256(len(tag) ‖ tag ‖ len(p1) ‖ p1 ‖ …) with 4-byte big-endian lengths. */
export function taggedHash(tag: string, ...parts: Uint8Array[]): Uint8Array {
  const t = utf8ToBytes(tag);
  const all: Uint8Array[] = [u32be(t.length), t];
  for (const p of parts) all.push(u32be(p.length), p);
  return sha256Parts(all);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new TypeError('not lowercase hex');
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
