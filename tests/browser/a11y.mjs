// axe-core in headless Chromium over the static output: every page type, both languages, both
// themes; 0 serious or critical violations. Usage: node a11y.mjs <site dir>
import { createRequire } from 'node:module';
import { assert, check, exitCode, fail, launch, pageTypes, screenshot, serveStatic } from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core');
const site = process.argv[2] || 'target/browser-site';
const THEMES = ['light', 'dark'];

const server = await serveStatic(site);
const browser = await launch();
try {
  const pages = pageTypes(site);
  for (const p of pages.filter((p) => p.missing)) fail(`axe ${p.type} (${p.lang})`, 'no such page in the output');
  for (const theme of THEMES) {
    // The reader's choice as theme.js reads it, set before any script of the page runs; the
    // system preference agrees, so the theme is the same whether or not the page reads the key.
    // The pages' Content-Security-Policy forbids inline scripts, axe is injected as one: bypass.
    const context = await browser.newContext({ colorScheme: theme, bypassCSP: true, viewport: { width: 1280, height: 900 } });
    await context.addInitScript((t) => {
      try { localStorage.setItem('aula-theme', t); } catch { /* opaque origin */ }
    }, theme);
    const page = await context.newPage();
    for (const p of pages.filter((p) => !p.missing)) {
      const what = `axe ${p.type} (${p.lang}, ${theme}) ${p.path}`;
      await check(what, async () => {
        const errors = [];
        page.removeAllListeners('pageerror');
        page.on('pageerror', (e) => errors.push(e.message));
        const res = await page.goto(server.url + p.path, { waitUntil: 'load' });
        assert(res && (res.ok() || p.type === '404' || p.type === 'not found'), `HTTP ${res && res.status()}`);
        // Let aula.js finish what it does on load (progress, copy buttons, charts) before axe.
        // (networkidle, capped: the runner probe of a lab page may stay pending on some servers).
        await page.waitForLoadState('networkidle', { timeout: 2500 }).catch(() => {});
        const actual = await page.evaluate(() => document.documentElement.dataset.theme);
        assert(actual === theme, `data-theme is ${JSON.stringify(actual)}, expected "${theme}"`);
        await page.addScriptTag({ path: AXE });
        const result = await page.evaluate(async () => {
          // eslint-disable-next-line no-undef
          const r = await axe.run(document, { resultTypes: ['violations'] });
          return r.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => ({
              id: v.id,
              impact: v.impact,
              help: v.help,
              nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target.join(' '), summary: (n.failureSummary || '').replace(/\s+/g, ' ') })),
              count: v.nodes.length,
            }));
        });
        await screenshot(page, `a11y-${theme}-${p.path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'root'}`);
        if (result.length > 0) {
          // The details go to stderr, one line per node, so the report stays one line per check.
          for (const v of result) {
            for (const n of v.nodes) console.error(`  ${p.path} [${theme}] ${v.id} (${v.impact}): ${n.target} — ${n.summary}`);
          }
          throw new Error(result.map((v) => `${v.id} (${v.impact}, ${v.count} node${v.count > 1 ? 's' : ''}: ${v.nodes[0].target})`).join('; '));
        }
        assert(errors.length === 0, `JavaScript error: ${errors[0]}`);
      });
    }
    await context.close();
  }

  // Reflow (WCAG 1.4.10): at 360 CSS px nothing but a scroll box (code, tables) scrolls sideways.
  const narrow = await browser.newContext({ viewport: { width: 360, height: 740 }, colorScheme: 'light' });
  const page = await narrow.newPage();
  for (const p of pages.filter((p) => !p.missing)) {
    await check(`360 px wide, no sideways scrolling: ${p.type} (${p.lang}) ${p.path}`, async () => {
      await page.goto(server.url + p.path, { waitUntil: 'load' });
      await page.waitForLoadState('networkidle', { timeout: 2500 }).catch(() => {});
      const over = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return null;
        const scrolls = (el) => {
          for (let a = el.parentElement; a; a = a.parentElement) {
            if (/(auto|scroll|hidden)/.test(getComputedStyle(a).overflowX) && a !== document.documentElement && a !== document.body) return true;
          }
          return false;
        };
        const culprit = [...document.body.querySelectorAll('*')].find((el) => el.getBoundingClientRect().right > width + 1 && !scrolls(el));
        const name = culprit ? culprit.tagName.toLowerCase() + (culprit.className && typeof culprit.className === 'string' ? '.' + culprit.className.trim().split(/\s+/).join('.') : '') : '?';
        return `page is ${document.documentElement.scrollWidth} px wide; first overflowing element: ${name}`;
      });
      if (over) {
        await screenshot(page, `narrow-${p.path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'root'}`);
        throw new Error(over);
      }
    });
  }
  await narrow.close();
} finally {
  await browser.close();
  await server.close();
}
process.exit(exitCode());
