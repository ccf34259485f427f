// The in-process transport: validators of one devnet in one process (unit and integration
// tests). Delivery is asynchronous (a microtask), like a network, so no validator ever runs
// inside another's handler. A disconnected validator neither sends nor receives.
import type { Block, ConsensusMsg } from './types.js';
import type { Transport, Validator } from './validator.js';

export class InProcessHub {
  private readonly members = new Map<Validator, boolean>();

  /** A transport for `self`; call join(self) once the validator exists. */
  transportFor(self: () => Validator | undefined): Transport {
    return {
      broadcast: (msg: ConsensusMsg) => {
        const from = self();
        if (from === undefined || this.members.get(from) !== true) return;
        for (const [v, connected] of this.members) {
          if (v === from || !connected) continue;
          queueMicrotask(() => {
            if (this.members.get(v) === true) v.receive(msg);
          });
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
