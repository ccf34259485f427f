import { describe, expect, it } from 'vitest';
import { FakeHidModule, SIM_TOUCH_INFO } from '../../../src/hardware/sim/hid-sim.js';
import { HidTouchController } from '../../../src/hardware/touch/touch-controller.js';
import type { TouchHealth } from '../../../src/hardware/types.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { silentLogger } from '../../../src/shared/log.js';
import { until } from './helpers.js';

const keyboard = {
  vendorId: 0x046d,
  productId: 0xc31c,
  path: '/dev/hidraw-kbd',
  release: 1,
  interface: 0,
  usagePage: 1,
  usage: 6,
};

describe('touch controller over HID', () => {
  it('reports identity of the enumerated digitizer', async () => {
    const hid = new FakeHidModule([keyboard, SIM_TOUCH_INFO]);
    const t = new HidTouchController({
      hid: async () => hid,
      clock: new ManualClock(),
      logger: silentLogger,
    });
    expect(await t.health()).toEqual({
      state: 'present',
      info: {
        vendorId: 0x0eef,
        productId: 1,
        serialNumber: 'SIM-TOUCH-0001',
        release: 0x0100,
        product: 'eGalaxTouch Virtual Device',
      },
    });
  });

  it('absent, enumeration fault, open fault, missing native module', async () => {
    const hid = new FakeHidModule([keyboard]);
    const t = new HidTouchController({
      hid: async () => hid,
      clock: new ManualClock(),
      logger: silentLogger,
    });
    expect(await t.health()).toEqual({ state: 'absent' });
    hid.plug(SIM_TOUCH_INFO);
    hid.denied.add(SIM_TOUCH_INFO.path ?? '');
    expect(await t.health()).toMatchObject({
      state: 'fault',
      detail: expect.stringContaining('permission denied'),
    });
    hid.enumerationFault = 'hidraw gone';
    expect(await t.health()).toMatchObject({
      state: 'fault',
      detail: expect.stringContaining('hidraw gone'),
    });
    const broken = new HidTouchController({
      hid: () => Promise.reject(new Error('no node-hid')),
      clock: new ManualClock(),
      logger: silentLogger,
    });
    expect(await broken.health()).toMatchObject({ state: 'fault' });
  });

  it('listeners hear unplug and replug on the poll; polling stops with the last listener', async () => {
    const hid = new FakeHidModule([SIM_TOUCH_INFO]);
    const clock = new ManualClock();
    const t = new HidTouchController({
      hid: async () => hid,
      clock,
      logger: silentLogger,
      pollMs: 1000,
    });
    const heard: TouchHealth['state'][] = [];
    const off = t.onHealth((h) => heard.push(h.state));
    clock.advance(1000);
    await until(() => heard.length === 1);
    hid.unplug(SIM_TOUCH_INFO.path ?? '');
    clock.advance(1000);
    await until(() => heard.length === 2);
    clock.advance(1000); // unchanged: no event
    hid.plug(SIM_TOUCH_INFO);
    await new Promise((r) => setTimeout(r, 5));
    clock.advance(1000);
    await until(() => heard.length === 3);
    expect(heard).toEqual(['present', 'absent', 'present']);
    off();
    hid.unplug(SIM_TOUCH_INFO.path ?? '');
    clock.advance(5000);
    await new Promise((r) => setTimeout(r, 5));
    expect(heard).toHaveLength(3);
  });
});
