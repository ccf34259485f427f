import { voteEn } from './vote-en.js';

// The reference catalogue: be.ts and ru.ts must have exactly these keys (type-checked, and a
// test compares the three at run time too).
export const en = {
  app: { title: 'Voting kiosk' },
  language: { label: 'Language', be: 'Беларуская', ru: 'Русский', en: 'English' },
  attract: {
    title: 'Welcome to the voting kiosk',
    instruction: 'Insert your ID card or passport into the reader to begin.',
    privacy: 'Your vote is secret. Nothing you choose is stored with your name.',
  },
  reading: { title: 'Reading your card…', hint: 'Please keep the card in the reader.' },
  welcome: {
    title: 'Welcome, {{name}}',
    body: 'Your card has been read.',
    endHint: 'Remove your card at any time to end the session.',
  },
  cardError: {
    title: 'We could not use this card',
    'read-badly': 'The card was read badly. Please take it out and try again.',
    expired: 'This document has expired. Please use a valid ID card, or ask the staff for help.',
    'unsupported-document':
      'This kind of document cannot be used here. Please use your ID card or passport.',
    'reader-fault': 'The card reader is not working. Please ask the staff for help.',
    action: 'Take the card out to try again.',
  },
  connection: {
    lost: 'The kiosk is reconnecting. Please wait a moment.',
    starting: 'The kiosk is starting. Please wait.',
  },
  devices: {
    printerAttention: 'The receipt printer needs attention. Staff have been notified.',
    cardReaderFault: 'The card reader is not working. Please ask the staff for help.',
  },
  a11y: {
    skip: 'Skip to main content',
    open: 'Text size, contrast, audio',
    panelTitle: 'Text size, contrast and audio guidance',
    textSize: { label: 'Text size', standard: 'Standard', large: 'Large', largest: 'Largest' },
    theme: {
      label: 'Colours',
      standard: 'Standard colours',
      'contrast-dark': 'High contrast, dark',
      'contrast-light': 'High contrast, light',
    },
    audio: {
      label: 'Audio guidance',
      on: 'On',
      off: 'Off',
      unavailable:
        'Spoken guidance is not available in this language on this kiosk. The staff can help you.',
      volume: 'Volume',
      quieter: 'Quieter',
      louder: 'Louder',
      volumeValue: 'Volume: {{value}}',
      rate: 'Speaking speed',
      slower: 'Slower',
      faster: 'Faster',
      rateValue: 'Speed: {{value}}',
    },
    motion: { label: 'Reduce motion', on: 'On', off: 'Off' },
    reset: 'Back to standard settings',
    done: 'Done',
    speech: { selected: 'selected', expanded: 'open', collapsed: 'closed' },
  },
  vote: voteEn,
};

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
export type Catalogue = Shape<typeof en>;
