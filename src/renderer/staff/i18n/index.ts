// The staff screens' own strings (kept apart from the voter catalogue, which another part of
// the renderer owns). Plain objects: the keys are checked by the type system, and a missing
// value cannot ship because be/ru are typed as complete records of en's keys.
import type { Language } from '../../../main/rpc/schema.js';
import { be } from './be.js';
import { en, type StaffKey } from './en.js';
import { ru } from './ru.js';

export type { StaffKey };
export type StaffT = (key: StaffKey, vars?: Record<string, string | number>) => string;

const CATALOGUES: Record<Language, Record<StaffKey, string>> = { be, ru, en };

export function staffT(language: Language): StaffT {
  const cat = CATALOGUES[language];
  return (key, vars) =>
    cat[key].replace(/\{\{(\w+)\}\}/g, (_m, name: string) => String(vars?.[name] ?? ''));
}
