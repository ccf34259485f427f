// Length-prefixed framing over a js-libp2p 3 stream: an unsigned-varint length, then that
// many bytes (it-length-prefixed's wire format). The v3 Stream is an event emitter ('message', 'end',
// 'close', 'drain') with send()/close()/abort(); reading via its async iterator never
// pauses the remote, so this module reads 'message' events itself and applies backpressure
// with stream.pause()/resume() (Yamux then withholds window updates).
import type { Stream } from '@libp2p/interface';
import { Uint8ArrayList } from 'uint8arraylist';
import { err, ok, type Result } from '../shared/result.js';
import { errorMessage } from './errors.js';

export type ReadError =
  | { kind: 'too-large'; bytes: number; limit: number }
  | { kind: 'malformed'; message: string }
  | { kind: 'closed'; message: string }
  | { kind: 'aborted' };

export type WriteError = { kind: 'closed'; message: string } | { kind: 'aborted' };

/**
 * Yamux's default max receive window (16 MiB). After pause() the remote may still send
 * what the window it was last granted allows, so the stream's read buffer must be able to
 * hold that much, or libp2p resets the stream with a StreamBufferError.
 */
export const MAX_STREAM_WINDOW = 16 * 1024 * 1024;

/** Decoded-but-unread bytes above which the reader pauses the stream. */
const DEFAULT_HIGH_WATER = 1024 * 1024;

/** Longest length prefix accepted (it-length-prefixed's default): 8 varint bytes. */
const MAX_LENGTH_BYTES = 8;

/**
 * Reads frames one at a time. `next()` resolves to a frame, `null` at a clean end of the
 * stream, or an error; it never rejects. A declared length over the limit is refused as
 * soon as the varint is read, before any of the body is buffered.
 *
 * The wire format is it-length-prefixed's (tests check both ways), but parsing is done
 * here, synchronously over the buffered bytes: its async-generator decoder cost several
 * promise hops per frame, which showed in the bulk-transfer profile.
 */
export class FrameReader {
  private readonly buffer = new Uint8ArrayList();
  private ended = false;
  private failure: string | undefined;
  private aborted = false;
  private wake: (() => void) | undefined;
  /** Declared length of the frame being read, or -1 while reading a prefix. */
  private declared = -1;
  private sticky: ReadError | undefined;

  /**
   * `signal` bounds every read of this reader (the call's deadline, the server's idle
   * timer): one listener for the stream's life instead of a race per frame.
   */
  constructor(
    private readonly stream: Stream,
    private readonly maxMessageBytes: number,
    signal?: AbortSignal,
    private readonly highWater = Math.max(DEFAULT_HIGH_WATER, 2 * maxMessageBytes),
  ) {
    if (signal !== undefined) {
      const onAbort = () => {
        this.aborted = true;
        this.notify();
      };
      if (signal.aborted) this.aborted = true;
      else signal.addEventListener('abort', onAbort, { once: true });
      stream.addEventListener('close', () => signal.removeEventListener('abort', onAbort), {
        once: true,
      });
    }
    stream.maxReadBufferLength = Math.max(
      stream.maxReadBufferLength,
      MAX_STREAM_WINDOW + highWater,
    );
    stream.addEventListener('message', (evt) => {
      this.buffer.append(evt.data);
      if (this.buffer.byteLength > this.highWater && stream.readStatus === 'readable') {
        stream.pause();
      }
      this.notify();
    });
    stream.addEventListener('end', () => {
      this.ended = true;
      this.notify();
    });
    stream.addEventListener('close', (evt) => {
      if (evt.error !== undefined) {
        this.failure = errorMessage(evt.error);
      } else if (stream.readBufferLength > 0 && stream.readStatus === 'paused') {
        // A clean close can leave bytes in libp2p's paused buffer; resume() dispatches them
        // synchronously as 'message' events before we mark the end.
        try {
          stream.resume();
        } catch {
          // already closed for reading: nothing left to deliver
        }
      }
      this.ended = true;
      this.notify();
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** A whole frame from the buffer, `undefined` if more bytes are needed, or an error. */
  private parse(): Result<Uint8Array | undefined, ReadError> {
    const buf = this.buffer;
    if (this.declared < 0) {
      let value = 0;
      let prefix = 0;
      for (let i = 0; i < Math.min(buf.byteLength, MAX_LENGTH_BYTES); i++) {
        const b = buf.get(i);
        value += (b & 0x7f) * 2 ** (7 * i);
        if ((b & 0x80) === 0) {
          prefix = i + 1;
          break;
        }
      }
      if (prefix === 0) {
        if (buf.byteLength >= MAX_LENGTH_BYTES) {
          return err({ kind: 'malformed', message: 'invalid length prefix' });
        }
        return ok(undefined);
      }
      if (value > this.maxMessageBytes) {
        return err({ kind: 'too-large', bytes: value, limit: this.maxMessageBytes });
      }
      buf.consume(prefix);
      this.declared = value;
    }
    if (buf.byteLength < this.declared) return ok(undefined);
    const frame = buf.subarray(0, this.declared);
    buf.consume(this.declared);
    this.declared = -1;
    if (buf.byteLength <= this.highWater / 2 && this.stream.readStatus === 'paused') {
      this.stream.resume();
    }
    return ok(frame);
  }

  /** The next frame, `null` at a clean end, or why there is none. Never rejects. */
  async next(): Promise<Result<Uint8Array | null, ReadError>> {
    for (;;) {
      if (this.sticky !== undefined) return err(this.sticky);
      if (this.aborted) return err((this.sticky = { kind: 'aborted' }));
      const r = this.parse();
      if (!r.ok) return err((this.sticky = r.error));
      if (r.value !== undefined) return ok(r.value);
      if (this.failure !== undefined) {
        return err((this.sticky = { kind: 'closed', message: this.failure }));
      }
      if (this.ended) {
        if (this.buffer.byteLength === 0 && this.declared < 0) return ok(null);
        return err((this.sticky = { kind: 'malformed', message: 'stream ended inside a frame' }));
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}

/**
 * Resolves once the stream may be written to again. Not `stream.onDrain()`: in
 * @libp2p/utils 7.4.1 its promise is created once and never reset after the first 'drain',
 * so every later call resolves at once while `writableNeedsDrain` is still true, and the
 * writer would buffer without bound. Waiting for the 'drain' event itself is exact.
 */
export function waitForDrain(
  stream: Stream,
  signal?: AbortSignal,
): Promise<Result<void, WriteError>> {
  if (!stream.writableNeedsDrain) return Promise.resolve(ok(undefined));
  if (signal?.aborted === true) return Promise.resolve(err({ kind: 'aborted' }));
  return new Promise((resolve) => {
    const finish = (r: Result<void, WriteError>) => {
      stream.removeEventListener('drain', onDrain);
      stream.removeEventListener('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    // The stream's own 'drain' listener (registered first) clears writableNeedsDrain.
    const onDrain = () => {
      if (!stream.writableNeedsDrain) finish(ok(undefined));
    };
    const onClose = (evt: { error?: Error }) =>
      finish(
        err({
          kind: 'closed',
          message: evt.error === undefined ? 'stream closed' : errorMessage(evt.error),
        }),
      );
    const onAbort = () => finish(err({ kind: 'aborted' }));
    stream.addEventListener('drain', onDrain);
    stream.addEventListener('close', onClose);
    signal?.addEventListener('abort', onAbort);
  });
}

/** Above this many pending bytes the writer hands a batch to the stream at once. */
const FLUSH_BYTES = 64 * 1024;

/**
 * Writes frames with backpressure. Frames written in the same turn of the event loop are
 * coalesced into one send (one Yamux frame, one Noise record) up to 64 KiB: bulk transfer
 * of small messages would otherwise pay per-message framing and encryption overhead.
 */
export class FrameWriter {
  private parts: Uint8Array[] = [];
  private pendingBytes = 0;
  private scheduled: NodeJS.Immediate | undefined;
  private failure: string | undefined;

  constructor(private readonly stream: Stream) {}

  /** Queues one frame; resolves when the caller may write again. */
  async write(body: Uint8Array, signal?: AbortSignal): Promise<Result<void, WriteError>> {
    if (this.failure !== undefined) return err({ kind: 'closed', message: this.failure });
    const prefix = varint(body.byteLength);
    this.parts.push(prefix, body);
    this.pendingBytes += prefix.byteLength + body.byteLength;
    if (this.pendingBytes < FLUSH_BYTES) {
      // Let the caller add more in this turn; whatever is pending goes out at the next one.
      // No wait for drain here: waiting would let that flush fire with one small frame per
      // drain, and bulk transfer would degrade to a frame, a Noise record, a syscall and a
      // window update per message (it did, before this).
      this.scheduled ??= setImmediate(() => {
        this.scheduled = undefined;
        this.flush();
      });
      return ok(undefined);
    }
    this.flush();
    if (this.failure !== undefined) return err({ kind: 'closed', message: this.failure });
    // A full batch went out: now respect the transport's backpressure.
    return waitForDrain(this.stream, signal);
  }

  /** Flushes and closes the writable end, waiting until the bytes reached the transport. */
  async end(signal?: AbortSignal): Promise<Result<void, WriteError>> {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.flush();
    if (this.failure !== undefined) return err({ kind: 'closed', message: this.failure });
    try {
      await this.stream.close(signal === undefined ? {} : { signal });
      return ok(undefined);
    } catch (e) {
      if (signal?.aborted === true) return err({ kind: 'aborted' });
      return err({ kind: 'closed', message: errorMessage(e) });
    }
  }

  /** Drops anything not yet handed to the stream (used before aborting). */
  discard(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.parts = [];
    this.pendingBytes = 0;
  }

  private flush(): void {
    if (this.pendingBytes === 0 || this.failure !== undefined) return;
    // One contiguous buffer: libp2p then frames and encrypts it without walking a list.
    const batch = Buffer.concat(this.parts, this.pendingBytes);
    this.parts = [];
    this.pendingBytes = 0;
    try {
      this.stream.send(batch);
    } catch (e) {
      // The stream was reset or closed under us; the next write/end reports it.
      this.failure = errorMessage(e);
    }
  }
}

/** Unsigned LEB128 varint, the length prefix it-length-prefixed reads. */
export function varint(n: number): Uint8Array {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}
