import { AppState } from './src/devnet/app/state.js';
import { taggedHash, toHex } from './src/protocol/hash.js';
const m = new Map<string, any>();
for (let i = 0; i < 100000; i++) {
  const n = taggedHash('x', new Uint8Array([i & 255, (i >> 8) & 255, i >> 16]));
  m.set(`nullifier/e1/${toHex(n)}`, { ballotId: n, kioskId: 'k1', height: 5 });
  m.set(`ballot/e1/${toHex(n)}`, { nullifier: n, kioskId: 'k1', height: 5 });
}
let t = performance.now();
const s = AppState.empty().apply(m);
console.log('apply', performance.now() - t);
t = performance.now(); s.appHash(); console.log('appHash cold', performance.now() - t);
t = performance.now(); s.appHash(); console.log('appHash warm', performance.now() - t);
t = performance.now(); const s2 = s.apply(new Map([['ballot/e1/00', { a: 1 }]])); console.log('apply1', performance.now() - t);
t = performance.now(); s2.list('ballot/e1/'); console.log('list', performance.now() - t);
