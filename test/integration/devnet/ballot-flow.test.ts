// A real ballot through the devnet and the light-node protocols over libp2p: sealed with
// the ballot module for a demo election, submitted by the registered demo kiosk, included,
// and proven against a header the light client verified. Refusals come back with reasons.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chainGenesis,
  confirmationCode,
  encodeEnvelope,
  envelopeSigningMessage,
  prepareBallot,
  sealBallot,
  type SealedBallot,
} from '../../../src/ballot/index.js';
import { encodeTx, key } from '../../../src/devnet/app/index.js';
import { serveLightProtocols } from '../../../src/devnet/rpc.js';
import { demoWorld, type DemoWorld } from '../../../src/devnet/world.js';
import { devnetSigner } from '../../../src/devnet/keys.js';
import { createNetNode, type NetNode } from '../../../src/net/node.js';
import { call } from '../../../src/net/reqres.js';
import { TAG, taggedHash, toHex } from '../../../src/protocol/hash.js';
import {
  HEADERS_PROTOCOL,
  PROOF_PROTOCOL,
  STATE_PROTOCOL,
  SUBMIT_PROTOCOL,
  receiptCovers,
  verifyReceipt,
  verifyTxInclusion,
} from '../../../src/protocol/light-rpc.js';
import { verifyStateProof } from '../../../src/protocol/state-tree.js';
import {
  DEFAULT_TRUST_OPTIONS,
  trustFromCheckpoint,
  verifyToHeight,
  type TrustedState,
} from '../../../src/sync/light/index.js';
import { ballotTxOf } from '../../../src/devnet/scenario/driver.js';
import { err, ok } from '../../../src/shared/result.js';
import { must, testNet, type TestNet } from '../../unit/devnet-net/helpers.js';

let t: TestNet;
let world: DemoWorld;
let server: NetNode;
let kiosk: NetNode;
let keyDir: string;
let serverAddr: string;
const nowS = () => Math.floor(t.clock.now() / 1000);

function ballotTx(sealed: SealedBallot, kioskId: string, electionId: string): Uint8Array {
  return ballotTxOf(electionId, kioskId, sealed);
}

function seal(
  electionId: string,
  nullifier: Uint8Array,
  kioskSeq = 0,
  signer = world.kiosk.signer,
  kioskId = world.kiosk.kioskId,
): SealedBallot {
  const e = must(world.elections.find((x) => x.electionId === electionId));
  const r = sealBallot({
    ctx: e.ctx,
    prepared: prepareBallot(e.ctx, 'main'),
    choices: [[1, 0]],
    nullifier,
    kioskId,
    kioskSeq,
    chainPrev: chainGenesis(kioskId),
    now: nowS(),
    signer,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

const nullifier = (s: string) => taggedHash('veche/test-nullifier', new TextEncoder().encode(s));

async function submit(tx: Uint8Array) {
  const r = await call(kiosk, serverAddr, SUBMIT_PROTOCOL, { tx });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

async function proof(ballotId: Uint8Array) {
  const r = await call(kiosk, serverAddr, PROOF_PROTOCOL, { ballotId });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/** The light client's view: trust from a checkpoint at height 1, then bisect to `height`. */
async function verifiedHeader(height: number): Promise<TrustedState> {
  const fetch = async (h: number) => {
    const r = await call(kiosk, serverAddr, HEADERS_PROTOCOL, { from: h, to: h });
    if (!r.ok) return err(r.error);
    const b = r.value.blocks[0];
    return b === undefined ? err({ kind: 'closed' as const, message: `no block ${h}` }) : ok(b);
  };
  const first = await fetch(1);
  if (!first.ok) throw new Error('no block 1');
  const trusted = trustFromCheckpoint(
    t.net.checkpoint(1),
    first.value,
    t.clock.now(),
    DEFAULT_TRUST_OPTIONS,
  );
  if (!trusted.ok) throw new Error(JSON.stringify(trusted.error));
  const r = await verifyToHeight({
    trusted: trusted.value.trusted,
    targetHeight: height,
    fetch,
    clock: t.clock,
    options: DEFAULT_TRUST_OPTIONS,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.trusted;
}

beforeAll(async () => {
  t = testNet();
  world = demoWorld('test-world', t.net.authority, nowS());
  for (const tx of world.txs) {
    const r = t.net.submit(tx, 1);
    expect(r.ok ? 'ok' : JSON.stringify(r.error)).toBe('ok');
  }
  await t.until(3);
  keyDir = mkdtempSync(join(tmpdir(), 'veche-devnet-keys-'));
  const s = await createNetNode({ keyFile: join(keyDir, 'server.key') });
  const k = await createNetNode({ keyFile: join(keyDir, 'kiosk.key') });
  if (!s.ok || !k.ok) throw new Error('net node failed');
  server = s.value;
  kiosk = k.value;
  serverAddr = must(server.multiaddrs()[0]).toString();
  await serveLightProtocols(server, {
    validator: () => t.net.validator(0),
    signer: must(t.net.nodes[0]).signer,
    faults: must(t.net.nodes[0]).faults,
  });
});

afterAll(async () => {
  await kiosk?.stop();
  await server?.stop();
  t?.close();
  rmSync(keyDir, { recursive: true, force: true });
});

describe('a ballot through the devnet over libp2p', () => {
  it('the demo world is on chain: kiosk registered, all elections created (state proof)', async () => {
    const latest = t.net.validator(0).committedHeight;
    const trusted = await verifiedHeader(latest);
    const keys = [
      key.kiosk(world.kiosk.kioskId),
      ...world.elections.map((e) => key.election(e.electionId)),
    ];
    const r = await call(kiosk, serverAddr, STATE_PROTOCOL, { height: latest, keys, prefix: null });
    if (!r.ok || r.value.status !== 'ok') throw new Error(JSON.stringify(r));
    keys.forEach((k, i) => {
      const v = verifyStateProof(
        trusted.header.appHash,
        k,
        r.value.status === 'ok' ? must(r.value.proofs[i]) : (undefined as never),
      );
      expect(v.ok && v.value !== null).toBe(true);
    });
    // An absent key is proven absent.
    const absent = await call(kiosk, serverAddr, STATE_PROTOCOL, {
      height: latest,
      keys: ['kiosk/nobody'],
      prefix: null,
    });
    if (!absent.ok || absent.value.status !== 'ok') throw new Error('state failed');
    const a = verifyStateProof(
      trusted.header.appHash,
      'kiosk/nobody',
      must(absent.value.proofs[0]),
    );
    expect(a).toEqual({ ok: true, value: null });
  });

  it('a sealed ballot is received, included, and its inclusion proof verifies against a verified header', async () => {
    const sealed = seal('e-demo-referendum', nullifier('voter-1'));
    const tx = ballotTx(sealed, world.kiosk.kioskId, 'e-demo-referendum');
    const answer = await submit(tx);
    expect(answer.status).toBe('received');
    if (answer.status !== 'received') return;
    expect(verifyReceipt(answer.receipt)).toBe(true);
    expect(receiptCovers(answer.receipt, taggedHash(TAG.devnetTxId, tx))).toBe(true);
    expect(toHex(must(answer.receipt.body.ballotId))).toBe(toHex(sealed.ballotId));
    expect((await proof(sealed.ballotId)).status).toBe('pending');
    await t.until(t.net.validator(0).committedHeight + 2);
    const p = await proof(sealed.ballotId);
    if (p.status !== 'included') throw new Error(JSON.stringify(p));
    const trusted = await verifiedHeader(p.height);
    expect(verifyTxInclusion(p, trusted.header)).toEqual({ ok: true, value: undefined });
    // The proven leaf is the very transaction the kiosk sent.
    expect(toHex(p.tx)).toBe(toHex(tx));
    // Resubmitting is idempotent success: already included, with the height.
    expect(await submit(tx)).toEqual({
      status: 'included',
      height: p.height,
      index: p.proof.index,
    });
  });

  it('refuses a ballot from an unregistered kiosk, with the reason visible via a query', async () => {
    const rogue = devnetSigner('test-world', 'rogue-kiosk');
    const sealed = seal('e-demo-recall', nullifier('voter-2'), 0, rogue, 'kiosk-rogue');
    const answer = await submit(ballotTx(sealed, 'kiosk-rogue', 'e-demo-recall'));
    expect(answer).toMatchObject({ status: 'rejected', reason: 'unregistered-kiosk' });
    expect(await proof(sealed.ballotId)).toMatchObject({
      status: 'rejected',
      reason: 'unregistered-kiosk',
      height: null,
    });
  });

  it('refuses a ballot whose proofs do not verify (re-signed by the registered kiosk)', async () => {
    const sealed = seal('e-demo-confidence', nullifier('voter-3'));
    // The kiosk lies: it flips the vote's ciphertext but keeps the old proofs.
    const [row] = sealed.envelope.ciphertexts;
    const swapped = { ...sealed.envelope, ciphertexts: [[must(must(row)[1]), must(must(row)[0])]] };
    const { confirmationCode: _c, ...body } = swapped;
    const env = { ...body, confirmationCode: confirmationCode(body) };
    const bytes = encodeEnvelope(env);
    const signature = world.kiosk.signer.sign(envelopeSigningMessage(bytes));
    const ballotId = taggedHash(TAG.ballotId, bytes);
    const tx = encodeTx({
      body: {
        kind: 'ballot',
        electionId: 'e-demo-confidence',
        kioskId: world.kiosk.kioskId,
        nullifier: env.nullifier,
        ballotId,
        envelope: bytes,
      },
      signature,
    });
    const answer = await submit(tx);
    expect(answer).toMatchObject({ status: 'rejected', reason: 'ballot-invalid' });
    const q = await proof(ballotId);
    expect(q.status).toBe('rejected');
    if (q.status === 'rejected') expect(q.detail).toMatch(/proof/);
  });

  it('refuses a second ballot with a used nullifier', async () => {
    const n = nullifier('voter-4');
    const first = seal('e-demo-referendum', n, 0);
    expect((await submit(ballotTx(first, world.kiosk.kioskId, 'e-demo-referendum'))).status).toBe(
      'received',
    );
    await t.until(t.net.validator(0).committedHeight + 2);
    const second = seal('e-demo-referendum', n, 1);
    const answer = await submit(ballotTx(second, world.kiosk.kioskId, 'e-demo-referendum'));
    expect(answer).toMatchObject({ status: 'rejected', reason: 'duplicate-nullifier' });
  });
});
