// Search relevance, through the real search box in headless Chromium, over the built course.
//
// A fixed list of queries in English and Spanish, each with the page that must be among the
// first three results (and, for some, the heading its link must land on, or the first place).
// Besides ranking it checks the search's promises: stemming in both languages ("ventanas"
// finds "ventana"), accents optional ("politica" → "política"), prefixes while typing
// ("preced"), highlighted excerpts (a <mark> in the hit's excerpt), results in the page's own
// language only, links to the nearest heading's anchor, and nothing at all for nonsense words.
// Usage: node relevance.mjs <site dir>
import { assert, check, exitCode, launch, screenshot, serveStatic } from './lib.mjs';

const [site = 'target/browser-site'] = process.argv.slice(2);

// [language, query, page path (under /<lang>/), options]; options: anchor (the hit's link ends
// in #anchor), first (the page must be the first result).
const EN_RATE = 'agent-security/rate-limits-for-ai-agents/';
const EN_ANSIBLE = 'ansible/variables-facts-and-roles/';
const EN_FINOPS = 'finops/finops-practice-and-the-latam-community/';
const EN_IAM = 'cloud-iam/attaching-and-evaluating-policies/';
const EN_AZURE = 'azure-ai/azure-ai-engineer-in-practice/';
const EN_BACKEND = 'ai-backends/from-demo-to-backend/';
const ES_RATE = 'seguridad-de-agentes/limites-de-tasa-para-agentes-de-ia/';
const ES_ANSIBLE = 'ansible/variables-facts-y-roles/';
const ES_FINOPS = 'finops/practica-finops-y-comunidad-latam/';
const ES_IAM = 'iam-en-la-nube/adjuntar-y-evaluar-politicas/';
const ES_AZURE = 'azure-ai/ingeniero-de-azure-ai-en-la-practica/';
const ES_BACKEND = 'backends-de-ia/de-la-demo-al-backend/';

const QUERIES = [
  ['en', 'token bucket', EN_RATE, { anchor: 'token-bucket' }],
  ['en', 'sliding window', EN_RATE],
  ['en', 'boundary burst', EN_RATE],
  ['en', 'throttling', EN_RATE],
  ['en', 'window', EN_RATE], // singular: the page says "windows"
  ['en', 'precedence', EN_ANSIBLE, { anchor: 'precedence' }],
  ['en', 'preced', EN_ANSIBLE], // a prefix, while typing
  ['en', 'extra vars', EN_ANSIBLE],
  ['en', 'galaxy', EN_ANSIBLE],
  ['en', 'inventory group variables', EN_ANSIBLE],
  ['en', 'ansible', EN_ANSIBLE, { first: true }], // in the title
  ['en', 'showback', EN_FINOPS],
  ['en', 'chargeback', EN_FINOPS],
  ['en', 'untagged spend', EN_FINOPS],
  ['en', 'unit economics', EN_FINOPS, { anchor: 'unit-economics' }],
  ['en', 'ambassadors', EN_FINOPS],
  ['en', 'NotAction', EN_IAM],
  ['en', 'least privilege', EN_IAM],
  ['en', 'terraform', EN_IAM],
  ['en', 'inline policies', EN_IAM],
  ['en', 'quotas', EN_AZURE, { anchor: 'quotas' }],
  ['en', 'deployments', EN_AZURE],
  ['en', 'responsible', EN_AZURE],
  ['en', 'azure', EN_AZURE, { first: true }],
  ['en', 'dependency injection', EN_BACKEND],
  ['en', 'retriever', EN_BACKEND],
  ['es', 'ventanas', ES_RATE],
  ['es', 'ventana', ES_RATE],
  ['es', 'cubeta de tokens', ES_RATE, { anchor: 'cubeta-de-tokens' }],
  ['es', 'ráfaga', ES_RATE],
  ['es', 'rafaga', ES_RATE], // accents optional
  ['es', 'limitación progresiva', ES_RATE],
  ['es', 'politica', ES_IAM], // accents optional
  ['es', 'políticas adjuntas', ES_IAM],
  ['es', 'comodines', ES_IAM],
  ['es', 'privilegio mínimo', ES_IAM],
  ['es', 'precedencia', ES_ANSIBLE, { anchor: 'precedencia' }],
  ['es', 'preced', ES_ANSIBLE], // a prefix, while typing
  ['es', 'inventario', ES_ANSIBLE],
  ['es', 'booleanos', ES_ANSIBLE],
  ['es', 'etiquetado', ES_FINOPS],
  ['es', 'etiquetas', ES_FINOPS],
  ['es', 'costos compartidos', ES_FINOPS],
  ['es', 'economía unitaria', ES_FINOPS, { anchor: 'economia-unitaria' }],
  ['es', 'embajadores', ES_FINOPS],
  ['es', 'cuotas', ES_AZURE],
  ['es', 'despliegue', ES_AZURE], // singular: the page says "despliegues"
  ['es', 'monitoreo', ES_AZURE],
  ['es', 'inyección de dependencias', ES_BACKEND],
  ['es', 'recuperador', ES_BACKEND],
];

const NONSENSE = [['en', 'zqxvbrt'], ['es', 'flurbnaxo qwzpt']];

const server = await serveStatic(site);
const browser = await launch();
try {
  const context = await browser.newContext({ locale: 'en-US', colorScheme: 'light', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`JavaScript error: ${e.message}`));
  let lang = null;

  /** Types `query` in the search box of /<language>/ and reads the results once they are in. */
  async function search(language, query) {
    if (language !== lang) {
      await page.goto(`${server.url}/${language}/`);
      await page.locator('#search-input').waitFor({ state: 'visible' });
      lang = language;
    }
    await page.fill('#search-input', '');
    await page.fill('#search-input', query);
    // The client marks the panel with the query whose results it shows.
    await page.waitForFunction((q) => document.getElementById('search-results').dataset.query === q, query);
    return page.$$eval('#search-results .search-list a', (as) => as.map((a) => {
      const url = new URL(a.href);
      return {
        path: url.pathname,
        hash: url.hash.slice(1),
        marks: Array.from(a.querySelectorAll('mark')).map((m) => m.textContent),
        text: a.textContent,
      };
    }));
  }

  let ranked = 0;
  for (const [language, query, expected, opts = {}] of QUERIES) {
    const ok = await check(`relevance ${language}: "${query}" → ${expected}${opts.anchor ? '#' + opts.anchor : ''}`, async () => {
      const results = await search(language, query);
      const want = `/${language}/${expected}`;
      const top = results.slice(0, opts.first ? 1 : 3);
      const at = top.findIndex((r) => r.path === want);
      assert(at >= 0, `not in the top ${top.length}: ${results.slice(0, 5).map((r) => r.path).join(', ') || '(no results)'}`);
      assert(results.every((r) => r.path.startsWith(`/${language}/`)), `a result outside /${language}/: ${results.map((r) => r.path).join(', ')}`);
      const hit = top[at];
      assert(hit.marks.length > 0, `the hit's excerpt has no highlighted word: ${hit.text.slice(0, 140)}`);
      if (opts.anchor) assert(hit.hash === opts.anchor, `the hit links to #${hit.hash || '(no anchor)'}, not #${opts.anchor}`);
    });
    if (ok) ranked += 1;
  }

  for (const [language, query] of NONSENSE) {
    await check(`relevance ${language}: nonsense "${query}" finds nothing`, async () => {
      const results = await search(language, query);
      assert(results.length === 0, `${results.length} results: ${results.map((r) => r.path).join(', ')}`);
      const said = await page.locator('#search-results .search-status').textContent();
      assert(said.includes(query), `the status does not say nothing was found for "${query}": ${said}`);
    });
  }

  await check('relevance: five results first, the rest behind "More results" (mouse and keyboard)', async () => {
    const first = await search('en', 'the');
    assert(first.length === 5, `${first.length} results shown at first, not 5`);
    const said = await page.locator('#search-results .search-status').textContent();
    const total = Number((said.match(/\d+/) || [])[0]);
    assert(total > 5, `the status should count every match, not the 5 shown: "${said}"`);
    const more = page.locator('#search-results .search-more');
    assert(await more.isVisible(), 'no "More results" button under 5 of many results');
    assert((await more.textContent()).trim() === 'More results', `the button says "${await more.textContent()}"`);
    // From the last result, the down arrow reaches the button; Enter on it brings five more
    // and moves the focus to the first of them.
    await page.locator('#search-results .search-list a').nth(4).focus();
    await page.keyboard.press('ArrowDown');
    assert(await more.evaluate((b) => b === document.activeElement), 'ArrowDown on the last result does not reach "More results"');
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('#search-results .search-list a').length === n, Math.min(10, total));
    const focused = await page.evaluate(() => Array.from(document.querySelectorAll('#search-results .search-list a')).indexOf(document.activeElement));
    assert(focused === 5, `the focus is on result ${focused + 1}, not on the first new one (6)`);
    const hrefs = await page.$$eval('#search-results .search-list a', (as) => as.map((a) => a.getAttribute('href')));
    assert(new Set(hrefs).size === hrefs.length, `a result is listed twice: ${hrefs.join(', ')}`);
    assert((await more.isVisible()) === (total > 10), `"More results" is ${total > 10 ? 'hidden' : 'shown'} with ${total} matches and 10 shown`);
    await screenshot(page, 'search-en-more');
  });

  await check('relevance: a highlighted Spanish result list (screenshot)', async () => {
    await search('es', 'ventanas deslizantes');
    await screenshot(page, 'search-es-ventanas');
  });
  await check('relevance: no JavaScript errors while searching', async () => {
    assert(problems.length === 0, problems[0]);
  });
  console.log(`relevance: ${ranked} of ${QUERIES.length} queries ranked their page`);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
process.exit(exitCode());
