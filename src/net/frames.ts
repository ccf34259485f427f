// Length-prefixed framing over a js-libp2p 3 stream: an unsigned-varint length, then that
// many bytes (it-length-prefixed). The v3 Stream is an event emitter ('message', 'end',
// 'close', 'drain') with send()/close()/abort(); reading via its async iterator never
// pauses the remote, so this module reads 'message' events itself and applies backpressure
// with stream.pause()/resume() (Yamux then withholds window updates).
import * as lp from 'it-length-prefixed';
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

/** it-length-prefixed gives up on a length prefix longer than this (its default). */
const MAX_LENGTH_BYTES = 8;

/**
 * The unsigned-varint length decoder, as it-length-prefixed's default one, but remembering
 * the declared length so a too-large error can say how large. it-length-prefixed treats a
 * RangeError as "prefix incomplete, wait for more bytes".
 */
function lengthDecoder(record: (n: number) => void): lp.LengthDecoderFunction {
  const decode = (buf: Uint8ArrayList): number => {
    let value = 0;
    for (let i = 0; i < Math.min(buf.byteLength, MAX_LENGTH_BYTES); i++) {
      const b = buf.get(i);
      value += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) {
        decode.bytes = i + 1;
        record(value);
        return value;
      }
    }
    throw new RangeError('length prefix incomplete');
  };
  decode.bytes = 0;
  return decode;
}

/**
 * Reads frames one at a time. `next()` resolves to a frame, `null` at a clean end of the
 * stream, or an error; it never rejects. A declared length over the limit is refused as
 * soon as the varint is read, before any of the body is buffered.
 */
export class FrameReader {
  private readonly queue: Uint8ArrayList[] = [];
  private queued = 0;
  private ended = false;
  private failure: string | undefined;
  private wake: (() => void) | undefined;
  private readonly frames: AsyncIterator<Uint8ArrayList>;
  private declared = -1;
  private sticky: ReadError | undefined;

  private aborted = false;

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
      const data = evt.data instanceof Uint8ArrayList ? evt.data : new Uint8ArrayList(evt.data);
      this.queue.push(data);
      this.queued += data.byteLength;
      if (this.queued > this.highWater && stream.readStatus === 'readable') stream.pause();
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
    this.frames = lp
      .decode(this.chunks(), {
        maxDataLength: maxMessageBytes,
        maxLengthLength: MAX_LENGTH_BYTES,
        lengthDecoder: lengthDecoder((n) => {
          this.declared = n;
        }),
      })
      [Symbol.asyncIterator]();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async *chunks(): AsyncGenerator<Uint8ArrayList> {
    for (;;) {
      if (this.aborted) throw new ReadAbortedError('read aborted');
      const next = this.queue.shift();
      if (next !== undefined) {
        this.queued -= next.byteLength;
        if (this.queued <= this.highWater / 2 && this.stream.readStatus === 'paused') {
          this.stream.resume();
        }
        yield next;
        continue;
      }
      if (this.failure !== undefined) throw new StreamGoneError(this.failure);
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /** The next frame, `null` at a clean end, or why there is none. Never rejects. */
  async next(): Promise<Result<Uint8Array | null, ReadError>> {
    if (this.sticky !== undefined) return err(this.sticky);
    if (this.aborted) return err((this.sticky = { kind: 'aborted' }));
    try {
      const r = await this.frames.next();
      if (r.done === true) return ok(null);
      return ok(r.value.subarray());
    } catch (e) {
      // The decoder is finished after a throw; later calls must not read as a clean end.
      this.sticky = this.classify(e);
      return err(this.sticky);
    }
  }

  private classify(e: unknown): ReadError {
    const name = e instanceof Error ? e.name : '';
    switch (name) {
      case 'InvalidDataLengthError':
        return { kind: 'too-large', bytes: this.declared, limit: this.maxMessageBytes };
      case 'InvalidDataLengthLengthError':
      case 'InvalidMessageLengthError':
        return { kind: 'malformed', message: 'invalid length prefix' };
      case 'UnexpectedEOFError':
        return { kind: 'malformed', message: 'stream ended inside a frame' };
      case 'StreamGoneError':
        return { kind: 'closed', message: (e as Error).message };
      case 'ReadAbortedError':
        return { kind: 'aborted' };
      default:
        return { kind: 'malformed', message: errorMessage(e) };
    }
  }
}

class StreamGoneError extends Error {
  override name = 'StreamGoneError';
}

class ReadAbortedError extends Error {
  override name = 'ReadAbortedError';
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
    if (this.pendingBytes >= FLUSH_BYTES) {
      this.flush();
    } else if (this.scheduled === undefined) {
      this.scheduled = setImmediate(() => {
        this.scheduled = undefined;
        this.flush();
      });
    }
    if (this.failure !== undefined) return err({ kind: 'closed', message: this.failure });
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
