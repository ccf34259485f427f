// Which validator set signs which height. Changes come from validator-update transactions
// (execute.ts) and are recorded as "from height h on"; the genesis set holds from height 1.
import type { ValidatorSet } from '../../protocol/validators.js';

export class ValidatorSchedule {
  private readonly changes: { from: number; set: ValidatorSet }[];

  constructor(genesis: ValidatorSet) {
    this.changes = [{ from: 1, set: genesis }];
  }

  /** Records that `set` signs heights >= from; changes arrive in height order. */
  change(from: number, set: ValidatorSet): void {
    const last = this.changes.at(-1);
    if (last !== undefined && from < last.from) {
      throw new Error(`validator change at ${from} after one at ${last.from}`);
    }
    if (last !== undefined && from === last.from) this.changes.pop();
    this.changes.push({ from, set });
  }

  at(height: number): ValidatorSet {
    for (let i = this.changes.length - 1; i >= 0; i--) {
      const c = this.changes[i] as { from: number; set: ValidatorSet };
      if (c.from <= height) return c.set;
    }
    throw new RangeError(`no validator set for height ${height}`);
  }
}
