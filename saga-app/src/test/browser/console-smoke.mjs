// Browser test of the operations console against a running sagaflow (started by ConsoleBrowserIT).
// Drives Debian's Chromium through playwright-core; prints "CONSOLE ..." lines the IT asserts on,
// and exits 0 only when every check of the requested steps passed.
//
//   node console-smoke.mjs --base-url http://127.0.0.1:PORT --screenshots DIR
//     --steps overview,diagram | redrive,bulk  --poison SAGA_ID --type order-fulfilment
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const STATUSES = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED', 'STUCK'];

const { values: opts } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    screenshots: { type: 'string' },
    steps: { type: 'string' },
    poison: { type: 'string', default: '' },
    type: { type: 'string', default: 'order-fulfilment' },
    pivot: { type: 'string', default: 'capture-payment' },
    width: { type: 'string', default: '1280' },
    'timeout-ms': { type: 'string', default: '60000' },
  },
});
for (const required of ['base-url', 'screenshots', 'steps']) {
  if (!opts[required]) fail(`missing --${required}`);
}
const BASE = new URL(opts['base-url']);
const TIMEOUT = Number(opts['timeout-ms']);
const SHOTS = opts.screenshots;
const STEPS = { overview: overviewStep, diagram: diagramStep, redrive: redriveStep, bulk: bulkStep, phone: phoneStep };
const requested = opts.steps.split(',');
for (const step of requested) {
  if (!STEPS[step]) fail(`unknown step '${step}'; known: ${Object.keys(STEPS).join(', ')}`);
}

function log(...parts) {
  console.log('CONSOLE', ...parts);
}

function fail(message) {
  console.error('CONSOLE FAILED', message);
  process.exit(1);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

mkdirSync(SHOTS, { recursive: true });
const browser = await chromium.launch({
  executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: TIMEOUT,
});
const context = await browser.newContext({ viewport: { width: Number(opts.width), height: 900 } });
const external = [];
const pageErrors = [];
await context.route('**/*', (route) => {
  const url = new URL(route.request().url());
  if (url.origin === BASE.origin) return route.continue();
  external.push(url.href);
  return route.abort();
});
const page = await context.newPage();
page.setDefaultTimeout(TIMEOUT);
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => {
  if (m.type() === 'error' || m.type() === 'warning') console.log('browser console:', m.text());
});

let current = 'launch';
try {
  for (const step of requested) {
    current = step;
    await STEPS[step]();
  }
  check(pageErrors.length === 0, `the page threw: ${pageErrors.join(' | ')}`);
  check(external.length === 0, `the page asked for other origins: ${external.join(', ')}`);
  log('OK', requested.join(','));
} catch (e) {
  await page.screenshot({ path: path.join(SHOTS, `failure-${current}.png`), fullPage: true })
    .catch((s) => console.error('no failure screenshot:', s.message));
  const shown = await page.locator('main').innerText().catch(() => '(page text unavailable)');
  console.error(`CONSOLE FAILED in step ${current}: ${e.message}\n--- page text ---\n${shown}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}

// ---- steps -------------------------------------------------------------------------------

/** The landing page: counts per status summed over types, and a plot with points. */
async function overviewStep() {
  await page.goto(new URL('/ui', BASE).href);
  await page.locator('#overview-view').waitFor({ state: 'visible' });
  await page.locator(`#counts-rows tr[data-type="${opts.type}"]`).waitFor({ state: 'visible' });
  await page.waitForFunction(() => Number(document.getElementById('plot-throughput').dataset.points) > 0,
    null, { timeout: TIMEOUT, polling: 250 });
  const totals = await page.evaluate((statuses) => {
    const sums = {};
    for (const s of statuses) {
      sums[s] = [...document.querySelectorAll(`#counts-rows td[data-status="${s}"]`)]
        .reduce((n, td) => n + Number(td.textContent), 0);
    }
    return sums;
  }, STATUSES);
  const points = await page.locator('#plot-throughput circle').count();
  const latencyPoints = await page.locator('#plot-latency circle').count();
  check(points > 0, 'the throughput plot has no points');
  // Live: the indicator moves on without a reload.
  const first = await page.locator('#refresh time').getAttribute('datetime');
  await page.waitForFunction((t) => document.querySelector('#refresh time')?.getAttribute('datetime') !== t,
    first, { timeout: TIMEOUT, polling: 250 });
  await page.screenshot({ path: path.join(SHOTS, 'overview.png'), fullPage: true });
  log('overview', ...STATUSES.map((s) => `${s}=${totals[s]}`), `points=${points}`,
    `latency-points=${latencyPoints}`, 'live=yes');
}

/**
 * The order saga's diagram: compensations beside the steps before the pivot, none after it, the
 * payment declines counted as compensations of the inventory step; the compensation's link lists
 * those sagas through the search route.
 */
async function diagramStep() {
  await page.goto(new URL(`/ui#/types/${opts.type}`, BASE).href);
  const diagram = page.locator('#diagrams .diagram').first();
  await diagram.waitFor({ state: 'visible' });
  await page.waitForFunction(() => document.querySelectorAll('#diagrams .node').length > 0,
    null, { timeout: TIMEOUT, polling: 250 });
  const facts = await page.evaluate((pivot) => {
    const steps = [...document.querySelectorAll('#diagrams .diagram:first-child .node[data-kind="action"]')]
      .map((n) => n.dataset.step);
    const compensated = [...document.querySelectorAll('#diagrams .diagram:first-child .node[data-kind="compensation"]')]
      .map((n) => ({ step: n.dataset.step, count: Number(n.querySelector('[data-count="compensated"]').textContent.split(' ')[0]) }));
    const pivotIndex = steps.indexOf(pivot);
    const pivotNode = document.querySelector(`#diagrams .diagram:first-child .node[data-step="${pivot}"]`);
    const parallel = [...document.querySelectorAll('#diagrams .diagram:first-child .stage.parallel .node[data-kind="action"]')]
      .map((n) => n.dataset.step);
    return { steps, compensated, pivotIndex, pivotKind: pivotNode?.dataset.stepKind, parallel };
  }, opts.pivot);
  check(facts.pivotIndex > 0, `no pivot ${opts.pivot} among ${facts.steps}`);
  check(facts.pivotKind === 'PIVOT', `the pivot is not marked: ${facts.pivotKind}`);
  const before = facts.steps.slice(0, facts.pivotIndex);
  const withCompensation = facts.compensated.map((c) => c.step);
  check(JSON.stringify(withCompensation) === JSON.stringify(before),
    `compensations beside ${withCompensation}, steps before the pivot ${before}`);
  const first = facts.compensated[0];
  check(first.count > 0, `no compensation counted on ${first.step}`);
  check(facts.parallel.length > 1, 'no parallel group drawn');
  await page.screenshot({ path: path.join(SHOTS, 'diagram.png'), fullPage: true });
  await page.locator(`#diagrams .diagram:first-child .node[data-kind="compensation"][data-step="${first.step}"] a.node-title`).click();
  await page.locator('#list-view').waitFor({ state: 'visible' });
  await page.locator('#saga-rows tr').first().waitFor({ state: 'visible' });
  const listed = await page.locator('#saga-rows tr').count();
  const statuses = await page.locator('#saga-rows tr .badge').allInnerTexts();
  check(statuses.every((s) => s === 'COMPENSATED'), `listed ${statuses}`);
  await page.screenshot({ path: path.join(SHOTS, 'diagram-compensated-list.png'), fullPage: true });
  log('diagram', `steps=${facts.steps.join('>')}`, `compensations=${withCompensation.join('+')}`,
    `pivot=${opts.pivot}`, `compensated-${first.step}=${first.count}`, `parallel=${facts.parallel.join('+')}`,
    `listed=${listed}`);
}

/** The poison start: found by the dead-letter search, redriven from its row, its saga completes. */
async function redriveStep() {
  check(opts.poison, 'missing --poison');
  await page.goto(new URL('/ui#/dead-letters', BASE).href);
  await page.locator('#d-reason').selectOption('VALIDATION_FAILED');
  await page.getByRole('button', { name: 'Search' }).click();
  const row = page.locator(`#dlq-rows tr[data-saga-id="${opts.poison}"]`);
  await row.waitFor({ state: 'visible' });
  const letterId = await row.getAttribute('data-letter-id');
  await page.locator('#rd-operator').fill('ada');
  await page.locator('#rd-reason').fill('money-transfer module deployed');
  await page.screenshot({ path: path.join(SHOTS, 'dead-letters.png'), fullPage: true });
  await row.getByRole('button', { name: `Redrive letter ${letterId}` }).click();
  await page.locator('#redrive-result', { hasText: `Letter ${letterId}: REDRIVEN` }).waitFor();
  await row.getByRole('button', { name: `Redrive letter ${letterId}` }).click();
  await page.locator('#redrive-result', { hasText: `Letter ${letterId}: ALREADY_REDRIVEN` }).waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'redriven.png'), fullPage: true });
  await row.locator('a').first().click();
  await page.waitForFunction((id) => {
    const body = document.getElementById('detail-body');
    return body && !body.hidden && body.dataset.sagaId === id
      && document.getElementById('saga-status').textContent === 'COMPLETED';
  }, opts.poison, { timeout: TIMEOUT, polling: 250 });
  await page.screenshot({ path: path.join(SHOTS, 'redriven-saga.png'), fullPage: true });
  log('redrive', opts.poison, `letter=${letterId}`, 'REDRIVEN', 'again=ALREADY_REDRIVEN', '-> COMPLETED');
}

/** Bulk redrive of every VALIDATION_FAILED letter: the dry run first, then the redrive. */
async function bulkStep() {
  await page.goto(new URL('/ui#/dead-letters?reason=VALIDATION_FAILED', BASE).href);
  await page.locator('#dlq-rows tr').first().waitFor({ state: 'visible' });
  const matching = await page.locator('#dlq-rows tr').count();
  check(await page.locator('#bulk-redrive').isDisabled(), 'bulk redrive offered before a dry run');
  await page.locator('#rd-operator').fill('ada');
  await page.locator('#rd-reason').fill('money-transfer module deployed');
  await page.getByRole('button', { name: 'Dry run for all matching' }).click();
  const dry = page.locator('#redrive-result', { hasText: 'Dry run of' });
  await dry.waitFor();
  const dryText = await dry.innerText();
  await page.screenshot({ path: path.join(SHOTS, 'bulk-dry-run.png'), fullPage: true });
  check(await page.locator('#bulk-redrive').isEnabled(), 'bulk redrive not offered after the dry run');
  await page.getByRole('button', { name: 'Redrive all matching' }).click();
  const done = page.locator('#redrive-result', { hasText: 'Redrive of' });
  await done.waitFor();
  const doneText = await done.innerText();
  await page.screenshot({ path: path.join(SHOTS, 'bulk-redriven.png'), fullPage: true });
  const summary = (text) => text.split('\n')[0].replace(/\s+/g, ' ');
  log('bulk', `rows=${matching}`, `dry="${summary(dryText)}"`, `done="${summary(doneText)}"`);
}

/** The overview and dead letters on a phone's width: nothing wider than the screen. */
async function phoneStep() {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [hash, shot] of [['#/', 'phone-overview.png'], [`#/types/${opts.type}`, 'phone-diagram.png'],
    ['#/dead-letters', 'phone-dead-letters.png']]) {
    await page.goto(new URL('/ui' + hash, BASE).href);
    await page.waitForSelector('#refresh[data-state="ok"]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.screenshot({ path: path.join(SHOTS, shot), fullPage: true });
    check(overflow <= 1, `${hash} is ${overflow}px wider than a 390px screen`);
  }
  log('phone', 'fits=390px');
}
