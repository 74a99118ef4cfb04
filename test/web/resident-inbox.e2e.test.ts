// A council's new request reaches the open resident page within 2 s, with no reload: the broker offers it to the
// home's LDN inbox, and the page hears of the inbox's change over a WebSocketChannel2023 subscription.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoProcess, type DemoProcess } from '../helpers/demo-process.ts';
import { launchChromium, logInThroughPodServer } from '../e2e/browser.ts';
import { demoWorld, type DemoWorld } from '../e2e/demo-world.ts';

/** Few homes: the test needs one resident and the broker, not a cohort. */
const HOMES = 4;
const SETUP_MS = 6 * 60_000;

describe('the resident page hears of new requests', () => {
  let dataDir: string;
  let demo: DemoProcess;
  let world: DemoWorld;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, ['scripts/build-web.js']);
    dataDir = await mkdtemp(join(tmpdir(), 'homedata-e2e-inbox-'));
    demo = await startDemoProcess(dataDir, { homes: HOMES, timeoutMs: SETUP_MS });
    world = await demoWorld(demo, dataDir);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  }, 2 * SETUP_MS);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows a request filed while the page is open within 2 s, without a reload', async () => {
    await logInThroughPodServer(
      page,
      `${world.brokerUrl}resident/`,
      world.browserResident.email,
      world.browserResident.password,
    );
    await page.locator(`article.request[data-request-id="${world.requestId}"]`).waitFor({ timeout: 60_000 });
    // The page says when its inbox subscription is open; mark the document: a reload would lose the mark.
    await page.getByText('New requests appear here as they arrive').waitFor({ timeout: 30_000 });
    await page.evaluate(() => ((window as unknown as { inboxMark: number }).inboxMark = 1));

    const area = demo.manifest.residents[0]!.area;
    const filed = Date.now();
    const response = await fetch(`${world.brokerUrl}api/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.council.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Overheating this summer',
        purpose: 'https://w3id.org/dpv#ImprovePublicServices',
        description: 'Which homes ran hot at night, to plan shading and ventilation advice.',
        metrics: ['temperature.mean'],
        areas: [area],
        period: { from: '2026-01-01', to: '2026-01-31' },
        granularity: 'month',
        minCohort: 10,
        consentUntil: '2027-12-31',
      }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const failed = (what: string) => `${what}; the demo said:\n${demo.output().slice(-4_000)}`;
    const { id } = (await response.json()) as { id: string };
    const card = page.locator(`article.request[data-request-id="${id}"]`);
    // Waits longer than the target so that a miss reports by how much; the target is asserted below.
    await card.waitFor({ timeout: 30_000 }).catch((error: unknown) => {
      throw new Error(failed('the new request did not show within 30 s'), { cause: error });
    });
    const shownAfterMs = Date.now() - filed;
    console.log(`new request shown ${shownAfterMs} ms after the council filed it`);
    expect(shownAfterMs, failed(`shown after ${shownAfterMs} ms`)).toBeLessThan(2_000);
    expect(await page.evaluate(() => (window as unknown as { inboxMark?: number }).inboxMark)).toBe(1);
    expect(await card.textContent()).toContain('Overheating this summer');
    // It came through the pod's inbox: the card says when the broker's offer arrived there.
    await expect.poll(() => card.textContent()).toContain('in your pod’s inbox');
  });
});
