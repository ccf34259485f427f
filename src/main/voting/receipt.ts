// What the printer gets. A cast receipt names the election, the kiosk, the confirmation code,
// the ballot id (as a QR the voter can look up later) and the envelope's hour — never a
// choice, never who voted. A challenge printout adds the signed reveal, so the voter can have
// any verifier decrypt the challenged ballot and compare it with what they marked.
import { encodeCanonical } from '../../protocol/encoding.js';
import { shortCode, type SignedReveal } from '../../ballot/index.js';
import type { PrintJob } from '../../hardware/types.js';
import type { Localized } from '../../protocol/election.js';
import { toHex } from './hex.js';

export type Language = keyof Localized;

export interface ReceiptFacts {
  readonly title: Localized;
  readonly electionId: string;
  readonly kioskId: string;
  readonly ballotId: Uint8Array;
  readonly confirmationCode: Uint8Array;
  /** The envelope's time: Unix seconds already coarsened to the hour. */
  readonly time: number;
}

const HEADINGS = {
  cast: {
    be: 'Ваш бюлетэнь захаваны',
    ru: 'Ваш бюллетень сохранён',
    en: 'Your ballot is recorded',
  },
  challenged: {
    be: 'ПРАВЕРАНЫ БЮЛЕТЭНЬ — НЕ ЛІЧЫЦЦА',
    ru: 'ПРОВЕРЕННЫЙ БЮЛЛЕТЕНЬ — НЕ УЧИТЫВАЕТСЯ',
    en: 'CHALLENGED BALLOT — NOT COUNTED',
  },
} as const;

/** The hour as printed: the same coarse value the envelope carries. */
export const receiptTime = (coarseSeconds: number): string =>
  `${new Date(coarseSeconds * 1000).toISOString().slice(0, 13).replace('T', ' ')}:00 UTC`;

/** The QR on a cast receipt: enough to find the ballot on chain and check its code. */
export const receiptQr = (f: ReceiptFacts): string =>
  `veche:ballot:v1:${f.electionId}:${toHex(f.ballotId)}:${toHex(f.confirmationCode)}`;

function head(f: ReceiptFacts, lang: Language, kind: 'cast' | 'challenged'): PrintJob['lines'] {
  return [
    { kind: 'text', text: f.title[lang], bold: true, align: 'center' },
    { kind: 'text', text: HEADINGS[kind][lang], align: 'center' },
    { kind: 'feed', lines: 1 },
    { kind: 'text', text: `Kiosk: ${f.kioskId}` },
    { kind: 'text', text: `Time: ${receiptTime(f.time)}` },
    { kind: 'text', text: 'Code:' },
    { kind: 'text', text: shortCode(f.confirmationCode), bold: true, size: 2, align: 'center' },
  ];
}

export function castReceipt(f: ReceiptFacts, lang: Language): PrintJob {
  return {
    lines: [
      ...head(f, lang, 'cast'),
      { kind: 'qr', payload: receiptQr(f) },
      { kind: 'text', text: `Ballot: ${toHex(f.ballotId)}` },
      { kind: 'feed', lines: 2 },
    ],
    cut: true,
  };
}

/** The reveal as one string: base64url of canonical CBOR {reveal, signature}. */
export const revealPayload = (r: SignedReveal): string =>
  `veche:reveal:v1:${Buffer.from(encodeCanonical({ reveal: r.bytes, signature: r.signature })).toString('base64url')}`;

export function challengeReceipt(f: ReceiptFacts, reveal: SignedReveal, lang: Language): PrintJob {
  return {
    lines: [
      ...head(f, lang, 'challenged'),
      { kind: 'text', text: `Ballot: ${toHex(f.ballotId)}` },
      { kind: 'qr', payload: revealPayload(reveal) },
      { kind: 'feed', lines: 2 },
    ],
    cut: true,
  };
}
