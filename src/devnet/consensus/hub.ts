// The in-process transport: validators of one devnet in one process (unit and integration
// tests). Delivery is asynchronous (a microtask), like a network, so no validator ever runs
// inside another's handler. A disconnected validator neither sends nor receives.
import type { Block, ConsensusMsg } from './types.js';
import type { Transport, Validator } from './validator.js';

/**
 * Decides the fate of one delivery (tests: drops, delays, partitions): call `deliver` now,
 * later, or never. Without one, everything is delivered.
 */
export type Interceptor = (
  from: Validator,
  to: Validator,
  msg: ConsensusMsg,
  deliver: () => void,
) => void;

export class InProcessHub {
  private readonly members = new Map<Validator, boolean>();
  private interceptor: Interceptor | null = null;

  setInterceptor(fn: Interceptor | null): void {
    this.interceptor = fn;
  }

  /** Hands `msg` to `to` as if a peer had sent it (a test's byzantine validator). */
  inject(to: Validator, msg: ConsensusMsg): void {
    queueMicrotask(() => {
      if (this.members.get(to) === true) to.receive(msg);
    });
  }

  /** A transport for `self`; call join(self) once the validator exists. */
  transportFor(self: () => Validator | undefined): Transport {
    return {
      broadcast: (msg: ConsensusMsg) => {
        const from = self();
        if (from === undefined || this.members.get(from) !== true) return;
        for (const [v, connected] of this.members) {
          if (v === from || !connected) continue;
          const deliver = () => this.inject(v, msg);
          if (this.interceptor === null) deliver();
          else this.interceptor(from, v, msg, deliver);
        }
      },
      fetchBlocks: async (from: number, max: number): Promise<Block[]> => {
        await Promise.resolve();
        const me = self();
        if (me === undefined || this.members.get(me) !== true) return [];
        // The peer with the longest chain: the one most likely to have what we lack.
        let best: Validator | undefined;
        for (const [v, connected] of this.members) {
          if (v === me || !connected) continue;
          if (best === undefined || v.committedHeight > best.committedHeight) best = v;
        }
        const out: Block[] = [];
        for (let h = from; best !== undefined && h < from + max; h++) {
          const b = best.block(h);
          if (b === undefined) break;
          out.push(b);
        }
        return out;
      },
    };
  }

  join(v: Validator): void {
    this.members.set(v, true);
  }

  leave(v: Validator): void {
    this.members.delete(v);
  }

  setConnected(v: Validator, connected: boolean): void {
    if (this.members.has(v)) this.members.set(v, connected);
  }
}
