// aula's search client: reads the index `aula build` writes under /search/<lang>/ (format in
// src/search/index.rs) and fetches only the files a query needs — one word shard per query
// word, the posting pieces of the stems found there, and the fragments of the results shown
// (a page of results at a time: `find` ranks every match, `results(from, count)` fetches the
// fragments of those it returns).
// No WebAssembly and no stemmer: the shards map every word of the site to its stem, so
// "ventanas" finds pages that say "ventana"; a word the site never uses matches the stems it
// starts with ("programar" → "program…"), and a word being typed matches as a prefix.
// Words are cut and folded exactly as src/search/text.rs does. Used by aula.js (the search
// box) and by the benchmarks under Node; it touches no DOM.

const WORD = /[\p{Alphabetic}\p{N}]+/gu;
const MAX_WORD = 40;
const PREFIX_STEMS = 30;
const EXCERPT_WORDS = 22;

/** A word without diacritics ("política" → "politica"). */
export function fold(word) {
  return word.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** The folded lowercase words of `text`, as the index cut them. */
export function words(text) {
  return (String(text).toLowerCase().match(WORD) || [])
    .filter((w) => Array.from(w).length <= MAX_WORD)
    .map(fold);
}

function shardKey(folded) {
  const head = Array.from(folded).slice(0, 3).join('');
  if (/^[a-z0-9]+$/.test(head)) return head;
  return 'x' + Array.from(new TextEncoder().encode(head), (b) => b.toString(16).padStart(2, '0')).join('');
}

function varints(bytes) {
  let at = 0;
  return {
    get done() { return at >= bytes.length; },
    next() {
      let value = 0;
      let scale = 1;
      for (;;) {
        const b = bytes[at++];
        value += (b & 0x7f) * scale;
        if (b < 0x80) return value;
        scale *= 128;
      }
    },
    take(n) { const out = bytes.subarray(at, at + n); at += n; return out; },
  };
}

/**
 * A search over the index at `root` (e.g. "/search/es/"). `options.fetch` replaces the global
 * fetch (and `options.onFetch(url, bytes)` hears about every file read, for the benchmarks).
 */
export function createSearch(root, options = {}) {
  const get = options.fetch || ((url, init) => fetch(url, init));
  const files = new Map();
  const pieces = new Map();
  let meta = null;

  function loadMeta() {
    if (!meta) {
      meta = get(root + 'meta.json', { cache: 'no-cache' }).then((r) => {
        if (!r.ok) throw new Error(`search index: ${r.status} for meta.json`);
        return r.json();
      });
      meta.catch(() => { meta = null; });
    }
    return meta;
  }

  /** A file of the index: JSON, or bytes when `binary`; null when it does not exist. */
  function file(name, binary) {
    if (!files.has(name)) {
      const loading = loadMeta().then((m) => get(`${root}${name}?v=${m.version}`)).then(async (r) => {
        if (r.status === 404) return null;
        if (!r.ok) throw new Error(`search index: ${r.status} for ${name}`);
        const bytes = new Uint8Array(await r.arrayBuffer());
        if (options.onFetch) options.onFetch(name, bytes.length);
        return binary ? bytes : JSON.parse(new TextDecoder().decode(bytes));
      });
      files.set(name, loading);
      loading.catch(() => files.delete(name));
    }
    return files.get(name);
  }

  /** The postings of `stem` in piece `name` ("ven.0"): [[page, score, section], …]. */
  async function postings(name, stem) {
    if (!pieces.has(name)) {
      pieces.set(name, file(`p/${name}.bin`, true).then((bytes) => {
        const byStem = new Map();
        if (!bytes) return byStem;
        const read = varints(bytes);
        const decoder = new TextDecoder();
        while (!read.done) {
          const name = decoder.decode(read.take(read.next()));
          const count = read.next();
          const list = [];
          let page = 0;
          for (let i = 0; i < count; i++) {
            page += read.next();
            list.push([page, read.next(), read.next()]);
          }
          byStem.set(name, list);
        }
        return byStem;
      }));
    }
    return (await pieces.get(name)).get(stem) || [];
  }

  /** What one query word matches: stems with a weight, and how to spot it in text. */
  async function resolve(term) {
    const stems = new Map();
    const shard = await file(`w/${shardKey(term)}.json`);
    const length = Array.from(term).length;
    const add = (stem, weight) => { if (!(stems.get(stem) >= weight)) stems.set(stem, weight); };
    if (shard) {
      const exact = shard.w[term];
      if (exact !== undefined) add(exact, 1);
      if (length >= 3) {
        // While typing: words that begin with the term, shortest first.
        const longer = Object.keys(shard.w).filter((w) => w !== term && w.startsWith(term));
        longer.sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
        const seen = new Set();
        for (const w of longer) {
          if (seen.size >= PREFIX_STEMS) break;
          seen.add(shard.w[w]);
          add(shard.w[w], 0.6);
        }
      }
      if (exact === undefined && length >= 4) {
        // A form the site never uses: the stems it begins with ("ventanitas" → "ventan").
        for (const stem of Object.keys(shard.c)) {
          if (term.startsWith(stem) && stem.length >= Math.max(3, length - 4)) add(stem, 0.8);
        }
      }
    }
    const lists = await Promise.all(Array.from(stems, async ([stem, weight]) => [weight, await postings(shard.c[stem], stem)]));
    const pages = new Map();
    for (const [weight, list] of lists) {
      for (const [page, score, section] of list) {
        const value = score * weight;
        const had = pages.get(page);
        if (!had || had[0] < value) pages.set(page, [value, section]);
      }
    }
    return { term, stems: Array.from(stems.keys()), pages };
  }

  /** Whether a folded word of the text is one the query matched (to highlight it). */
  function matcher(found) {
    return (w) => found.some(({ term, stems }) => w === term
      || (Array.from(term).length >= 3 && w.startsWith(term))
      || stems.some((s) => s.length >= 3 && w.startsWith(s) && w.length <= s.length + 4));
  }

  /** The text around the most highlighted words of `text`, as [{ text, mark }]. */
  function excerpt(text, isHit) {
    const spans = [];
    for (const m of text.matchAll(WORD)) spans.push([m.index, m.index + m[0].length, isHit(fold(m[0].toLowerCase()))]);
    if (!spans.length) return [{ text, mark: false }];
    let best = 0;
    let bestHits = -1;
    let hits = 0;
    for (let i = 0; i < spans.length; i++) {
      if (spans[i][2]) hits++;
      if (i >= EXCERPT_WORDS && spans[i - EXCERPT_WORDS][2]) hits--;
      const start = Math.max(0, i - EXCERPT_WORDS + 1);
      if (hits > bestHits) { bestHits = hits; best = start; }
    }
    // Start a few words before the first hit of the window, for context.
    let first = best;
    while (first < spans.length && !spans[first][2]) first++;
    const start = Math.max(0, Math.min(best, first - 3));
    const end = Math.min(spans.length, start + EXCERPT_WORDS);
    const parts = [];
    let at = spans[start][0];
    if (start > 0) parts.push({ text: '… ', mark: false });
    for (let i = start; i < end; i++) {
      const [from, to, hit] = spans[i];
      if (hit) {
        if (from > at) parts.push({ text: text.slice(at, from), mark: false });
        parts.push({ text: text.slice(from, to), mark: true });
        at = to;
      }
    }
    const stop = end < spans.length ? spans[end - 1][1] : text.length;
    if (stop > at) parts.push({ text: text.slice(at, stop), mark: false });
    if (end < spans.length) parts.push({ text: ' …', mark: false });
    return parts;
  }

  /** The result for page `page` (linking to `section`), its excerpt made with `isHit`. */
  async function result(page, section, isHit) {
    const fragment = await file(`f/${page}.json`);
    if (!fragment) return null;
    const sections = fragment.s;
    const [anchor, heading, text] = sections[section] || sections[0];
    // The excerpt: the best section's text, else its heading, else any text that shows a
    // match, else the best section's text all the same.
    const candidates = [text, heading, ...sections.map((s) => s[2]), fragment.title];
    const source = candidates.find((c) => c && words(c).some(isHit)) || text || heading || fragment.title;
    return {
      url: anchor ? `${fragment.url}#${anchor}` : fragment.url,
      title: fragment.title,
      heading,
      excerpt: excerpt(source, isHit),
    };
  }

  /**
   * Ranks the pages that match `query`: pages with every word of the query come first; when
   * no page has them all, those with the most. Returns `{ total, results(from, count) }`, where
   * `results` fetches the fragments of the pages it returns, best first, as [{ url (with the
   * best heading's anchor), title, heading, excerpt: [{ text, mark }] }] — so a list that shows
   * five results downloads five fragments, whatever the number of matches.
   */
  async function find(query) {
    const terms = Array.from(new Set(words(query)));
    if (!terms.length) return { total: 0, results: async () => [] };
    const found = await Promise.all(terms.map(resolve));
    const pages = new Map();
    for (const { pages: matched } of found) {
      for (const [page, [value, section]] of matched) {
        const had = pages.get(page) || { page, score: 0, terms: 0, best: -1, section: 0 };
        had.score += value;
        had.terms += 1;
        if (value > had.best) { had.best = value; had.section = section; }
        pages.set(page, had);
      }
    }
    const all = Array.from(pages.values());
    const most = all.reduce((n, p) => Math.max(n, p.terms), 0);
    const ranked = all.filter((p) => p.terms === most)
      .sort((a, b) => b.score - a.score || a.page - b.page);
    const isHit = matcher(found);
    return {
      total: ranked.length,
      results: (from, count) => Promise.all(ranked.slice(from, from + count)
        .map(({ page, section }) => result(page, section, isHit)))
        .then((results) => results.filter(Boolean)),
    };
  }

  /** The first `limit` results of `query` (see `find`). */
  async function search(query, limit = 5) {
    return (await find(query)).results(0, limit);
  }

  return { find, search };
}
