// The demo's governance history, made the way the chain makes it: in Polatsk, the demo kiosk's
// own unit, the head was elected with real ballots, a rating poll dropped below the recall
// threshold, and the recall is under way with the runner-up acting; a confidence vote about
// the head is open, so the demo's voters see an official under recall on their own list.
// Played on the real clock with short windows, so it takes a few dozen seconds after the
// devnet starts (docs/devnet.md, "Demo history").
import type { Localized } from '../../protocol/election.js';
import type { Logger } from '../../shared/log.js';
import type { Result } from '../../shared/result.js';
import { DEFAULT_UNIT_PARAMS } from '../app/index.js';
import type { Devnet } from '../devnet.js';
import { DEMO_UNIT } from '../world.js';
import { realClockDriver, type AuthorityTxs, type ScenarioError } from './driver.js';
import {
  openPollId,
  runRecallScenario,
  type RecallScenario,
  type RecallScenarioOptions,
} from './recall.js';

export const DEMO_HISTORY_UNIT = DEMO_UNIT;
/** The history's own kiosk in the same unit: the demo kiosk's confirmation chain stays its own. */
export const DEMO_HISTORY_KIOSK_ID = 'kiosk-polatsk-history';

const L = (be: string, ru: string, en: string): Localized => ({ be, ru, en });

/**
 * The demo recall. Candidate `name` is the chain's canonical plain string (Latin
 * transliteration); `names` are the display names, which reach the kiosk in the election
 * definition's option labels.
 */
export const DEMO_HISTORY: Omit<RecallScenarioOptions, 'logger' | 'observe'> = {
  seed: 'demo-history',
  unit: DEMO_HISTORY_UNIT,
  office: 'head',
  kioskId: DEMO_HISTORY_KIOSK_ID,
  candidates: [
    {
      personId: 'mikalai-hrynevich',
      name: 'Mikalai Hrynevich',
      names: L('Мікалай Грыневіч', 'Николай Гриневич', 'Mikalai Hrynevich'),
      promises: [
        {
          itemId: 'p1',
          text: 'Repair the Dvina bridge by autumn',
          texts: L(
            'Адрамантаваць мост праз Дзвіну да восені',
            'Отремонтировать мост через Двину к осени',
            'Repair the Dvina bridge by autumn',
          ),
        },
        {
          itemId: 'p2',
          text: 'Publish every council expense online',
          texts: L(
            'Публікаваць кожны выдатак савета ў сеціве',
            'Публиковать каждый расход совета в интернете',
            'Publish every council expense online',
          ),
        },
      ],
    },
    {
      personId: 'alena-karpovich',
      name: 'Alena Karpovich',
      names: L('Алена Карповіч', 'Елена Карпович', 'Alena Karpovich'),
      promises: [
        {
          itemId: 'p1',
          text: 'A bus to Minsk every hour',
          texts: L(
            'Аўтобус у Мінск кожную гадзіну',
            'Автобус в Минск каждый час',
            'A bus to Minsk every hour',
          ),
        },
        {
          itemId: 'p2',
          text: 'Reopen the village library',
          texts: L(
            'Зноў адкрыць бібліятэку',
            'Снова открыть библиотеку',
            'Reopen the village library',
          ),
        },
      ],
    },
    {
      personId: 'siarhei-lis',
      name: 'Siarhei Lis',
      names: L('Сяргей Ліс', 'Сергей Лис', 'Siarhei Lis'),
      promises: [
        {
          itemId: 'p1',
          text: 'Street lights on every road',
          texts: L(
            'Ліхтары на кожнай вуліцы',
            'Фонари на каждой улице',
            'Street lights on every road',
          ),
        },
      ],
    },
  ],
  officeVotes: [5, 3, 1],
  ratingScores: [1, 0, 2, 0, 1],
  confidence: [],
  // Long enough for a block to take the election and the ballots before the window closes.
  windowS: 10,
  // The world's own parameters (the setup re-states them): the office's first rating poll and
  // polls during a recall are not limited by the cadence, so nothing needs to differ.
  params: DEFAULT_UNIT_PARAMS,
  until: 'recall-started',
  openPollDays: 14,
  titles: {
    office: L(
      'Выбары старшыні Полацка',
      'Выборы председателя Полоцка',
      'Election of the head of Polatsk',
    ),
    rating: L(
      'Рэйтынг старшыні Полацка',
      'Рейтинг председателя Полоцка',
      'Rating of the head of Polatsk',
    ),
    confidence: L(
      'Давер старшыні Полацка падчас адклікання',
      'Доверие председателю Полоцка во время отзыва',
      'Confidence in the head of Polatsk during the recall',
    ),
  },
};

/** The head the office votes seat (the first candidate has the most votes). */
export const DEMO_HISTORY_OFFICIAL = 'mikalai-hrynevich';
/** The confidence vote about the head under recall, left open for the demo's voters. */
export const DEMO_HISTORY_OPEN_POLL = openPollId(DEMO_HISTORY_UNIT, DEMO_HISTORY_OFFICIAL);

/** Plays the demo history on a running devnet (real clock); resolves when it is on chain. */
export function runDemoHistory(
  net: Devnet,
  logger: Logger,
  auth?: AuthorityTxs,
  signal?: AbortSignal,
): Promise<Result<RecallScenario, ScenarioError>> {
  return runRecallScenario(realClockDriver(net, undefined, signal), {
    ...DEMO_HISTORY,
    logger,
    ...(auth === undefined ? {} : { auth }),
  });
}
