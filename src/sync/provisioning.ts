// What the technician provisions for the sync node: the chain, the validators it may talk to
// (peer ids for the allow-list, addresses for bootstrap) and the checkpoint trust starts from.
import { z } from 'zod';
import { ChainIdSchema } from '../protocol/header.js';
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
