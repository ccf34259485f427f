// The device contract the host consumes. Each device has a real driver and a simulator
// behind these interfaces; the host never knows which one it has.
import type { Result } from '../shared/result.js';

/** What the kiosk learns from an identity document's MRZ (ICAO 9303). Identity data: it
 * lives in host memory for the length of a session and never reaches disk or logs. */
export interface IdDocument {
  format: 'TD1' | 'TD3';
  documentCode: string;
  issuingState: string;
  documentNumber: string;
  surname: string;
  givenNames: string;
  nationality: string;
  /** ISO date YYYY-MM-DD. */
  birthDate: string;
  /** ISO date YYYY-MM-DD. */
  expiryDate: string;
  sex: 'male' | 'female' | 'unspecified';
}

/** Why a read failed, in terms a voter can act on; the renderer maps each to a message. */
export type CardErrorReason =
  | 'read-badly' // a check digit failed or the frame was garbled: try again
  | 'expired'
  | 'unsupported-document'
  | 'reader-fault'; // the reader itself misbehaved: call staff

export type CardEvent =
  | { type: 'present' }
  | { type: 'read'; document: IdDocument }
  | { type: 'removed' }
  | { type: 'error'; reason: CardErrorReason; detail: string };

export type DeviceError =
  | { kind: 'not-found'; detail: string }
  | { kind: 'disconnected'; detail: string }
  | { kind: 'io'; detail: string };

export interface CardReader {
  readonly name: string;
  /** Subscribes to card events; returns the unsubscribe function. */
  onEvent(listener: (event: CardEvent) => void): () => void;
  start(): Promise<Result<void, DeviceError>>;
  stop(): Promise<void>;
}

export interface PrinterStatus {
  online: boolean;
  coverOpen: boolean;
  paperNearEnd: boolean;
  paperOut: boolean;
  error: boolean;
}

export type PrintLine =
  | {
      kind: 'text';
      text: string;
      bold?: boolean;
      size?: 1 | 2;
      align?: 'left' | 'center' | 'right';
    }
  | { kind: 'qr'; payload: string }
  | { kind: 'feed'; lines: number };

export interface PrintJob {
  lines: PrintLine[];
  cut: boolean;
}

export type PrintError =
  | { kind: 'status'; status: PrinterStatus } // stopped by paper out, cover open, …
  | { kind: 'device'; error: DeviceError };

export interface ReceiptPrinter {
  readonly name: string;
  print(job: PrintJob): Promise<Result<void, PrintError>>;
  status(): Promise<Result<PrinterStatus, DeviceError>>;
  onStatus(listener: (status: PrinterStatus) => void): () => void;
}

export interface TouchControllerInfo {
  vendorId: number;
  productId: number;
  serialNumber: string | null;
  release: number | null;
  product: string | null;
}

export type TouchHealth =
  | { state: 'present'; info: TouchControllerInfo }
  | { state: 'absent' }
  | { state: 'fault'; detail: string };

export interface TouchController {
  health(): Promise<TouchHealth>;
  onHealth(listener: (health: TouchHealth) => void): () => void;
}

/** The dev dock's handle on the simulators (development and demo builds only). */
export interface SimulatorDock {
  samplePeople(): ReadonlyArray<{ id: string; label: string }>;
  insertCard(personId: string): Promise<Result<void, { kind: 'unknown-person' | 'card-present' }>>;
  /** Feeds raw bytes to the card reader, for fault drills (garbage, truncated frames). */
  injectCardBytes(bytes: Uint8Array): Promise<void>;
  removeCard(): Promise<void>;
  setPrinterStatus(patch: Partial<PrinterStatus>): Promise<void>;
  /** The simulated printer's paper so far, decoded from the ESC/POS bytes it received. */
  paper(): Promise<
    ReadonlyArray<{ text: string; bold: boolean; size: number; qr?: string; cut?: boolean }>
  >;
}
