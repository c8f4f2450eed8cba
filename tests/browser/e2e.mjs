// End to end in headless Chromium: a Spanish-speaking reader against `aula serve` (choose the
// language, run the rate-limit lab with a changed input, mark the article read, search, dark mode),
// then the same article from the static output on a plain file server (recorded output, "run it
// locally" hint). Usage: node e2e.mjs <aula serve URL, or "" to skip that part> <site dir>
// Every step begins from a URL of its own, so one failure does not hide the checks after it.
import { assert, check, exitCode, launch, screenshot, serveStatic } from './lib.mjs';

const [serveUrl, site = 'target/browser-site'] = process.argv.slice(2);
const ARTICLE = '/es/seguridad-de-agentes/limites-de-tasa-para-agentes-de-ia/';
const LAB = 'section.lab[data-lab="rate-limit"]';
const TIMEOUT = 15000;

const browser = await launch();
try {
  if (serveUrl) await againstServe(serveUrl.replace(/\/$/, ''));
  await againstStatic();
} finally {
  await browser.close();
}
process.exit(exitCode());

/** A context as a reader's browser: English UI, light system theme; page errors collected. */
async function reader() {
  const context = await browser.newContext({ locale: 'en-US', colorScheme: 'light', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`JavaScript error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  return { context, page, problems };
}

function pathOf(page) {
  return new URL(page.url()).pathname;
}

async function labState(page) {
  return page.$eval(LAB, (lab) => ({
    text: lab.querySelector('.lab-answer').textContent,
    tables: lab.querySelectorAll('.lab-answer table').length,
    svg: (lab.querySelector('.lab-blocks .lab-chart-canvas svg') || {}).outerHTML || null,
    svgText: (lab.querySelector('.lab-blocks .lab-chart-canvas svg') || {}).textContent || '',
    state: lab.dataset.state,
  }));
}

async function againstServe(base) {
  const { context, page, problems } = await reader();

  await check('e2e serve: / offers the languages and Español leads to /es/', async () => {
    await page.goto(`${base}/`);
    await screenshot(page, 'e2e-01-root');
    // The chooser page links each language; if the server sends readers straight to a home page,
    // the language switch in the header is the way to Spanish.
    const chooser = page.locator('.languages a[hreflang="es"], .lang-switch a[hreflang="es"]').first();
    assert(await chooser.count() === 1, `no link to Español on ${pathOf(page)}`);
    await Promise.all([page.waitForURL(/\/es\/$/), chooser.click()]);
    assert(await page.locator('html').getAttribute('lang') === 'es', 'the Spanish home is not lang="es"');
    await screenshot(page, 'e2e-02-home-es');
  });

  await check('e2e serve: the Spanish home links the rate-limit article', async () => {
    if (pathOf(page) !== '/es/') await page.goto(`${base}/es/`);
    const link = page.locator(`main a[href="${ARTICLE}"]`).first();
    assert(await link.count() === 1, `no link to ${ARTICLE} on /es/`);
    await Promise.all([page.waitForURL(`**${ARTICLE}`), link.click()]);
    await screenshot(page, 'e2e-03-article');
  });

  await check('e2e serve: the lab runs with limit = 7 and redraws its table and chart in Spanish', async () => {
    if (pathOf(page) !== ARTICLE) await page.goto(base + ARTICLE);
    const lab = page.locator(LAB).first();
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.runner, LAB);
    const runner = await lab.getAttribute('data-runner');
    assert(runner === 'live', `the lab says its runner is "${runner}" under aula serve`);
    assert(await lab.locator('.lab-static-note').isHidden(), 'the "recorded answers" note shows under aula serve');
    const before = await labState(page);
    assert(before.svg, 'no recorded chart (svg) before running');
    await lab.locator('input[name="limit"]').fill('7');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/_aula/labs/') && r.request().method() === 'POST', { timeout: 30000 }),
      lab.locator('.lab-run').click(),
    ]);
    assert(response.status() === 200, `POST ${new URL(response.url()).pathname} answered ${response.status()}`);
    await page.waitForFunction((sel) => document.querySelector(sel).dataset.state === 'live', LAB);
    const after = await labState(page);
    await screenshot(page, 'e2e-04-lab-run', lab.locator('.lab-answer'));
    assert(after.text !== before.text, 'the output did not change');
    assert(/solicitudes/.test(after.text), `no Spanish in the new output: ${after.text.slice(0, 120)}`);
    assert(/\b7 solicitudes\b/.test(after.text), `the new output does not mention the limit of 7 solicitudes: ${after.text.slice(0, 160)}`);
    assert(!/\brequests\b/.test(after.text), 'the new output has English in it ("requests")');
    assert(after.tables > 0, 'no output table after running');
    assert(after.svg && after.svg !== before.svg, after.svg ? 'the chart did not change' : 'no chart (svg) after running');
    assert(/tiempo|solicitudes/i.test(after.svgText), `the chart's axes are not in Spanish: ${after.svgText.slice(0, 120)}`);
    assert(await lab.locator('.lab-done').isVisible(), 'the lab is not marked completed after a run');
  });

  await check('e2e serve: with the server unreachable, Run says so in Spanish and marks the answer stale', async () => {
    await page.goto(base + ARTICLE);
    const lab = page.locator(LAB).first();
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.runner === 'live', LAB);
    // What a stopped preview server looks like to the page: the connection fails.
    await page.route('**/_aula/labs/**', (route) => route.abort('connectionrefused'));
    await lab.locator('input[name="limit"]').fill('9');
    assert(await lab.locator('.lab-stale').isVisible(), 'editing the form does not mark the answer as out of date');
    await lab.locator('.lab-run').click();
    const status = lab.locator('.lab-status');
    await page.waitForFunction((sel) => document.querySelector(sel + ' .lab-status').textContent.trim() !== '' && !/Ejecutando/.test(document.querySelector(sel + ' .lab-status').textContent), LAB);
    const said = (await status.textContent()).trim();
    assert(/No se pudo conectar con el servidor de vista previa/.test(said), `the status says: ${said}`);
    assert(!/Failed to fetch/i.test(said), 'the browser\'s raw text leaks into the status');
    assert(await lab.locator('.lab-answer.is-stale').count() === 1, 'the old answer is not marked stale');
    await screenshot(page, 'e2e-04b-lab-unreachable', lab.locator('.lab-answer'));
    await page.unroute('**/_aula/labs/**');
  });

  await check('e2e serve: "mark as read" shows as progress on the Spanish home', async () => {
    if (pathOf(page) !== ARTICLE) await page.goto(base + ARTICLE);
    const button = page.locator('.mark-read');
    await button.click();
    assert(await button.getAttribute('aria-pressed') === 'true', 'the button is not pressed after the click');
    assert(await page.locator('[data-read-state]').isVisible(), 'the article does not say it is read');
    await screenshot(page, 'e2e-05-marked-read', button);
    await page.goto(`${base}/es/`);
    const summary = page.locator('.progress-summary[data-progress-of="path"]');
    await summary.waitFor({ state: 'visible' });
    const text = (await summary.textContent()).trim();
    assert(/\b1\b/.test(text), `the learning path's progress says "${text}"`);
    const step = page.locator(`.path-step:has(a[href="${ARTICLE}"]) .badge`);
    assert(await step.count() > 0, 'the article has no "read" badge in the learning path');
    const card = page.locator('.section-card:has(a[href="/es/seguridad-de-agentes/"]) .progress-summary');
    assert(await card.isVisible(), "the section's card shows no progress");
    await screenshot(page, 'e2e-06-progress', page.locator('.learning-path'));
  });

  await searchVentanas(page, base, 'e2e serve', 'e2e-07-search');

  await check('e2e serve: dark mode toggled stays dark after a reload', async () => {
    await page.goto(base + ARTICLE);
    const html = page.locator('html');
    assert(await html.getAttribute('data-theme') === 'light', 'not light to begin with (system theme is light)');
    const toggle = page.locator('.theme-toggle');
    await toggle.click();
    assert(await html.getAttribute('data-theme') === 'dark', 'the toggle did not switch to dark');
    // The toggle says the theme in use, in the page's language.
    const label = (await toggle.evaluate((b) => [...b.querySelectorAll('.theme-label')].find((l) => l.getClientRects().length > 0 || getComputedStyle(l).display !== 'none')?.textContent || '')).trim();
    assert(/^Tema oscuro/.test(label), `in dark the toggle's label is "${label}", not "Tema oscuro…"`);
    await page.reload();
    const theme = await page.evaluate(() => document.documentElement.dataset.theme);
    assert(theme === 'dark', `after a reload data-theme is ${JSON.stringify(theme)}`);
    await screenshot(page, 'e2e-09-dark-after-reload');
  });

  await check('e2e serve: no JavaScript or CSP errors', async () => {
    assert(problems.length === 0, problems[0]);
  });
  await context.close();
}

/** Types "ventanas" in the Spanish search box, walks the results with the keyboard, lands. */
async function searchVentanas(page, base, label, shot) {
  await check(`${label}: searching "ventanas" finds the article, keyboard only`, async () => {
    await page.goto(`${base}/es/`);
    const input = page.locator('#search-input');
    await input.waitFor({ state: 'visible' });
    await input.focus();
    await page.keyboard.type('ventanas');
    const hit = page.locator(`#search-results .search-list a[href*="limites-de-tasa-para-agentes-de-ia"]`).first();
    await hit.waitFor({ state: 'visible' }).catch(async () => {
      const said = await page.locator('#search-results').innerText().catch(() => '');
      throw new Error(`no result links to the article; the search panel says: ${said.replace(/\s+/g, ' ').slice(0, 160) || '(nothing)'}`);
    });
    const hrefs = await page.$$eval('#search-results .search-list a', (as) => as.map((a) => new URL(a.href).pathname));
    assert(hrefs.every((h) => h.startsWith('/es/')), `results outside Spanish: ${hrefs.filter((h) => !h.startsWith('/es/')).join(', ')}`);
    const excerpt = (await hit.textContent()).toLowerCase();
    assert(/ventana/.test(excerpt), `the result's excerpt does not mention ventana(s): ${excerpt.slice(0, 120)}`);
    await screenshot(page, shot);
    // Down from the box into the results, down to the article, Enter.
    await page.keyboard.press('ArrowDown');
    for (let i = 0; i < hrefs.length; i++) {
      const at = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('href'));
      if (at && at.includes('limites-de-tasa-para-agentes-de-ia')) break;
      await page.keyboard.press('ArrowDown');
    }
    await Promise.all([page.waitForURL(`**${ARTICLE}*`), page.keyboard.press('Enter')]);
    await screenshot(page, `${shot}-landed`);
  });
}

async function againstStatic() {
  const server = await serveStatic(site);
  const { context, page, problems } = await reader();
  try {
    await check('e2e static: the lab shows its recorded answer, read-only, with a note linking how to run it locally', async () => {
      await page.goto(server.url + ARTICLE);
      const lab = page.locator(LAB).first();
      await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.runner, LAB);
      const runner = await lab.getAttribute('data-runner');
      assert(runner === 'static', `the lab says its runner is "${runner}" on a static host`);
      const note = lab.locator('.lab-static-note');
      assert(await note.isVisible(), 'the .lab-static-note is not visible');
      assert(/grabados/.test(await note.textContent()), `the note is not the Spanish one: ${await note.textContent()}`);
      const help = await note.locator('a').getAttribute('href');
      assert(help && help.startsWith('/es/'), `the note's link goes to ${help}`);
      const state = await labState(page);
      assert(state.state === 'recorded', `the answer is "${state.state}", not recorded`);
      assert(/solicitudes/.test(state.text), 'the recorded output is not the Spanish one');
      assert(state.tables > 0, 'no recorded table');
      assert(state.svg, 'no recorded chart (svg)');
      assert(/tiempo|solicitudes/i.test(state.svgText), `the recorded chart's axes are not in Spanish: ${state.svgText.slice(0, 120)}`);
      assert(await lab.locator('.lab-run').isHidden(), 'a Run button shows on a static host');
      assert(await lab.locator('.lab-fields').evaluate((f) => f.disabled), 'the form is editable on a static host');
      await screenshot(page, 'e2e-10-static-recorded', lab);
      // The help link leads to a page that exists, in Spanish.
      const res = await page.goto(server.url + help);
      assert(res && res.ok(), `the note's link answered ${res && res.status()}`);
    });
    await searchVentanas(page, server.url, 'e2e static', 'e2e-12-static-search');
    await check('e2e static: no JavaScript or CSP errors', async () => {
      assert(problems.length === 0, problems[0]);
    });
  } finally {
    await context.close();
    await server.close();
  }
}
