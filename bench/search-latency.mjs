// Save → searchable in `aula serve`: appends a new word to an article and polls the served
// search index through the shipped client (static/search.js) until a query for that word finds
// the article. Usage: node bench/search-latency.mjs BASE_URL SITE_DIR RUNS
// Prints one JSON line: { runs: [ms…], median }.
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createSearch } from '../static/search.js';

const [base, site, runs = '7'] = process.argv.slice(2);
const root = path.join(site, 'content', 'en');
const articles = [];
for (const section of readdirSync(root).sort()) {
  const dir = path.join(root, section);
  if (!statSync(dir).isDirectory()) continue;
  for (const f of readdirSync(dir).sort()) if (f.endsWith('.md') && f !== '_index.md') articles.push([section, f]);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const times = [];
for (let i = 0; i < Number(runs); i++) {
  const [section, file] = articles[(i * 97) % articles.length];
  const word = `zorblax${String.fromCharCode(97 + i)}quint`;
  const page = `/en/${section}/${file.replace(/\.md$/, '')}/`;
  const source = path.join(root, section, file);
  const text = readFileSync(source, 'utf8');
  await sleep(300);
  const start = performance.now();
  writeFileSync(source, `${text}\nOne more sentence with ${word} in it.\n`);
  for (;;) {
    // A fresh client each time, as a reloaded page has: nothing cached.
    const results = await createSearch(`${base}/search/en/`).search(word).catch(() => []);
    if (results.some((r) => r.url.startsWith(page))) break;
    if (performance.now() - start > 60000) throw new Error(`"${word}" not found on ${page} after 60 s`);
    await sleep(10);
  }
  times.push(Math.round(performance.now() - start));
}
const sorted = [...times].sort((a, b) => a - b);
console.log(JSON.stringify({ runs: times, median: sorted[Math.floor(sorted.length / 2)] }));
