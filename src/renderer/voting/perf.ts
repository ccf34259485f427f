// Responsiveness measured in the page itself with the User Timing API, so the e2e run and the
// bench read the same numbers (performance.getEntriesByName) without any global of our own.
// "Painted" is the first task after the next animation frame: the frame that shows the new
// screen has been produced by then.

export const MARK_CARD_READ = 'veche:card-read';
export const MARK_TAP = 'veche:tap';
export const MEASURE_CARD_TO_LIST = 'veche:card-to-list';
export const MEASURE_TAP_TO_PAINT = 'veche:tap-to-paint';

/** The voter touched something that leads to another screen. */
export function markTap(): void {
  performance.clearMarks(MARK_TAP);
  performance.mark(MARK_TAP);
}

export function markCardRead(): void {
  performance.clearMarks(MARK_CARD_READ);
  performance.mark(MARK_CARD_READ);
}

function afterPaint(f: () => void): void {
  requestAnimationFrame(() => setTimeout(f, 0));
}

/** Called when a screen has been committed: measures from the pending mark, if any. */
export function screenCommitted(screen: string): void {
  const pendingTap = performance.getEntriesByName(MARK_TAP, 'mark').length > 0;
  const pendingCard =
    screen === 'votes' && performance.getEntriesByName(MARK_CARD_READ, 'mark').length > 0;
  if (!pendingTap && !pendingCard) return;
  afterPaint(() => {
    // A mark cleared in between (another screen won the race) has nothing left to measure.
    if (pendingTap && performance.getEntriesByName(MARK_TAP, 'mark').length > 0) {
      performance.measure(MEASURE_TAP_TO_PAINT, { start: MARK_TAP, detail: { screen } });
      performance.clearMarks(MARK_TAP);
    }
    if (pendingCard && performance.getEntriesByName(MARK_CARD_READ, 'mark').length > 0) {
      performance.measure(MEASURE_CARD_TO_LIST, { start: MARK_CARD_READ });
      performance.clearMarks(MARK_CARD_READ);
    }
  });
}
