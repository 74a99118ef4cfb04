// The resident and council pages in a real browser against `homedata demo`: login, consent, runs, revocation, a11y.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConsentRecord } from '../../src/pod/formats/consent-record.ts';
import { PodLayout } from '../../src/pod/pod-layout.ts';
import { findAclUrl, readTurtle } from '../../src/pod/resource-read.ts';
import { loginWithClientCredentials, type SolidAgent } from '../../src/pod/solid-session.ts';
import { TERMS } from '../../src/vocab/terms.ts';
import { startDemoProcess, type DemoProcess } from '../helpers/demo-process.ts';
import { launchChromium, logInThroughPodServer, saveScreenshot, seriousViolations } from './browser.ts';
import { demoWorld, type DemoWorld } from './demo-world.ts';

/**
 * 24 homes: the first ward has 12 (all but resident 1 consent in the demo), the second 7 (too few to release);
 * resident 1 answers in the browser.
 */
const HOMES = 24;

/** The demo provisions 49 accounts, January's summaries and 17 consents: minutes on a busy 2-core machine. */
const SETUP_MS = 8 * 60_000;

/** A summary container the fixture request needs, for checking the broker's access from outside. */
const TEMPERATURE_SUMMARIES = '2026-01';

describe('resident and council pages', () => {
  let dataDir: string;
  let demo: DemoProcess;
  let world: DemoWorld;
  let browser: Browser;
  let residentPage: Page;
  let councilPage: Page;
  let resident: SolidAgent;
  let broker: SolidAgent;
  let layout: PodLayout;

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, ['scripts/build-web.js']);
    dataDir = await mkdtemp(join(tmpdir(), 'homedata-e2e-'));
    demo = await startDemoProcess(dataDir, { homes: HOMES, timeoutMs: SETUP_MS });
    world = await demoWorld(demo, dataDir);
    resident = await loginWithClientCredentials(world.browserResident);
    broker = await loginWithClientCredentials(world.identities.broker);
    layout = new PodLayout(world.browserResident.pod);
    browser = await launchChromium();
    residentPage = await (await browser.newContext({ viewport: { width: 375, height: 812 } })).newPage();
    councilPage = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  }, 2 * SETUP_MS);

  afterAll(async () => {
    await browser?.close();
    await resident?.logout();
    await broker?.logout();
    await demo?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** The broker's answer when it reads one of the resident's January temperature summaries. */
  const brokerReadStatus = async () =>
    (await broker.fetch(layout.summaryDocument('temperature', TEMPERATURE_SUMMARIES))).status;

  /** Starts a run on the council page and waits for it to release figures or be refused. */
  const runOnCouncilPage = async () => {
    await councilPage.getByRole('button', { name: 'Run now' }).click();
    await councilPage
      .locator('.run-status p[role=status]:has-text("Run finished"), .run-refused, .run-failed')
      .first()
      .waitFor({ timeout: 180_000 });
  };

  it('a resident logs in through the pod server, reads the request in plain words and grants it', async () => {
    await logInThroughPodServer(
      residentPage,
      `${world.brokerUrl}resident/`,
      world.browserResident.email,
      world.browserResident.password,
    );
    const card = residentPage.locator(`article.request[data-request-id="${world.requestId}"]`);
    await card.waitFor();
    await expect.poll(() => card.textContent()).toContain('Northbridge Borough Council asks for figures');
    const text = (await card.textContent())!;
    expect(text).toContain('Damp: hours with humidity at or above 70 %');
    expect(text).toContain('daily summaries of humidity and temperature');
    expect(text).toContain('E05018412 (your area)');
    expect(text).toContain('at least 10 homes');
    expect(text).toContain('whether you said yes or no');
    expect(await brokerReadStatus()).toBe(403);

    await card.getByRole('button', { name: 'Yes, share these figures' }).click();
    const dialog = residentPage.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain(`homedata/consents/${world.requestId}.ttl`);
    expect(await dialog.textContent()).toContain(
      'homedata/summaries/humidity/, homedata/summaries/temperature/ and homedata/home',
    );
    // Keyboard only: the dialog opens on its title, so the changes are read first; Tab reaches the confirmation.
    await expect.poll(() => residentPage.evaluate(() => document.activeElement?.id)).toBe('confirm-title');
    await residentPage.keyboard.press('Tab');
    expect(await residentPage.evaluate(() => document.activeElement?.textContent)).toBe('Yes, share');
    await residentPage.keyboard.press('Enter');
    await residentPage.getByText('You said yes to').waitFor({ timeout: 60_000 });
    await residentPage.locator(`article.consent.active[data-request-id="${world.requestId}"]`).waitFor();
  });

  it('the pod then holds the consent record and the broker’s Read, checked over HTTP', async () => {
    const document = layout.consentDocument(world.requestId);
    const record = parseConsentRecord((await readTurtle(resident.fetch, document))!.store, document);
    expect(record).toMatchObject({
      status: 'ConsentGiven',
      requestId: world.requestId,
      broker: world.brokerWebId,
    });
    const aclUrl = await findAclUrl(resident.fetch, layout.summaryContainer('temperature'));
    const acl = (await readTurtle(resident.fetch, aclUrl))!.store;
    const brokerModes = acl
      .getSubjects(TERMS.acl.agent, world.brokerWebId, null)
      .flatMap((rule) => acl.getObjects(rule, TERMS.acl.mode, null).map((mode) => mode.value));
    expect(brokerModes).toContain(TERMS.acl.Read.value);
    expect(await brokerReadStatus()).toBe(200);
    expect((await broker.fetch(layout.readingsHour(new Date('2026-01-31T23:00:00Z')))).status).toBe(403);
  });

  it('the council signs in, runs the request, sees released and suppressed cells in table and chart, downloads the CSV', async () => {
    await councilPage.goto(`${world.brokerUrl}council/`);
    await councilPage.getByLabel('Council API key').fill(world.council.apiKey);
    await councilPage.keyboard.press('Enter');
    const card = councilPage.locator(`article[data-request-id="${world.requestId}"]`);
    await card.waitFor();
    expect(await card.locator('.consent-progress').textContent()).toMatch(
      /^About \d*[05] residents have agreed \(rounded to 5\)$/,
    );
    await card.getByRole('button', { name: 'Runs and results' }).click();
    await runOnCouncilPage();

    const table = councilPage.locator('table#results-damp-rh70-hours');
    await table.waitFor();
    const central = table.locator('tr', { has: councilPage.locator('th', { hasText: 'E05018412' }) });
    const riverside = table.locator('tr', { has: councilPage.locator('th', { hasText: 'E05018419' }) });
    expect(await central.textContent()).toMatch(/\d+ homes.*h/);
    expect(await riverside.textContent()).toContain(
      'Suppressed: fewer than 10 homes, or protects a smaller group',
    );
    // Beside each figure, the homes left out for a sensor fault or too few hours (issue 18).
    expect(await table.locator('thead').textContent()).toContain('Homes left out');
    expect(await central.locator('td.left-out').textContent()).toMatch(
      /^(none|.*(sensor fault|too few hours).*)$/,
    );
    const chart = councilPage.locator('.metric-results', { has: table }).locator('figure.results-chart');
    expect(await chart.getAttribute('data-suppressed')).toBe('1');
    expect(await chart.locator('canvas').count()).toBe(1);
    expect(await chart.locator('figcaption').textContent()).toContain(
      'suppressed, fewer than 10 homes: E05018419 2026-01',
    );

    const [download] = await Promise.all([
      councilPage.waitForEvent('download'),
      councilPage.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    // RFC 4180 lines end in CRLF.
    const lines = (await readFile((await download.path())!, 'utf8')).split(/\r?\n/);
    // The median column stays, always empty: no median is released.
    expect(lines[0]).toBe(
      'area,period,metric,homes,mean,median,suppressed,left_out_low_coverage,left_out_sensor_fault',
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^E05018412,2026-01,damp\.rh70\.hours,\d+,[\d.]+,,false,\d*,\d*$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^E05018419,2026-01,damp\.rh70\.hours,,,,true,\d*,\d*$/),
    );
    await saveScreenshot(councilPage, 'council-page');
  });

  it('the resident revokes; the broker is refused at once and the next run no longer counts the home', async () => {
    const consent = residentPage.locator(`article.consent.active[data-request-id="${world.requestId}"]`);
    await consent.getByRole('button', { name: 'Withdraw consent' }).click();
    const dialog = residentPage.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain('is removed now');
    await dialog.getByRole('button', { name: 'Withdraw consent' }).click();
    await residentPage.getByText('You withdrew your consent').waitFor({ timeout: 60_000 });
    await residentPage.locator(`ul.history [data-request-id="${world.requestId}"]`).waitFor();
    expect(await brokerReadStatus()).toBe(403);

    await runOnCouncilPage();
    // Twelve homes were released before; eleven now differ from them by one home: that cell is withheld.
    const table = councilPage.locator('table#results-damp-rh70-hours');
    const central = table.locator('tr', { has: councilPage.locator('th', { hasText: 'E05018412' }) });
    await expect
      .poll(() => central.textContent(), { timeout: 30_000 })
      .toMatch(/Suppressed: with run [0-9a-f]{8} of request [0-9a-f]{8} it would reveal fewer than 10 homes/);
  });

  it('the council files a request through the form; bad fields get the API’s own messages', async () => {
    const title = 'Overheating in bedrooms, summer 2026';
    await councilPage.getByRole('button', { name: 'File request' }).click();
    const summary = councilPage.locator('.error-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('title must not be empty');
    await expect
      .poll(() => councilPage.evaluate(() => document.activeElement?.className))
      .toBe('error-summary');

    await councilPage.getByLabel('Title', { exact: true }).fill(title);
    await councilPage.getByLabel('Description').fill('Which wards need summer cooling advice first.');
    await councilPage.getByLabel('Overheating: night hours above 26 °C in bedrooms').check();
    await councilPage.getByLabel('Areas').fill('E05018412 e05018419');
    await councilPage.getByLabel('Period from').fill('2026-08-31');
    await councilPage.getByLabel('Period to (inclusive)').fill('2026-06-01');
    await councilPage.getByLabel('Ask for consent until').fill('2027-03-31');
    await councilPage.getByRole('button', { name: 'File request' }).click();
    await expect
      .poll(() => summary.textContent())
      .toContain('period ends before it starts (to is before from)');
    expect(await councilPage.getByLabel('Period to (inclusive)').getAttribute('aria-invalid')).toBe('true');

    await councilPage.getByLabel('Period from').fill('2026-06-01');
    await councilPage.getByLabel('Period to (inclusive)').fill('2026-08-31');
    await councilPage.getByRole('button', { name: 'File request' }).click();
    await councilPage.getByText(`Request “${title}” filed`).waitFor();
    const card = councilPage.locator('article', { has: councilPage.getByRole('heading', { name: title }) });
    await expect
      .poll(() => card.locator('.consent-progress').textContent())
      .toBe('Fewer than 10 residents have agreed so far');
  });

  it('"Who read my data" lists the council’s run, newest first', async () => {
    await residentPage.getByRole('button', { name: 'Check again' }).click();
    const entry = residentPage.locator(`li.access-entry[data-request-id="${world.requestId}"]`).first();
    await entry.waitFor({ timeout: 30_000 });
    expect(await entry.textContent()).toContain(
      'Northbridge Borough Council’s request “Damp and cold homes, winter 2026”',
    );
    expect(await entry.textContent()).toContain('daily summaries of temperature');
  });

  it('"My home" charts the resident’s own readings', async () => {
    const chart = residentPage.locator('#my-home figure.home-chart');
    await chart.waitFor({ timeout: 60_000 });
    expect(await chart.locator('canvas').count()).toBe(1);
    expect(await chart.locator('.chart-summary').textContent()).toContain('Living room: from');
    await residentPage.getByLabel('Last 30 days').check();
    await expect
      .poll(() => chart.locator('figcaption').textContent())
      .toBe('Daily average temperature, by room');
  });

  it('both pages fit 375 px, pass axe-core without serious or critical violations, and are saved as screenshots', async () => {
    expect(await residentPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await seriousViolations(residentPage)).toEqual([]);
    await saveScreenshot(residentPage, 'resident-page');
    await councilPage.setViewportSize({ width: 375, height: 812 });
    // Charts redraw at the new width from a ResizeObserver callback: give layout that moment to settle.
    await expect
      .poll(() => councilPage.evaluate(() => document.documentElement.scrollWidth))
      .toBeLessThanOrEqual(375);
    expect(await seriousViolations(councilPage)).toEqual([]);
    await saveScreenshot(councilPage, 'council-page-375');
  });
});
