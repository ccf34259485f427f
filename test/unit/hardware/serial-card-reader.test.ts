import { describe, expect, it } from 'vitest';
import { SerialFrameParser } from '../../../src/hardware/card/serial-frames.js';
import { SAMPLE_PEOPLE } from '../../../src/hardware/sim/people.js';
import { memoryLogger } from '../../../src/shared/log.js';
import { serialReaderRig, settle, until } from './helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);
const td3 = SAMPLE_PEOPLE.find((p) => p.id === 'eriksson-td3')?.mrz ?? [];
const td1 = SAMPLE_PEOPLE.find((p) => p.id === 'lutsevich-td1')?.mrz ?? [];

describe('serial framing', () => {
  it('frames TD1 and TD3 with CR LF, LF or CR endings, at any chunking', () => {
    for (const eol of ['\r\n', '\n', '\r']) {
      for (const lines of [td1, td3]) {
        const bytes = enc(`@CARD_IN${eol}${lines.join(eol)}${eol}${eol}@CARD_OUT${eol}`);
        for (let cut = 0; cut <= bytes.length; cut += 7) {
          const p = new SerialFrameParser();
          const tokens = [...p.push(bytes.subarray(0, cut)), ...p.push(bytes.subarray(cut))];
          expect(tokens).toEqual([
            { kind: 'card-in' },
            { kind: 'mrz', lines, complete: true },
            { kind: 'card-out' },
          ]);
        }
      }
    }
  });

  it('status lines and garbage', () => {
    const p = new SerialFrameParser();
    expect(p.push(enc('@READY VK-OCR1 AA\r\n@ERR HW lamp failure\r\n@WHAT\r\nhello\r\n'))).toEqual([
      { kind: 'ready', model: 'VK-OCR1', capabilities: ['AA'] },
      { kind: 'reader-error', code: 'HW', text: 'lamp failure' },
      { kind: 'garbled', detail: 'unknown status @WHAT' },
      { kind: 'garbled', detail: 'line outside the MRZ alphabet' },
    ]);
    expect(p.push(new Uint8Array(600).fill(0x41))).toEqual([]);
    expect(p.push(enc('\r\n'))).toEqual([
      { kind: 'garbled', detail: 'line longer than 512 bytes' },
    ]);
  });

  it('a frame cut short ends at the timeout, incomplete', () => {
    const p = new SerialFrameParser();
    expect(p.push(enc(`${td3[0]}\r\n${td3[1]?.slice(0, 20)}`))).toEqual([]);
    expect(p.inFrame).toBe(true);
    expect(p.timeout()).toEqual([
      { kind: 'mrz', lines: [td3[0], td3[1]?.slice(0, 20)], complete: false },
    ]);
  });
});

describe('serial card reader over the mock binding', () => {
  it('start waits for @READY; a read gives present then read with the document', async () => {
    const rig = serialReaderRig();
    expect(await rig.reader.start()).toEqual({ ok: true, value: undefined });
    expect(rig.reader.chipSupported).toBe(true);
    await rig.sim.insert('lutsevich-td1');
    await until(() => rig.events.length >= 2);
    expect(rig.events[0]).toEqual({ type: 'present' });
    expect(rig.events[1]).toMatchObject({
      type: 'read',
      document: {
        format: 'TD1',
        surname: 'LUTSEVICH',
        givenNames: 'IVAN',
        issuingState: 'BLR',
        documentNumber: 'KB4207182',
        birthDate: '1982-07-07',
        sex: 'male',
      },
    });
    await rig.sim.remove();
    await until(() => rig.events.length >= 3);
    expect(rig.events[2]).toEqual({ type: 'removed' });
    await rig.reader.stop();
  });

  it('an expired document is an expired error against the injected clock', async () => {
    const rig = serialReaderRig();
    await rig.reader.start();
    await rig.sim.insert('bahdanovich-expired');
    await until(() => rig.events.length >= 2);
    expect(rig.events[1]).toMatchObject({ type: 'error', reason: 'expired' });
    await rig.reader.stop();
  });

  it('a truncated frame is a bad read when the frame timer fires', async () => {
    const rig = serialReaderRig();
    await rig.reader.start();
    await rig.sim.inject(enc(`@CARD_IN\r\n${td3[0]}\r\n${td3[1]?.slice(0, 30)}`));
    await settle();
    expect(rig.events).toEqual([{ type: 'present' }]);
    rig.clock.advance(499);
    expect(rig.events).toHaveLength(1);
    rig.clock.advance(1);
    expect(rig.events[1]).toMatchObject({ type: 'error', reason: 'read-badly' });
    await rig.reader.stop();
  });

  it('reader errors map to reasons; a changed digit is a bad read', async () => {
    const rig = serialReaderRig();
    await rig.reader.start();
    await rig.sim.inject(enc('@ERR HW lamp\r\n@ERR OCR blurred\r\n@ERR DOC visa\r\n'));
    const bad = [td3[0], td3[1]?.replace('740812', '740813')].join('\r\n');
    await rig.sim.inject(enc(`${bad}\r\n\r\n`));
    await until(() => rig.events.length >= 5);
    expect(rig.events.map((e) => (e.type === 'error' ? e.reason : e.type))).toEqual([
      'reader-fault',
      'read-badly',
      'unsupported-document',
      'present',
      'read-badly',
    ]);
    await rig.reader.stop();
  });

  it('no identity reaches the log', async () => {
    const logger = memoryLogger();
    const rig = serialReaderRig({ logger });
    await rig.reader.start();
    await rig.sim.insert('pashkevich-td3');
    await until(() => rig.events.length >= 2);
    const text = JSON.stringify(logger.lines);
    expect(text).toContain('card.read');
    expect(text).not.toMatch(/PASHKEVICH|ALAIZA|MP3151881/);
    await rig.reader.stop();
  });

  it('start fails cleanly when the reader never answers', async () => {
    const rig = serialReaderRig();
    rig.sim.detach();
    const started = rig.reader.start();
    await settle();
    rig.clock.advance(2000);
    expect(await started).toMatchObject({ ok: false, error: { kind: 'io' } });
  });

  it('unplug mid-session: reader-fault, then removed; start again works', async () => {
    const rig = serialReaderRig();
    await rig.reader.start();
    await rig.sim.insert('eriksson-td1');
    await until(() => rig.events.length >= 2);
    await rig.link.unplug();
    await until(() => rig.events.length >= 4);
    expect(rig.events.slice(2)).toEqual([
      { type: 'error', reason: 'reader-fault', detail: expect.stringContaining('disconnected') },
      { type: 'removed' },
    ]);
    expect(await rig.reader.start()).toEqual({ ok: true, value: undefined });
    await rig.reader.stop();
  });

  it('a replugged reader reconnects by itself and reads again', async () => {
    const rig = serialReaderRig();
    await rig.reader.start();
    await rig.link.unplug();
    await until(() => rig.events.some((e) => e.type === 'error'));
    rig.clock.advance(2000); // the reconnect timer reopens the line and gets @READY
    await settle();
    await rig.sim.insert('lutsevich-td1');
    await until(() => rig.events.some((e) => e.type === 'read'));
    await rig.reader.stop();
  });

  it('chip challenge–response: verified for a chip card, clear errors otherwise', async () => {
    const rig = serialReaderRig();
    await rig.reader.start();
    expect(await rig.reader.authenticateChip()).toMatchObject({
      ok: false,
      error: { kind: 'no-card' },
    });
    await rig.sim.insert('eriksson-td3');
    await until(() => rig.events.length >= 2);
    const proof = await rig.reader.authenticateChip();
    expect(proof.ok).toBe(true);
    if (proof.ok) expect(proof.value.challenge).toHaveLength(16);
    await rig.sim.remove();
    await rig.sim.insert('eriksson-td1'); // no chip
    await until(() => rig.events.length >= 5);
    expect(await rig.reader.authenticateChip()).toMatchObject({
      ok: false,
      error: { kind: 'chip-error' },
    });
    await rig.reader.stop();
  });

  it('a forged chip answer does not verify', async () => {
    const rig = serialReaderRig();
    await rig.reader.start();
    await rig.sim.insert('eriksson-td3');
    await until(() => rig.events.length >= 2);
    rig.sim.detach(); // answer ourselves, with a signature over something else
    const pending = rig.reader.authenticateChip();
    await settle();
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const k = generateKeyPairSync('ed25519');
    const sig = sign(null, Buffer.alloc(16), k.privateKey).toString('hex');
    const spki = k.publicKey.export({ format: 'der', type: 'spki' }).toString('hex');
    await rig.link.device.write(enc(`@AA ${sig} ${spki}\r\n`));
    expect(await pending).toMatchObject({ ok: false, error: { kind: 'bad-signature' } });
    await rig.reader.stop();
  });
});
