// What the technician provisions for the sync node: the chain, the validators it may talk to
// (peer ids for the allow-list, addresses for bootstrap) and the checkpoint trust starts from.
import { z } from 'zod';
import { ChainIdSchema } from '../protocol/header.js';
import { err, ok, type Result } from '../shared/result.js';
import { CheckpointSchema } from './light/index.js';

export const ValidatorPeerSchema = z.strictObject({
  peerId: z.string().min(1).max(128),
  multiaddrs: z.array(z.string().min(1).max(512)).min(1).max(16),
});
export type ValidatorPeer = z.infer<typeof ValidatorPeerSchema>;

export const SyncProvisioningSchema = z
  .strictObject({
    chainId: ChainIdSchema,
    // A witness needs a second validator; one alone could feed us any fork unnoticed.
    validators: z.array(ValidatorPeerSchema).min(2).max(64),
    checkpoint: CheckpointSchema,
  })
  .refine((p) => p.checkpoint.chainId === p.chainId, { message: 'checkpoint chainId' });
export type SyncProvisioning = z.infer<typeof SyncProvisioningSchema>;

export type BundleSyncError =
  /** The bundle names one validator: no witness, so the node would trust a single peer. */
  { readonly kind: 'no-witness' } | { readonly kind: 'invalid'; readonly paths: readonly string[] };

/**
 * The sync node's part of a verified provisioning bundle (src/main/provisioning: chain id,
 * validators, checkpoint). The bundle admits one validator; the sync node does not, so such a
 * kiosk runs without a sync node and says why rather than trusting an unwitnessed peer.
 */
export function syncProvisioningOf(bundle: {
  readonly chainId: unknown;
  readonly validators: readonly unknown[];
  readonly checkpoint: unknown;
}): Result<SyncProvisioning, BundleSyncError> {
  if (bundle.validators.length < 2) return err({ kind: 'no-witness' });
  const p = SyncProvisioningSchema.safeParse({
    chainId: bundle.chainId,
    validators: bundle.validators,
    checkpoint: bundle.checkpoint,
  });
  if (!p.success)
    return err({ kind: 'invalid', paths: p.error.issues.map((i) => i.path.join('.')) });
  return ok(p.data);
}
