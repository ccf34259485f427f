// SimulatorDock over whatever runs the simulators: in this process, or child processes
// reached through a JSON-lines control channel (see control.ts). Both give the dev dock
// and the tests the same handle.
import type { Result } from '../../shared/result.js';
import type { PrinterStatus, SimulatorDock } from '../types.js';
import type { CardSimControl } from './card-reader-sim.js';
import type { FakeHidModule } from './hid-sim.js';
import { SIM_TOUCH_INFO } from './hid-sim.js';
import type { SamplePerson } from './people.js';
import type { PaperView, PrinterSimControl } from './printer-sim.js';

/** The dock with the drills the contract does not name (development builds only). */
export interface DevSimulatorDock extends SimulatorDock {
  /** Paper left on the roll, in printed lines (null: endless); 0 is paper out now. */
  setPaperRemaining(lines: number | null): Promise<void>;
  unplugTouch(): void;
  replugTouch(): void;
}

export function createDock(parts: {
  people: readonly SamplePerson[];
  card: CardSimControl;
  printer: PrinterSimControl;
  hid: FakeHidModule;
}): DevSimulatorDock {
  return {
    samplePeople: () => parts.people.map((p) => ({ id: p.id, label: p.label })),
    insertCard: (id): Promise<Result<void, { kind: 'unknown-person' | 'card-present' }>> =>
      parts.card.insert(id),
    injectCardBytes: (bytes) => parts.card.inject(bytes),
    removeCard: () => parts.card.remove(),
    setPrinterStatus: (patch: Partial<PrinterStatus>) => parts.printer.setStatus(patch),
    paper: (): Promise<PaperView[]> => parts.printer.paper(),
    setPaperRemaining: (lines) => parts.printer.setPaperRemaining(lines),
    unplugTouch: () => parts.hid.unplug(SIM_TOUCH_INFO.path ?? ''),
    replugTouch: () => parts.hid.plug(SIM_TOUCH_INFO),
  };
}
