// The state key layout, in one place. A key is '<family>/<part>/…'; every part is an id
// (no '/') or lowercase hex, so keys never collide across families or within one. The family
// is the first segment. The state trie is in key order, so a family (or any prefix) is one
// subtree and a scan of one family never walks the others (elections are scanned every
// block, nullifiers never are).
import { toHex } from '../../protocol/hash.js';

export const FAMILIES = [
  'authority',
  'param',
  'kiosk',
  'staff',
  'roll',
  'juror',
  'candidate',
  'election',
  'official',
  'rating',
  'recall',
  'nullifier',
  'ballot',
  'duplicate',
  'challenged',
  'chainhead',
  'jury',
] as const;
export type Family = (typeof FAMILIES)[number];

export const familyOf = (key: string): string => {
  const i = key.indexOf('/');
  return i < 0 ? key : key.slice(0, i);
};

export const key = {
  authority: () => 'authority/root',
  param: (unit: string) => `param/${unit}`,
  kiosk: (kioskId: string) => `kiosk/${kioskId}`,
  staff: (staffId: string) => `staff/${staffId}`,
  roll: (unit: string, entry: Uint8Array) => `roll/${unit}/${toHex(entry)}`,
  rollPrefix: (unit: string) => `roll/${unit}/`,
  juror: (unit: string, entry: Uint8Array) => `juror/${unit}/${toHex(entry)}`,
  jurorPrefix: (unit: string) => `juror/${unit}/`,
  candidate: (personId: string) => `candidate/${personId}`,
  election: (electionId: string) => `election/${electionId}`,
  electionPrefix: () => 'election/',
  official: (unit: string, personId: string) => `official/${unit}/${personId}`,
  officialPrefix: (unit: string) => `official/${unit}/`,
  rating: (personId: string) => `rating/${personId}`,
  recall: (unit: string, personId: string) => `recall/${unit}/${personId}`,
  recallPrefix: () => 'recall/',
  nullifier: (electionId: string, nullifier: Uint8Array) =>
    `nullifier/${electionId}/${toHex(nullifier)}`,
  ballot: (electionId: string, ballotId: Uint8Array) => `ballot/${electionId}/${toHex(ballotId)}`,
  ballotPrefix: (electionId: string) => `ballot/${electionId}/`,
  duplicate: (electionId: string, ballotId: Uint8Array) =>
    `duplicate/${electionId}/${toHex(ballotId)}`,
  challenged: (electionId: string, ballotId: Uint8Array) =>
    `challenged/${electionId}/${toHex(ballotId)}`,
  chainHead: (kioskId: string) => `chainhead/${kioskId}`,
  jury: (billId: string) => `jury/${billId}`,
  juryPrefix: () => 'jury/',
} as const;
