// The kiosk's libp2p node: its own persistent transport key (never the ballot-signing key),
// a gater that admits only the provisioned validators, and bootstrap to their addresses.
import { createNetNode, type NetNode, type NetNodeError } from '../net/node.js';
import type { Logger } from '../shared/log.js';
import type { Result } from '../shared/result.js';
import type { SyncProvisioning } from './provisioning.js';

export interface SyncNodeOptions {
  /** libp2p identity key file (created 0600 on first start). */
  readonly keyFile: string;
  readonly provisioning: SyncProvisioning;
  readonly logger?: Logger;
}

export function bootstrapAddrs(p: SyncProvisioning): string[] {
  return p.validators.flatMap((v) =>
    v.multiaddrs.map((a) => (a.includes('/p2p/') ? a : `${a}/p2p/${v.peerId}`)),
  );
}

export function createSyncNode(o: SyncNodeOptions): Promise<Result<NetNode, NetNodeError>> {
  return createNetNode({
    keyFile: o.keyFile,
    allowPeers: o.provisioning.validators.map((v) => v.peerId),
    bootstrap: bootstrapAddrs(o.provisioning),
    ...(o.logger === undefined ? {} : { logger: o.logger }),
  });
}
