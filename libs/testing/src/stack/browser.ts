import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser (apt-get install chromium); CHROMIUM_PATH overrides. */
export const chromiumPath = (): string => process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium through playwright-core with the system browser (no Playwright browser
 * download: the machines reach no CDN). The flags keep Chromium off the network it cannot reach
 * (background networking, component updates, sync) and let it run as root in CI.
 * @throws Error naming the missing binary when Chromium is not installed.
 */
export const launchChromium = async (): Promise<Browser> => {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: apt-get install chromium, or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
};
