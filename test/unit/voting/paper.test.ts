// The receipts on real paper: each job through the ESC/POS encoder of the default printer
// profile and back through the decoder, as the simulated printer would print it. The QR
// payloads survive byte for byte (the reveal is long), and the paper carries no identity or
// choice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../../src/hardware/escpos/decoder.js';
import { encodeInit, encodeJob } from '../../../src/hardware/printer/encode-job.js';
import { printerProfile } from '../../../src/hardware/printer/profiles.js';
import { CITIZEN, harness, picksFor, type Harness } from './fixtures.js';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.cleanup());

describe('receipts on paper', () => {
  it('cast and challenge printouts decode to the same text and QR, without identity or choice', async () => {
    const profile = printerProfile('epson-tm-t20');
    if (!profile) throw new Error('no default printer profile');
    await h.service.begin(CITIZEN, 'be');
    const e = h.world.elections.find((x) => x.kind === 'single-choice');
    if (!e) throw new Error('no single-choice election');
    for (const step of ['challenge', 'cast'] as const) {
      h.service.open(e.electionId);
      h.service.review(picksFor('single-choice'));
      h.service.confirm();
      const r = step === 'cast' ? await h.service.cast() : await h.service.challenge();
      expect(r.ok).toBe(true);
    }
    expect(h.printer.printed).toHaveLength(2);
    for (const job of h.printer.printed) {
      const bytes = Buffer.concat([encodeInit(profile), ...encodeJob(job, profile)]);
      const paper = decodeEscPos(bytes, { codepages: { [profile.cp866]: 'cp866' } });
      expect(paper.unknown).toEqual([]);
      const qrs = job.lines.flatMap((l) => (l.kind === 'qr' ? [l.payload] : []));
      expect(paper.lines.flatMap((l) => (l.qr ? [l.qr] : []))).toEqual(qrs);
      const text = paper.lines.map((l) => l.text).join('\n');
      expect(text).toContain('kiosk-demo-1');
      for (const s of [CITIZEN.surname, CITIZEN.documentNumber, '791102', 'bazhena'])
        expect(JSON.stringify(paper.lines)).not.toContain(s);
    }
  });
});
