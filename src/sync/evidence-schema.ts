// The shapes of light-client evidence that staff screens and the authority read: zod only,
// so the renderer can import them through the RPC schema (no Node, no store).
import { z } from 'zod';

export const EVIDENCE_EXPORT_FORMAT = 'veche-evidence/1';

export const hexSchema = (n?: number) =>
  z.string().regex(n === undefined ? /^[0-9a-f]*$/ : new RegExp(`^[0-9a-f]{${n}}$`));
const count = z.int().nonnegative();
const StaffIdSchema = z.string().regex(/^[0-9a-f]{16}$/);

/** One side of the conflict, as staff and the authority read it (bytes in hex). */
export const HeaderSideSchema = z.strictObject({
  headerHash: hexSchema(64),
  header: z.strictObject({
    chainId: z.string().max(64),
    height: count,
    time: count,
    lastBlockId: hexSchema(64),
    dataHash: hexSchema(64),
    validatorsHash: hexSchema(64),
    nextValidatorsHash: hexSchema(64),
    appHash: hexSchema(64),
  }),
  commit: z.strictObject({
    height: count,
    round: count,
    blockId: hexSchema(64),
    signatures: z
      .array(z.strictObject({ pubKey: hexSchema(64), signature: hexSchema(128) }))
      .max(256),
  }),
});
export type HeaderSide = z.infer<typeof HeaderSideSchema>;

export const EvidenceViewSchema = z.strictObject({
  id: count,
  chainId: z.string().max(64),
  height: count,
  commonHeight: count,
  primaryPeer: z.string().max(128),
  witnessPeer: z.string().max(128),
  detectedMs: count,
  resolvedMs: count.nullable(),
  exported: z.boolean(),
  /** Null when the stored body no longer decodes (a damaged database). */
  primary: HeaderSideSchema.nullable(),
  witness: HeaderSideSchema.nullable(),
});
export type EvidenceView = z.infer<typeof EvidenceViewSchema>;

export const EvidenceExportDocumentSchema = z.strictObject({
  format: z.literal(EVIDENCE_EXPORT_FORMAT),
  kioskId: z.string().max(64),
  chainId: z.string().max(64),
  evidenceId: count,
  height: count,
  commonHeight: count,
  primaryPeer: z.string().max(128),
  witnessPeer: z.string().max(128),
  detectedMs: count,
  exportedMs: count,
  staffId: StaffIdSchema,
  primary: HeaderSideSchema,
  witness: HeaderSideSchema,
  /** The evidence exactly as stored: canonical CBOR of EvidenceSchema. */
  body: hexSchema(),
});
export type EvidenceExportDocument = z.infer<typeof EvidenceExportDocumentSchema>;
