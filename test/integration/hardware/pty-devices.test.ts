// The real drivers on one end of socat pty pairs, the simulators as child processes
// (`simulate card-reader|printer --port …`) on the other: the bytes cross a real tty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulator } from '../../../src/cli/simulate.js';
import { hasChipAuthenticator } from '../../../src/hardware/card/chip.js';
import { createSimulatedDevices, type SimulatedDevices } from '../../../src/hardware/devices.js';
import { cp866Printable } from '../../../src/hardware/printer/encode-job.js';
import type { CardEvent, PrintJob } from '../../../src/hardware/types.js';
import { systemClock } from '../../../src/shared/clock.js';
import { silentLogger } from '../../../src/shared/log.js';

let devices: SimulatedDevices;
const events: CardEvent[] = [];

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const receipt: PrintJob = {
  lines: [
    { kind: 'text', text: 'Вече — кіёск № 12', bold: true, size: 2, align: 'center' },
    { kind: 'text', text: 'Ваш бюлетэнь прыняты і зашыфраваны.' },
    { kind: 'text', text: 'Код пацверджання: 7F3A-99C2-11D0' },
    { kind: 'qr', payload: 'https://veche.example/check/7F3A99C211D0' },
    { kind: 'feed', lines: 1 },
  ],
  cut: true,
};

beforeAll(async () => {
  const r = await createSimulatedDevices({
    clock: systemClock(),
    logger: silentLogger,
    transport: 'pty',
  });
  if (!r.ok) throw new Error(r.error);
  devices = r.value;
  devices.cardReader.onEvent((e) => events.push(e));
  expect(await devices.cardReader.start()).toEqual({ ok: true, value: undefined });
});

afterAll(async () => {
  await devices?.close();
});

describe('pty-backed simulators (socat + child processes)', () => {
  it('an MRZ read over serial gives a read event with the right document', async () => {
    expect(await devices.dock.insertCard('eriksson-td3')).toEqual({ ok: true, value: undefined });
    await until(() => events.some((e) => e.type === 'read'));
    expect(events.find((e) => e.type === 'read')).toEqual({
      type: 'read',
      document: {
        format: 'TD3',
        documentCode: 'P',
        issuingState: 'UTO',
        documentNumber: 'L898902C3',
        surname: 'ERIKSSON',
        givenNames: 'ANNA MARIA',
        nationality: 'UTO',
        birthDate: '1974-08-12',
        expiryDate: '2032-04-15',
        sex: 'female',
      },
    });
    expect(await devices.dock.insertCard('eriksson-td1')).toEqual({
      ok: false,
      error: { kind: 'card-present' },
    });
    // The chip answers a fresh challenge across the pty.
    const reader = devices.cardReader;
    expect(hasChipAuthenticator(reader)).toBe(true);
    if (hasChipAuthenticator(reader)) expect((await reader.authenticateChip()).ok).toBe(true);
    await devices.dock.removeCard();
    await until(() => events.some((e) => e.type === 'removed'));
  });

  it('garbage on the line is a clear error event, and the next read still works', async () => {
    events.length = 0;
    await devices.dock.injectCardBytes(Uint8Array.from([0xff, 0x00, 0x41, 0x0d, 0x0a]));
    await until(() => events.length > 0);
    expect(events[0]).toMatchObject({ type: 'error', reason: 'reader-fault' });
    await devices.dock.insertCard('bahdanovich-expired');
    await until(() => events.some((e) => e.type === 'error' && e.reason === 'expired'));
    await devices.dock.removeCard();
  });

  it('a receipt with Cyrillic text and a QR code decodes to the expected text and payload', async () => {
    expect(await devices.printer.print(receipt)).toEqual({ ok: true, value: undefined });
    const paper = await devices.dock.paper();
    const text = paper.map((l) => l.text.trim()).filter((t) => t !== '');
    expect(text).toEqual([
      cp866Printable('Вече — кіёск № 12'),
      cp866Printable('Ваш бюлетэнь прыняты і зашыфраваны.'),
      'Код пацверджання: 7F3A-99C2-11D0',
    ]);
    expect(paper.find((l) => l.text.includes('Вече'))).toMatchObject({ bold: true, size: 2 });
    expect(paper.filter((l) => l.qr !== undefined).map((l) => l.qr)).toEqual([
      'https://veche.example/check/7F3A99C211D0',
    ]);
    expect(paper.filter((l) => l.cut)).toHaveLength(1);
  });

  it('paper out mid-receipt: the job reports paperOut; after new paper the reprint succeeds', async () => {
    const before = (await devices.dock.paper()).length;
    await devices.dock.setPaperRemaining(2);
    const r = await devices.printer.print(receipt);
    expect(r).toMatchObject({
      ok: false,
      error: { kind: 'status', status: { paperOut: true, online: false } },
    });
    expect(await devices.printer.status()).toMatchObject({ ok: true, value: { paperOut: true } });
    await devices.dock.setPrinterStatus({ paperOut: false });
    expect(await devices.printer.print(receipt)).toEqual({ ok: true, value: undefined });
    const after = (await devices.dock.paper()).slice(before);
    const tail = after
      .map((l) => (l.qr ? `QR:${l.qr}` : l.cut ? 'CUT' : l.text.trim()))
      .filter((t) => t !== '');
    expect(tail.slice(-5)).toEqual([
      cp866Printable('Вече — кіёск № 12'),
      cp866Printable('Ваш бюлетэнь прыняты і зашыфраваны.'),
      'Код пацверджання: 7F3A-99C2-11D0',
      'QR:https://veche.example/check/7F3A99C211D0',
      'CUT',
    ]);
    expect(tail.filter((t) => t === 'CUT')).toHaveLength(1);
  });

  it('the touch controller reports its identity', async () => {
    expect(await devices.touch.health()).toMatchObject({
      state: 'present',
      info: { vendorId: 0x0eef },
    });
  });
});

describe('runSimulator', () => {
  it('rejects bad arguments with usage and exit code 2', async () => {
    expect(await runSimulator([])).toBe(2);
    expect(await runSimulator(['toaster', '--port', '/dev/null'])).toBe(2);
    expect(await runSimulator(['printer', '--port', '/dev/null', '--profile', 'nope'])).toBe(2);
    expect(await runSimulator(['card-reader', '--port', '/nonexistent/tty'])).toBe(1);
  });
});
