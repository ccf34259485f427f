import { describe, expect, it } from 'vitest';
import { createRealDevices, createSimulatedDevices } from '../../../src/hardware/devices.js';
import { controlRequestSchema, parseControlLine } from '../../../src/hardware/sim/control.js';
import { FakeHidModule } from '../../../src/hardware/sim/hid-sim.js';
import type { CardEvent } from '../../../src/hardware/types.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { silentLogger } from '../../../src/shared/log.js';
import { until } from './helpers.js';

describe('createSimulatedDevices (mock transport)', () => {
  it('serial reader, printer and touch work end to end through the dock', async () => {
    const r = await createSimulatedDevices({
      clock: new ManualClock(),
      logger: silentLogger,
      transport: 'mock',
      printerProfile: 'citizen-ct-s310',
    });
    if (!r.ok) throw new Error(r.error);
    const d = r.value;
    const events: CardEvent[] = [];
    d.cardReader.onEvent((e) => events.push(e));
    expect((await d.cardReader.start()).ok).toBe(true);
    expect(d.dock.samplePeople().map((p) => p.id)).toContain('lutsevich-td1');
    expect(await d.dock.insertCard('nobody')).toEqual({
      ok: false,
      error: { kind: 'unknown-person' },
    });
    await d.dock.insertCard('pashkevich-td3');
    await until(() => events.length >= 2);
    expect(events[1]).toMatchObject({
      type: 'read',
      document: { surname: 'PASHKEVICH', format: 'TD3' },
    });
    expect(await d.printer.print({ lines: [{ kind: 'text', text: 'Дзякуй' }], cut: true })).toEqual(
      { ok: true, value: undefined },
    );
    expect((await d.dock.paper()).map((l) => l.text.trim()).filter(Boolean)).toEqual(['Дзякуй']);
    d.dock.unplugTouch();
    expect(await d.touch.health()).toEqual({ state: 'absent' });
    d.dock.replugTouch();
    expect((await d.touch.health()).state).toBe('present');
    await d.close();
  });

  it('a keyboard-wedge reader on a German layout, through the same dock', async () => {
    const r = await createSimulatedDevices({
      clock: new ManualClock(),
      logger: silentLogger,
      transport: 'mock',
      cardReader: 'keyboard-wedge',
      wedgeLayout: 'de',
    });
    if (!r.ok) throw new Error(r.error);
    const events: CardEvent[] = [];
    r.value.cardReader.onEvent((e) => events.push(e));
    expect((await r.value.cardReader.start()).ok).toBe(true);
    await r.value.dock.insertCard('eriksson-td1');
    expect(events).toMatchObject([
      { type: 'present' },
      { type: 'read', document: { format: 'TD1', documentNumber: 'D23145890' } },
    ]);
    await r.value.close();
  });

  it('an unknown printer profile is an error value', async () => {
    expect(
      await createSimulatedDevices({
        clock: new ManualClock(),
        logger: silentLogger,
        transport: 'mock',
        printerProfile: 'nope',
      }),
    ).toMatchObject({ ok: false });
  });
});

describe('createRealDevices', () => {
  it('validates the configuration', () => {
    const bad = createRealDevices(
      {
        cardReader: { kind: 'serial', path: '' },
        printer: { path: '/dev/ttyUSB1', profile: 'nope' },
      },
      { clock: new ManualClock(), logger: silentLogger },
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/cardReader\.path.*printer\.profile|printer\.profile/);
  });

  it('builds drivers whose missing devices are clear errors, not throws', async () => {
    const hid = new FakeHidModule();
    const r = createRealDevices(
      {
        cardReader: { kind: 'keyboard-wedge', vendorId: 1, productId: 2, layouts: ['de'] },
        printer: { path: '/nonexistent/ttyUSB9', profile: 'xprinter-xp-n160' },
      },
      { clock: new ManualClock(), logger: silentLogger, hid: async () => hid },
    );
    if (!r.ok) throw new Error(r.error);
    expect(await r.value.cardReader.start()).toMatchObject({
      ok: false,
      error: { kind: 'not-found' },
    });
    expect(await r.value.printer.print({ lines: [], cut: false })).toMatchObject({
      ok: false,
      error: { kind: 'device', error: { kind: 'not-found' } },
    });
    expect(await r.value.touch.health()).toEqual({ state: 'absent' });
    await r.value.close();
  });
});

describe('simulator control lines', () => {
  it('short human forms and JSON both parse to requests', () => {
    expect(controlRequestSchema.parse(parseControlLine('insert eriksson-td3', 1))).toEqual({
      id: 1,
      op: 'insert',
      personId: 'eriksson-td3',
    });
    expect(
      controlRequestSchema.parse(parseControlLine('status paperOut=true coverOpen=false', 2)),
    ).toEqual({ id: 2, op: 'status', patch: { paperOut: true, coverOpen: false } });
    expect(controlRequestSchema.parse(parseControlLine('paper-remaining 5', 3))).toEqual({
      id: 3,
      op: 'paper-remaining',
      lines: 5,
    });
    expect(controlRequestSchema.parse(parseControlLine('{"id":4,"op":"paper"}', 0))).toEqual({
      id: 4,
      op: 'paper',
    });
    expect(controlRequestSchema.safeParse(parseControlLine('inject zz', 5)).success).toBe(false);
    expect(controlRequestSchema.safeParse(parseControlLine('{broken', 6)).success).toBe(false);
  });
});
