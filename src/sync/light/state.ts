// TrustedState as bytes, for the store. Canonical CBOR like every other persisted protocol
// value; decoding re-checks that the stored set is the one the header names, so a corrupted
// or edited row cannot smuggle in another validator set.
import { equalBytes } from '../../protocol/bytes.js';
import { encodeCanonical } from '../../protocol/encoding.js';
import { decodeWire, type WireError } from '../../protocol/wire.js';
import { validatorSetHash } from '../../protocol/validators.js';
import { err, ok, type Result } from '../../shared/result.js';
import { TrustedStateSchema, type TrustedState } from './types.js';

export function encodeTrustedState(state: TrustedState): Uint8Array {
  const h = state.header;
  return encodeCanonical({
    header: {
      chainId: h.chainId,
      height: h.height,
      time: h.time,
      lastBlockId: h.lastBlockId,
      dataHash: h.dataHash,
      validatorsHash: h.validatorsHash,
      nextValidatorsHash: h.nextValidatorsHash,
      appHash: h.appHash,
    },
    nextValidatorSet: {
      validators: state.nextValidatorSet.validators.map((v) => ({
        pubKey: v.pubKey,
        power: v.power,
      })),
    },
  });
}

export function decodeTrustedState(
  bytes: Uint8Array,
): Result<TrustedState, WireError | { kind: 'inconsistent' }> {
  const r = decodeWire(TrustedStateSchema, bytes);
  if (!r.ok) return r;
  if (!equalBytes(validatorSetHash(r.value.nextValidatorSet), r.value.header.nextValidatorsHash)) {
    return err({ kind: 'inconsistent' });
  }
  return ok(r.value);
}
