// The frame in headless Chromium: layout stability, header size, the home page's first screen,
// console errors and missing files, on home, section, article and tag pages, in every language,
// at 1280×800 and 360×740, in the light and the dark theme.
//
// Usage: node frame.mjs <site dir> [--measure]
//   default     asserts (one ok/FAIL line per page and viewport): CLS < 0.1 (the largest of three
//               loads), header ≤ 80 px at 1280 and ≤ 120 px at 360, on home pages the start action
//               and the first step of the learning path above the fold at 1280×800, the home
//               page's lab card filled from its article ("Example: <name>" and the verdict, in
//               its box with at most 32 px left empty and nothing cut; screenshot
//               frame-home-lab-*), no console errors, no failed requests (404s).
//   --measure   prints the figures as a table instead and asserts nothing (for before/after notes).
//
// Layout shift is what a PerformanceObserver of type "layout-shift" reports (buffered, so shifts
// before the observer ran count too), summed over the load without input, read once the page has
// loaded and every deferred script has run and two frames have been painted.
import { assert, check, exitCode, launch, pageTypes, screenshot, serveStatic } from './lib.mjs';

const args = process.argv.slice(2);
const measure = args.includes('--measure');
const site = args.find((a) => !a.startsWith('--')) || 'target/browser-site';
const VIEWPORTS = [
  { name: '1280', width: 1280, height: 800, header: 80 },
  { name: '360', width: 360, height: 740, header: 120 },
];
const THEMES = ['light', 'dark'];
// The lab runner probe (static/lab code): answered 404 by design on a static host.
const RUNNER_PROBE = '/_aula/labs';
const WANTED = new Set(['home', 'section', 'article with a lab', 'tags index', 'tag page', 'not found']);

const server = await serveStatic(site);
const browser = await launch();
const rows = [];
try {
  // One page of each wanted type and language (the first article with a lab is enough here).
  const seen = new Set();
  const pages = pageTypes(site).filter((p) => {
    if (p.missing || !WANTED.has(p.type) || seen.has(`${p.type}/${p.lang}`)) return false;
    seen.add(`${p.type}/${p.lang}`);
    return true;
  });
  for (const theme of THEMES) {
    for (const vp of VIEWPORTS) {
      const context = await browser.newContext({ colorScheme: theme, viewport: { width: vp.width, height: vp.height } });
      await context.addInitScript((t) => {
        try { localStorage.setItem('aula-theme', t); } catch { /* opaque origin */ }
        window.__cls = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
        }).observe({ type: 'layout-shift', buffered: true });
      }, theme);
      const page = await context.newPage();
      for (const p of pages) {
        const what = `frame ${p.type} (${p.lang}, ${vp.name} px, ${theme}) ${p.path}`;
        const problems = [];
        let notFound = null;
        const onConsole = (m) => {
          const at = m.location() && m.location().url ? new URL(m.location().url).pathname : '';
          // Chromium logs the missing page's own 404 (by design there) as a console error.
          const own404 = p.type === 'not found' && at === p.path;
          if (m.type() === 'error' && at !== RUNNER_PROBE && !own404) problems.push(`console: ${m.text()}`);
        };
        const onError = (e) => problems.push(`JavaScript error: ${e.message}`);
        const onResponse = (r) => {
          const where = new URL(r.url()).pathname;
          // A lab asks /_aula/labs whether a runner answers; a static host's 404 is its "no".
          // The missing page itself is answered 404 by design (its language's 404.html).
          const missing = p.type === 'not found' && where === p.path;
          if (r.status() >= 400 && where !== RUNNER_PROBE && !missing) problems.push(`HTTP ${r.status()} ${where}`);
          if (missing) notFound = { status: r.status() };
        };
        // A reload cancels what is still loading (the favicon, the runner probe): not a failure.
        const onFailed = (r) => {
          const why = r.failure() ? r.failure().errorText : '';
          if (!/ERR_ABORTED/.test(why)) problems.push(`request failed (${why}): ${new URL(r.url()).pathname}`);
        };
        page.on('console', onConsole);
        page.on('pageerror', onError);
        page.on('response', onResponse);
        page.on('requestfailed', onFailed);
        try {
          const figures = await measurePage(page, server.url + p.path);
          if (p.type === 'home') {
            // The lab card, filled from its article: the example's line and the verdict, in the
            // box the stylesheet sized for them (no empty band, nothing cut).
            await page.waitForFunction(() => document.querySelector('.lab-glimpse-answer .glimpse-verdict'), null, { timeout: 10000 }).catch(() => {});
            figures.glimpse = await page.evaluate(() => {
              const box = document.querySelector('.lab-glimpse-answer');
              if (!box) return null;
              const last = box.lastElementChild;
              const used = last ? last.getBoundingClientRect().bottom - box.getBoundingClientRect().top : 0;
              return {
                example: box.querySelector('.glimpse-example')?.textContent ?? '',
                verdict: box.querySelector('.glimpse-verdict')?.textContent ?? '',
                empty: Math.round(box.clientHeight - used),
                cut: box.scrollHeight > box.clientHeight + 1,
              };
            });
            await screenshot(page, `frame-home-lab-${p.lang}-${vp.name}-${theme}`, page.locator('.lab-glimpse'));
            // A returning reader: the first step read, so the action says Continue, the first
            // step has its badge and the path its summary. Still nothing may move.
            await page.evaluate(() => {
              const key = document.querySelector('.path-step')?.dataset.progressKey;
              localStorage.setItem('aula-progress', JSON.stringify({ read: { [key]: true }, labs: {} }));
            });
            const again = await measurePage(page, server.url + p.path);
            figures.continueLabel = await page.evaluate(() => document.querySelector('.start-action')?.textContent ?? null);
            figures.cls = Math.max(figures.cls, again.cls);
            await screenshot(page, `frame-home-returning-${p.lang}-${vp.name}-${theme}`);
            await page.evaluate(() => localStorage.removeItem('aula-progress'));
          }
          rows.push({ type: p.type, lang: p.lang, viewport: vp.name, theme, ...figures });
          if (p.type === 'home' || p.type === 'article with a lab' || p.type === 'not found') {
            await screenshot(page, `frame-${p.type === 'not found' ? 'not-found' : p.type.split(' ')[0]}-${p.lang}-${vp.name}-${theme}`);
          }
          if (p.type === 'not found') {
            figures.lang = await page.evaluate(() => document.documentElement.lang);
            figures.home = await page.evaluate(() => document.querySelector('main a.start-action')?.getAttribute('href') ?? null);
            // "Search the course" opens the search (on phones through the header's button) with
            // the missing address's words, and the search answers.
            await page.click('[data-open-search]');
            await page.waitForFunction(() => document.querySelector('.search-status')?.textContent.trim(), null, { timeout: 10000 }).catch(() => {});
            figures.search = await page.evaluate(() => ({
              focused: document.activeElement?.id ?? null,
              query: document.getElementById('search-input')?.value ?? null,
              status: document.querySelector('.search-status')?.textContent.trim() ?? '',
            }));
          }
          if (!measure) {
            await check(what, async () => {
              assert(figures.cls < 0.1, `cumulative layout shift ${figures.cls.toFixed(3)} (the largest of three loads) is not below 0.1`);
              assert(figures.header <= vp.header, `the header is ${figures.header} px tall (at most ${vp.header})`);
              if (p.type === 'home' && vp.name === '1280') {
                assert(figures.start !== null, 'no start/continue action (.start-action) on the home page');
                assert(figures.start <= vp.height, `the start action ends at ${figures.start} px, below the fold (${vp.height})`);
                assert(figures.firstStep !== null && figures.firstStep <= vp.height, `the first step of the learning path ends at ${figures.firstStep} px, below the fold`);
                assert(figures.continueLabel && figures.continueLabel.includes(':'), `with the first step read the action says "${figures.continueLabel}", not Continue: <next step>`);
              }
              if (p.type === 'home') {
                const g = figures.glimpse;
                assert(g !== null, 'the home page has no lab card (.lab-glimpse-answer)');
                assert(/^\S+: \S/.test(g.example), `the lab card's example line is "${g.example}", not "Example: <name>"`);
                assert(g.verdict.trim() !== '', 'the lab card shows no verdict');
                assert(!g.cut, 'the lab card cuts its answer (its box is too small)');
                assert(g.empty <= 32, `the lab card leaves ${g.empty} px empty under its answer`);
              }
              if (p.type === 'not found') {
                // `/es/<missing>/` → 404, in Spanish, with the way back to the Spanish home.
                assert(notFound && notFound.status === 404, `the missing page answered ${notFound && notFound.status}, not 404`);
                assert(figures.lang === p.lang, `the 404 page says lang="${figures.lang}", not "${p.lang}"`);
                assert(figures.home === `/${p.lang}/`, `the 404 page's way home is ${figures.home}`);
                assert(figures.search.focused === 'search-input', `"Search the course" left the focus on ${figures.search.focused}`);
                assert(figures.search.query === 'no such page', `"Search the course" searched "${figures.search.query}", not the address's words`);
                assert(figures.search.status !== '', 'the search gave no answer (status) after "Search the course"');
              }
              assert(problems.length === 0, problems[0]);
            });
          }
        } finally {
          page.off('console', onConsole);
          page.off('pageerror', onError);
          page.off('response', onResponse);
          page.off('requestfailed', onFailed);
        }
      }
      await context.close();
    }
  }

  if (measure) printTable();
} finally {
  await browser.close();
  await server.close();
}
process.exit(exitCode());

/** Loads `url` three times (load, reload, reload); CLS is the largest, the rest from the last. */
async function measurePage(page, url) {
  let cls = 0;
  let figures = null;
  for (let n = 0; n < 3; n++) {
    if (n === 0) await page.goto(url, { waitUntil: 'load' });
    else await page.reload({ waitUntil: 'load' });
    // Deferred scripts have run at `load`; two frames later everything they changed is painted.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    figures = await page.evaluate(() => {
      const bottom = (sel) => {
        const el = document.querySelector(sel);
        if (!el) return null;
        const box = el.getBoundingClientRect();
        return box.height > 0 ? Math.round(box.bottom + window.scrollY) : null;
      };
      const top = (sel) => {
        const el = document.querySelector(sel);
        return el ? Math.round(el.getBoundingClientRect().top + window.scrollY) : null;
      };
      const nav = document.querySelector('.site-nav a');
      const navLinks = [...document.querySelectorAll('.site-nav a')].filter((a) => a.getClientRects().length > 0);
      const lines = new Set(navLinks.map((a) => Math.round(a.getBoundingClientRect().top)));
      return {
        cls: window.__cls,
        header: Math.round(document.querySelector('.site-header').getBoundingClientRect().height),
        navLines: nav ? lines.size : 0,
        h1: top('main h1'),
        start: bottom('.start-action'),
        firstStep: bottom('.path-step'),
        pathTop: top('.learning-path, .path'),
      };
    });
    cls = Math.max(cls, figures.cls);
  }
  return { ...figures, cls: Math.round(cls * 1000) / 1000 };
}

function printTable() {
  const cols = ['type', 'lang', 'viewport', 'theme', 'cls', 'header', 'navLines', 'h1', 'start', 'firstStep', 'pathTop'];
  console.log(cols.join('\t'));
  for (const r of rows) console.log(cols.map((c) => (r[c] === null || r[c] === undefined ? '-' : r[c])).join('\t'));
  const max = (f) => Math.max(...rows.filter(f).map((r) => r.cls));
  console.log(`\nCLS max: 1280 ${max((r) => r.viewport === '1280')}, 360 ${max((r) => r.viewport === '360')}`);
  console.log(`header max: 1280 ${Math.max(...rows.filter((r) => r.viewport === '1280').map((r) => r.header))}, 360 ${Math.max(...rows.filter((r) => r.viewport === '360').map((r) => r.header))}`);
}
