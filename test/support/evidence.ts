// A light-client evidence body as the light node stores it (canonical CBOR of EvidenceSchema):
// two different signed headers for one height. The headers are made up: staff screens and
// exports only read them; the light client's tests make real ones.
import { encodeCanonical, type Canonical } from '../../src/protocol/encoding.js';
import { headerHash, type Header } from '../../src/protocol/header.js';
import type { Evidence } from '../../src/sync/light/index.js';

function signedHeader(chainId: string, height: number, salt: number) {
  const header: Header = {
    chainId,
    height,
    time: 1_800_000_000_000 + height,
    lastBlockId: new Uint8Array(32).fill(1),
    dataHash: new Uint8Array(32).fill(salt),
    validatorsHash: new Uint8Array(32).fill(3),
    nextValidatorsHash: new Uint8Array(32).fill(3),
    appHash: new Uint8Array(32).fill(4),
  };
  return {
    header,
    commit: {
      height,
      round: 0,
      blockId: headerHash(header),
      signatures: [
        { pubKey: new Uint8Array(32).fill(9), signature: new Uint8Array(64).fill(salt) },
      ],
    },
  };
}

export function fakeEvidenceBody(chainId: string, height: number, commonHeight = 1): Uint8Array {
  const e: Evidence = {
    height,
    commonHeight,
    primary: signedHeader(chainId, height, 10),
    witness: signedHeader(chainId, height, 20),
  };
  return encodeCanonical(e as unknown as Canonical);
}
