// The connection gater: on a closed network the set of peers is provisioned, so the node
// refuses to dial or accept anyone else. Checks run at every libp2p checkpoint where the
// remote peer id is known, so a denied peer never gets a muxed connection to open a stream
// on, in either direction.
import type { ConnectionGater, PeerId } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';

export interface AllowList {
  /** `undefined` means "any authenticated peer" (validators serving the public). */
  readonly peers: ReadonlySet<string> | undefined;
}

export function isAllowed(list: AllowList, peer: PeerId | string): boolean {
  return list.peers === undefined || list.peers.has(peer.toString());
}

/** Reads the allow-list on every check, so a rotation takes effect for new connections. */
export function allowListGater(
  list: AllowList,
  onDeny: (peer: string, where: string) => void = () => undefined,
): ConnectionGater {
  const deny = (peer: PeerId | string, where: string): boolean => {
    if (isAllowed(list, peer)) return false;
    onDeny(peer.toString(), where);
    return true;
  };
  return {
    denyDialPeer: (peerId) => deny(peerId, 'dial-peer'),
    denyDialMultiaddr: (ma: Multiaddr) => {
      // Only a multiaddr that names its peer can be judged before the handshake; one that
      // does not is judged once Noise has authenticated the remote key (below).
      const id = ma.getComponents().findLast((c) => c.name === 'p2p')?.value;
      return id !== undefined && deny(id, 'dial-multiaddr');
    },
    denyOutboundEncryptedConnection: (peerId) => deny(peerId, 'outbound-encrypted'),
    denyInboundEncryptedConnection: (peerId) => deny(peerId, 'inbound-encrypted'),
    denyOutboundUpgradedConnection: (peerId) => deny(peerId, 'outbound-upgraded'),
    denyInboundUpgradedConnection: (peerId) => deny(peerId, 'inbound-upgraded'),
    // No relays on this network.
    denyInboundRelayReservation: () => true,
    denyOutboundRelayedConnection: () => true,
    denyInboundRelayedConnection: () => true,
  };
}
