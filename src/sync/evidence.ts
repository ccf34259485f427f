// Light-client evidence for staff: what was seen (both signed headers, peers, heights), a
// signed file to hand to the election authority, and a technician's resolution.
//
// Resolution is bookkeeping, not trust: it marks the row resolved (the alarm it was) and lets
// the light client cross-check again from the trusted state that never moved. If the
// conflict is still there, new evidence and a new alarm appear; only re-provisioning a new
// checkpoint moves trust by hand (docs/sync.md, "Resolving evidence"). A resolution needs an
// export of that evidence first, so what the kiosk saw reaches the authority before the alarm
// goes. Both are audited; "exported" is read back from the audit log, so it holds across
// restarts and for the CLI (the evidence table has no column for it).
import { z } from 'zod';
import { decodeCanonical, encodeCanonical, type Canonical } from '../protocol/encoding.js';
import { verifyEd25519 } from '../protocol/ed25519.js';
import { TAG, fromHex, taggedHash, toHex } from '../protocol/hash.js';
import { headerHash, type SignedHeader } from '../protocol/header.js';
import { EVENTS } from '../shared/events.js';
import { assertNever, err, ok, type Result } from '../shared/result.js';
import type { EvidenceRecord, ExportSigner, Store } from '../store/index.js';
import {
  EvidenceExportDocumentSchema,
  EVIDENCE_EXPORT_FORMAT,
  hexSchema as hex,
  type EvidenceExportDocument,
  type EvidenceView,
  type HeaderSide,
} from './evidence-schema.js';
import { EvidenceSchema, type Evidence } from './light/index.js';

export {
  EvidenceExportDocumentSchema,
  EVIDENCE_EXPORT_FORMAT,
  EvidenceViewSchema,
  HeaderSideSchema,
  type EvidenceExportDocument,
  type EvidenceView,
  type HeaderSide,
} from './evidence-schema.js';

const SignedEvidenceSchema = z.strictObject({
  document: EvidenceExportDocumentSchema,
  signature: z.strictObject({
    algorithm: z.literal('ed25519'),
    publicKey: hex(64),
    value: hex(128),
  }),
});

/** The kiosk signs taggedHash(exportSignature, "evidence", canonicalCBOR(document)). */
export function evidenceExportMessage(doc: EvidenceExportDocument): Uint8Array {
  return taggedHash(
    TAG.exportSignature,
    new TextEncoder().encode('evidence'),
    encodeCanonical(doc as unknown as Canonical),
  );
}

function side(s: SignedHeader): HeaderSide {
  const h = s.header;
  const c = s.commit;
  return {
    headerHash: toHex(headerHash(h)),
    header: {
      chainId: h.chainId,
      height: h.height,
      time: h.time,
      lastBlockId: toHex(h.lastBlockId),
      dataHash: toHex(h.dataHash),
      validatorsHash: toHex(h.validatorsHash),
      nextValidatorsHash: toHex(h.nextValidatorsHash),
      appHash: toHex(h.appHash),
    },
    commit: {
      height: c.height,
      round: c.round,
      blockId: toHex(c.blockId),
      signatures: c.signatures.map((x) => ({
        pubKey: toHex(x.pubKey),
        signature: toHex(x.signature),
      })),
    },
  };
}

export function decodeEvidenceBody(body: Uint8Array): Evidence | null {
  const d = decodeCanonical(body);
  if (!d.ok) return null;
  const p = EvidenceSchema.safeParse(d.value);
  return p.success ? p.data : null;
}

const AUDIT_PAGE = 1000;

/** Ids of the evidence rows an export was audited for. */
export function exportedEvidenceIds(store: Pick<Store, 'audit'>): Set<number> {
  const ids = new Set<number>();
  for (let after = 0; ;) {
    const page = store.audit.entries(after, AUDIT_PAGE);
    for (const e of page) {
      if (e.event !== EVENTS.evidenceExported) continue;
      const id = (e.detail as { evidenceId?: unknown }).evidenceId;
      if (typeof id === 'number') ids.add(id);
    }
    const last = page[page.length - 1];
    if (last === undefined || page.length < AUDIT_PAGE) return ids;
    after = last.seq;
  }
}

function viewOf(r: EvidenceRecord, exported: ReadonlySet<number>): EvidenceView {
  const e = decodeEvidenceBody(r.body);
  return {
    id: r.id,
    chainId: r.chainId,
    height: r.height,
    commonHeight: r.commonHeight,
    primaryPeer: r.primaryPeer,
    witnessPeer: r.witnessPeer,
    detectedMs: r.createdMs,
    resolvedMs: r.resolvedMs,
    exported: exported.has(r.id),
    primary: e === null ? null : side(e.primary),
    witness: e === null ? null : side(e.witness),
  };
}

/** Stored evidence of the chain (null: of every chain), newest first, open and resolved. */
export function listEvidence(
  store: Pick<Store, 'audit' | 'evidence'>,
  chainId: string | null,
): EvidenceView[] {
  const rows = chainId === null ? store.evidence.all() : store.evidence.list(chainId);
  // The screens poll this; the audit log is read only when there is evidence to annotate.
  if (rows.length === 0) return [];
  const exported = exportedEvidenceIds(store);
  return rows.map((r) => viewOf(r, exported)).reverse();
}

export type EvidenceActionError =
  | { readonly kind: 'not-found'; readonly id: number }
  | { readonly kind: 'already-resolved'; readonly id: number }
  | { readonly kind: 'not-exported'; readonly id: number }
  | { readonly kind: 'undecodable'; readonly id: number }
  | { readonly kind: 'forbidden'; readonly role: string }
  | { readonly kind: 'storage'; readonly reason: string }
  | { readonly kind: 'write-failed'; readonly reason: string }
  | { readonly kind: 'audit-failed'; readonly reason: string };

export function describeEvidenceError(e: EvidenceActionError): string {
  switch (e.kind) {
    case 'not-found':
      return `no evidence ${e.id} on this chain`;
    case 'already-resolved':
      return `evidence ${e.id} is already resolved`;
    case 'not-exported':
      return `evidence ${e.id} must be exported for the authority before it is resolved`;
    case 'undecodable':
      return `evidence ${e.id} no longer decodes; only its stored bytes remain`;
    case 'forbidden':
      return `a ${e.role} may not resolve evidence; a technician must`;
    case 'storage':
      return `storage: ${e.reason}`;
    case 'write-failed':
      return `the evidence file could not be written: ${e.reason}`;
    case 'audit-failed':
      return `could not be recorded: ${e.reason}`;
    default:
      return assertNever(e, 'evidence error');
  }
}

/** Who acts: staff are named by their roster key's fingerprint (docs/staff.md). */
export interface EvidenceActor {
  readonly staffId: string;
  readonly role: 'poll-staff' | 'technician';
}

const rowOf = (
  store: Pick<Store, 'evidence'>,
  chainId: string,
  id: number,
): Result<EvidenceRecord, EvidenceActionError> => {
  const r = store.evidence.get(id);
  return r === undefined || r.chainId !== chainId ? err({ kind: 'not-found', id }) : ok(r);
};

/**
 * The signed evidence file (JSON) for the authority. `deliver` writes it (the removable
 * drive, a CLI path); only once it was written is the export audited, so "exported" never
 * names a file that does not exist. Allowed for a resolved row too (another copy); only a
 * technician exports.
 */
export async function exportEvidence(
  store: Pick<Store, 'audit' | 'evidence'>,
  o: {
    readonly chainId: string;
    readonly kioskId: string;
    readonly id: number;
    readonly actor: EvidenceActor;
    readonly signer: ExportSigner;
    readonly now: number;
    readonly deliver: (
      text: string,
      doc: EvidenceExportDocument,
    ) => Promise<Result<string, string>>;
  },
): Promise<Result<{ file: string; document: EvidenceExportDocument }, EvidenceActionError>> {
  if (o.actor.role !== 'technician') return err({ kind: 'forbidden', role: o.actor.role });
  const row = rowOf(store, o.chainId, o.id);
  if (!row.ok) return row;
  const r = row.value;
  const e = decodeEvidenceBody(r.body);
  if (e === null) return err({ kind: 'undecodable', id: r.id });
  const document: EvidenceExportDocument = {
    format: EVIDENCE_EXPORT_FORMAT,
    kioskId: o.kioskId,
    chainId: r.chainId,
    evidenceId: r.id,
    height: r.height,
    commonHeight: r.commonHeight,
    primaryPeer: r.primaryPeer,
    witnessPeer: r.witnessPeer,
    detectedMs: r.createdMs,
    exportedMs: Math.floor(o.now),
    staffId: o.actor.staffId,
    primary: side(e.primary),
    witness: side(e.witness),
    body: toHex(r.body),
  };
  const sig = o.signer.sign(evidenceExportMessage(document));
  const file = {
    document,
    signature: { algorithm: 'ed25519', publicKey: toHex(o.signer.publicKey), value: toHex(sig) },
  };
  const written = await o.deliver(JSON.stringify(file, null, 2) + '\n', document);
  if (!written.ok) return err({ kind: 'write-failed', reason: written.error });
  const a = store.audit.append(EVENTS.evidenceExported, {
    staffId: o.actor.staffId,
    evidenceId: r.id,
    height: r.height,
  });
  if (!a.ok) return err({ kind: 'audit-failed', reason: a.error.kind });
  return ok({ file: written.value, document });
}

export type EvidenceFileError =
  | { readonly kind: 'malformed'; readonly message: string }
  | { readonly kind: 'bad-signature' }
  | { readonly kind: 'body-mismatch' };

/**
 * What the authority runs on a file: the signature (against the key in the file; the caller
 * compares it with the kiosk's registered key) and that the readable sides are the body's.
 */
export function verifyEvidenceFile(
  text: string,
): Result<{ document: EvidenceExportDocument; publicKey: string }, EvidenceFileError> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return err({ kind: 'malformed', message: 'not JSON' });
  }
  const p = SignedEvidenceSchema.safeParse(json);
  if (!p.success) return err({ kind: 'malformed', message: p.error.message.slice(0, 200) });
  const { document, signature } = p.data;
  if (
    !verifyEd25519(
      fromHex(signature.publicKey),
      evidenceExportMessage(document),
      fromHex(signature.value),
    )
  ) {
    return err({ kind: 'bad-signature' });
  }
  const e = decodeEvidenceBody(fromHex(document.body));
  if (
    e === null ||
    e.height !== document.height ||
    JSON.stringify(side(e.primary)) !== JSON.stringify(document.primary) ||
    JSON.stringify(side(e.witness)) !== JSON.stringify(document.witness)
  ) {
    return err({ kind: 'body-mismatch' });
  }
  return ok({ document, publicKey: signature.publicKey });
}

/**
 * Marks evidence resolved, technician only, after it was exported; the audit entry is
 * written in the same transaction. The caller (the sync service) then clears its alarm.
 */
export function resolveEvidence(
  store: Pick<Store, 'audit' | 'evidence'>,
  o: { readonly chainId: string; readonly id: number; readonly actor: EvidenceActor },
): Result<EvidenceRecord, EvidenceActionError> {
  if (o.actor.role !== 'technician') return err({ kind: 'forbidden', role: o.actor.role });
  const row = rowOf(store, o.chainId, o.id);
  if (!row.ok) return row;
  if (row.value.resolvedMs !== null) return err({ kind: 'already-resolved', id: o.id });
  if (!exportedEvidenceIds(store).has(o.id)) return err({ kind: 'not-exported', id: o.id });
  const r = store.evidence.resolve(o.id, (rec) =>
    store.audit.append(EVENTS.evidenceResolved, {
      staffId: o.actor.staffId,
      evidenceId: rec.id,
      height: rec.height,
    }),
  );
  if (!r.ok) {
    switch (r.error.kind) {
      case 'not-found':
        return err({ kind: 'not-found', id: o.id });
      case 'already-resolved':
        return err({ kind: 'already-resolved', id: o.id });
      case 'step-failed':
        return err({ kind: 'audit-failed', reason: r.error.reason });
      case 'invalid':
      case 'disk-full':
      case 'io':
      case 'locked':
        return err({ kind: 'storage', reason: r.error.kind });
      default:
        return assertNever(r.error, 'evidence store error');
    }
  }
  const after = store.evidence.get(o.id);
  if (after === undefined) throw new Error(`evidence ${o.id} vanished while resolving`);
  return ok(after);
}
