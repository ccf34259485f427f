// `veche-kiosk simulate card-reader|printer --port <path> [--profile <id>]`: a simulated
// device on one end of a serial line (a socat pty for the demo and integration tests).
// It is controlled over stdin/stdout with JSON lines (src/hardware/sim/control.ts); it
// prints {"ready":true} once the port is open and exits on SIGTERM or end of stdin.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SerialPort } from 'serialport';
import { printerProfile, PRINTER_PROFILES } from '../hardware/printer/profiles.js';
import { CardReaderSimulator } from '../hardware/sim/card-reader-sim.js';
import { serveControl } from '../hardware/sim/control.js';
import { PrinterSimulator } from '../hardware/sim/printer-sim.js';
import { serialPortOpener } from '../hardware/transport/byte-port.js';

const USAGE = `usage: veche-kiosk simulate card-reader|printer --port <path> [--profile <id>] [--baud <n>]
  printer profiles: ${Object.keys(PRINTER_PROFILES).join(', ')}`;

export async function runSimulator(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        profile: { type: 'string', default: 'epson-tm-t20' },
        baud: { type: 'string', default: '115200' },
        help: { type: 'boolean' },
      },
    });
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const device = positionals[0];
  if (values.help) {
    console.error(USAGE);
    return 0;
  }
  if ((device !== 'card-reader' && device !== 'printer') || values.port === undefined) {
    console.error(USAGE);
    return 2;
  }
  const profile = printerProfile(values.profile);
  if (!profile) {
    console.error(`unknown printer profile ${values.profile}\n${USAGE}`);
    return 2;
  }
  const opened = await serialPortOpener({
    path: values.port,
    baudRate: Number(values.baud),
    binding: SerialPort.binding,
  })();
  if (!opened.ok) {
    console.error(`cannot open ${values.port}: ${opened.error.detail}`);
    return 1;
  }
  const port = opened.value;
  if (device === 'card-reader') serveControl({ card: new CardReaderSimulator(port) });
  else serveControl({ printer: new PrinterSimulator(port, profile) });
  process.stdout.write(JSON.stringify({ ready: true, device, port: values.port }) + '\n');
  console.error(
    `simulated ${device} on ${values.port}; type "insert <person>", "remove", "paper", "status paperOut=true" …`,
  );

  return new Promise<number>((resolve) => {
    const done = (code: number) => {
      void port.close().then(() => resolve(code));
    };
    process.once('SIGTERM', () => done(0));
    process.once('SIGINT', () => done(0));
    process.stdin.once('end', () => done(0));
    port.onClose(() => done(1));
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void runSimulator(process.argv.slice(2)).then((code) => process.exit(code));
}
