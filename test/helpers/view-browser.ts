// Headless Chromium for the view tests (Debian's package, driven by playwright-core). When no
// chromium is installed the browser tests fail saying how to get it (helpers/required-tool.ts).
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** CHROMIUM_PATH, else `chromium` on the PATH, else null. */
export function findChromium(): string | null {
  if (process.env.CHROMIUM_PATH) return executable(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const file = path.join(dir, name);
      if (dir && executable(file)) return file;
    }
  }
  return null;
}

export const CHROMIUM = findChromium();

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM!, args: ARGS });
}

/** A page that records every console error and uncaught exception, for "no errors" assertions. */
export async function watchedPage(browser: Browser, size = { width: 1400, height: 1000 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: size });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}
