// What a search query downloads: runs the shipped client (static/search.js) over a built site's
// index, reading the files from disk, and counts the bytes of every index file a query fetches
// to show its first results (5, as the search box does; --shown N for another number), as
// stored and gzip-compressed (what a static host that compresses JSON sends).
// Usage: node bench/search-query.mjs SITE_DIR LANG [--shown N] "query" ["query" …]
// Prints one JSON line per query: { query, shown, results, files, bytes, gzip, fragments }.
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { createSearch } from '../static/search.js';

const [site, lang, ...rest] = process.argv.slice(2);
let shown = 5;
if (rest[0] === '--shown') {
  shown = Number(rest[1]);
  rest.splice(0, 2);
}
for (const query of rest) {
  let bytes = 0;
  let gzip = 0;
  let files = 0;
  let fragments = 0;
  const fetchFile = async (url) => {
    const file = path.join(site, new URL(url, 'http://site').pathname);
    try {
      const body = await readFile(file);
      files += 1;
      bytes += body.length;
      if (file.includes('/f/')) fragments += body.length;
      gzip += gzipSync(body).length;
      return new Response(body, { status: 200 });
    } catch {
      return new Response('', { status: 404 });
    }
  };
  const client = createSearch(`/search/${lang}/`, { fetch: fetchFile });
  const results = await client.search(query, shown);
  console.log(JSON.stringify({ query, shown, results: results.length, files, bytes, gzip, fragments, first: results[0] && results[0].url }));
}
