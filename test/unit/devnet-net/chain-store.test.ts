// The validator's chain store keeps each transaction once (as a row) and rebuilds blocks
// from the rows; a directory written by an older devnet, whose block rows still carry their
// transactions, reads the same.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ChainStore } from '../../../src/devnet/consensus/store.js';
import type { Block } from '../../../src/devnet/consensus/types.js';
import { encodeCanonical, type Canonical } from '../../../src/protocol/encoding.js';
import { leafHash, merkleRoot, verifyInclusion } from '../../../src/protocol/merkle.js';
import { buildChain, members } from '../light/chain.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function blocks(n: number, txsPer: number): Block[] {
  const chain = buildChain({ heights: n, membersAt: () => members([0, 1, 2, 3]) });
  return chain.blocks.map((b) => {
    const txs = Array.from({ length: txsPer }, () => new Uint8Array(randomBytes(300)));
    return { header: { ...b.header, dataHash: merkleRoot(txs) }, commit: b.commit, txs };
  });
}

describe('devnet chain store', () => {
  it('stores the transactions once and gives the same blocks and proofs after a reopen', () => {
    dir = mkdtempSync(join(tmpdir(), 'veche-chainstore-'));
    const path = join(dir, 'v.sqlite');
    const bs = blocks(3, 5);
    const s = new ChainStore(path);
    for (const b of bs) s.append(b, new Map());
    s.close();

    const raw = new Database(path, { readonly: true });
    const row = raw.prepare('SELECT length(block) AS n FROM blocks WHERE height = 2').get() as {
      n: number;
    };
    raw.close();
    // Five 300-byte transactions are not in the block row.
    expect(row.n).toBeLessThan(1000);

    const again = new ChainStore(path);
    for (const b of bs) {
      const got = again.block(b.header.height);
      expect(got?.txs).toEqual(b.txs);
      expect(got?.header).toEqual(b.header);
      const p = again.txProof(b.header.height, 3);
      const tx = b.txs[3];
      if (p === undefined || tx === undefined) throw new Error('no proof');
      expect(p.tx).toEqual(tx);
      expect(verifyInclusion(leafHash(tx), p.proof, b.header.dataHash).ok).toBe(true);
    }
    again.close();
  });

  it('reads a block row of an older devnet that carries its transactions', () => {
    dir = mkdtempSync(join(tmpdir(), 'veche-chainstore-'));
    const path = join(dir, 'v.sqlite');
    new ChainStore(path).close();
    const [b] = blocks(1, 4);
    const raw = new Database(path);
    raw
      .prepare('INSERT INTO blocks (height, block) VALUES (?, ?)')
      .run(1, encodeCanonical(b as unknown as Canonical));
    raw.close();
    const s = new ChainStore(path);
    expect(s.block(1)?.txs).toEqual(b?.txs);
    expect(s.txProof(1, 2)?.tx).toEqual(b?.txs[2]);
    s.close();
  });
});
