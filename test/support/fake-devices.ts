// An in-memory test double of the device contract, for host tests that are about the host
// (RPC, session, security) rather than about device bytes. Device behaviour itself is tested
// against the real drivers and byte-level simulators in test/unit/hardware.
import type {
  CardEvent,
  CardReader,
  IdDocument,
  PrinterStatus,
  ReceiptPrinter,
  SimulatorDock,
  TouchController,
} from '../../src/hardware/types.js';
import { ok } from '../../src/shared/result.js';

export const ALICE: IdDocument = {
  format: 'TD1',
  documentCode: 'ID',
  issuingState: 'BLR',
  documentNumber: 'AB1234567',
  surname: 'KUPALA',
  givenNames: 'ALESIA',
  nationality: 'BLR',
  birthDate: '1990-05-17',
  expiryDate: '2031-05-17',
  sex: 'female',
};

export function fakeDevices() {
  const cardListeners = new Set<(e: CardEvent) => void>();
  const statusListeners = new Set<(s: PrinterStatus) => void>();
  let status: PrinterStatus = {
    online: true,
    coverOpen: false,
    paperNearEnd: false,
    paperOut: false,
    error: false,
  };
  let inserted = false;
  const emit = (e: CardEvent) => cardListeners.forEach((l) => l(e));

  const cardReader: CardReader = {
    name: 'fake-card-reader',
    onEvent(l) {
      cardListeners.add(l);
      return () => cardListeners.delete(l);
    },
    start: async () => ok(undefined),
    stop: async () => undefined,
  };
  const printer: ReceiptPrinter = {
    name: 'fake-printer',
    print: async () => ok(undefined),
    status: async () => ok(status),
    onStatus(l) {
      statusListeners.add(l);
      return () => statusListeners.delete(l);
    },
  };
  const touch: TouchController = {
    health: async () => ({ state: 'absent' }),
    onHealth: () => () => undefined,
  };
  const dock: SimulatorDock = {
    samplePeople: () => [{ id: 'alice', label: 'Alesia Kupala (ID card)' }],
    async insertCard(id) {
      if (id !== 'alice') return { ok: false, error: { kind: 'unknown-person' } };
      if (inserted) return { ok: false, error: { kind: 'card-present' } };
      inserted = true;
      emit({ type: 'present' });
      emit({ type: 'read', document: ALICE });
      return ok(undefined);
    },
    async injectCardBytes() {
      emit({ type: 'error', reason: 'read-badly', detail: 'garbage' });
    },
    async removeCard() {
      inserted = false;
      emit({ type: 'removed' });
    },
    async setPrinterStatus(patch) {
      status = { ...status, ...patch };
      statusListeners.forEach((l) => l(status));
    },
    paper: async () => [],
  };
  return { devices: { cardReader, printer, touch }, dock, emit };
}
