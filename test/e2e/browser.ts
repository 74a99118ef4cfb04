// Drives Debian's Chromium with playwright-core for the page tests: launch, Solid login, axe-core, screenshots.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where screenshots go; CI keeps the folder as the run's artefacts. */
export const ARTIFACTS = 'test-artifacts';

/** Starts headless Chromium from the Debian package (never a Playwright download). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * Logs a resident in the way a person does: the page's Log in button, the pod server's login form, then its
 * consent screen; resolves back on the resident page.
 */
export async function logInThroughPodServer(
  page: Page,
  residentPage: string,
  email: string,
  password: string,
) {
  await page.goto(residentPage);
  await page.getByLabel('Your pod provider').waitFor();
  // The provider field is filled from the broker's config.json once it loads.
  await page.waitForFunction(
    () => (document.querySelector('#issuer') as HTMLInputElement | null)?.value !== '',
  );
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/\.account\/login\/password\//);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/\.account\/oidc\/consent\//);
  await page.click('#authorize');
  await page.waitForURL((url) => url.href.startsWith(residentPage));
}

/** The axe-core violations with impact serious or critical on the current page. */
export async function seriousViolations(
  page: Page,
): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  // Evaluated over the DevTools protocol, not as a script tag: the pages' CSP rightly refuses inline scripts.
  await page.evaluate(await readFile('node_modules/axe-core/axe.min.js', 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (context: Document) => Promise<{ violations: unknown[] }> } }
    ).axe;
    return (await axe.run(document)).violations as {
      id: string;
      impact: string;
      nodes: { target: string[] }[];
    }[];
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      nodes: violation.nodes.map((node) => node.target.join(' ')),
    }));
}

/** Saves a full-page screenshot as `test-artifacts/<name>.png`, giving up after a while rather than hanging. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true, timeout: 15_000 });
  return path;
}
