// A serial line as the drivers and simulators see it: bytes in, bytes out, a close
// notice. Real ports (serialport's native binding on /dev/tty* or a pty) and in-process
// mock links implement it, so no driver knows which one it has.
import { SerialPortStream } from '@serialport/stream';
import { err, ok, type Result } from '../../shared/result.js';
import type { DeviceError } from '../types.js';

export interface BytePort {
  /** Writes and waits until the bytes left the process (drain). */
  write(bytes: Uint8Array): Promise<Result<void, DeviceError>>;
  onData(listener: (bytes: Uint8Array) => void): () => void;
  /** Called once when the line goes away (unplug, pty closed, port error). */
  onClose(listener: (detail: string) => void): () => void;
  close(): Promise<void>;
}

/** Whatever serialport's stream accepts as a binding (native, mock, or a wrapper). */
export type SerialBinding = ConstructorParameters<typeof SerialPortStream>[0]['binding'];

export type PortOpener = () => Promise<Result<BytePort, DeviceError>>;

/** A tiny listener set; the drivers' event fan-out uses it too. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(fn: (value: T) => void): () => void {
    this.set.add(fn);
    return () => this.set.delete(fn);
  }
  emit(value: T): void {
    for (const fn of [...this.set]) {
      try {
        fn(value);
      } catch {
        // A listener's bug must not stop the driver or the other listeners.
      }
    }
  }
  get size(): number {
    return this.set.size;
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Opens a serial port through serialport's stream with the given binding. */
export function serialPortOpener(opts: {
  path: string;
  baudRate?: number;
  binding: SerialBinding;
}): PortOpener {
  return async () => {
    const stream = new SerialPortStream({
      binding: opts.binding,
      path: opts.path,
      baudRate: opts.baudRate ?? 115200,
      autoOpen: false,
    });
    const opened = await new Promise<Error | null>((resolve) =>
      stream.open((e) => resolve(e ?? null)),
    );
    if (opened !== null) {
      const kind = /no such file|not exist|ENOENT/i.test(opened.message) ? 'not-found' : 'io';
      return err({ kind, detail: `${opts.path}: ${opened.message}` });
    }
    return ok(wrapStream(stream, opts.path));
  };
}

function wrapStream(stream: SerialPortStream, path: string): BytePort {
  const data = new Listeners<Uint8Array>();
  const closed = new Listeners<string>();
  let isClosed = false;
  const markClosed = (detail: string) => {
    if (isClosed) return;
    isClosed = true;
    closed.emit(detail);
  };
  stream.on('data', (chunk: Buffer) => data.emit(new Uint8Array(chunk)));
  stream.on('close', () => markClosed(`${path} closed`));
  stream.on('error', (e: Error) => markClosed(`${path}: ${e.message}`));
  return {
    async write(bytes) {
      if (isClosed) return err({ kind: 'disconnected', detail: `${path} is closed` });
      try {
        await new Promise<void>((resolve, reject) => {
          stream.write(Buffer.from(bytes), (e) => (e ? reject(e) : undefined));
          stream.drain((e) => (e ? reject(e) : resolve()));
        });
        return ok(undefined);
      } catch (e) {
        return err({ kind: isClosed ? 'disconnected' : 'io', detail: `${path}: ${describe(e)}` });
      }
    },
    onData: (fn) => data.add(fn),
    onClose: (fn) => closed.add(fn),
    async close() {
      if (isClosed || !stream.isOpen) {
        isClosed = true;
        return;
      }
      await new Promise<void>((resolve) => stream.close(() => resolve()));
      isClosed = true;
    },
  };
}
