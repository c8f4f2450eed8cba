// Every lab of the bundled course in headless Chromium, en and es, at 1280×800 and 360×740:
//   - the lab's height and where its first answer block starts (budgets: ≤ 1,200 px tall at
//     1280 px, ≤ 1,800 px at 360 px, first answer ≤ 700 px below the lab's top);
//   - static output: no request to /_aula/*, no console error, the example picker switches to
//     another recorded answer with zero requests, inputs are read-only with a note;
//   - against `aula serve`: switching the example POSTs the example's input and the answer changes;
//   - the example picker: the arrow keys reach every example button, each fully in view (not cut
//     by the scrolling row) when focused;
//   - charts, for every example: no text out of its figure or over the caption, no two direct
//     labels overlapping, no line chart falling back to a legend (at 360 px too);
//   - axe-core: 0 serious or critical violations at both sizes;
//   - screenshots of every lab, light and dark, under target/browser-screenshots/lab-*.png, and
//     of the first lab of each page under `aula serve` (lab-live-*.png, the form beside the answer).
// Usage: node labs.mjs <aula serve URL, or ""> <site dir>. Writes target/lab-metrics.json too.
// With LAB_MEASURE_ONLY=1 it only measures (for a before/after table on an older build).
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assert, check, exitCode, fail, launch, pageTypes, screenshot, serveStatic } from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core');
const [serveUrl, site = 'target/browser-site'] = process.argv.slice(2);
const MEASURE_ONLY = process.env.LAB_MEASURE_ONLY === '1';
const VIEWPORTS = [
  { name: 'wide', width: 1280, height: 800, budget: 1200 },
  { name: 'phone', width: 360, height: 740, budget: 1800 },
];
const FIRST_ANSWER_BUDGET = 700;
const TIMEOUT = 15000;

const pages = pageTypes(site).filter((p) => p.type === 'article with a lab' && !p.missing && (!process.env.LAB_ONLY || p.path.includes(process.env.LAB_ONLY)));
const server = await serveStatic(site);
const browser = await launch();
const metrics = [];
try {
  if (pages.length === 0) fail('labs', `no article with a lab in ${site}`);
  for (const vp of VIEWPORTS) await staticPass(vp);
  if (!MEASURE_ONLY) {
    await screenshots();
    if (serveUrl) await livePass(serveUrl.replace(/\/$/, ''));
  }
} finally {
  await browser.close();
  await server.close();
}
const out = path.resolve('target/lab-metrics.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(metrics, null, 2));
console.log(`\nlab heights (px), first answer offset (px) → ${out}`);
console.log('viewport  lang  lab                      height  first-answer  page');
for (const m of metrics) {
  console.log(`${m.viewport.padEnd(9)} ${m.lang.padEnd(5)} ${(m.lab + '#' + m.n).padEnd(24)} ${String(m.height).padStart(6)}  ${String(m.firstAnswer).padStart(12)}  ${m.page}`);
}
process.exit(exitCode());

/** A fresh context; `requests` collects every URL the page asks for, `problems` every error. */
async function open(vp, theme = 'light') {
  // axe is injected as an inline script, which the pages' CSP forbids: bypass it (as a11y.mjs does).
  const context = await browser.newContext({ colorScheme: theme, bypassCSP: true, viewport: { width: vp.width, height: vp.height } });
  await context.addInitScript((t) => {
    try { localStorage.setItem('aula-theme', t); } catch { /* opaque origin */ }
  }, theme);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const requests = [];
  const problems = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`JavaScript error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()} (${(m.location() || {}).url || ''})`); });
  context.on('response', (r) => { if (r.status() >= 400) problems.unshift(`HTTP ${r.status()} for ${r.url()}`); });
  return { context, page, requests, problems };
}

/** Height and first-answer offset of every lab on the page, in page order. */
function measure(page) {
  return page.$$eval('section.lab', (labs) => labs.map((lab, n) => {
    const top = lab.getBoundingClientRect().top;
    const first = lab.querySelector('.lab-blocks > *');
    return {
      lab: lab.dataset.lab,
      n,
      height: Math.round(lab.getBoundingClientRect().height),
      firstAnswer: first ? Math.round(first.getBoundingClientRect().top - top) : null,
    };
  }));
}

/** In the charts a lab leads with (run in the page): what a reader could not read. */
function chartProblems(section) {
  const out = [];
  const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  for (const fig of section.querySelectorAll('.lab-blocks figure.lab-chart')) {
    const title = fig.querySelector('figcaption').textContent;
    const box = fig.getBoundingClientRect();
    const caption = fig.querySelector('figcaption').getBoundingClientRect();
    for (const t of fig.querySelectorAll('svg text')) {
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1) out.push(`"${t.textContent}" runs out of the chart "${title}"`);
      if (hit(r, caption)) out.push(`"${t.textContent}" overlaps the caption "${title}"`);
    }
    const direct = [...fig.querySelectorAll('svg text.chart-direct')];
    direct.forEach((a, k) => direct.slice(k + 1).forEach((b) => {
      if (hit(a.getBoundingClientRect(), b.getBoundingClientRect())) out.push(`"${a.textContent}" overlaps "${b.textContent}" in "${title}"`);
    }));
    if (fig.dataset.kind === 'line' && fig.querySelector('.chart-legend')) out.push(`"${title}" fell back to a legend`);
  }
  return out;
}

async function settle(page) {
  await page.waitForLoadState('networkidle', { timeout: 2500 }).catch(() => {});
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document.querySelectorAll('section.lab'), { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}: ${v.nodes[0].target.join(' ')})`);
  });
}

async function staticPass(vp) {
  for (const p of pages) {
    const { context, page, requests, problems } = await open(vp);
    try {
      const loaded = await check(`labs static ${vp.width}px ${p.path}: loads with no request to /_aula/ and no console error`, async () => {
        await page.goto(server.url + p.path, { waitUntil: 'load' });
        await settle(page);
        const aula = requests.filter((u) => new URL(u).pathname.startsWith('/_aula/'));
        if (MEASURE_ONLY) return;
        assert(aula.length === 0, `requested ${aula[0]}`);
        assert(problems.length === 0, problems[0]);
      });
      if (!loaded && MEASURE_ONLY === false) continue;
      const found = await measure(page);
      for (const m of found) metrics.push({ viewport: `${vp.width}x${vp.height}`, lang: p.lang, page: p.path, ...m });
      if (MEASURE_ONLY) continue;
      await check(`labs static ${vp.width}px ${p.path}: every lab ≤ ${vp.budget} px tall, first answer ≤ ${FIRST_ANSWER_BUDGET} px below its top`, async () => {
        assert(found.length > 0, 'no section.lab');
        const tall = found.find((m) => m.height > vp.budget);
        assert(!tall, tall && `${tall.lab} #${tall.n} is ${tall.height} px tall`);
        const low = found.find((m) => m.firstAnswer === null || m.firstAnswer > FIRST_ANSWER_BUDGET);
        assert(!low, low && `${low.lab} #${low.n}: first answer block at ${low.firstAnswer} px`);
      });
      await check(`labs static ${vp.width}px ${p.path}: the arrow keys reach every example button, each fully in view when focused`, async () => {
        const labs = page.locator('section.lab');
        const count = await labs.count();
        for (let i = 0; i < count; i++) {
          const lab = labs.nth(i);
          const buttons = lab.locator('.lab-examples button[data-example]');
          const n = await buttons.count();
          if (n === 0) continue;
          await buttons.first().focus();
          for (let k = 0; k < n; k++) {
            if (k) await page.keyboard.press('ArrowRight');
            const seen = await lab.evaluate((section, at) => {
              const b = section.querySelectorAll('.lab-examples button[data-example]')[at];
              const r = b.getBoundingClientRect();
              const v = section.querySelector('.lab-examples-row').getBoundingClientRect();
              return { focused: document.activeElement === b, inside: r.left >= v.left - 1 && r.right <= v.right + 1, name: b.dataset.example };
            }, k);
            assert(seen.focused, `lab #${i}: ArrowRight did not reach example ${k + 1} (${seen.name})`);
            assert(seen.inside, `lab #${i}: example ${seen.name} is cut off by the row while focused`);
          }
        }
      });
      await check(`labs static ${vp.width}px ${p.path}: in every example's charts, text stays in its figure and off the caption, direct labels do not overlap, line charts need no legend`, async () => {
        const labs = page.locator('section.lab');
        const count = await labs.count();
        for (let i = 0; i < count; i++) {
          const lab = labs.nth(i);
          const names = await lab.locator('.lab-examples button[data-example]').evaluateAll((bs) => bs.map((b) => b.dataset.example));
          for (const name of names.length ? names : [null]) {
            if (name) await lab.locator(`.lab-examples button[data-example="${name}"]`).click();
            const bad = await lab.evaluate(chartProblems);
            assert(bad.length === 0, `lab #${i}${name ? ` example ${name}` : ''}: ${bad.slice(0, 3).join('; ')}`);
          }
        }
      });
      await check(`labs static ${vp.width}px ${p.path}: the example picker switches recorded answers with no request; inputs read-only`, async () => {
        const labs = page.locator('section.lab');
        const count = await labs.count();
        for (let i = 0; i < count; i++) {
          const lab = labs.nth(i);
          const note = lab.locator('.lab-static-note');
          assert(await note.isVisible(), `lab #${i}: no visible static note`);
          const editable = await lab.locator('.lab-form input:not([type=hidden]), .lab-form select, .lab-form textarea').evaluateAll(
            (els) => els.filter((e) => !(e.disabled || e.readOnly || e.closest('fieldset[disabled]'))).map((e) => e.name));
          assert(editable.length === 0, `lab #${i}: editable inputs on a static page: ${editable.join(', ')}`);
          const choices = lab.locator('.lab-examples button[data-example]');
          const n = await choices.count();
          assert(n >= 2, `lab #${i} has ${n} example choices`);
          const current = await lab.locator('.lab-examples button[data-example][aria-pressed="true"]').getAttribute('data-example');
          const before = await lab.locator('.lab-answer').textContent();
          const other = lab.locator(`.lab-examples button[data-example]:not([data-example="${current}"])`).first();
          const name = await other.getAttribute('data-example');
          const start = requests.length;
          await other.click();
          await lab.locator(`.lab-examples button[data-example="${name}"][aria-pressed="true"]`).waitFor();
          const after = await lab.locator('.lab-answer').textContent();
          assert(after !== before, `lab #${i}: switching to ${name} did not change the answer`);
          assert(requests.length === start, `lab #${i}: switching asked for ${requests.slice(start).join(', ')}`);
        }
        assert(problems.length === 0, problems[0]);
      });
      await check(`labs static ${vp.width}px ${p.path}: axe 0 serious/critical in the labs`, async () => {
        const bad = await axe(page);
        assert(bad.length === 0, bad.join('; '));
      });
    } finally {
      await context.close();
    }
  }
}

/** One screenshot per lab, per theme and width, with the lab scrolled to the top. */
async function screenshots() {
  for (const vp of VIEWPORTS) {
    for (const theme of ['light', 'dark']) {
      const { context, page } = await open(vp, theme);
      try {
        for (const p of pages) {
          await page.goto(server.url + p.path, { waitUntil: 'load' });
          await settle(page);
          const labs = page.locator('section.lab');
          const count = await labs.count();
          for (let i = 0; i < count; i++) {
            const lab = labs.nth(i);
            const id = await lab.getAttribute('data-lab');
            await shootLab(page, lab, `lab-${id}-${i}-${p.lang}-${theme}-${vp.width}`, vp);
          }
        }
      } finally {
        await context.close();
      }
    }
  }
}

/** A viewport as tall as the lab, scrolled to it: the whole lab in one picture. */
async function shootLab(page, lab, name, vp) {
  const box = await lab.evaluate((e) => { const r = e.getBoundingClientRect(); return { y: r.top + window.scrollY, h: r.height }; });
  await page.setViewportSize({ width: vp.width, height: Math.ceil(Math.min(box.h + 20, 2400)) });
  await page.evaluate((y) => { document.documentElement.style.scrollBehavior = 'auto'; window.scrollTo(0, y - 10); }, box.y);
  await screenshot(page, name);
  await page.setViewportSize({ width: vp.width, height: vp.height });
}

async function livePass(base) {
  for (const vp of VIEWPORTS) {
    for (const p of pages) {
      const { context, page, problems } = await open(vp);
      try {
        await check(`labs serve ${vp.width}px ${p.path}: switching the example POSTs its input and changes the answer`, async () => {
          await page.goto(base + p.path, { waitUntil: 'load' });
          const lab = page.locator('section.lab').first();
          await page.waitForFunction(() => document.querySelector('section.lab')?.dataset.runner);
          assert(await lab.getAttribute('data-runner') === 'live', `runner is ${await lab.getAttribute('data-runner')}`);
          const current = await lab.locator('.lab-examples button[data-example][aria-pressed="true"]').getAttribute('data-example');
          const before = await lab.locator('.lab-answer').textContent();
          const other = lab.locator(`.lab-examples button[data-example]:not([data-example="${current}"])`).first();
          const name = await other.getAttribute('data-example');
          const [response] = await Promise.all([
            page.waitForResponse((r) => r.url().includes('/_aula/labs/') && r.request().method() === 'POST', { timeout: 30000 }),
            other.click(),
          ]);
          assert(response.status() === 200, `POST answered ${response.status()}`);
          await page.waitForFunction((el) => el.dataset.state === 'live', await lab.elementHandle());
          const after = await lab.locator('.lab-answer').textContent();
          assert(after !== before, `switching to ${name} did not change the answer`);
          const stale = await lab.locator('.lab-answer.is-stale').count();
          assert(stale === 0, 'the answer is marked stale after a successful run');
          assert(problems.length === 0, problems[0]);
          // The live lab with its form open (beside the answer on a wide screen).
          await shootLab(page, lab, `lab-live-${await lab.getAttribute('data-lab')}-${p.lang}-light-${vp.width}`, vp);
        });
      } finally {
        await context.close();
      }
    }
  }
}
