// Shared by the browser tests: the report lines, Debian's Chromium, a plain static file server
// and the list of page types found in a built site.
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

// ---- report: one line per check, `ok  <what>` or `FAIL <what>: <why>` -------------------------

let failures = 0;

export function ok(what) {
  console.log(`ok  ${what}`);
}

export function fail(what, why) {
  failures += 1;
  const reason = String(why && why.message ? why.message : why).split('\n')[0];
  console.log(`FAIL ${what}: ${reason}`);
}

/** Runs one check: `fn` returns nothing (pass) or throws (fail, with the error's first line). */
export async function check(what, fn) {
  try {
    await fn();
    ok(what);
    return true;
  } catch (err) {
    fail(what, err);
    return false;
  }
}

export function exitCode() {
  return failures === 0 ? 0 : 1;
}

export function assert(cond, why) {
  if (!cond) throw new Error(why);
}

// ---- Chromium ------------------------------------------------------------------------------------

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, with nothing that phones home (this machine's network is closed).
 * Playwright gives every launch a fresh, empty profile directory of its own.
 */
export async function launch() {
  // Chromium writes crash dumps and caches under $HOME: keep them out of the real home.
  const home = mkdtempSync(path.join(tmpdir(), 'aula-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: { ...process.env, HOME: home },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const close = browser.close.bind(browser);
  browser.close = async () => {
    await close();
    rmSync(home, { recursive: true, force: true });
  };
  return browser;
}

export const SCREENSHOTS = path.resolve(process.env.AULA_SCREENSHOTS || 'target/browser-screenshots');

/** Saves the viewport as <name>.png, scrolled to `target` (a locator) when one is given. */
export async function screenshot(page, name, target) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  if (target) await target.scrollIntoViewIfNeeded().catch(() => {});
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

// ---- a plain static file server (what a static host does: files, index.html, 404.html) --------

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

/** Serves `root` on an ephemeral loopback port; resolves to { url, close }. */
export function serveStatic(root) {
  root = path.resolve(root);
  const server = createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) {
      if (!rel.endsWith('/')) {
        res.writeHead(301, { Location: `${rel}/` }).end();
        return;
      }
      file = path.join(file, 'index.html');
    }
    let status = 200;
    if (!existsSync(file) || !statSync(file).isFile()) {
      // The nearest 404.html: /es/missing/ gets es/404.html when there is one (as Cloudflare
      // Pages and `aula serve` do), else the site's /404.html.
      status = 404;
      const first = rel.split('/').filter(Boolean)[0];
      const local = first ? path.join(root, first, '404.html') : null;
      file = local && local.startsWith(root) && existsSync(local) ? local : path.join(root, '404.html');
    }
    const type = TYPES[path.extname(file)] || 'application/octet-stream';
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(existsSync(file) ? readFileSync(file) : 'not found');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

// ---- the page types of a built site ----------------------------------------------------------

const read = (file) => readFileSync(file, 'utf8');
const isDir = (p) => existsSync(p) && statSync(p).isDirectory();
const subdirs = (p) => (isDir(p) ? readdirSync(p).filter((d) => isDir(path.join(p, d))).sort() : []);
const hasIndex = (p) => existsSync(path.join(p, 'index.html'));

/**
 * One URL path per page type and language, found in the output rather than hard-coded, so that
 * renamed content does not silently shrink the test. Returns [{ type, lang, path }], and the
 * types it could not find as [{ type, lang, missing: true }].
 */
export function pageTypes(site) {
  const out = [{ type: 'root chooser', lang: '-', path: '/' }];
  out.push(existsSync(path.join(site, '404.html'))
    ? { type: '404', lang: '-', path: '/404.html' }
    : { type: '404', lang: '-', missing: true });
  const langs = subdirs(site).filter((d) => existsSync(path.join(site, d, 'atom.xml')) && hasIndex(path.join(site, d)));
  for (const lang of langs) {
    const base = path.join(site, lang);
    const found = (type, rel) => out.push(typeof rel === 'string' ? { type, lang, path: `/${lang}/${rel}` } : { type, lang, missing: true });
    found('home', '');
    const tops = subdirs(base).filter((d) => d !== 'tags' && hasIndex(path.join(base, d)));
    // A section has articles below it; a standalone page has none.
    const sections = tops.filter((d) => subdirs(path.join(base, d)).some((a) => hasIndex(path.join(base, d, a))));
    const standalone = tops.filter((d) => !sections.includes(d) && !/translation|traduc/.test(d));
    // Every article with a lab: each lab draws its own widgets (tables, verdicts, charts).
    const labArticles = [];
    for (const s of sections) {
      for (const a of subdirs(path.join(base, s))) {
        const file = path.join(base, s, a, 'index.html');
        if (existsSync(file) && read(file).includes('class="lab"')) labArticles.push(`${s}/${a}/`);
      }
    }
    const sectionOf = (rel) => `${rel.split('/')[0]}/`;
    found('section', labArticles[0] ? sectionOf(labArticles[0]) : sections[0] && `${sections[0]}/`);
    if (labArticles.length === 0) found('article with a lab', null);
    for (const a of labArticles) found('article with a lab', a);
    found('standalone page', standalone[0] && `${standalone[0]}/`);
    found('tags index', hasIndex(path.join(base, 'tags')) ? 'tags/' : null);
    const tag = subdirs(path.join(base, 'tags')).find((t) => hasIndex(path.join(base, 'tags', t)));
    found('tag page', tag && `tags/${tag}/`);
    // A missing page under the language: a static host (and serveStatic) answers its own
    // 404.html with status 404.
    found('not found', existsSync(path.join(base, '404.html')) ? 'no-such-page/' : null);
    // Optional: a translation-status page, wherever the generator puts it.
    const status = tops.find((d) => /translation|traduc/.test(d));
    if (status) found('translation status', `${status}/`);
  }
  return out;
}
