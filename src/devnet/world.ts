// The demo world: the authority transactions that set up one unit with a registered demo
// kiosk, candidates (with certificates and promises), a voter roll, and one election per
// ballot kind, each with deterministic guardian keys. Submitted like any transaction, so
// the whole setup is in the chain's history. Everything derives from a public seed:
// devnet and demo only.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { contestShape } from '../ballot/kinds.js';
import {
  deterministicScalars,
  encodeElection,
  generateGuardianKeys,
  loadElection,
  type ElectionContext,
  type GuardianKeys,
} from '../ballot/index.js';
import type { Ed25519Signer } from '../protocol/ed25519.js';
import {
  BallotKindSchema,
  type BallotKind,
  type Contest,
  type Election,
  type Localized,
} from '../protocol/election.js';
import { taggedHash } from '../protocol/hash.js';
import { DEFAULT_UNIT_PARAMS, encodeTx, signTx, type Purpose, type TxBody } from './app/index.js';
import { devnetSigner } from './keys.js';

export const DEMO_UNIT = 'polatsk';
export const DEMO_KIOSK_ID = 'kiosk-demo-1';
const DAY_S = 24 * 3600;
const ALL_KINDS: readonly BallotKind[] = BallotKindSchema.options;
const CANDIDATES = ['ales', 'bazhena', 'ciaslau'];

export interface DemoElection {
  readonly electionId: string;
  readonly kind: BallotKind;
  readonly election: Election;
  readonly ctx: ElectionContext;
  readonly guardians: GuardianKeys;
}

export interface DemoWorld {
  /** Authority transactions, in order (seq 1, 2, …), to submit before anything else. */
  readonly txs: readonly Uint8Array[];
  readonly unit: string;
  readonly kiosk: { readonly kioskId: string; readonly signer: Ed25519Signer };
  readonly elections: readonly DemoElection[];
  /** Roll entries of the demo voters (opaque 32-byte values, as the app stores them). */
  readonly rollEntries: readonly Uint8Array[];
  /**
   * With `juryBill`: the jury election's `election-create` body (no seq), left out of `txs`.
   * A jury election needs its bill's jury request on chain first, and the demo creates it
   * only once the jury is drawn and its eligibility tokens are published
   * (src/devnet/scenario/demo-jury.ts). Null otherwise.
   */
  readonly juryElection: {
    readonly billId: string;
    readonly body: Record<string, unknown> & { readonly kind: 'election-create' };
  } | null;
}

export interface DemoWorldOptions {
  /** Makes the jury election a real jury vote on this bill (`{kind: 'jury', billId}`); without
   * it the jury election is a general election any voter on the roll may vote (tests). */
  readonly juryBill?: string;
}

const L = (be: string, ru: string, en: string): Localized => ({ be, ru, en });

/**
 * The demo candidates. `name` and promise `text` are the chain's canonical plain strings
 * (kept as they were: other modules and tests read them); `names` and `texts` are the
 * display variants per language, stored alongside in the same records.
 */
const PEOPLE: Record<string, { names: Localized; promises: [Localized, Localized] }> = {
  ales: {
    names: L('Алесь Бандарэнка', 'Алесь Бондаренко', 'Ales Bandarenka'),
    promises: [
      L('Адрамантаваць мост', 'Отремонтировать мост', 'Repair the bridge'),
      L(
        'Адчыняць бібліятэку па нядзелях',
        'Открывать библиотеку по воскресеньям',
        'Open the library on Sundays',
      ),
    ],
  },
  bazhena: {
    names: L('Бажэна Крывіцкая', 'Божена Кривицкая', 'Bazhena Kryvitskaya'),
    promises: [
      L('Новы дах для школы', 'Новая крыша для школы', 'A new roof for the school'),
      L('Аўтобус да чыгункі', 'Автобус до вокзала', 'A bus to the railway station'),
    ],
  },
  ciaslau: {
    names: L('Цяслаў Мароз', 'Чеслав Мороз', 'Ciaslau Maroz'),
    promises: [
      L('Ліхтары на кожнай вуліцы', 'Фонари на каждой улице', 'Street lights on every street'),
      L('Штогадовая справаздача ў сеціве', 'Ежегодный отчёт в интернете', 'A yearly report online'),
    ],
  },
};

const PROJECTS: Record<string, Localized> = {
  o1: L('Дзіцячая пляцоўка', 'Детская площадка', 'A playground'),
  o2: L('Рамонт дарогі да школы', 'Ремонт дороги к школе', 'Repair the road to the school'),
  o3: L('Веласцежка ўздоўж ракі', 'Велодорожка вдоль реки', 'A cycle path along the river'),
  o4: L('Новы прыпынак', 'Новая остановка', 'A new bus stop'),
};

const FIXED: Record<string, Localized> = {
  yes: L('Так', 'Да', 'Yes'),
  no: L('Не', 'Нет', 'No'),
  score: L('Ацэнка (0–5)', 'Оценка (0–5)', 'Score (0–5)'),
  for: L('За', 'За', 'For'),
  against: L('Супраць', 'Против', 'Against'),
  abstain: L('Устрымаўся', 'Воздержался', 'Abstain'),
};

/** What each demo election asks (its title), per ballot kind. */
const TITLES: Record<BallotKind, Localized> = {
  'single-choice': L(
    'Выбары старшыні Полацкага сельсавета',
    'Выборы председателя Полоцкого сельсовета',
    'Election of the head of the Polatsk village council',
  ),
  'k-of-n': L(
    'Бюджэт удзелу: выберыце два праекты',
    'Бюджет участия: выберите два проекта',
    'Participatory budget: choose two projects',
  ),
  approval: L(
    'Якія праекты вы падтрымліваеце?',
    'Какие проекты вы поддерживаете?',
    'Which projects do you support?',
  ),
  referendum: L(
    'Ці зрабіць цэнтр горада пешаходным па выхадных?',
    'Сделать ли центр города пешеходным по выходным?',
    'Make the town centre pedestrian at weekends?',
  ),
  rating: L(
    'Ацаніце працу сельсавета (0–5)',
    'Оцените работу сельсовета (0–5)',
    'Rate the work of the village council (0–5)',
  ),
  recall: L(
    'Ці адклікаць старасту вёскі?',
    'Отозвать ли старосту деревни?',
    'Recall the village elder?',
  ),
  confidence: L(
    'Ці давяраеце вы камісіі па добраўпарадкаванні?',
    'Доверяете ли вы комиссии по благоустройству?',
    'Do you have confidence in the public works committee?',
  ),
  jury: L(
    'Законапраект аб мясцовых рынках: галасаванне журы',
    'Законопроект о местных рынках: голосование жюри',
    'Bill on local markets: jury vote',
  ),
};

function optionLabel(optionId: string): Localized {
  const person = PEOPLE[optionId];
  return person?.names ?? PROJECTS[optionId] ?? FIXED[optionId] ?? L(optionId, optionId, optionId);
}

function contestFor(kind: BallotKind): Contest {
  const options =
    kind === 'single-choice'
      ? CANDIDATES
      : kind === 'k-of-n' || kind === 'approval'
        ? ['o1', 'o2', 'o3', 'o4']
        : [];
  const shape = contestShape(kind, options, kind === 'k-of-n' ? 2 : 1);
  return {
    contestId: 'main',
    kind,
    title: TITLES[kind],
    options: shape.optionIds.map((optionId) => ({ optionId, label: optionLabel(optionId) })),
    range: shape.range,
    limit: shape.limit,
  };
}

/**
 * Builds the world. `nowS` (Unix seconds) opens every election's window, which lasts
 * `windowDays`; the kiosk, guardians and voters derive from `seed`.
 */
export function demoWorld(
  seed: string,
  authority: Ed25519Signer,
  nowS: number,
  windowDays = 14,
  options: DemoWorldOptions = {},
): DemoWorld {
  let seq = 0;
  const tx = (body: Record<string, unknown>): Uint8Array =>
    encodeTx(signTx({ ...body, seq: ++seq } as unknown as TxBody, authority));
  const kiosk = devnetSigner(seed, `kiosk/${DEMO_KIOSK_ID}`);
  const window = { opens: nowS, closes: nowS + windowDays * DAY_S };
  const rollEntries = Array.from({ length: 8 }, (_, i) =>
    taggedHash('veche/demo-roll/v1', utf8ToBytes(seed), utf8ToBytes(String(i))),
  );
  const txs: Uint8Array[] = [
    tx({ kind: 'unit-params', unit: DEMO_UNIT, parent: null, params: DEFAULT_UNIT_PARAMS }),
    tx({
      kind: 'kiosk-register',
      kioskId: DEMO_KIOSK_ID,
      unit: DEMO_UNIT,
      publicKey: kiosk.publicKey,
      pollingPlace: 'School No. 1, Polatsk',
    }),
    tx({ kind: 'roll-add', unit: DEMO_UNIT, entries: rollEntries }),
    ...CANDIDATES.map((personId) =>
      tx({
        kind: 'candidate-register',
        personId,
        unit: DEMO_UNIT,
        name: `Candidate ${personId}`,
        ...(PEOPLE[personId] === undefined ? {} : { names: PEOPLE[personId].names }),
        certificate: {
          issuer: 'demo-ministry',
          certificateId: `mq-${personId}`,
          validUntil: nowS + 5 * 365 * DAY_S,
        },
        promises: [
          { itemId: 'p1', text: `${personId}: repair the bridge` },
          { itemId: 'p2', text: `${personId}: open the library on Sundays` },
        ].map((p, i) => {
          const texts = PEOPLE[personId]?.promises[i];
          return texts === undefined ? p : { ...p, texts };
        }),
      }),
    ),
  ];
  let juryElection: DemoWorld['juryElection'] = null;
  const elections: DemoElection[] = ALL_KINDS.map((kind) => {
    const electionId = `e-demo-${kind}`;
    const guardians = generateGuardianKeys(
      electionId,
      3,
      2,
      deterministicScalars(utf8ToBytes(`${seed}/${electionId}`)),
    );
    const election: Election = {
      version: 1,
      electionId,
      unit: DEMO_UNIT,
      kind,
      title: TITLES[kind],
      window,
      contests: [contestFor(kind)],
      ballotStyles: [{ styleId: 'main', contestIds: ['main'] }],
      guardians: { threshold: 2, records: guardians.records },
      duplicateRule: 'first-included',
    };
    const ctx = loadElection(election);
    if (!ctx.ok) throw new Error(`demo election ${electionId}: ${JSON.stringify(ctx.error)}`);
    // Office elections fill a seat from registered candidates; every other kind is general
    // here (rating/recall polls need a serving official, which only an office tally makes),
    // except the jury vote when the caller draws its jury.
    const juryBill = kind === 'jury' ? options.juryBill : undefined;
    const purpose: Purpose =
      kind === 'single-choice'
        ? { kind: 'office', office: 'mayor', candidates: CANDIDATES }
        : juryBill !== undefined
          ? { kind: 'jury', billId: juryBill }
          : { kind: 'general' };
    const body = {
      kind: 'election-create',
      electionId,
      unit: DEMO_UNIT,
      purpose,
      window,
      ballotStyles: ['main'],
      guardianKey: ctx.value.Kbytes,
      definition: encodeElection(election),
    } as const;
    if (juryBill === undefined) txs.push(tx(body));
    else juryElection = { billId: juryBill, body };
    return { electionId, kind, election, ctx: ctx.value, guardians };
  });
  return {
    txs,
    unit: DEMO_UNIT,
    kiosk: { kioskId: DEMO_KIOSK_ID, signer: kiosk },
    elections,
    rollEntries,
    juryElection,
  };
}
