// MRZ text → IdDocument. The `mrz` package does the ICAO 9303 field layout and every
// check digit; this module adds what it does not: the format gate (which documents the
// kiosk accepts), century resolution for two-digit years, and the expiry test against
// the injected clock. Failures are values tagged with the reason a voter can act on.
import { parse as parseMrzLines, type Details } from 'mrz';
import { err, ok, type Result } from '../../shared/result.js';
import type { CardErrorReason, IdDocument } from '../types.js';

export interface MrzFailure {
  reason: CardErrorReason;
  /** For logs: field labels only, never field values (they are identity data). */
  detail: string;
}

export type MrzShape = 'TD1' | 'TD2' | 'TD3';

const MRZ_CHARS = /^[A-Z0-9<]+$/;

/** Which ICAO layout a set of lines has, by line count and length; null when none fits. */
export function mrzShape(lines: readonly string[]): MrzShape | null {
  const lens = lines.map((l) => l.length);
  if (lens.length === 3 && lens.every((n) => n === 30)) return 'TD1';
  if (lens.length === 2 && lens.every((n) => n === 44)) return 'TD3';
  if (lens.length === 2 && lens.every((n) => n === 36)) return 'TD2';
  return null;
}

// The library checks state codes against its own list, which does not know ICAO's
// specimen state "UTO" nor codes added after its release. State codes carry no check
// digit, so we accept any well-formed code and judge eligibility later against the roll.
const STATE_FIELDS = new Set(['issuingState', 'nationality']);
const STATE_CODE = /^[A-Z<]{3}$/;

function isStateCodeOnlyFailure(d: Details): boolean {
  if (d.field === null || !STATE_FIELDS.has(d.field)) return false;
  const raw = (d.ranges[0] as { raw?: string } | undefined)?.raw ?? '';
  return STATE_CODE.test(raw);
}

function rawOf(d: Details | undefined): string {
  return ((d?.ranges[0] as { raw?: string } | undefined)?.raw ?? '').replace(/<+$/g, '');
}

export function parseMrz(
  inputLines: readonly string[],
  nowMs: number,
): Result<IdDocument, MrzFailure> {
  const lines = inputLines.map((l) => l.trim());
  if (!lines.every((l) => MRZ_CHARS.test(l))) {
    return err({ reason: 'read-badly', detail: 'characters outside the MRZ alphabet' });
  }
  const shape = mrzShape(lines);
  if (shape === null) {
    return err({
      reason: 'read-badly',
      detail: `no MRZ layout has ${lines.length} lines of ${lines.map((l) => l.length).join('/')}`,
    });
  }
  if (shape === 'TD2')
    return err({ reason: 'unsupported-document', detail: 'TD2 documents are not accepted' });
  const code = lines[0]?.[0] ?? '';
  if (shape === 'TD3' && code !== 'P') {
    return err({
      reason: 'unsupported-document',
      detail: `TD3 document code ${code} is not a passport`,
    });
  }
  if (shape === 'TD1' && !['I', 'A', 'C'].includes(code)) {
    return err({
      reason: 'unsupported-document',
      detail: `TD1 document code ${code} is not an identity card`,
    });
  }

  let parsed;
  try {
    parsed = parseMrzLines(lines);
  } catch (e) {
    // The library throws on layouts it cannot classify (e.g. a French ID's 2×36 lines).
    return err({
      reason: 'read-badly',
      detail: `mrz: ${e instanceof Error ? e.message.slice(0, 60) : 'unparseable'}`,
    });
  }
  if (parsed.format !== shape) {
    return err({ reason: 'unsupported-document', detail: `layout ${parsed.format}` });
  }
  const bad = parsed.details.filter((d) => !d.valid && !isStateCodeOnlyFailure(d));
  if (bad.length > 0) {
    return err({ reason: 'read-badly', detail: `invalid: ${bad.map((d) => d.label).join(', ')}` });
  }
  const f = parsed.fields;
  const byField = (name: string) => parsed.details.find((d) => d.field === name);
  const now = new Date(nowMs);
  const birth = resolveDate(f.birthDate ?? '', 'birth', now);
  const expiry = resolveDate(f.expirationDate ?? '', 'expiry', now);
  if (birth === null || expiry === null) {
    return err({ reason: 'read-badly', detail: 'date is not a calendar date' });
  }
  const documentNumber = parsed.documentNumber ?? f.documentNumber ?? '';
  if (documentNumber === '') return err({ reason: 'read-badly', detail: 'empty document number' });

  const doc: IdDocument = {
    format: shape,
    documentCode: rawOf(byField('documentCode')),
    issuingState: rawOf(byField('issuingState')),
    documentNumber,
    surname: f.lastName ?? '',
    givenNames: f.firstName ?? '',
    nationality: rawOf(byField('nationality')),
    birthDate: birth,
    expiryDate: expiry,
    sex: f.sex === 'male' ? 'male' : f.sex === 'female' ? 'female' : 'unspecified',
  };
  // Valid through the expiry date itself, compared as calendar dates in UTC.
  if (expiry < now.toISOString().slice(0, 10)) {
    return err({ reason: 'expired', detail: 'document expired' });
  }
  return ok(doc);
}

/**
 * Two-digit years: a birth date is the latest century that is not in the future; an
 * expiry date is the 2000s unless that lands more than 50 years ahead (documents are
 * valid for at most ten, so a far-future expiry is really a last-century one).
 */
export function resolveDate(yymmdd: string, kind: 'birth' | 'expiry', now: Date): string | null {
  const m = /^(\d\d)(\d\d)(\d\d)$/.exec(yymmdd);
  if (!m) return null;
  const yy = Number(m[1]);
  const mm = Number(m[2]);
  const dd = Number(m[3]);
  const nowYear = now.getUTCFullYear();
  let year = 2000 + yy;
  if (kind === 'birth') {
    if (Date.UTC(year, mm - 1, dd) > now.getTime()) year -= 100;
  } else if (year > nowYear + 50) {
    year -= 100;
  }
  const d = new Date(Date.UTC(year, mm - 1, dd));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== mm - 1 || d.getUTCDate() !== dd)
    return null;
  return d.toISOString().slice(0, 10);
}
