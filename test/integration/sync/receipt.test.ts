// `veche-kiosk verify-receipt`: a delivered ballot's stored receipt verifies (signature,
// submitted bytes, a verified validator key) with its final height; a wrong code, a receipt
// from an unknown key and an unknown ballot do not.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chainGenesis } from '../../../src/ballot/index.js';
import { runVerifyReceipt } from '../../../src/cli/verify-receipt.js';
import { devnetSigner } from '../../../src/devnet/keys.js';
import { encodeCanonical, type Canonical } from '../../../src/protocol/encoding.js';
import { TAG, taggedHash, toHex } from '../../../src/protocol/hash.js';
import { signReceipt } from '../../../src/protocol/light-rpc.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { openStore } from '../../../src/store/index.js';
import { deliveryFacts } from '../../../src/store/delivery-facts.js';
import { checkStoredReceipt } from '../../../src/sync/receipt-check.js';
import { must } from '../../unit/devnet-net/helpers.js';
import { startWorld, type World } from './kiosk-net.js';

let w: World;
beforeAll(async () => {
  w = await startWorld();
}, 30_000);
afterAll(async () => {
  await w?.close();
});

describe('verify-receipt', () => {
  it('checks a delivered ballot, and refuses a wrong code or a foreign receipt', async () => {
    const k = await w.kiosk();
    const ids = k.enqueue(2);
    await w.drive([k], () => k.sync.status().queue.final === 2);
    const id = must(ids[0]);
    const row = must(k.store.outbox.get(id));
    const text = `veche:ballot:v1:${row.electionId}:${toHex(id)}:${toHex(row.confirmationCode)}`;
    const v = checkStoredReceipt(k.store, text);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.value).toMatchObject({
      state: 'final',
      codeMatches: true,
      valid: true,
      receipt: {
        kind: 'batch',
        signatureValid: true,
        coversSubmission: true,
        knownValidator: true,
      },
    });
    expect(v.value.finalHeight).toBeGreaterThanOrEqual(1);

    // Another ballot's batch-receipt item (a real validator's signature, a real path) stored
    // for this ballot: its path leads from the other ballot's leaf, so it covers nothing here.
    const [swappedId] = k.enqueue(1);
    const sid = must(swappedId);
    const otherReceipt = must(must(deliveryFacts(k.store, must(ids[1]))).receipt);
    expect(k.store.outbox.transition(sid, { to: 'receipted', receipt: otherReceipt }).ok).toBe(
      true,
    );
    const sw = checkStoredReceipt(k.store, toHex(sid));
    expect(sw.ok && sw.value).toMatchObject({
      valid: false,
      receipt: {
        kind: 'batch',
        signatureValid: true,
        coversSubmission: false,
        knownValidator: true,
      },
    });

    // A single receipt (/veche/submit/1, or a row of a store written before batch receipts)
    // from a real validator still verifies.
    const [singleId] = k.enqueue(1);
    const one = must(singleId);
    const validator = must(w.t.net.nodes[0]).signer;
    const single = signReceipt(
      {
        chainId: w.t.net.genesis.chainId,
        txId: taggedHash(TAG.devnetTxId, must(k.store.outbox.envelope(one))),
        ballotId: one,
        height: 3,
        validator: validator.publicKey,
      },
      validator,
    );
    const singleBytes = encodeCanonical(single as unknown as Canonical);
    expect(k.store.outbox.transition(one, { to: 'receipted', receipt: singleBytes }).ok).toBe(true);
    const sv = checkStoredReceipt(k.store, toHex(one));
    expect(sv.ok && sv.value).toMatchObject({
      valid: true,
      receipt: { kind: 'single', signatureValid: true, coversSubmission: true },
    });

    const wrong = text.slice(0, -1) + (text.endsWith('0') ? '1' : '0');
    const bad = checkStoredReceipt(k.store, wrong);
    expect(bad.ok && bad.value).toMatchObject({ codeMatches: false, valid: false });

    // A well-signed receipt from a key that is no verified validator's.
    const [forgedId] = k.enqueue(1);
    const fid = must(forgedId);
    const stranger = devnetSigner('not-a-validator', 'x');
    const receipt = signReceipt(
      {
        chainId: w.t.net.genesis.chainId,
        txId: taggedHash(TAG.devnetTxId, must(k.store.outbox.envelope(fid))),
        ballotId: fid,
        height: 3,
        validator: stranger.publicKey,
      },
      stranger,
    );
    expect(k.store.outbox.transition(fid, { to: 'sent' }).ok).toBe(true);
    const enc = encodeCanonical(receipt as unknown as Canonical);
    expect(k.store.outbox.transition(fid, { to: 'receipted', receipt: enc }).ok).toBe(true);
    const f = checkStoredReceipt(k.store, toHex(fid));
    expect(f.ok && f.value).toMatchObject({
      state: 'receipted',
      valid: false,
      receipt: { signatureValid: true, coversSubmission: true, knownValidator: false },
    });

    expect(checkStoredReceipt(k.store, 'hello')).toEqual({
      ok: false,
      error: { kind: 'malformed' },
    });
    const unknown = toHex(taggedHash(TAG.ballotId, new Uint8Array([1])));
    expect(checkStoredReceipt(k.store, unknown)).toEqual({
      ok: false,
      error: { kind: 'unknown-ballot', ballotId: unknown },
    });
  });

  it('the CLI prints the verdict and exits 0, 1 or 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'veche-verify-receipt-'));
    try {
      const db = join(dir, 'kiosk.sqlite');
      const kioskId = w.world.kiosk.kioskId;
      const opened = openStore({ path: db, kioskId, clock: new ManualClock(0) });
      if (!opened.ok) throw new Error(JSON.stringify(opened.error));
      const envelope = new Uint8Array([1, 2, 3]);
      const ballotId = taggedHash(TAG.ballotId, envelope);
      const r = opened.value.outbox.enqueue({
        ballotId,
        electionId: 'e1',
        kioskSeq: 0,
        confirmationCode: taggedHash('veche/test-code', envelope),
        chainPrev: chainGenesis(kioskId),
        envelope,
        kind: 'cast',
      });
      expect(r.ok).toBe(true);
      opened.value.close();
      const out: string[] = [];
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
        out.push(String(s));
        return true;
      });
      const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        expect(runVerifyReceipt([toHex(ballotId), '--kiosk-id', kioskId, '--db', db])).toBe(0);
        expect(out.join('')).toContain('state     queued');
        const other = toHex(taggedHash(TAG.ballotId, new Uint8Array([9])));
        expect(runVerifyReceipt([other, '--kiosk-id', kioskId, '--db', db])).toBe(1);
        expect(runVerifyReceipt(['nonsense', '--kiosk-id', kioskId, '--db', db])).toBe(2);
        expect(runVerifyReceipt([toHex(ballotId), '--db', db])).toBe(2);
      } finally {
        spy.mockRestore();
        err.mockRestore();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
