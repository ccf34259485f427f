// Batched "double and encode" for ristretto255 (the method of curve25519-dalek's
// double_and_compress_batch): the encoding of 2·P needs no square root, only an inversion,
// and a batch shares one inversion. The prover computes every point it must hash as a half
// (with bases G/2 and K/2) and encodes the doubles, so all its encodings cost a few field
// multiplications each instead of an inverse square root. The bytes are the ordinary RFC 9496
// encodings of the points; only the way the prover computes them differs.
import { bigTo32LE, opCounts, Point } from './group.js';

const Fp = Point.Fp;
const SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752n;
const INVSQRT_A_MINUS_D =
  54469307008909316920995813868745141605393597292927456921205312896311721017578n;
const D = Fp.mul(Fp.neg(121665n), Fp.inv(121666n));
/** Sign of a field element in RFC 9496: its canonical value is odd. */
const isNegative = (x: bigint): boolean => (Fp.create(x) & 1n) === 1n;

interface Extended {
  X: bigint;
  Y: bigint;
  Z: bigint;
  T: bigint;
}

const coords = (p: Point): Extended => (p as unknown as { ep: Extended }).ep;

/** RFC 9496 encodings of 2·P for every P, with one shared field inversion. */
export function encodeDoubled(points: readonly Point[]): Uint8Array[] {
  const n = points.length;
  opCounts.encodings += n;
  const st: { e: bigint; f: bigint; g: bigint; h: bigint; eg: bigint; fh: bigint }[] = [];
  const prods: bigint[] = [];
  for (const p of points) {
    const { X, Y, Z, T } = coords(p);
    const XX = Fp.sqr(X);
    const YY = Fp.sqr(Y);
    const ZZ = Fp.sqr(Z);
    const dTT = Fp.mul(Fp.sqr(T), D);
    const e = Fp.mul(X, Fp.add(Y, Y));
    const f = Fp.add(ZZ, dTT);
    const g = Fp.add(YY, XX);
    const h = Fp.sub(ZZ, dTT);
    const eg = Fp.mul(e, g);
    const fh = Fp.mul(f, h);
    st.push({ e, f, g, h, eg, fh });
    prods.push(Fp.mul(eg, fh));
  }
  // A zero product (2·P is the identity) would poison the batch: such points take the slow path.
  const nonzero = prods.map((x) => x !== 0n);
  const invs = Fp.invertBatch(prods.map((x) => (x === 0n ? 1n : x)));
  const out: Uint8Array[] = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) {
    const s0 = st[i];
    const inv = invs[i];
    const p = points[i];
    if (!s0 || inv === undefined || !p) throw new Error('unreachable');
    if (!nonzero[i]) {
      out[i] = p.add(p).toBytes();
      continue;
    }
    const zInv = Fp.mul(s0.eg, inv);
    const tInv = Fp.mul(s0.fh, inv);
    let { e, g, h } = s0;
    let magic = INVSQRT_A_MINUS_D;
    if (isNegative(Fp.mul(s0.eg, zInv))) {
      const minusE = Fp.neg(e);
      e = g;
      g = minusE;
      h = Fp.mul(s0.f, SQRT_M1);
      magic = SQRT_M1;
    }
    if (isNegative(Fp.mul(Fp.mul(h, e), zInv))) g = Fp.neg(g);
    let s = Fp.mul(Fp.sub(h, g), Fp.mul(magic, Fp.mul(g, tInv)));
    if (isNegative(s)) s = Fp.neg(s);
    out[i] = bigTo32LE(Fp.create(s));
  }
  return out;
}
