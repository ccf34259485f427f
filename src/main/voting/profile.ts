// A candidate's or an official's public record for the voter screen, formed from the chain's
// records (chain-view.ts). Names and promise texts are shown in the voter's language when the
// registration gave them per language (`names`, `texts`); otherwise the one canonical chain
// string is shown in all three, since the kiosk does not translate what the chain says. Only the role ("Candidate for mayor", "Mayor of Polatsk") is the kiosk's own
// wording, from the office and unit ids (docs/voting.md, "Profiles").
import type { Localized } from '../../protocol/election.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ChainView, PersonRecords } from './chain-view.js';
import type { Profile, ProfileRefusal } from './types.js';

const same = (s: string): Localized => ({ be: s, ru: s, en: s });

/** Offices and units the kiosk knows by name; anything else shows its id. */
const OFFICES: Readonly<Record<string, Localized>> = {
  mayor: { be: 'мэр', ru: 'мэр', en: 'mayor' },
  head: { be: 'старшыня', ru: 'председатель', en: 'head' },
};
const OFFICE_TITLES: Readonly<Record<string, Localized>> = {
  mayor: { be: 'Мэр', ru: 'Мэр', en: 'Mayor' },
  head: { be: 'Старшыня', ru: 'Председатель', en: 'Head' },
};
const UNITS: Readonly<Record<string, Localized>> = {
  polatsk: { be: 'Полацка', ru: 'Полоцка', en: 'Polatsk' },
};

function role(p: PersonRecords, officeOfElection: string | null): Localized {
  const o = p.official;
  if (o !== null && (o.status === 'serving' || o.status === 'under-recall')) {
    const t = OFFICE_TITLES[o.office] ?? same(o.office);
    const u = UNITS[o.unit] ?? same(o.unit);
    return { be: `${t.be} ${u.be}`, ru: `${t.ru} ${u.ru}`, en: `${t.en} of ${u.en}` };
  }
  const office = officeOfElection ?? o?.office ?? null;
  if (office === null) return { be: 'Кандыдат', ru: 'Кандидат', en: 'Candidate' };
  const n = OFFICES[office] ?? same(office);
  return {
    be: `Кандыдат на пасаду: ${n.be}`,
    ru: `Кандидат на должность: ${n.ru}`,
    en: `Candidate for ${n.en}`,
  };
}

function status(p: PersonRecords, chain: ChainView): Profile['status'] {
  const o = p.official;
  if (o === null) return { kind: 'candidate' };
  switch (o.status) {
    case 'serving':
      return { kind: 'serving', since: o.seatedOn };
    case 'under-recall': {
      const r = p.recall;
      // The chain keeps the two records in step; a missing recall is shown as serving.
      if (r === null || r.status !== 'active') return { kind: 'serving', since: o.seatedOn };
      const a = r.acting === null ? null : (chain.person(r.acting)?.candidate ?? null);
      return {
        kind: 'under-recall',
        since: r.startedOn,
        acting: r.acting === null ? null : (a?.names ?? same(a?.name ?? r.acting)),
        endsOn: r.endsOn,
        support: r.latestSupport,
      };
    }
    case 'recalled':
      return { kind: 'recalled', on: o.changedOn ?? p.recall?.endsOn ?? o.seatedOn };
    case 'succeeded':
      return { kind: 'succeeded', on: o.changedOn ?? o.seatedOn };
  }
}

export function buildProfile(
  chain: ChainView,
  electionId: string,
  optionId: string,
  nowS: number,
): Result<Profile, ProfileRefusal> {
  const subject = chain.subject(electionId);
  if (subject === null) return err({ kind: 'not-available' });
  let personId: string;
  switch (subject.kind) {
    case 'none':
      return err({ kind: 'not-available' });
    case 'office':
      if (!subject.candidates.includes(optionId)) return err({ kind: 'unknown-person' });
      personId = optionId;
      break;
    case 'official':
      personId = subject.official;
      break;
  }
  const p = chain.person(personId);
  if (p === null) return err({ kind: 'unknown-person' });
  const c = p.candidate;
  return ok({
    personId,
    name: c?.names ?? same(c?.name ?? personId),
    role: role(p, subject.kind === 'office' ? subject.office : null),
    status: status(p, chain),
    certificate:
      c === null
        ? null
        : {
            issuer: c.certificate.issuer,
            certificateId: c.certificate.certificateId,
            validUntil: new Date(c.certificate.validUntilS * 1000).toISOString().slice(0, 10),
            valid: c.certificate.validUntilS > nowS,
          },
    promises: (c?.promises ?? []).map((x) => ({
      itemId: x.itemId,
      text: x.texts ?? same(x.text),
      // The screen has three marks; a promise not yet started is still open, like one under way.
      status:
        x.status === 'fulfilled'
          ? 'fulfilled'
          : x.status === 'unfulfilled'
            ? 'not-fulfilled'
            : 'in-progress',
      reason: x.reason === null ? null : same(x.reason),
    })),
    ratings: p.ratings.map((r) => ({
      electionId: r.electionId,
      label: r.day,
      approval: r.approval,
    })),
  });
}
