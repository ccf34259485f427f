// An in-process serial line for unit tests and the 'mock' transport: the host side is a
// real serialport stream over @serialport/binding-mock (so drivers run their production
// code path), and the device side is a BytePort a simulator drives. Host writes reach the
// device through a wrapped binding; device writes become the mock port's incoming data.
import { SerialPortMock } from 'serialport';
import { ok } from '../../shared/result.js';
import {
  Listeners,
  serialPortOpener,
  type BytePort,
  type PortOpener,
  type SerialBinding,
} from './byte-port.js';

const MockBinding = SerialPortMock.binding;
type MockPortBinding = Awaited<ReturnType<typeof MockBinding.open>>;
type OpenOptions = Parameters<typeof MockBinding.open>[0];

let linkSeq = 0;

export interface MockLink {
  /** Opens the host side, as a driver would open /dev/ttyUSB0. */
  openHost: PortOpener;
  /** The device end, for a simulator. */
  device: BytePort;
  /** Drops the line as an unplugged cable would. */
  unplug(): Promise<void>;
}

export function createMockLink(name: string): MockLink {
  const path = `/dev/mock-${name}-${++linkSeq}`;
  MockBinding.createPort(path, { echo: false, record: false });
  const toDevice = new Listeners<Uint8Array>();
  const deviceClosed = new Listeners<string>();
  let hostPort: MockPortBinding | null = null;
  let pending: Buffer[] = [];
  let unplugged = deferredFailure();

  const binding: SerialBinding = {
    list: () => MockBinding.list(),
    async open(options: OpenOptions) {
      const port = await MockBinding.open(options);
      const write = port.write.bind(port);
      port.write = async (buffer: Buffer) => {
        await write(buffer);
        const copy = new Uint8Array(buffer);
        setImmediate(() => toDevice.emit(copy));
      };
      // An unplug makes the pending read fail (not cancel), which is how serialport's
      // stream learns that a real adapter vanished: it emits 'close' with a disconnect.
      const read = port.read.bind(port);
      const gone = unplugged;
      port.read = (buffer: Buffer, offset: number, length: number) =>
        Promise.race([read(buffer, offset, length), gone.promise]);
      const close = port.close.bind(port);
      port.close = async () => {
        hostPort = null;
        await close();
      };
      hostPort = port;
      for (const b of pending) port.emitData(b);
      pending = [];
      return port;
    },
  };

  const device: BytePort = {
    async write(bytes) {
      const buf = Buffer.from(bytes);
      if (hostPort?.isOpen) hostPort.emitData(buf);
      else pending.push(buf);
      return ok(undefined);
    },
    onData: (fn) => toDevice.add(fn),
    onClose: (fn) => deviceClosed.add(fn),
    async close() {
      deviceClosed.emit('closed');
    },
  };

  return {
    openHost: serialPortOpener({ path, binding }),
    device,
    async unplug() {
      hostPort = null;
      const u = unplugged;
      unplugged = deferredFailure();
      // The stream then closes the binding itself, as after a real disconnect.
      u.fail(new Error('device unplugged'));
      await new Promise((r) => setImmediate(r));
    },
  };
}

function deferredFailure(): { promise: Promise<never>; fail(e: Error): void } {
  let fail: (e: Error) => void = () => undefined;
  const promise = new Promise<never>((_, reject) => (fail = reject));
  promise.catch(() => undefined);
  return { promise, fail };
}
