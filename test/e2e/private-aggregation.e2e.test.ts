// `homedata demo --private-aggregation` in a real browser: the council runs the prio3 request through leader and
// helper on the council page and gets the plain mode's figures, without either aggregator seeing a home's value.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsDocumentSchema, type ResultsDocument } from '../../src/broker/contract.ts';
import { runAsCouncil } from '../../src/demo/demo-private-aggregation.ts';
import { startDemoProcess, type DemoProcess } from '../helpers/demo-process.ts';
import { launchChromium, saveScreenshot, seriousViolations } from './browser.ts';
import { demoWorld, type DemoWorld } from './demo-world.ts';

/** As in pages.e2e: the first ward has enough consenting homes to release, the second too few. */
const HOMES = 24;
const SETUP_MS = 8 * 60_000;
const RELEASED_AREA = 'E05018412';
const SUPPRESSED_AREA = 'E05018419';
const METRIC = 'damp.rh70.hours';

describe('private aggregation on the council page', () => {
  let dataDir: string;
  let demo: DemoProcess;
  let world: DemoWorld;
  let prio3RequestId: string;
  let browser: Browser;
  let councilPage: Page;

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, ['scripts/build-web.js']);
    dataDir = await mkdtemp(join(tmpdir(), 'homedata-e2e-prio3-'));
    demo = await startDemoProcess(dataDir, { homes: HOMES, timeoutMs: SETUP_MS, privateAggregation: true });
    world = await demoWorld(demo, dataDir);
    const prio3 = demo.manifest.privateAggregation;
    if (!prio3) throw new Error(`the demo named no helper or prio3 request:\n${demo.output()}`);
    prio3RequestId = prio3.requestId;
    browser = await launchChromium();
    councilPage = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  }, 2 * SETUP_MS);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** The latest results of a request, as the council's API gives them. */
  const results = async (requestId: string): Promise<ResultsDocument> => {
    const response = await fetch(new URL(`api/requests/${requestId}/results`, world.brokerUrl), {
      headers: { authorization: `Bearer ${world.council.apiKey}` },
    });
    expect(response.status).toBe(200);
    return resultsDocumentSchema.parse(await response.json());
  };

  const cellOf = (document: ResultsDocument, area: string) =>
    document.cells.find((cell) => cell.area === area && cell.metric === METRIC);

  it('the council runs the prio3 request on its page and gets the plain run’s cells', async () => {
    await councilPage.goto(`${world.brokerUrl}council/`);
    await councilPage.getByLabel('Council API key').fill(world.council.apiKey);
    await councilPage.keyboard.press('Enter');
    const card = councilPage.locator(`article[data-request-id="${prio3RequestId}"]`);
    await card.waitFor();
    expect(await card.locator('.aggregation').textContent()).toContain('Private aggregation (Prio3)');
    const plainCard = councilPage.locator(`article[data-request-id="${world.requestId}"]`);
    expect(await plainCard.locator('.aggregation').textContent()).toContain('daily summaries');

    await card.getByRole('button', { name: 'Runs and results' }).click();
    const detail = councilPage.locator('#request-detail');
    expect(await detail.textContent()).toContain('No one sees a home’s value');
    await detail.getByRole('button', { name: 'Run now' }).click();
    await detail
      .locator('.run-status p[role=status]:has-text("Run finished"), .run-refused, .run-failed')
      .first()
      .waitFor({ timeout: 180_000 });
    expect(await detail.locator('.run-refused, .run-failed').count()).toBe(0);

    const table = councilPage.locator(`table#results-${METRIC.replaceAll('.', '-')}`);
    await table.waitFor();
    const row = (area: string) => table.locator('tr', { has: councilPage.locator('th', { hasText: area }) });
    expect(await row(RELEASED_AREA).textContent()).toMatch(/\d+ homes.*h/);
    expect(await row(SUPPRESSED_AREA).textContent()).toContain('Suppressed');
    expect(await seriousViolations(councilPage)).toEqual([]);
    await saveScreenshot(councilPage, 'council-page-prio3');

    // The plain request asks the same of the same homes: a plain run releases the same cells (DP off in both).
    await runAsCouncil({ url: world.brokerUrl }, world.requestId, world.council.apiKey);
    const [prio3Results, plainResults] = await Promise.all([
      results(prio3RequestId),
      results(world.requestId),
    ]);
    const prio3Cell = cellOf(prio3Results, RELEASED_AREA);
    const plainCell = cellOf(plainResults, RELEASED_AREA);
    expect(prio3Cell?.homes).toBeGreaterThanOrEqual(10);
    expect(prio3Cell?.homes).toBe(plainCell?.homes);
    // Prio3 sums fixed-point values (tenths of an hour): the mean agrees to that precision.
    expect(Math.abs(prio3Cell!.mean! - plainCell!.mean!)).toBeLessThanOrEqual(0.1);
    expect(cellOf(prio3Results, SUPPRESSED_AREA)?.homes).toBeNull();
    expect(cellOf(plainResults, SUPPRESSED_AREA)?.homes).toBeNull();
  });
});
