// Signed reconciliation exports for poll staff, as JSON or CSV. Both carry the same facts:
// the counts, every ballot row (ids, codes, kind, state, reason, day — never content), the
// audit head and the confirmation-chain head, signed with the kiosk's Ed25519 key.
//
// Signed bytes (see docs/store.md):
//   JSON: message = taggedHash(TAG.exportSignature, "json", canonicalCBOR(document))
//   CSV:  message = taggedHash(TAG.exportSignature, "csv", every byte before the final
//         "signature," line, newlines included)
// and signature = Ed25519(message). Hashing the canonical form makes the JSON signature
// indifferent to whitespace; the CSV is signed byte for byte.
import { createPublicKey, verify as edVerify } from 'node:crypto';
import { z } from 'zod';
import { encodeCanonical, type Canonical } from '../protocol/encoding.js';
import { TAG, fromHex, taggedHash, toHex } from '../protocol/hash.js';
import { err, ok, type Result } from '../shared/result.js';
import type { AuditHead } from './audit.js';
import type { ChainLink } from './chain.js';
import type { BallotRow } from './outbox.js';
import type { ReconciliationCounts } from './reconcile.js';
import { BALLOT_KINDS, OUTBOX_STATES, REJECT_REASONS } from './states.js';
import { ELECTION_ID_RE } from './validate.js';

export const EXPORT_FORMAT = 'veche-reconciliation/1';
export type ExportFileFormat = 'json' | 'csv';

export interface ExportSigner {
  readonly publicKey: Uint8Array;
  sign(bytes: Uint8Array): Uint8Array;
}

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`));
const id = z.string().regex(ELECTION_ID_RE);
const count = z.number().int().min(0);
const kindCountsSchema = z.strictObject({
  total: count,
  byState: z.strictObject(Object.fromEntries(OUTBOX_STATES.map((s) => [s, count]))),
  rejectedByReason: z.strictObject(Object.fromEntries(REJECT_REASONS.map((r) => [r, count]))),
});

const exportDocumentSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  kioskId: id,
  electionId: id,
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  counts: z.strictObject({ cast: kindCountsSchema, challenged: kindCountsSchema }),
  ballots: z.array(
    z.strictObject({
      kioskSeq: count,
      ballotId: hex(64),
      confirmationCode: hex(64),
      kind: z.enum(BALLOT_KINDS),
      state: z.enum(OUTBOX_STATES),
      rejectReason: z.enum(REJECT_REASONS).nullable(),
      day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    }),
  ),
  auditHead: z.strictObject({ seq: count, hash: hex(64) }),
  chainHead: z.strictObject({ kioskSeq: count, code: hex(64) }).nullable(),
});
export type ExportDocument = z.infer<typeof exportDocumentSchema>;

const signedJsonSchema = z.strictObject({
  document: exportDocumentSchema,
  signature: z.strictObject({
    algorithm: z.literal('ed25519'),
    publicKey: hex(64),
    value: hex(128),
  }),
});

export function buildExportDocument(input: {
  kioskId: string;
  day: string;
  counts: ReconciliationCounts;
  ballots: readonly BallotRow[];
  auditHead: AuditHead;
  chainHead: ChainLink | undefined;
}): ExportDocument {
  return {
    format: EXPORT_FORMAT,
    kioskId: input.kioskId,
    electionId: input.counts.electionId,
    day: input.day,
    counts: { cast: input.counts.cast, challenged: input.counts.challenged },
    ballots: input.ballots.map((b) => ({
      kioskSeq: b.kioskSeq,
      ballotId: toHex(b.ballotId),
      confirmationCode: toHex(b.confirmationCode),
      kind: b.kind,
      state: b.state,
      rejectReason: b.rejectReason,
      day: b.day,
    })),
    auditHead: { seq: input.auditHead.seq, hash: toHex(input.auditHead.hash) },
    chainHead:
      input.chainHead === undefined
        ? null
        : { kioskSeq: input.chainHead.kioskSeq, code: toHex(input.chainHead.code) },
  };
}

const utf8 = (s: string) => new TextEncoder().encode(s);

export function exportMessage(format: ExportFileFormat, payload: Uint8Array): Uint8Array {
  return taggedHash(TAG.exportSignature, utf8(format), payload);
}

export function renderJson(doc: ExportDocument, signer: ExportSigner): string {
  const sig = signer.sign(exportMessage('json', encodeCanonical(doc as unknown as Canonical)));
  const file = {
    document: doc,
    signature: { algorithm: 'ed25519', publicKey: toHex(signer.publicKey), value: toHex(sig) },
  };
  return JSON.stringify(file, null, 2) + '\n';
}

type LooseCounts = {
  total: number;
  byState: Record<string, number>;
  rejectedByReason: Record<string, number>;
};

function countLines(kind: string, c: LooseCounts): string[] {
  return [
    `count,${kind},total,${c.total}`,
    ...OUTBOX_STATES.map((s) => `count,${kind},${s},${c.byState[s] ?? 0}`),
    ...REJECT_REASONS.map((r) => `count,${kind},rejected:${r},${c.rejectedByReason[r] ?? 0}`),
  ];
}

/** One record per line, first column says which; every field is an id, enum, number or hex. */
export function renderCsv(doc: ExportDocument, signer: ExportSigner): string {
  const lines = [
    'record,a,b,c,d,e,f,g',
    `meta,format,${doc.format}`,
    `meta,kiosk,${doc.kioskId}`,
    `meta,election,${doc.electionId}`,
    `meta,day,${doc.day}`,
    `meta,audit_head,${doc.auditHead.seq},${doc.auditHead.hash}`,
    `meta,chain_head,${doc.chainHead?.kioskSeq ?? ''},${doc.chainHead?.code ?? ''}`,
    ...countLines('cast', doc.counts.cast),
    ...countLines('challenged', doc.counts.challenged),
    'header,kiosk_seq,ballot_id,confirmation_code,kind,state,reject_reason,day',
    ...doc.ballots.map(
      (b) =>
        `ballot,${b.kioskSeq},${b.ballotId},${b.confirmationCode},${b.kind},${b.state},${b.rejectReason ?? ''},${b.day}`,
    ),
  ];
  const body = lines.join('\n') + '\n';
  const sig = signer.sign(exportMessage('csv', utf8(body)));
  return `${body}signature,ed25519,${toHex(signer.publicKey)},${toHex(sig)}\n`;
}

export type ExportVerifyError =
  | { readonly kind: 'malformed' }
  | { readonly kind: 'bad-signature' }
  | { readonly kind: 'unexpected-key' };

export interface VerifiedExport {
  readonly format: ExportFileFormat;
  readonly publicKey: Uint8Array;
  /** The parsed document (JSON exports); CSV exports are verified byte for byte. */
  readonly document: ExportDocument | undefined;
}

// RFC 8410 SubjectPublicKeyInfo prefix for a raw 32-byte Ed25519 key.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const key = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]),
    format: 'der',
    type: 'spki',
  });
  return edVerify(null, message, key, signature);
}

/** Checks an export file; with `expectedPublicKey`, also that this kiosk's key signed it. */
export function verifyExport(
  text: string,
  expectedPublicKey?: Uint8Array,
): Result<VerifiedExport, ExportVerifyError> {
  const r = text.trimStart().startsWith('{') ? verifyJson(text) : verifyCsv(text);
  if (!r.ok) return r;
  if (expectedPublicKey !== undefined && toHex(expectedPublicKey) !== toHex(r.value.publicKey)) {
    return err({ kind: 'unexpected-key' });
  }
  return r;
}

function verifyJson(text: string): Result<VerifiedExport, ExportVerifyError> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return err({ kind: 'malformed' });
  }
  const p = signedJsonSchema.safeParse(raw);
  if (!p.success) return err({ kind: 'malformed' });
  const { document, signature } = p.data;
  const publicKey = fromHex(signature.publicKey);
  const message = exportMessage('json', encodeCanonical(document as unknown as Canonical));
  if (!ed25519Verify(publicKey, message, fromHex(signature.value)))
    return err({ kind: 'bad-signature' });
  return ok({ format: 'json', publicKey, document });
}

function verifyCsv(text: string): Result<VerifiedExport, ExportVerifyError> {
  const m = /(^|\n)signature,ed25519,([0-9a-f]{64}),([0-9a-f]{128})\n$/.exec(text);
  if (m === null || m[2] === undefined || m[3] === undefined) return err({ kind: 'malformed' });
  const body = text.slice(0, m.index + (m[1] ?? '').length);
  if (!body.startsWith('record,') || !body.includes(`\nmeta,format,${EXPORT_FORMAT}\n`)) {
    return err({ kind: 'malformed' });
  }
  const publicKey = fromHex(m[2]);
  if (!ed25519Verify(publicKey, exportMessage('csv', utf8(body)), fromHex(m[3]))) {
    return err({ kind: 'bad-signature' });
  }
  return ok({ format: 'csv', publicKey, document: undefined });
}
