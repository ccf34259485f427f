// How the session machine and the RPC table use the voting service: the session's voter hooks
// (card read → begin, card out or idle timeout → end) and the voting handlers wrapped so that
// every call counts as the voter doing something (the idle timer restarts).
import type { VoterHooks } from '../session/service.js';
import type { VotingHandlers } from './handlers.js';
import type { VotingService } from './types.js';

export function voterHooks(voting: VotingService): VoterHooks {
  return {
    async begin(document, language) {
      const r = await voting.begin(document, language);
      if (r.ok) return { status: 'eligible' };
      switch (r.error.kind) {
        case 'superseded':
          return 'superseded';
        case 'not-on-roll':
        case 'document-expired':
        case 'nothing-to-vote':
          return { status: 'refused', reason: r.error.kind };
      }
    },
    setLanguage: (language) => voting.setLanguage(language),
    end: () => voting.end(),
  };
}

/** Receipt checks come from the attract screen, with nobody's session to keep alive. */
const UNTOUCHED: ReadonlySet<string> = new Set(['voting.checkReceipt', 'voting.view']);

export function touching(handlers: VotingHandlers, touch: () => void): VotingHandlers {
  const out: Record<string, unknown> = {};
  for (const [name, h] of Object.entries(handlers) as [string, (r: never) => unknown][]) {
    out[name] = UNTOUCHED.has(name)
      ? h
      : (request: never) => {
          touch();
          return h(request);
        };
  }
  return out as VotingHandlers;
}
