// The kiosk's enrollment request: "this is my key, put me in unit U at polling place P; answer
// with this nonce". The kiosk signs it with the key it names (proof of possession); the
// authority answers with a bundle that repeats key and nonce, so an old or foreign bundle
// cannot provision this kiosk. It leaves the kiosk as a file (USB stick) or a QR code the
// technician photographs; both carry the same canonical bytes.
import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { decodeCanonical, encodeCanonical } from '../../protocol/encoding.js';
import { verifyEd25519 } from '../../protocol/ed25519.js';
import { taggedHash } from '../../protocol/hash.js';
import type { Clock } from '../../shared/clock.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { KioskKeys } from '../keys/kiosk-key.js';
import {
  ENROLLMENT_FORMAT,
  EnrollmentRequestSchema,
  SIG_TAG,
  SIGNED_ENROLLMENT_FORMAT,
  SignedEnrollmentSchema,
  type EnrollmentRequest,
} from './schemas.js';

export const QR_PREFIX = 'VECHE-ENROLL1:';

export interface Enrollment {
  readonly request: EnrollmentRequest;
  /** The signed file's bytes (`.cbor`). */
  readonly file: Uint8Array;
  /** The same bytes as a QR payload string. */
  readonly qrPayload: string;
}

export type EnrollmentError =
  { readonly kind: 'malformed'; readonly message: string } | { readonly kind: 'bad-signature' };

export function createEnrollment(
  keys: Pick<KioskKeys, 'signingKey' | 'boxKey' | 'signer'>,
  where: { unit: string; pollingPlace: string },
  clock: Clock,
): Enrollment {
  const request = EnrollmentRequestSchema.parse({
    format: ENROLLMENT_FORMAT,
    signingKey: keys.signingKey,
    boxKey: keys.boxKey,
    unit: where.unit,
    pollingPlace: where.pollingPlace,
    nonce: new Uint8Array(randomBytes(32)),
    createdAt: Math.floor(clock.now()),
  });
  const requestBytes = encodeCanonical(request);
  const file = encodeCanonical({
    format: SIGNED_ENROLLMENT_FORMAT,
    request: requestBytes,
    signature: keys.signer.sign(taggedHash(SIG_TAG.enrollment, requestBytes)),
  });
  return { request, file, qrPayload: enrollmentQrPayload(file) };
}

export function enrollmentQrPayload(file: Uint8Array): string {
  return QR_PREFIX + Buffer.from(file).toString('base64url');
}

/** Reads and checks a signed enrollment (the authority's side; the kiosk re-reads its own). */
export function parseEnrollment(
  input: Uint8Array | string,
): Result<{ request: EnrollmentRequest; file: Uint8Array }, EnrollmentError> {
  let file: Uint8Array;
  if (typeof input === 'string') {
    if (!input.startsWith(QR_PREFIX)) return err({ kind: 'malformed', message: 'prefix' });
    file = new Uint8Array(Buffer.from(input.slice(QR_PREFIX.length), 'base64url'));
  } else {
    file = input;
  }
  const outer = decodeCanonical(file);
  if (!outer.ok) return err({ kind: 'malformed', message: outer.error.kind });
  const signed = SignedEnrollmentSchema.safeParse(outer.value);
  if (!signed.success) return err({ kind: 'malformed', message: 'not a signed enrollment' });
  const inner = decodeCanonical(signed.data.request);
  if (!inner.ok) return err({ kind: 'malformed', message: inner.error.kind });
  const request = EnrollmentRequestSchema.safeParse(inner.value);
  if (!request.success) return err({ kind: 'malformed', message: 'not an enrollment request' });
  const message = taggedHash(SIG_TAG.enrollment, signed.data.request);
  if (!verifyEd25519(request.data.signingKey, message, signed.data.signature)) {
    return err({ kind: 'bad-signature' });
  }
  return ok({ request: request.data, file });
}

/** The QR code for the wizard, as an SVG data URL (scales to any screen) and a PNG one. */
export async function renderEnrollmentQr(
  qrPayload: string,
): Promise<{ svgDataUrl: string; pngDataUrl: string }> {
  // Medium error correction: the code is read off a screen, not a scuffed sticker.
  const opts = { errorCorrectionLevel: 'M' as const, margin: 2 };
  const svg = await QRCode.toString(qrPayload, { ...opts, type: 'svg' });
  const pngDataUrl = await QRCode.toDataURL(qrPayload, { ...opts, width: 512 });
  return {
    svgDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`,
    pngDataUrl,
  };
}
