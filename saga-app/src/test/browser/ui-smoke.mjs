// Browser smoke test of the status UI against a running sagaflow (started by UiBrowserIT).
// Drives Debian's Chromium through playwright-core; prints "UI-SMOKE ..." lines the IT asserts on,
// and exits 0 only when every check of the requested steps passed.
//
//   node ui-smoke.mjs --base-url http://127.0.0.1:PORT --screenshots DIR
//     --steps detail[,list][,operator]
//     --completed-key K --completed-body JSON --compensated-key K --compensated-body JSON
//     --stuck-key K --stuck-body JSON --stuck-step STEP
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
// No traffic beyond the app under test: no update checks, sync, field trials or first-run pings.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const TERMINAL = ['COMPLETED', 'COMPENSATED', 'FAILED', 'STUCK'];

const { values: opts } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    screenshots: { type: 'string' },
    steps: { type: 'string', default: 'detail' },
    'completed-key': { type: 'string' },
    'completed-body': { type: 'string' },
    'compensated-key': { type: 'string' },
    'compensated-body': { type: 'string' },
    'stuck-key': { type: 'string' },
    'stuck-body': { type: 'string' },
    'stuck-step': { type: 'string' },
    'timeout-ms': { type: 'string', default: '60000' },
  },
});
for (const required of ['base-url', 'screenshots', 'completed-key', 'completed-body',
  'compensated-key', 'compensated-body', 'stuck-key', 'stuck-body', 'stuck-step']) {
  if (!opts[required]) fail(`missing --${required}`);
}
const BASE = new URL(opts['base-url']);
const TIMEOUT = Number(opts['timeout-ms']);
const SHOTS = opts.screenshots;
const ORDERS = {
  COMPLETED: { key: opts['completed-key'], body: opts['completed-body'] },
  COMPENSATED: { key: opts['compensated-key'], body: opts['compensated-body'] },
  STUCK: { key: opts['stuck-key'], body: opts['stuck-body'] },
};
const STEPS = { detail: detailStep, list: listStep, operator: operatorStep };
const requested = opts.steps.split(',');
for (const step of requested) {
  if (!STEPS[step]) fail(`unknown step '${step}'; known: ${Object.keys(STEPS).join(', ')}`);
}

function log(...parts) {
  console.log('UI-SMOKE', ...parts);
}

function fail(message) {
  console.error('UI-SMOKE FAILED', message);
  process.exit(1);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

mkdirSync(SHOTS, { recursive: true });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: CHROMIUM_ARGS,
  timeout: TIMEOUT,
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
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
  // A 404 while a saga is not in the store yet is logged by Chromium; shown, not fatal.
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
  console.error(`UI-SMOKE FAILED in step ${current}: ${e.message}\n--- page text ---\n${shown}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}

// ---- steps -------------------------------------------------------------------------------

/** Starts both orders over the API and follows each one in the detail view to its end. */
async function detailStep() {
  const completed = await start(ORDERS.COMPLETED);
  // The first is opened through the shareable ?saga= alias, the second by its fragment.
  await page.goto(new URL(`/ui?saga=${encodeURIComponent(completed)}`, BASE).href);
  await expectStatus(completed, 'COMPLETED');
  const completedCompensations = await page.locator('#timeline [data-kind="compensation"]').count();
  check(completedCompensations === 0,
    `a COMPLETED saga shows ${completedCompensations} compensation entries`);
  await expectFreshAndMasked(ORDERS.COMPLETED.body);
  await page.screenshot({ path: path.join(SHOTS, 'detail-completed.png'), fullPage: true });
  log('detail', completed, 'COMPLETED', `compensation-entries=${completedCompensations}`);

  const compensated = await start(ORDERS.COMPENSATED);
  await page.goto(new URL(`/ui#/sagas/${encodeURIComponent(compensated)}`, BASE).href);
  await expectStatus(compensated, 'COMPENSATED');
  const steps = page.locator('#timeline [data-kind="compensation"]');
  await steps.first().waitFor({ state: 'visible' });
  const names = await steps.evaluateAll((items) => items.map((li) => li.dataset.step));
  for (const item of await steps.all()) {
    check((await item.locator('.kind-label').innerText()).trim().toLowerCase() === 'compensation',
      'a compensation step lacks its text label');
  }
  const history = await page.locator('#history [data-kind="compensation"]').count();
  check(history > 0, 'the history shows no transition into compensation');
  await expectFreshAndMasked(ORDERS.COMPENSATED.body);
  await page.screenshot({ path: path.join(SHOTS, 'detail-compensated.png'), fullPage: true });
  log('detail', compensated, 'COMPENSATED', `compensation-entries=${names.length}`,
    `compensated-steps=${names.join('+')}`, `compensation-history=${history}`);
}

/** The list view: both sagas listed with their outcome, the status filter, the link to detail. */
async function listStep() {
  // Starting again with the same keys is a duplicate: the same sagas, whichever step ran first.
  const completed = await start(ORDERS.COMPLETED);
  const compensated = await start(ORDERS.COMPENSATED);
  await page.goto(new URL('/ui#/sagas', BASE).href);
  await expectRow(completed, 'COMPLETED');
  await expectRow(compensated, 'COMPENSATED');
  await page.screenshot({ path: path.join(SHOTS, 'list.png'), fullPage: true });

  await page.getByLabel('Status', { exact: true }).selectOption('COMPENSATED');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expectRow(compensated, 'COMPENSATED');
  await page.waitForFunction(
    () => [...document.querySelectorAll('#saga-rows tr')].every(
      (tr) => tr.querySelector('.badge')?.textContent === 'COMPENSATED'),
    null, { timeout: TIMEOUT, polling: 250 });
  check(await page.locator(`#saga-rows tr[data-saga-id="${completed}"]`).count() === 0,
    'the COMPENSATED filter still lists the COMPLETED saga');
  await page.screenshot({ path: path.join(SHOTS, 'list-compensated.png'), fullPage: true });

  await page.locator(`#saga-rows tr[data-saga-id="${compensated}"] a`).click();
  await expectStatus(compensated, 'COMPENSATED');
  log('list', `listed=${completed}+${compensated}`, 'filter=COMPENSATED', 'row-link=detail');
}

/**
 * The operator form against the real engine: hidden for a COMPLETED saga, shown once a saga is
 * STUCK, and a RETRY_STEP sent from it resumes the saga, which the page then shows ending.
 */
async function operatorStep() {
  const completed = await start(ORDERS.COMPLETED);
  await page.goto(new URL(`/ui#/sagas/${encodeURIComponent(completed)}`, BASE).href);
  await expectStatus(completed, 'COMPLETED');
  const form = page.locator('#operator-form');
  check(await form.isHidden(), 'the operator form is shown for a COMPLETED saga');
  log('operator', completed, 'COMPLETED', 'operator-form=hidden');

  const stuck = await start(ORDERS.STUCK);
  const step = opts['stuck-step'];
  await page.goto(new URL(`/ui#/sagas/${encodeURIComponent(stuck)}`, BASE).href);
  // The pivot's three unanswered attempts take about 30 s of step timeouts before STUCK.
  await expectStatus(stuck, 'STUCK');
  await form.waitFor({ state: 'visible' });
  const stepSelect = form.getByLabel('Step', { exact: true });
  // The form offers the step that parked the saga without the operator having to find it.
  const preselected = await stepSelect.inputValue();
  check(preselected === step, `the operator form preselects '${preselected}', expected '${step}'`);
  const stepStatus = await page.locator(`#timeline [data-step="${step}"]`).getAttribute('data-status');
  check(stepStatus === 'FAILED', `step ${step} shows ${stepStatus}, expected FAILED`);
  await page.screenshot({ path: path.join(SHOTS, 'stuck.png'), fullPage: true });
  log('operator', stuck, 'STUCK', 'operator-form=visible', `step=${preselected}`,
    `step-status=${stepStatus}`);

  const operator = 'Ada Smoke';
  const reason = `ui-smoke: ${step} answered on retry`;
  await form.getByLabel('Action', { exact: true }).selectOption('RETRY_STEP');
  await stepSelect.selectOption(step);
  await form.getByLabel('Operator', { exact: true }).fill(operator);
  await form.getByLabel('Reason', { exact: true }).fill(reason);
  await form.getByRole('button', { name: 'Send operator action' }).click();
  const result = page.locator('#op-result');
  await page.waitForFunction(() => document.getElementById('op-result').dataset.state,
    null, { timeout: TIMEOUT, polling: 100 });
  check(await result.getAttribute('data-state') === 'ok',
    `the operator action was not accepted: ${await result.innerText()}`);

  // STUCK is no longer an end worth waiting for: only the saga's outcome after the action counts.
  const shown = await waitForStatus(stuck, TERMINAL.filter((s) => s !== 'STUCK'));
  check(shown === 'COMPLETED', `saga ${stuck} shows ${shown} after RETRY_STEP, expected COMPLETED`);
  check(await form.isHidden(), 'the operator form is still shown after the saga left STUCK');
  const resumed = page.locator('#history li[data-to="RUNNING"]',
    { hasText: `operator RETRY_STEP: by ${operator}: ${reason}` });
  await resumed.waitFor({ state: 'visible' });
  check(await resumed.locator('.badge').first().innerText() === 'STUCK',
    'the operator transition into RUNNING does not come from STUCK');
  await page.screenshot({ path: path.join(SHOTS, 'after-operator.png'), fullPage: true });
  log('operator', stuck, 'RETRY_STEP', step, 'accepted', '->', shown, 'operator-form=hidden',
    'history=STUCK>RUNNING');
}

// ---- helpers -----------------------------------------------------------------------------

async function start(order) {
  const response = await page.request.post(new URL('/sagas/order-fulfilment', BASE).href, {
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': order.key },
    data: order.body,
  });
  const text = await response.text();
  check(response.status() === 202, `start answered ${response.status()}: ${text}`);
  const { sagaId } = JSON.parse(text);
  log('started', sagaId, `key=${order.key}`);
  return sagaId;
}

/** Waits until the detail view shows an end status, then requires it to be {@code expected}. */
async function expectStatus(sagaId, expected) {
  const shown = await waitForStatus(sagaId, TERMINAL);
  check(shown === expected, `saga ${sagaId} shows ${shown}, expected ${expected}`);
}

/** Waits until the detail view of {@code sagaId} shows one of {@code ends}, and returns it. */
async function waitForStatus(sagaId, ends) {
  // Only a rendered answer for this saga counts: the page may still hold the previous one.
  const handle = await page.waitForFunction(
    ({ id, ends }) => {
      const body = document.getElementById('detail-body');
      if (!body || body.hidden || body.dataset.sagaId !== id) return false;
      const shown = document.getElementById('saga-status').textContent;
      return ends.includes(shown) ? shown : false;
    },
    { id: sagaId, ends }, { timeout: TIMEOUT, polling: 250 });
  return handle.jsonValue();
}

/** The "updated at" indicator is live, and personal data from the order is not on screen. */
async function expectFreshAndMasked(orderBody) {
  const refresh = page.locator('#refresh[data-state="ok"]');
  await refresh.waitFor({ state: 'visible' });
  check((await refresh.innerText()).startsWith('Updated at'), 'no "Updated at" indicator');
  const email = JSON.parse(orderBody).customerEmail;
  const text = await page.locator('main').innerText();
  check(!text.includes(email), `the page shows the customer's e-mail ${email}`);
  check((await page.locator('#saga-data').innerText()).includes('"***"'),
    'the data shows no masked field');
}

async function expectRow(sagaId, status) {
  await page.locator(`#saga-rows tr[data-saga-id="${sagaId}"] .badge`, { hasText: status })
    .waitFor({ state: 'visible' });
}
