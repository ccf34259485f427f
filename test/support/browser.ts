// Launches Debian's Chromium through playwright-core (never a downloaded browser build).
import { chromium, type Browser } from 'playwright-core';
import { findChromium, QUIET_CHROMIUM_FLAGS } from '../../src/main/shell/browser.js';

export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === null) {
    throw new Error("Chromium not found: install Debian's chromium package (see README)");
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', ...QUIET_CHROMIUM_FLAGS],
  });
}

export const SCREENSHOT_DIR = 'test-results/screenshots';
