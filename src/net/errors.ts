// The expected failures of talking to a peer, as values. Every call into src/net that can
// fail because of the network or the peer returns one of these; only bugs throw.

/** Codes a serving peer puts in an error response (`{ error: code }`) instead of a value. */
export const REMOTE_ERROR_CODES = [
  'rate-limited',
  'bad-request',
  'too-many-messages',
  'response-too-large',
  'internal',
] as const;
export type RemoteErrorCode = (typeof REMOTE_ERROR_CODES)[number];

export type Side = 'request' | 'response';

export type NetError =
  /** The per-request timer fired. */
  | { kind: 'timeout'; ms: number }
  /** The caller's own signal aborted the call. */
  | { kind: 'aborted' }
  /** A message exceeded the protocol's limit; `bytes` is the (declared) size. */
  | { kind: 'too-large'; side: Side; bytes: number; limit: number }
  /** Bytes that are not a valid frame, not canonical CBOR, or fail the schema. */
  | { kind: 'malformed'; side: Side; message: string }
  /** No stream could be opened: the gater, the dial, the protocol or a stopped node. */
  | { kind: 'refused'; reason: RefusedReason; message: string }
  /** The stream or connection went away before the exchange completed. */
  | { kind: 'closed'; message: string }
  /** The peer answered with an error response. */
  | { kind: 'remote'; code: RemoteErrorCode; message?: string };

export type RefusedReason = 'denied' | 'unreachable' | 'unsupported-protocol' | 'stopped';

export function errorMessage(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function errorName(e: unknown): string {
  return e instanceof Error ? e.name : '';
}

/**
 * Maps what libp2p throws while dialing or opening a stream to a NetError. libp2p's error
 * classes live in several packages (libp2p, @libp2p/interface, transports), so we match by
 * `name`, which is part of their public contract, rather than by `instanceof`.
 */
export function classifyDialError(e: unknown): NetError {
  const name = errorName(e);
  const message = errorMessage(e);
  switch (name) {
    case 'DialDeniedError':
    case 'ConnectionDeniedError':
    case 'ConnectionInterceptedError':
      return { kind: 'refused', reason: 'denied', message };
    case 'UnsupportedProtocolError':
      return { kind: 'refused', reason: 'unsupported-protocol', message };
    case 'NotStartedError':
      return { kind: 'refused', reason: 'stopped', message };
    case 'StreamResetError':
    case 'StreamAbortedError':
    case 'StreamStateError':
    case 'ConnectionClosedError':
    case 'ConnectionClosingError':
    case 'MuxerClosedError':
      return { kind: 'closed', message };
    default:
      // A peer whose gater refuses us closes the socket during the Noise handshake or
      // muxer negotiation; from this side that is indistinguishable from an unreachable
      // peer, so it lands here (the message says which step failed).
      return { kind: 'refused', reason: 'unreachable', message };
  }
}
