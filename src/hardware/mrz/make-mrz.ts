// Builds MRZ lines for the simulators' sample people. Validation never uses this module
// (the `mrz` package checks digits on the way in); it exists so simulated documents are
// correct by construction rather than hand-typed.

const WEIGHTS = [7, 3, 1];

function charValue(c: string): number {
  if (c === '<') return 0;
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  throw new Error(`not an MRZ character: ${c}`);
}

/** ICAO 9303 part 3 §4.9: weights 7,3,1 repeating, sum mod 10. */
export function checkDigit(field: string): string {
  let sum = 0;
  for (let i = 0; i < field.length; i++) sum += charValue(field[i] ?? '<') * (WEIGHTS[i % 3] ?? 1);
  return String(sum % 10);
}

function pad(s: string, n: number): string {
  if (s.length > n) throw new Error(`MRZ field too long: ${s.length} > ${n}`);
  return s + '<'.repeat(n - s.length);
}

function nameField(surname: string, given: string, n: number): string {
  const clean = (s: string) => s.toUpperCase().replace(/[^A-Z]+/g, '<');
  return pad(`${clean(surname)}<<${clean(given)}`, n);
}

export interface MrzPerson {
  documentCode: string; // 'P' or 'I' (…'ID', 'IP', 'PB' two-letter forms allowed)
  issuingState: string;
  documentNumber: string; // up to 9 characters
  surname: string; // already transliterated to Latin
  givenNames: string;
  nationality: string;
  birth: string; // YYMMDD
  sex: 'M' | 'F' | '<';
  expiry: string; // YYMMDD
  optional?: string;
}

export function makeTd3(p: MrzPerson): [string, string] {
  const l1 = pad(p.documentCode, 2) + p.issuingState + nameField(p.surname, p.givenNames, 39);
  const docNo = pad(p.documentNumber, 9);
  const personal = pad(p.optional ?? '', 14);
  const personalCd = (p.optional ?? '') === '' ? '<' : checkDigit(personal);
  const body =
    docNo +
    checkDigit(docNo) +
    p.nationality +
    p.birth +
    checkDigit(p.birth) +
    p.sex +
    p.expiry +
    checkDigit(p.expiry);
  const composite =
    docNo +
    checkDigit(docNo) +
    p.birth +
    checkDigit(p.birth) +
    p.expiry +
    checkDigit(p.expiry) +
    personal +
    personalCd;
  const l2 = body + personal + personalCd + checkDigit(composite);
  return [l1, l2];
}

export function makeTd1(p: MrzPerson): [string, string, string] {
  const docNo = pad(p.documentNumber, 9);
  const opt1 = pad(p.optional ?? '', 15);
  const l1 = pad(p.documentCode, 2) + p.issuingState + docNo + checkDigit(docNo) + opt1;
  const l2head =
    p.birth +
    checkDigit(p.birth) +
    p.sex +
    p.expiry +
    checkDigit(p.expiry) +
    p.nationality +
    pad('', 11);
  const composite =
    l1.slice(5, 30) + l2head.slice(0, 7) + l2head.slice(8, 15) + l2head.slice(18, 29);
  const l2 = l2head + checkDigit(composite);
  const l3 = nameField(p.surname, p.givenNames, 30);
  return [l1, l2, l3];
}
