// Sample people for the simulators. Every MRZ is built with correct check digits by
// make-mrz.ts. ICAO's own specimens (Anna Maria Eriksson of Utopia) expired in 2012, so
// the dock carries them re-dated; the original specimen lines live in test/vectors/mrz.
// Belarusian names are transliterated from Belarusian Cyrillic as ICAO 9303 part 3 does.
import { makeTd1, makeTd3, type MrzPerson } from '../mrz/make-mrz.js';

export interface SamplePerson {
  id: string;
  label: string;
  mrz: string[];
  /** Whether the simulated card answers the chip challenge. */
  chip: boolean;
}

const td3 = (p: Omit<MrzPerson, 'documentCode'>) => makeTd3({ documentCode: 'P', ...p });
const td1 = (p: Omit<MrzPerson, 'documentCode'>) => makeTd1({ documentCode: 'ID', ...p });

export const SAMPLE_PEOPLE: readonly SamplePerson[] = [
  {
    id: 'eriksson-td3',
    label: 'Anna Maria Eriksson — ICAO TD3 passport specimen (re-dated)',
    chip: true,
    mrz: td3({
      issuingState: 'UTO',
      documentNumber: 'L898902C3',
      surname: 'ERIKSSON',
      givenNames: 'ANNA MARIA',
      nationality: 'UTO',
      birth: '740812',
      sex: 'F',
      expiry: '320415',
      optional: 'ZE184226B',
    }),
  },
  {
    id: 'eriksson-td1',
    label: 'Anna Maria Eriksson — ICAO TD1 identity card specimen (re-dated)',
    chip: false,
    mrz: makeTd1({
      documentCode: 'I',
      issuingState: 'UTO',
      documentNumber: 'D23145890',
      surname: 'ERIKSSON',
      givenNames: 'ANNA MARIA',
      nationality: 'UTO',
      birth: '740812',
      sex: 'F',
      expiry: '320415',
    }),
  },
  {
    id: 'lutsevich-td1',
    label: 'Іван Луцэвіч (Ivan Lutsevich) — Belarusian ID card',
    chip: true,
    mrz: td1({
      issuingState: 'BLR',
      documentNumber: 'KB4207182',
      surname: 'LUTSEVICH',
      givenNames: 'IVAN',
      nationality: 'BLR',
      birth: '820707',
      sex: 'M',
      expiry: '330628',
      optional: '3070782A001PB9',
    }),
  },
  {
    id: 'pashkevich-td3',
    label: 'Алаіза Пашкевіч (Alaiza Pashkevich) — Belarusian passport',
    chip: true,
    mrz: td3({
      issuingState: 'BLR',
      documentNumber: 'MP3151881',
      surname: 'PASHKEVICH',
      givenNames: 'ALAIZA',
      nationality: 'BLR',
      birth: '910315',
      sex: 'F',
      expiry: '310205',
      optional: '4150391B002PB3',
    }),
  },
  {
    id: 'bahdanovich-expired',
    label: 'Максім Багдановіч (Maksim Bahdanovich) — Belarusian ID card, expired',
    chip: false,
    mrz: td1({
      issuingState: 'BLR',
      documentNumber: 'KB1891207',
      surname: 'BAHDANOVICH',
      givenNames: 'MAKSIM',
      nationality: 'BLR',
      birth: '891209',
      sex: 'M',
      expiry: '240525',
    }),
  },
];

/**
 * The demo roster's two staff cards (src/main/staff/demo-staff.ts, PINs in docs/staff.md):
 * ID cards of people who are not sample voters, so every sample voter can still vote. The
 * dock offers them next to the voters; the kiosk's card router tells them apart by the roster.
 */
export const SAMPLE_STAFF_CARDS: readonly SamplePerson[] = [
  {
    id: 'staff-poll',
    label: 'Staff card — poll staff (PIN 246810)',
    chip: false,
    mrz: makeTd1({
      documentCode: 'ID',
      issuingState: 'BLR',
      documentNumber: 'MP7319264',
      surname: 'STAFF',
      givenNames: 'POLL',
      nationality: 'BLR',
      birth: '800101',
      sex: '<',
      expiry: '350101',
    }),
  },
  {
    id: 'staff-tech',
    label: 'Staff card — technician (PIN 135799)',
    chip: false,
    mrz: makeTd1({
      documentCode: 'ID',
      issuingState: 'BLR',
      documentNumber: 'KH5550172',
      surname: 'STAFF',
      givenNames: 'TECH',
      nationality: 'BLR',
      birth: '800101',
      sex: '<',
      expiry: '350101',
    }),
  },
];

/** Every card the simulators can insert: the sample voters, then the staff cards. */
export const DOCK_CARDS: readonly SamplePerson[] = [...SAMPLE_PEOPLE, ...SAMPLE_STAFF_CARDS];

export function findPerson(
  id: string,
  people: readonly SamplePerson[] = DOCK_CARDS,
): SamplePerson | undefined {
  return people.find((p) => p.id === id);
}
