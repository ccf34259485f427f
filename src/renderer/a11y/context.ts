import { createContext, useContext, type Dispatch } from 'react';
import type { Language } from '../../main/rpc/schema.js';
import type { A11yAction, A11ySettings } from './settings.js';

export interface A11yContextValue {
  settings: A11ySettings;
  panelOpen: boolean;
  dispatch: Dispatch<A11yAction>;
  language: Language;
  /** Whether audio guidance can actually speak the session's language on this kiosk. */
  speechAvailable: boolean;
  /** Speaks a short confirmation if guidance is on, with `settings` (default: the current). */
  say(text: string, settings?: A11ySettings): void;
}

export const A11yContext = createContext<A11yContextValue | null>(null);

export function useA11y(): A11yContextValue {
  const value = useContext(A11yContext);
  if (value === null) throw new Error('useA11y outside <A11yProvider>');
  return value;
}
