#!/usr/bin/env node
// The `veche-kiosk` command. The polyfill import must stay first: libp2p needs it on Node 20.
import '../polyfills.js';
import { runDemo } from './demo.js';
import { runServe } from './serve.js';
import { runAuditVerify, runQueueStatus, runReconcile } from './store-commands.js';
import { runDiagnose, runExport } from './staff-commands.js';

const USAGE = `usage: veche-kiosk <command> [options]

commands:
  demo [--headless] [--port N] [--kiosk] [--no-chain]
                                           host + simulated devices + local devnet + the UI
  serve [--simulated] [--port N]           the host alone (for the Electron shell or systemd)
        [--state-dir D [--export-dir F] [--ready-file R]]   the composed kiosk (docs/composition.md)
  simulate card-reader|printer --port P    a device simulator on a serial port or pty
  devnet [--validators 4] [--scenario demo|empty] [--dir D] [--base-port P] [--block-ms MS]
                                           the local validator network (docs/devnet.md)
  queue status  --kiosk-id K [--state-dir D | --db F] [--json]   ballots by state, per election
  audit verify  --kiosk-id K [--state-dir D | --db F] [--json]   audit log and confirmation chain
  reconcile     --kiosk-id K [--election E] [--state-dir D | --db F] [--json]
  export        --kiosk-id K --out DIR [--election E] [--state-dir D | --db F]
                                           signed JSON + CSV per election to a folder
  export        --verify FILE [--public-key HEX]   check an export's signature
  diagnose      [--kiosk-id K] [--state-dir D] [--json]   clock, disk, key, store, audit log
  provision     enroll --unit U --place P [--out FILE] | import BUNDLE | status [--json]
                | decommission --export-dir E [--force]   [--state-dir D]   docs/staff.md
  verify-receipt <receipt | ballot id> --kiosk-id K [--state-dir D | --db F] [--json]
                                           the receipt's code, validator receipt and delivery state
  sync evidence [list | export <id> --out DIR | resolve <id>] --kiosk-id K [--state-dir D | --db F]
                [--json]                   light-client evidence, host stopped (docs/sync.md)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo':
      return runDemo(rest);
    case 'serve':
      return runServe(rest);
    case 'simulate': {
      const { runSimulator } = await import('./simulate.js');
      return runSimulator(rest);
    }
    case 'devnet': {
      const { runDevnet } = await import('./devnet-command.js');
      return runDevnet(rest);
    }
    case 'queue':
      if (rest[0] !== 'status') break;
      return runQueueStatus(rest.slice(1));
    case 'audit':
      if (rest[0] !== 'verify') break;
      return runAuditVerify(rest.slice(1));
    case 'reconcile':
      return runReconcile(rest);
    case 'export':
      return runExport(rest);
    case 'diagnose':
      return runDiagnose(rest);
    case 'provision': {
      const { runProvision } = await import('./provision-command.js');
      return runProvision(rest);
    }
    case 'verify-receipt': {
      const { runVerifyReceipt } = await import('./verify-receipt.js');
      return runVerifyReceipt(rest);
    }
    case 'sync': {
      if (rest[0] !== 'evidence') break;
      const { runSyncEvidence } = await import('./evidence-command.js');
      return runSyncEvidence(rest.slice(1));
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      break;
  }
  process.stderr.write(`unknown command: ${argv.join(' ')}\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  },
);
