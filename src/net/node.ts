// One libp2p node, as both the devnet validators and the kiosk's light node run it: TCP
// (+ optional WebSockets listener), Noise, Yamux, identify, ping; a persistent Ed25519
// identity; an allow-list gater; bootstrap by dialing provisioned addresses. No mDNS, no
// DHT, no relay: the network is closed and its members are provisioned.
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { KEEP_ALIVE, type Libp2p, type PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { ping, type Ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { webSockets } from '@libp2p/websockets';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { systemClock, type Clock } from '../shared/clock.js';
import { EVENTS } from '../shared/events.js';
import { silentLogger, type Logger } from '../shared/log.js';
import { err, ok, type Result } from '../shared/result.js';
import { classifyDialError, errorMessage, type NetError } from './errors.js';
import { allowListGater, isAllowed, type AllowList } from './gater.js';
import { loadOrCreatePeerKey, type KeyFileError } from './keys.js';

export interface NetNodeOptions {
  /** Where the node's libp2p identity key lives; created (mode 0600) on first start. */
  keyFile: string;
  /** Listen multiaddrs. Default: one ephemeral TCP port on 127.0.0.1 only. */
  listen?: readonly string[];
  /**
   * Also listen for WebSockets on 127.0.0.1 (ephemeral port), or on the given addresses.
   * Listening only: dialing `/ws` needs a global WebSocket, which Node gains in 22.
   */
  webSockets?: boolean | readonly string[];
  /**
   * Peer ids (base58) this node may connect with, either way. Omit to accept any peer that
   * completes the Noise handshake (a validator serving kiosks it checks at the app layer).
   */
  allowPeers?: Iterable<string>;
  /** Multiaddrs (with `/p2p/<peer id>`) to dial at start and to keep connected. */
  bootstrap?: readonly string[];
  clock?: Clock;
  logger?: Logger;
}

export interface NetNode {
  readonly libp2p: Libp2p<{ ping: Ping }>;
  readonly peerId: PeerId;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The addresses others can dial, each ending in `/p2p/<our peer id>`. */
  multiaddrs(): Multiaddr[];
  isAllowed(peer: PeerId | string): boolean;
  /** Replaces the allow-list (e.g. a validator-set rotation) and drops newly denied peers. */
  setAllowedPeers(peers: Iterable<string> | undefined): Promise<void>;
  /** Dials every bootstrap address; the results say which ones answered. */
  dialBootstrap(signal?: AbortSignal): Promise<Array<Result<PeerId, NetError>>>;
  /** Round-trip time to a peer, ms, over libp2p's ping protocol. */
  ping(peer: PeerId | Multiaddr, signal?: AbortSignal): Promise<Result<number, NetError>>;
  stop(): Promise<void>;
}

export type NetNodeError =
  | { kind: 'key-file'; error: KeyFileError }
  | { kind: 'bad-option'; message: string }
  | { kind: 'listen'; message: string };

export const DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/0'] as const;
const DEFAULT_WS_LISTEN = ['/ip4/127.0.0.1/tcp/0/ws'] as const;

function parseAllowList(peers: Iterable<string> | undefined): Result<AllowList, string> {
  if (peers === undefined) return ok({ peers: undefined });
  const set = new Set<string>();
  for (const p of peers) {
    try {
      set.add(peerIdFromString(p).toString());
    } catch (e) {
      return err(`allowPeers: ${p} is not a peer id (${errorMessage(e)})`);
    }
  }
  return ok({ peers: set });
}

function bootstrapPeer(ma: Multiaddr): PeerId | undefined {
  const id = ma.getComponents().findLast((c) => c.name === 'p2p')?.value;
  return id === undefined ? undefined : peerIdFromString(id);
}

/** New inbound connections accepted per second from one host (libp2p's default is 5). */
export const INBOUND_CONNECTIONS_PER_SECOND = 100;

export async function createNetNode(opts: NetNodeOptions): Promise<Result<NetNode, NetNodeError>> {
  const clock = opts.clock ?? systemClock();
  const logger = opts.logger ?? silentLogger;

  const allow = parseAllowList(opts.allowPeers);
  if (!allow.ok) return err({ kind: 'bad-option', message: allow.error });
  // Mutable holder: the gater reads it on every check.
  const allowList: { peers: ReadonlySet<string> | undefined } = { ...allow.value };

  let bootstrap: Multiaddr[];
  try {
    bootstrap = (opts.bootstrap ?? []).map((a) => multiaddr(a));
  } catch (e) {
    return err({ kind: 'bad-option', message: `bootstrap: ${errorMessage(e)}` });
  }

  const key = await loadOrCreatePeerKey(opts.keyFile);
  if (!key.ok) return err({ kind: 'key-file', error: key.error });

  const ws = opts.webSockets === true ? DEFAULT_WS_LISTEN : opts.webSockets || [];
  let libp2p: Libp2p<{ ping: Ping }>;
  try {
    libp2p = await createLibp2p({
      privateKey: key.value.key,
      addresses: { listen: [...(opts.listen ?? DEFAULT_LISTEN), ...ws] },
      transports: [tcp(), webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      // libp2p refuses a 6th new inbound connection per second from one host (a TCP reset).
      // A validator serves many kiosks, and kiosks behind one carrier NAT share an address;
      // the tests' kiosks all dial from 127.0.0.1 and were reset (ECONNRESET) once the
      // devnet got faster. What bounds a peer here is the gater, maxConnections and the
      // per-peer protocol rate limits (rate-limit.ts), so the per-host threshold is raised.
      connectionManager: { inboundConnectionThreshold: INBOUND_CONNECTIONS_PER_SECOND },
      connectionGater: allowListGater(allowList, (peer, where) =>
        logger.warn(EVENTS.netPeerDenied, { peer, where }),
      ),
      // Ping allows a few outbound streams: a ping's stream may still be closing when the
      // next one starts, and the default of one then fails the second ping.
      services: { identify: identify(), ping: ping({ maxOutboundStreams: 4 }) },
    });
  } catch (e) {
    return err({ kind: 'listen', message: errorMessage(e) });
  }
  const peerId = libp2p.peerId;
  if (key.value.created) logger.info(EVENTS.netKeyCreated, { peer: peerId.toString() });
  logger.info(EVENTS.netNodeStart, {
    peer: peerId.toString(),
    addrs: libp2p
      .getMultiaddrs()
      .map((m) => m.toString())
      .join(' '),
    allowList: allowList.peers === undefined ? 'any' : allowList.peers.size,
  });

  const dialBootstrap = async (signal?: AbortSignal) =>
    Promise.all(
      bootstrap.map(async (ma): Promise<Result<PeerId, NetError>> => {
        try {
          const expected = bootstrapPeer(ma);
          if (expected !== undefined) {
            // Remember the address, and tag the peer so libp2p's reconnect queue redials it
            // after a disconnect; `call(node, peerId, …)` can then dial by id alone.
            await libp2p.peerStore.merge(expected, {
              multiaddrs: [ma],
              tags: { [KEEP_ALIVE]: { value: 1 } },
            });
          }
          const conn = await libp2p.dial(ma, signal === undefined ? {} : { signal });
          return ok(conn.remotePeer);
        } catch (e) {
          logger.warn(EVENTS.netBootstrapFailed, { addr: ma.toString(), error: errorMessage(e) });
          return err(classifyDialError(e));
        }
      }),
    );

  const node: NetNode = {
    libp2p,
    peerId,
    clock,
    logger,
    multiaddrs: () => libp2p.getMultiaddrs(),
    isAllowed: (peer) => isAllowed(allowList, peer),
    async setAllowedPeers(peers) {
      const next = parseAllowList(peers);
      if (!next.ok) throw new TypeError(next.error);
      allowList.peers = next.value.peers;
      await Promise.all(
        libp2p
          .getConnections()
          .filter((c) => !isAllowed(allowList, c.remotePeer))
          .map((c) => c.close().catch(() => c.abort(new Error('peer no longer allowed')))),
      );
    },
    dialBootstrap,
    async ping(peer, signal) {
      try {
        return ok(await libp2p.services.ping.ping(peer, signal === undefined ? {} : { signal }));
      } catch (e) {
        return err(classifyDialError(e));
      }
    },
    async stop() {
      await libp2p.stop();
      logger.info(EVENTS.netNodeStop, { peer: peerId.toString() });
    },
  };

  if (bootstrap.length > 0) {
    // Not awaited: a validator that is down must not stop the kiosk from starting; the
    // results are logged, and callers dial again on demand.
    void dialBootstrap();
  }
  return ok(node);
}
