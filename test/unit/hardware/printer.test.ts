import { describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../../src/hardware/escpos/decoder.js';
import { cp866Printable } from '../../../src/hardware/printer/encode-job.js';
import { profileCodepages } from '../../../src/hardware/printer/profiles.js';
import type { PrinterStatus, PrintJob } from '../../../src/hardware/types.js';
import { printerRig, settle } from './helpers.js';

const receipt = (n: number): PrintJob => ({
  lines: [
    { kind: 'text', text: 'Галасаванне', bold: true, size: 2, align: 'center' },
    { kind: 'text', text: 'Бюлетэнь зарэгістраваны «№ 12»' },
    ...Array.from({ length: n }, (_, i) => ({
      kind: 'text' as const,
      text: `Радок ${i + 1}: код 7F3A-${i}`,
    })),
    { kind: 'qr', payload: 'https://veche.example/r/7F3A99?k=kiosk-12' },
  ],
  cut: true,
});

const inked = (lines: ReadonlyArray<{ text: string; qr?: string; cut?: boolean }>) =>
  lines
    .filter((l) => l.text.trim() !== '' || l.qr !== undefined || l.cut)
    .map((l) => (l.qr ? `QR:${l.qr}` : l.cut ? 'CUT' : l.text.trim()));

const expected = (n: number) => [
  'Галасаванне',
  'Бюлетэнь зарэгiстраваны "№ 12"',
  ...Array.from({ length: n }, (_, i) => `Радок ${i + 1}: код 7F3A-${i}`),
  'QR:https://veche.example/r/7F3A99?k=kiosk-12',
  'CUT',
];

describe('ESC/POS printer over the mock binding', () => {
  for (const profile of ['epson-tm-t20', 'xprinter-xp-n160', 'generic-58'] as const) {
    it(`${profile}: Cyrillic text, styles and QR come out as sent`, async () => {
      const rig = printerRig(profile);
      expect(await rig.printer.print(receipt(3))).toEqual({ ok: true, value: undefined });
      const paper = await rig.sim.paper();
      expect(inked(paper)).toEqual(expected(3));
      expect(paper.find((l) => l.text.includes('Галасаванне'))).toMatchObject({
        bold: true,
        size: 2,
      });
      expect(paper.find((l) => l.text.includes('Радок 1'))).toMatchObject({ bold: false, size: 1 });
      // The host's byte stream carries this vendor's ESC t number for PC866.
      expect(
        Buffer.from(rig.hostBytes).includes(Buffer.from([0x1b, 0x74, rig.profile.cp866])),
      ).toBe(true);
      expect(rig.sim.unknownCommands).toBe(0);
      await rig.printer.close();
    });
  }

  it('the code page number matters: decoding with another vendor table garbles Cyrillic', async () => {
    const rig = printerRig('epson-tm-t20');
    await rig.printer.print(receipt(1));
    const wrong = decodeEscPos(Uint8Array.from(rig.hostBytes), {
      codepages: { 0: 'cp437', 7: 'cp866' },
    });
    expect(wrong.lines.some((l) => l.text.includes('Галасаванне'))).toBe(false);
    const right = decodeEscPos(Uint8Array.from(rig.hostBytes), {
      codepages: profileCodepages(rig.profile),
    });
    expect(right.lines.some((l) => l.text.includes('Галасаванне'))).toBe(true);
    expect(cp866Printable('Іі «x» — y')).toBe('Ii "x" - y');
    await rig.printer.close();
  });

  it('status requests are only ever between complete commands, even when called concurrently', async () => {
    for (const profile of ['epson-tm-t20', 'xprinter-xp-n160'] as const) {
      const rig = printerRig(profile);
      const results = await Promise.all([
        rig.printer.status(),
        rig.printer.print(receipt(4)),
        rig.printer.status(),
        rig.printer.print(receipt(2)),
        rig.printer.status(),
      ]);
      expect(results.every((r) => r.ok)).toBe(true);
      // Walk the host's bytes as commands: every DLE EOT must parse as its own command.
      // One placed inside another command would be swallowed as that command's data.
      const decoded = decodeEscPos(Uint8Array.from(rig.hostBytes), {
        codepages: profileCodepages(rig.profile),
      });
      expect(decoded.unknown).toEqual([]);
      const realtime = decoded.events.filter((e) => e.kind === 'realtime').length;
      const dleEot = Buffer.from(rig.hostBytes).toString('hex').split('1004').length - 1;
      expect(realtime).toBe(dleEot);
      expect(realtime).toBeGreaterThanOrEqual(4 * 5);
      expect(inked(await rig.sim.paper())).toEqual([...expected(4), ...expected(2)]);
      await rig.printer.close();
    }
  });

  it('reports status: paper near end, cover open, errors; onStatus hears changes', async () => {
    const rig = printerRig('epson-tm-t20');
    const heard: PrinterStatus[] = [];
    rig.printer.onStatus((s) => heard.push(s));
    await rig.sim.setStatus({ paperNearEnd: true });
    expect(await rig.printer.status()).toEqual({
      ok: true,
      value: { online: true, coverOpen: false, paperNearEnd: true, paperOut: false, error: false },
    });
    await rig.sim.setStatus({ coverOpen: true });
    expect(await rig.printer.status()).toMatchObject({
      ok: true,
      value: { online: false, coverOpen: true },
    });
    await rig.sim.setStatus({ coverOpen: false, error: true });
    expect(await rig.printer.status()).toMatchObject({
      ok: true,
      value: { online: false, error: true },
    });
    expect(heard.some((s) => s.coverOpen)).toBe(true);
    await rig.printer.close();
  });

  it('a job is not started on a printer that cannot finish it', async () => {
    const rig = printerRig('epson-tm-t20');
    await rig.sim.setStatus({ coverOpen: true });
    expect(await rig.printer.print(receipt(1))).toMatchObject({
      ok: false,
      error: { kind: 'status', status: { coverOpen: true } },
    });
    expect(await rig.sim.paper()).toEqual([]);
    await rig.printer.close();
  });

  for (const profile of ['epson-tm-t20', 'xprinter-xp-n160'] as const) {
    it(`${profile}: paper out mid-receipt stops the job with paperOut; after new paper a reprint succeeds`, async () => {
      const rig = printerRig(profile);
      await rig.sim.setPaperRemaining(5);
      const first = await rig.printer.print(receipt(10));
      expect(first).toMatchObject({
        ok: false,
        error: { kind: 'status', status: { paperOut: true } },
      });
      const partial = inked(await rig.sim.paper());
      expect(partial.length).toBeGreaterThan(0);
      expect(partial).not.toContain('CUT');
      expect(await rig.printer.print(receipt(10))).toMatchObject({
        ok: false,
        error: { kind: 'status', status: { paperOut: true } },
      });
      await rig.sim.setStatus({ paperOut: false });
      await settle();
      expect(await rig.printer.print(receipt(10))).toEqual({ ok: true, value: undefined });
      const paper = inked(await rig.sim.paper());
      // Nothing lost: the whole receipt follows the torn-off part. Where the printer can
      // clear its buffer (Epson), the aborted job's rest never prints.
      expect(paper.slice(-expected(10).length)).toEqual(expected(10));
      if (rig.profile.clearBuffers) expect(paper).toEqual([...partial, ...expected(10)]);
      await rig.printer.close();
    });
  }

  it('an unplugged printer is a device error; the next job reconnects', async () => {
    const rig = printerRig('epson-tm-t20');
    expect((await rig.printer.status()).ok).toBe(true);
    await rig.link.unplug();
    await settle();
    const r = await rig.printer.print(receipt(1));
    // Either the write or the reopen notices; both are device errors, never a throw.
    if (!r.ok) expect(r.error.kind).toBe('device');
    expect(await rig.printer.print(receipt(1))).toEqual({ ok: true, value: undefined });
    await rig.printer.close();
  });

  it('a printer that never answers is an io error after the reply timeout', async () => {
    const rig = printerRig('xprinter-xp-n160');
    rig.sim.detach();
    const pending = rig.printer.status();
    await settle();
    rig.clock.advance(1000);
    expect(await pending).toMatchObject({ ok: false, error: { kind: 'io' } });
    await rig.printer.close();
  });
});
