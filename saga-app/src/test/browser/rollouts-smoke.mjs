// Browser check of the status page's Rollouts section against a running sagaflow (started by
// RolloutIT after its rollout rolled back). Drives Debian's Chromium through playwright-core; prints
// "ROLLOUTS-SMOKE ..." lines and exits 0 only when the page shows the rollout as the API has it.
//
//   node rollouts-smoke.mjs --base-url http://127.0.0.1:PORT --screenshots DIR --type TYPE
//     --phase PHASE --guard GUARD
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

const { values: opts } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    screenshots: { type: 'string' },
    type: { type: 'string' },
    phase: { type: 'string' },
    guard: { type: 'string' },
    'timeout-ms': { type: 'string', default: '60000' },
  },
});
for (const required of ['base-url', 'screenshots', 'type', 'phase', 'guard']) {
  if (!opts[required]) {
    console.error(`ROLLOUTS-SMOKE FAILED missing --${required}`);
    process.exit(1);
  }
}
const BASE = new URL(opts['base-url']);
const TIMEOUT = Number(opts['timeout-ms']);
mkdirSync(opts.screenshots, { recursive: true });

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: TIMEOUT });
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
try {
  await page.goto(new URL('/ui', BASE).href);
  const row = page.locator(`#rollouts-body tr[data-phase="${opts.phase}"]`, { hasText: opts.type });
  await row.waitFor({ state: 'visible' });
  const cells = await row.locator('td').allInnerTexts();
  console.log('ROLLOUTS-SMOKE row', JSON.stringify(cells));
  const [type, phase, versions, , candidate, , guard] = cells;
  if (type !== opts.type || phase !== opts.phase) throw new Error(`row is ${type} ${phase}`);
  if (!/^v\d+ \u2192 v\d+$/.test(versions)) throw new Error(`versions cell is '${versions}'`);
  if (!/\d+ started/.test(candidate)) throw new Error(`candidate cell is '${candidate}'`);
  if (!guard.startsWith(`${opts.guard} failed: `)) throw new Error(`guard cell is '${guard}'`);
  if (!(await page.locator('#rollouts-empty').isHidden())) throw new Error('the "no rollout" note is shown');
  if (pageErrors.length > 0) throw new Error(`the page threw: ${pageErrors.join(' | ')}`);
  if (external.length > 0) throw new Error(`the page asked for other origins: ${external.join(', ')}`);
  await page.locator('#rollouts-view').screenshot({ path: path.join(opts.screenshots, 'rollouts.png') });
  console.log('ROLLOUTS-SMOKE OK');
} catch (e) {
  await page.screenshot({ path: path.join(opts.screenshots, 'failure-rollouts.png'), fullPage: true })
    .catch((s) => console.error('no failure screenshot:', s.message));
  const shown = await page.locator('#rollouts-view').innerText().catch(() => '(section text unavailable)');
  console.error(`ROLLOUTS-SMOKE FAILED: ${e.message}\n--- section text ---\n${shown}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
