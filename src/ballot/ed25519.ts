// The ballot module signs and verifies with the protocol's one Ed25519 implementation
// (node:crypto, RFC 8032; noble verifies the same signatures, a test checks).
export {
  ed25519SignerFromSeed as ed25519Signer,
  verifyEd25519,
  type Ed25519Signer as Signer,
} from '../protocol/ed25519.js';
