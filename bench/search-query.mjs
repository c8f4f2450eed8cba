// What a search query downloads: runs the shipped client (static/search.js) over a built site's
// index, reading the files from disk, and counts the bytes of every index file a query fetches,
// as stored and gzip-compressed (what a static host that compresses JSON sends).
// Usage: node bench/search-query.mjs SITE_DIR LANG "query" ["query" …]
// Prints one JSON line per query: { query, results, files, bytes, gzip }.
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { createSearch } from '../static/search.js';

const [site, lang, ...queries] = process.argv.slice(2);
for (const query of queries) {
  let bytes = 0;
  let gzip = 0;
  let files = 0;
  const fetchFile = async (url) => {
    const file = path.join(site, new URL(url, 'http://site').pathname);
    try {
      const body = await readFile(file);
      files += 1;
      bytes += body.length;
      gzip += gzipSync(body).length;
      return new Response(body, { status: 200 });
    } catch {
      return new Response('', { status: 404 });
    }
  };
  const client = createSearch(`/search/${lang}/`, { fetch: fetchFile });
  const results = await client.search(query, 10);
  console.log(JSON.stringify({ query, results: results.length, files, bytes, gzip, first: results[0] && results[0].url }));
}
