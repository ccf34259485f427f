import { describe, expect, it } from 'vitest';
import { HidCardReader } from '../../../src/hardware/card/hid-card-reader.js';
import { encodeHidPosReports, HidPosAssembler } from '../../../src/hardware/card/hid-pos.js';
import {
  charToKey,
  encodeWedgeReports,
  KeyboardWedgeAssembler,
  keyToChar,
  type LayoutId,
} from '../../../src/hardware/card/keyboard-wedge.js';
import {
  FakeHidModule,
  HidCardSimulator,
  SIM_HID_READER_INFO,
} from '../../../src/hardware/sim/hid-sim.js';
import { SAMPLE_PEOPLE } from '../../../src/hardware/sim/people.js';
import type { CardEvent } from '../../../src/hardware/types.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { silentLogger } from '../../../src/shared/log.js';

const td3 = SAMPLE_PEOPLE.find((p) => p.id === 'eriksson-td3')?.mrz ?? [];
const td1 = SAMPLE_PEOPLE.find((p) => p.id === 'lutsevich-td1')?.mrz ?? [];

async function rig(
  mode: 'hid-pos' | 'keyboard-wedge',
  simLayout: LayoutId = 'us',
  layouts?: LayoutId[],
) {
  const clock = new ManualClock();
  const hid = new FakeHidModule([SIM_HID_READER_INFO]);
  const reader = new HidCardReader({
    hid,
    clock,
    logger: silentLogger,
    mode,
    match: (d) => d.productId === SIM_HID_READER_INFO.productId,
    ...(layouts ? { layouts } : {}),
  });
  const events: CardEvent[] = [];
  reader.onEvent((e) => events.push(e));
  expect(await reader.start()).toEqual({ ok: true, value: undefined });
  const sim = new HidCardSimulator(hid, mode, simLayout);
  return { clock, hid, reader, events, sim };
}

describe('HID-POS reports', () => {
  it('a read split over reports reassembles', () => {
    const reports = encodeHidPosReports(td3.join('\r'));
    expect(reports.length).toBe(2);
    const a = new HidPosAssembler();
    expect(a.push(reports[0] as Uint8Array)).toEqual([]);
    expect(a.push(reports[1] as Uint8Array)).toEqual([{ kind: 'mrz', lines: td3 }]);
  });

  it('bad reports are one garbled token each read, never a throw', () => {
    const a = new HidPosAssembler();
    expect(a.push(new Uint8Array([2, 1]))).toMatchObject([{ kind: 'garbled' }]);
    const r = encodeHidPosReports(td3.join('\r'));
    const bad = Uint8Array.from(r[0] as Uint8Array);
    bad[1] = 200;
    expect(a.push(bad)).toMatchObject([{ kind: 'garbled', detail: 'bad data length 200' }]);
    expect(a.push(r[1] as Uint8Array)).toEqual([]); // rest of the bad read is dropped
    expect(a.push(r[0] as Uint8Array)).toEqual([]);
    expect(a.timeout()).toMatchObject([{ kind: 'garbled', detail: 'read ended mid-way' }]);
  });

  it('driver: present, read, then removed after the settle time', async () => {
    const r = await rig('hid-pos');
    await r.sim.insert('eriksson-td3');
    expect(r.events).toMatchObject([
      { type: 'present' },
      {
        type: 'read',
        document: { format: 'TD3', surname: 'ERIKSSON', documentNumber: 'L898902C3' },
      },
    ]);
    r.clock.advance(1500);
    expect(r.events[2]).toEqual({ type: 'removed' });
    await r.reader.stop();
  });
});

describe('keyboard wedge', () => {
  it('"<" is a different key per layout', () => {
    expect(charToKey('us', '<')).toEqual({ usage: 0x36, shift: true });
    expect(charToKey('de', '<')).toEqual({ usage: 0x64, shift: false });
    expect(charToKey('fr', '<')).toEqual({ usage: 0x64, shift: false });
    expect(charToKey('fr', '1')).toEqual({ usage: 0x1e, shift: true });
    expect(keyToChar('de', { usage: 0x1d, shift: true })).toBe('Y');
    expect(keyToChar('fr', { usage: 0x14, shift: true })).toBe('A');
  });

  for (const layout of ['us', 'de', 'fr'] as const) {
    it(`reads an MRZ typed on a ${layout} layout`, async () => {
      const r = await rig('keyboard-wedge', layout);
      await r.sim.insert('lutsevich-td1');
      expect(r.events).toMatchObject([
        { type: 'present' },
        {
          type: 'read',
          document: { format: 'TD1', surname: 'LUTSEVICH', documentNumber: 'KB4207182' },
        },
      ]);
      await r.reader.stop();
    });
  }

  it('a layout the kiosk is not configured for is a bad read', async () => {
    const r = await rig('keyboard-wedge', 'fr', ['us']);
    await r.sim.insert('eriksson-td3');
    expect(r.events).toMatchObject([{ type: 'present' }, { type: 'error', reason: 'read-badly' }]);
    await r.reader.stop();
  });

  it('held keys do not repeat; a line cut short times out as a bad read', async () => {
    const a = new KeyboardWedgeAssembler(['us']);
    const reports = encodeWedgeReports(td1, 'us');
    // Drop the releases: a key held across reports counts once, so "AA" needs a release.
    const press = reports[0] as Uint8Array;
    expect(a.push(press)).toEqual([]);
    expect(a.push(press)).toEqual([]);
    expect(a.timeout()).toMatchObject([{ kind: 'garbled' }]);
    const r = await rig('keyboard-wedge');
    for (const rep of reports.slice(0, 40)) await r.sim.inject(rep);
    expect(r.events).toEqual([{ type: 'present' }]);
    r.clock.advance(300);
    expect(r.events[1]).toMatchObject({ type: 'error', reason: 'read-badly' });
    await r.reader.stop();
  });

  it('unplugging the reader is a reader-fault', async () => {
    const r = await rig('keyboard-wedge');
    r.hid.unplug(SIM_HID_READER_INFO.path ?? '');
    await new Promise((res) => setImmediate(res));
    expect(r.events).toMatchObject([{ type: 'error', reason: 'reader-fault' }]);
  });

  it('start reports a missing reader as not-found', async () => {
    const reader = new HidCardReader({
      hid: new FakeHidModule(),
      clock: new ManualClock(),
      logger: silentLogger,
      mode: 'hid-pos',
      match: () => true,
    });
    expect(await reader.start()).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });
});
