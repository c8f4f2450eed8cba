//! The index of one language: what each page adds to it, kept so that an edit changes only its
//! page's part, and the files the browser reads — rewritten, after an edit, only where the
//! edited page's words are.
//!
//! Files, under `search/<lang>/` (the client is `static/search.js`):
//! - `meta.json` — `{"version": …, "docs": …}`; the version changes with any content, and the
//!   client adds it to every other file's URL so no cache serves an old shard.
//! - `w/<key>.json` — word shards: every folded word of the language whose first three
//!   characters are `key` (see `text::shard_key`), with its stem, and the posting piece holding
//!   each of those stems: `{"w": {"ventanas": "ventan", …}, "c": {"ventan": "ven.0", …}}`. A
//!   query word loads its shard only; prefixes ("preced") and stems (a word the site never uses
//!   whose beginning is a known stem) are resolved from the same shard, so the browser needs no
//!   stemmer.
//! - `p/<key>.<n>.bin` — posting pieces: the stems whose first three characters are `key`, in
//!   sorted order, packed up to ≈ 16 KB a piece (a larger list gets a piece of its own). Per
//!   stem, as LEB128 varints: stem length, stem bytes (UTF-8), page count, then per page: page
//!   id delta, score (BM25 × 64, rounded), best section.
//! - `f/<id>.json` — a page's fragment: `{"url", "title", "s": [[anchor, heading, text], …]}`,
//!   loaded only for the results shown, to write their excerpts.
//!
//! Scores are BM25 (k1 = 1.2, b = 0.75) over a weighted term frequency: a word in the title
//! counts 5 times, in an `<h2>` 3 times, in a lower heading twice, in the text once — so a
//! heading match ranks above a body match. The best section of a page for a stem is the one
//! under a heading where it weighs most (the top of the page only when no other section has
//! it); results link to that section's anchor.
//!
//! Why the files can be rewritten in part, and still be byte for byte what a full build writes:
//! every file is a function of the set of pages and their text, never of the order of edits —
//! page ids are ranks in path order, pieces are grouped by the stems' first letters (so a
//! longer posting list moves the boundaries of its own group only), and the average page
//! length BM25 divides by is rounded to two significant digits (so one edit among thousands
//! of pages does not change every score). An edit of a page's text therefore changes the pieces
//! of its stems' groups, the shards of the words it gained or lost (or whose stem moved to
//! another piece), its fragment and `meta.json`. Adding or removing a page renumbers the pages
//! after it, and a new rounded average changes every score: then every file is written again.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use pagefind_stem::Stemmer;

use super::extract::PageText;
use super::text;

/// Target size of a posting piece.
const PIECE_BYTES: usize = 16 * 1024;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// A page's part of the index.
#[derive(Debug, Clone)]
struct Record {
    /// Its distinct words and stems (ids in [`Language::words`], [`Language::stems`]), sorted.
    words: Vec<u32>,
    stems: Vec<u32>,
    /// Sum of the weighted counts.
    length: u32,
    /// The fragment file's bytes (`None` when the build has written it already) and hash.
    fragment: Option<Arc<[u8]>>,
    fragment_hash: u64,
}

/// A page that has a stem: its slot, the stem's weighted count there, and its best section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Posting {
    slot: u32,
    count: u16,
    best: u16,
}

/// A lowercase word seen on some page (ids are never reused; unused words are left out).
#[derive(Debug)]
struct Word {
    folded: String,
    stem: u32,
    /// How many pages have it.
    pages: u32,
}

#[derive(Debug)]
struct Stem {
    text: String,
    /// Sorted by slot.
    postings: Vec<Posting>,
    /// The words with this stem.
    words: Vec<u32>,
    /// The piece it was last written to (`ven.0`), if it was, and its part of that piece as
    /// written then (re-encoded only when its postings change).
    piece: Option<String>,
    encoded: Vec<u8>,
}

/// What was written last, to write again only what changed.
#[derive(Debug)]
struct Written {
    docs: u32,
    average: u32,
    /// Slot → page id (rank in path order).
    ranks: Vec<u32>,
    /// Slot → BM25's length normalization of the page, `k1 × (1 − b + b × length / average)`.
    norms: Vec<f64>,
    /// Word shards and posting pieces: bytes and hash, by name.
    files: BTreeMap<String, (Arc<[u8]>, u64)>,
    meta: Arc<[u8]>,
}

/// One language's pages, vocabulary and postings.
pub(crate) struct Language {
    stemmer: Option<Stemmer>,
    /// Slot → record; `None` for a slot freed by a removed page.
    pages: Vec<Option<Record>>,
    /// Path → slot, in path order (the order of page ids in the files).
    slots: BTreeMap<String, u32>,
    free: Vec<u32>,
    words: Vec<Word>,
    word_ids: FxMap<String, u32>,
    stems: Vec<Stem>,
    stem_ids: FxMap<String, u32>,
    /// Shard key → its words; piece group key → its stems.
    shards: BTreeMap<String, Vec<u32>>,
    groups: BTreeMap<String, Vec<u32>>,
    total_length: u64,
    /// Since the last [`Language::refresh`]: stems whose postings changed, words that came into
    /// use or went out of it, and whether pages came or went (then everything is rewritten).
    dirty_stems: Vec<u32>,
    dirty_words: Vec<u32>,
    renumbered: bool,
    written: Option<Written>,
}

impl std::fmt::Debug for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Language")
            .field("pages", &self.slots.len())
            .field("words", &self.words.len())
            .field("stems", &self.stems.len())
            .finish_non_exhaustive()
    }
}

/// What a [`Language::refresh`] did: whether it wrote every file, and how many files it
/// wrote, changed or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refreshed {
    pub(crate) full: bool,
    pub(crate) files: usize,
}

/// A page's words before they get the language's ids: its distinct lowercase words, and
/// (index in `words`, section, weighted count) per word and section.
#[derive(Debug, Default)]
pub(crate) struct Terms {
    words: Vec<String>,
    counts: Vec<(u32, u16, u16)>,
}

/// A fast hasher for the index's own keys (words and small integers; no untrusted
/// collision-seeking input worth SipHash's cost — a page's author can only slow their own build).
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fx>>;
type FxSet<T> = std::collections::HashSet<T, std::hash::BuildHasherDefault<Fx>>;

/// The words of a page's text with their weights, merged per word and section.
pub(crate) fn terms(page: &PageText) -> Terms {
    let mut local: FxMap<String, u32> = FxMap::default();
    let mut terms = Terms::default();
    // Per local word, its count in the current section; the words the section touched.
    let mut counts: Vec<u32> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    for (n, section) in page.sections.iter().enumerate() {
        let section_id = u16::try_from(n).unwrap_or(u16::MAX);
        let heading_weight = match section.level {
            1 => 5,
            2 => 3,
            _ => 2,
        };
        let mut add = |word: &str, weight: u32| {
            let id = match local.get(word) {
                Some(&id) => id,
                None => {
                    let id = u32::try_from(terms.words.len()).unwrap_or(u32::MAX);
                    terms.words.push(word.to_string());
                    local.insert(word.to_string(), id);
                    counts.push(0);
                    id
                }
            };
            let count = &mut counts[id as usize];
            if *count == 0 {
                touched.push(id);
            }
            *count += weight;
        };
        text::words(&section.heading, |w| add(w, heading_weight));
        text::words(&section.text, |w| add(w, 1));
        for id in touched.drain(..) {
            let count = std::mem::take(&mut counts[id as usize]);
            terms
                .counts
                .push((id, section_id, u16::try_from(count).unwrap_or(u16::MAX)));
        }
    }
    terms
}

/// The fragment file of a page at `url`.
pub(crate) fn fragment(url: &str, page: &PageText) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Fragment<'a> {
        url: &'a str,
        title: &'a str,
        s: Vec<(&'a str, &'a str, &'a str)>,
    }
    let fragment = Fragment {
        url,
        title: &page.title,
        s: page
            .sections
            .iter()
            .map(|s| {
                (
                    s.anchor.as_deref().unwrap_or(""),
                    if s.level == 1 { "" } else { &s.heading[..] },
                    &s.text[..],
                )
            })
            .collect(),
    };
    serde_json::to_vec(&fragment).unwrap_or_default()
}

impl Language {
    /// An empty index for pages in `language` (a code such as `es` or `en-GB`).
    pub(crate) fn new(language: &str) -> Language {
        Language {
            stemmer: text::stemmer(language),
            pages: Vec::new(),
            slots: BTreeMap::new(),
            free: Vec::new(),
            words: Vec::new(),
            word_ids: FxMap::default(),
            stems: Vec::new(),
            stem_ids: FxMap::default(),
            shards: BTreeMap::new(),
            groups: BTreeMap::new(),
            total_length: 0,
            dirty_stems: Vec::new(),
            dirty_words: Vec::new(),
            renumbered: false,
            written: None,
        }
    }

    /// Whether the next [`Language::refresh`] writes only what changed, so changes are worth
    /// noting (the first one, and any after pages came or went, write everything).
    fn tracking(&self) -> bool {
        self.written.is_some() && !self.renumbered
    }

    /// Adds the page at `path` or replaces its part of the index.
    /// Keeps the fragment's bytes when `keep` (else only its hash: the build writes it itself).
    pub(crate) fn set(&mut self, path: &str, terms: Terms, fragment: Arc<[u8]>, keep: bool) {
        let ids: Vec<u32> = terms.words.into_iter().map(|w| self.word_id(w)).collect();
        // Per stem: its weighted count on the page and its best section.
        let mut per_stem: Vec<(u32, u16, u16)> = terms
            .counts
            .iter()
            .map(|&(word, section, count)| {
                (self.words[ids[word as usize] as usize].stem, section, count)
            })
            .collect();
        per_stem.sort_unstable();
        let length: u32 = per_stem.iter().map(|t| u32::from(t.2)).sum();
        let mut entries: Vec<(u32, u16, u16)> = Vec::new();
        let mut i = 0;
        while i < per_stem.len() {
            let stem = per_stem[i].0;
            let (mut count, mut best, mut best_count) = (0u32, 0u16, 0u32);
            let mut section_count = 0u32;
            let mut section = per_stem[i].1;
            while i < per_stem.len() && per_stem[i].0 == stem {
                if per_stem[i].1 != section {
                    section = per_stem[i].1;
                    section_count = 0;
                }
                section_count += u32::from(per_stem[i].2);
                count += u32::from(per_stem[i].2);
                // A section under a heading (with an anchor to land on) is preferred to the
                // top of the page, even when the title has the word too.
                if section_count > best_count || (best == 0 && section > 0) {
                    best_count = section_count;
                    best = section;
                }
                i += 1;
            }
            entries.push((stem, u16::try_from(count).unwrap_or(u16::MAX), best));
        }
        let slot = match self.slots.get(path) {
            Some(&slot) => slot,
            None => {
                let slot = self.free.pop().unwrap_or_else(|| {
                    self.pages.push(None);
                    u32::try_from(self.pages.len() - 1).unwrap_or(u32::MAX)
                });
                self.slots.insert(path.to_string(), slot);
                self.renumbered = true;
                slot
            }
        };
        let old = self.pages[slot as usize].take();
        let old_words = match &old {
            Some(old) => {
                self.total_length -= u64::from(old.length);
                for &stem in &old.stems {
                    self.unpost(stem, slot);
                }
                old.words.clone()
            }
            None => Vec::new(),
        };
        let tracking = self.tracking();
        for &(stem, count, best) in &entries {
            let list = &mut self.stems[stem as usize].postings;
            let posting = Posting { slot, count, best };
            match list.binary_search_by_key(&slot, |p| p.slot) {
                Ok(at) => list[at] = posting,
                Err(at) => list.insert(at, posting),
            }
            if tracking {
                self.dirty_stems.push(stem);
            }
        }
        let mut words = ids;
        words.sort_unstable();
        words.dedup();
        self.count_words(&old_words, &words);
        self.total_length += u64::from(length);
        self.pages[slot as usize] = Some(Record {
            words,
            stems: entries.iter().map(|e| e.0).collect(),
            length,
            fragment_hash: {
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                fragment.hash(&mut hasher);
                hasher.finish()
            },
            fragment: keep.then_some(fragment),
        });
    }

    /// Removes the page at `path`, if it was indexed.
    pub(crate) fn remove(&mut self, path: &str) {
        let Some(slot) = self.slots.remove(path) else {
            return;
        };
        self.renumbered = true;
        if let Some(old) = self.pages[slot as usize].take() {
            self.total_length -= u64::from(old.length);
            for &stem in &old.stems {
                self.unpost(stem, slot);
            }
            self.count_words(&old.words, &[]);
        }
        self.free.push(slot);
    }

    /// Takes the page in `slot` off the postings of `stem`.
    fn unpost(&mut self, stem: u32, slot: u32) {
        let list = &mut self.stems[stem as usize].postings;
        if let Ok(at) = list.binary_search_by_key(&slot, |p| p.slot) {
            list.remove(at);
        }
        if self.tracking() {
            self.dirty_stems.push(stem);
        }
    }

    /// Counts a page's words again: `old` and `new` are its distinct words before and after
    /// (sorted). A word that no page had before, or that no page has any more, changes its shard.
    fn count_words(&mut self, old: &[u32], new: &[u32]) {
        let tracking = self.tracking();
        let (mut a, mut b) = (0, 0);
        while a < old.len() || b < new.len() {
            let (word, delta) = match (old.get(a), new.get(b)) {
                (Some(&x), Some(&y)) if x == y => {
                    a += 1;
                    b += 1;
                    continue;
                }
                (Some(&x), Some(&y)) if x < y => {
                    a += 1;
                    (x, -1)
                }
                (Some(&x), None) => {
                    a += 1;
                    (x, -1)
                }
                (_, Some(&y)) => {
                    b += 1;
                    (y, 1)
                }
                (None, None) => break,
            };
            let entry = &mut self.words[word as usize];
            if delta > 0 {
                entry.pages += 1;
            } else {
                entry.pages = entry.pages.saturating_sub(1);
            }
            if tracking && entry.pages == u32::from(delta > 0) {
                self.dirty_words.push(word);
            }
        }
    }

    #[cfg(test)]
    pub(crate) fn contains(&self, path: &str) -> bool {
        self.slots.contains_key(path)
    }

    pub(crate) fn paths(&self) -> impl Iterator<Item = &str> {
        self.slots.keys().map(String::as_str)
    }

    /// The id of a lowercase word, known from now on with its stem.
    fn word_id(&mut self, word: String) -> u32 {
        if let Some(&id) = self.word_ids.get(&word) {
            return id;
        }
        let stem_text = text::stem(self.stemmer.as_ref(), &word);
        let id = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
        let stem = match self.stem_ids.get(&stem_text) {
            Some(&stem) => stem,
            None => {
                let stem = u32::try_from(self.stems.len()).unwrap_or(u32::MAX);
                self.groups
                    .entry(text::shard_key(&stem_text))
                    .or_default()
                    .push(stem);
                self.stem_ids.insert(stem_text.clone(), stem);
                self.stems.push(Stem {
                    text: stem_text,
                    postings: Vec::new(),
                    words: Vec::new(),
                    piece: None,
                    encoded: Vec::new(),
                });
                stem
            }
        };
        self.stems[stem as usize].words.push(id);
        let folded = text::fold(&word).into_owned();
        self.shards
            .entry(text::shard_key(&folded))
            .or_default()
            .push(id);
        self.words.push(Word {
            folded,
            stem,
            pages: 0,
        });
        self.word_ids.insert(word, id);
        id
    }

    /// Brings the files up to date with the pages: all of them the first time and after pages
    /// came or went, else only those the edits since the last call changed.
    pub(crate) fn refresh(&mut self) -> Refreshed {
        let docs = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
        let average = rounded_average(self.total_length, docs);
        let full = match &self.written {
            None => true,
            Some(w) => self.renumbered || w.docs != docs || w.average != average,
        };
        let mut dirty_stems = std::mem::take(&mut self.dirty_stems);
        dirty_stems.sort_unstable();
        dirty_stems.dedup();
        let dirty_words = std::mem::take(&mut self.dirty_words);
        self.renumbered = false;
        let mut written = match self.written.take() {
            Some(written) if !full => written,
            _ => {
                let mut ranks = vec![u32::MAX; self.pages.len()];
                for (rank, &slot) in self.slots.values().enumerate() {
                    ranks[slot as usize] = u32::try_from(rank).unwrap_or(u32::MAX);
                }
                for stem in &mut self.stems {
                    stem.piece = None;
                }
                Written {
                    docs,
                    average,
                    ranks,
                    norms: Vec::new(),
                    files: BTreeMap::new(),
                    meta: Arc::from(&b""[..]),
                }
            }
        };
        // Lengths change with edits: a few thousand divisions, done each time.
        written.norms = self
            .pages
            .iter()
            .map(|page| {
                let length = f64::from(page.as_ref().map_or(0, |r| r.length));
                K1 * (1.0 - B + B * length / f64::from(average.max(1)))
            })
            .collect();
        // The stems to encode again: all of them, or those whose postings changed.
        let stale: Option<FxSet<u32>> = (!full).then(|| dirty_stems.iter().copied().collect());
        let (groups, mut shards): (BTreeSet<String>, BTreeSet<String>) = if full {
            (
                self.groups.keys().cloned().collect(),
                self.shards.keys().cloned().collect(),
            )
        } else {
            (
                dirty_stems
                    .iter()
                    .map(|&s| text::shard_key(&self.stems[s as usize].text))
                    .collect(),
                dirty_words
                    .iter()
                    .map(|&w| text::shard_key(&self.words[w as usize].folded))
                    .collect(),
            )
        };
        let mut changed = 0;
        for key in &groups {
            let (pieces, moved) = self.write_group(key, &written, stale.as_ref());
            for stem in moved {
                for &word in &self.stems[stem as usize].words {
                    shards.insert(text::shard_key(&self.words[word as usize].folded));
                }
            }
            let count = pieces.len();
            for (n, bytes) in pieces.into_iter().enumerate() {
                changed += usize::from(put(&mut written.files, format!("p/{key}.{n}.bin"), bytes));
            }
            // A group that shrank leaves pieces behind.
            let mut n = count;
            while written.files.remove(&format!("p/{key}.{n}.bin")).is_some() {
                changed += 1;
                n += 1;
            }
        }
        for key in &shards {
            let name = format!("w/{key}.json");
            match self.write_shard(key) {
                Some(bytes) => changed += usize::from(put(&mut written.files, name, bytes)),
                None => {
                    if written.files.remove(&name).is_some() {
                        changed += 1;
                    }
                }
            }
        }
        let mut version = std::collections::hash_map::DefaultHasher::new();
        for (name, (_, hash)) in &written.files {
            name.hash(&mut version);
            hash.hash(&mut version);
        }
        for record in self
            .slots
            .values()
            .filter_map(|&s| self.pages[s as usize].as_ref())
        {
            record.fragment_hash.hash(&mut version);
        }
        let meta = serde_json::json!({
            "version": format!("{:016x}", version.finish()),
            "docs": docs,
        });
        written.meta = meta.to_string().into_bytes().into();
        self.written = Some(written);
        Refreshed {
            full,
            files: changed,
        }
    }

    /// The posting pieces of the stems in group `key`, and the stems whose piece changed.
    /// Stems not in `stale` (when given) keep their encoding from the last time.
    fn write_group(
        &mut self,
        key: &str,
        written: &Written,
        stale: Option<&FxSet<u32>>,
    ) -> (Vec<Vec<u8>>, Vec<u32>) {
        let mut ids: Vec<u32> = self.groups.get(key).cloned().unwrap_or_default();
        ids.sort_unstable_by(|a, b| {
            self.stems[*a as usize]
                .text
                .cmp(&self.stems[*b as usize].text)
        });
        let mut pieces: Vec<Vec<u8>> = Vec::new();
        let mut current: Vec<u8> = Vec::new();
        let mut moved = Vec::new();
        let mut list: Vec<(u32, Posting)> = Vec::new();
        for id in ids {
            let stem = &self.stems[id as usize];
            if stem.postings.is_empty() {
                if stem.piece.is_some() {
                    moved.push(id);
                    self.stems[id as usize].piece = None;
                }
                continue;
            }
            if stale.is_none_or(|stale| stale.contains(&id)) {
                let encoded = self.encode(id, written, &mut list);
                self.stems[id as usize].encoded = encoded;
            }
            let encoded = &self.stems[id as usize].encoded;
            if !current.is_empty() && current.len() + encoded.len() > PIECE_BYTES {
                pieces.push(std::mem::take(&mut current));
            }
            current.extend_from_slice(encoded);
            let piece = format!("{key}.{}", pieces.len());
            let stem = &mut self.stems[id as usize];
            if stem.piece.as_deref() != Some(&piece) {
                stem.piece = Some(piece);
                moved.push(id);
            }
        }
        if !current.is_empty() {
            pieces.push(current);
        }
        (pieces, moved)
    }

    /// The postings of stem `id` as the pieces hold them (`list` is a reused buffer).
    fn encode(&self, id: u32, written: &Written, list: &mut Vec<(u32, Posting)>) -> Vec<u8> {
        let stem = &self.stems[id as usize];
        list.clear();
        list.extend(stem.postings.iter().map(|p| {
            let rank = written.ranks.get(p.slot as usize).copied();
            (rank.unwrap_or(u32::MAX), *p)
        }));
        list.sort_unstable_by_key(|e| e.0);
        let df = list.len() as f64;
        let idf = (1.0 + (f64::from(written.docs) - df + 0.5) / (df + 0.5)).ln();
        let mut encoded = Vec::with_capacity(stem.text.len() + 2 + 3 * list.len());
        varint(&mut encoded, stem.text.len() as u64);
        encoded.extend_from_slice(stem.text.as_bytes());
        varint(&mut encoded, list.len() as u64);
        let mut previous = 0u32;
        for &(rank, posting) in list.iter() {
            let tf = f64::from(posting.count);
            let norm = written
                .norms
                .get(posting.slot as usize)
                .copied()
                .unwrap_or(K1);
            let score = idf * tf * (K1 + 1.0) / (tf + norm);
            varint(&mut encoded, u64::from(rank - previous));
            varint(&mut encoded, (score * 64.0).round().max(1.0) as u64);
            varint(&mut encoded, u64::from(posting.best));
            previous = rank;
        }
        encoded
    }

    /// The word shard `key`: its words in use, their stems and those stems' pieces; `None`
    /// when no page has any of its words.
    fn write_shard(&self, key: &str) -> Option<Vec<u8>> {
        #[derive(serde::Serialize)]
        struct Shard<'a> {
            w: BTreeMap<&'a str, &'a str>,
            c: BTreeMap<&'a str, &'a str>,
        }
        let mut ids: Vec<u32> = self
            .shards
            .get(key)?
            .iter()
            .copied()
            .filter(|&w| self.words[w as usize].pages > 0)
            .collect();
        if ids.is_empty() {
            return None;
        }
        // Two words may fold alike ("política", "politica"): the one whose stem sorts first
        // speaks for both, whatever order the pages came in.
        let stem_of = |w: u32| &self.stems[self.words[w as usize].stem as usize];
        ids.sort_unstable_by(|&a, &b| {
            (&self.words[a as usize].folded, &stem_of(a).text)
                .cmp(&(&self.words[b as usize].folded, &stem_of(b).text))
        });
        let mut shard = Shard {
            w: BTreeMap::new(),
            c: BTreeMap::new(),
        };
        for id in ids {
            let stem = stem_of(id);
            shard
                .w
                .entry(&self.words[id as usize].folded)
                .or_insert(&stem.text);
            if let Some(piece) = &stem.piece {
                shard.c.insert(&stem.text, piece);
            }
        }
        serde_json::to_vec(&shard).ok()
    }

    /// Every file of this language's index, by path under its folder (`w/ven.json`, …), as of
    /// the last [`Language::refresh`]. Fragments are there only for pages set with `keep`.
    pub(crate) fn files(&self) -> Vec<(String, Arc<[u8]>)> {
        let Some(written) = &self.written else {
            return Vec::new();
        };
        let mut files: Vec<(String, Arc<[u8]>)> = written
            .files
            .iter()
            .map(|(name, (bytes, _))| (name.clone(), bytes.clone()))
            .collect();
        for (rank, &slot) in self.slots.values().enumerate() {
            if let Some(fragment) = self.pages[slot as usize]
                .as_ref()
                .and_then(|r| r.fragment.clone())
            {
                files.push((format!("f/{rank}.json"), fragment));
            }
        }
        files.push(("meta.json".to_string(), written.meta.clone()));
        files
    }

    /// The page id of `path` (where the build writes its fragment): its rank in path order
    /// while pages are only ever added in path order, as the build does.
    pub(crate) fn id(&self, path: &str) -> Option<u32> {
        self.slots.get(path).copied()
    }
}

/// Puts a file into `files` unless it is there with these very bytes; says whether it did.
fn put(files: &mut BTreeMap<String, (Arc<[u8]>, u64)>, name: String, bytes: Vec<u8>) -> bool {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    let hash = hasher.finish();
    if files
        .get(&name)
        .is_some_and(|old| old.1 == hash && *old.0 == bytes[..])
    {
        return false;
    }
    files.insert(name, (bytes.into(), hash));
    true
}

/// The average page length BM25 divides by, rounded to two significant digits: one edit among
/// many pages seldom changes it, so it seldom changes every score.
fn rounded_average(total: u64, docs: u32) -> u32 {
    let average = (total / u64::from(docs.max(1))).max(1);
    let mut scale = 1;
    while average / scale >= 100 {
        scale *= 10;
    }
    u32::try_from((average + scale / 2) / scale * scale).unwrap_or(u32::MAX)
}

/// Appends `value` as an unsigned LEB128 varint.
fn varint(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::extract::Section;

    fn page(title: &str, sections: &[(&str, &str, &str)]) -> PageText {
        let mut all = vec![Section {
            anchor: None,
            heading: title.to_string(),
            level: 1,
            text: String::new(),
        }];
        for (anchor, heading, text) in sections {
            all.push(Section {
                anchor: Some(anchor.to_string()),
                heading: heading.to_string(),
                level: 2,
                text: text.to_string(),
            });
        }
        PageText {
            title: title.to_string(),
            sections: all,
        }
    }

    fn set(index: &mut Language, path: &str, page: &PageText) {
        let url = format!("/{}", path.trim_end_matches("index.html"));
        index.set(path, terms(page), fragment(&url, page).into(), true);
    }

    /// The files of `index`, refreshed, by name.
    fn files(index: &mut Language) -> BTreeMap<String, Vec<u8>> {
        index.refresh();
        index
            .files()
            .into_iter()
            .map(|(name, bytes)| (name, bytes.to_vec()))
            .collect()
    }

    /// What a fresh index of these pages writes (the build adds pages in path order).
    fn full_build(language: &str, pages: &BTreeMap<String, PageText>) -> BTreeMap<String, Vec<u8>> {
        let mut index = Language::new(language);
        for (path, page) in pages {
            set(&mut index, path, page);
        }
        files(&mut index)
    }

    /// The names of the files that differ between two sets of files.
    fn differing(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
        let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        names
            .into_iter()
            .filter(|n| a.get(*n) != b.get(*n))
            .cloned()
            .collect()
    }

    /// The postings of `stem`: (page id, score, best section).
    fn postings(files: &BTreeMap<String, Vec<u8>>, stem: &str) -> Vec<(u64, u64, u64)> {
        let shard: serde_json::Value =
            serde_json::from_slice(&files[&format!("w/{}.json", text::shard_key(stem))]).unwrap();
        let piece = shard["c"][stem].as_str().unwrap();
        let bytes = &files[&format!("p/{piece}.bin")];
        let mut at = 0;
        let mut next = || {
            let (mut value, mut shift) = (0u64, 0);
            loop {
                let b = bytes[at];
                at += 1;
                value |= u64::from(b & 0x7f) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    return value;
                }
            }
        };
        loop {
            let len = next() as usize;
            let mut name = Vec::new();
            for _ in 0..len {
                // Stem bytes are read one varint-sized byte at a time (all below 0x80 here).
                name.push(next() as u8);
            }
            let n = next();
            let mut list = Vec::new();
            let mut page = 0;
            for _ in 0..n {
                page += next();
                let score = next();
                let section = next();
                list.push((page, score, section));
            }
            if name == stem.as_bytes() {
                return list;
            }
        }
    }

    #[test]
    fn a_heading_match_outranks_a_body_match_and_names_its_section() {
        let mut index = Language::new("es");
        let a = page(
            "Ventanas",
            &[("fija", "Ventana fija", "texto de la ventana")],
        );
        let b = page(
            "Otra cosa",
            &[("x", "Nada", "una ventana en el texto, y otra cosa")],
        );
        set(&mut index, "es/a/index.html", &a);
        set(&mut index, "es/b/index.html", &b);
        let files = files(&mut index);
        let list = postings(&files, "ventan");
        assert_eq!(list.len(), 2);
        assert!(list[0].1 > list[1].1, "{list:?}");
        // Both land on their section under a heading, not on the title.
        assert_eq!((list[0].2, list[1].2), (1, 1));
        let shard: serde_json::Value = serde_json::from_slice(&files["w/ven.json"]).unwrap();
        assert_eq!(shard["w"]["ventanas"], "ventan");
        assert_eq!(shard["c"]["ventan"], "ven.0");
        assert!(files.contains_key("f/1.json"));
    }

    #[test]
    fn an_edit_rewrites_only_the_files_of_the_words_it_changed_and_equals_a_full_build() {
        let mut pages = BTreeMap::new();
        for (n, words) in [
            "plain words here",
            "other words there",
            "quiet valley river",
        ]
        .iter()
        .enumerate()
        {
            pages.insert(
                format!("en/p{n}/index.html"),
                page(&format!("Page {n}"), &[("s", "Part", words)]),
            );
        }
        let mut index = Language::new("en");
        for (path, page) in &pages {
            set(&mut index, path, page);
        }
        let before = files(&mut index);
        // Same length, one word swapped: "words" → "zephyr" on the first page.
        let edited = page("Page 0", &[("s", "Part", "plain zephyr here")]);
        set(&mut index, "en/p0/index.html", &edited);
        pages.insert("en/p0/index.html".to_string(), edited);
        let refreshed = index.refresh();
        let after = files(&mut index);
        assert!(!refreshed.full);
        assert_eq!(
            differing(&before, &after),
            [
                "f/0.json",
                "meta.json",
                "p/wor.0.bin",
                "p/zep.0.bin",
                "w/zep.json"
            ],
            "only the pieces of the stems 'word' and 'zephyr', the shard of the new word, the \
             page's fragment and the version may change"
        );
        assert_eq!(
            refreshed.files, 3,
            "the two pieces and the shard: {refreshed:?}"
        );
        assert_eq!(
            differing(&after, &full_build("en", &pages)),
            Vec::<String>::new()
        );
        // The last page with a word loses it: its shard goes, its stem's piece too.
        let edited = page("Page 1", &[("s", "Part", "other things there")]);
        set(&mut index, "en/p1/index.html", &edited);
        pages.insert("en/p1/index.html".to_string(), edited);
        let after_second = files(&mut index);
        assert!(!after_second.contains_key("p/wor.0.bin"));
        assert_eq!(
            differing(&after_second, &full_build("en", &pages)),
            Vec::<String>::new()
        );
    }

    #[test]
    fn edits_adds_and_removals_in_any_order_write_what_a_full_build_writes() {
        // A vocabulary large enough to fill several pieces of one group ("con…").
        let vocabulary: Vec<String> = (0..1200)
            .map(|n| format!("con{n}x ventana{}", n % 7))
            .collect();
        let text = |seed: usize, len: usize| -> String {
            (0..len)
                .map(|i| vocabulary[(seed * 31 + i * 17) % vocabulary.len()].as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut pages = BTreeMap::new();
        let mut index = Language::new("es");
        for n in 0..40 {
            let path = format!("es/p{n:02}/index.html");
            let p = page(
                &format!("Página {n}"),
                &[("a", "Uno", &text(n, 200)), ("b", "Dos", &text(n + 1, 100))],
            );
            set(&mut index, &path, &p);
            pages.insert(path, p);
        }
        files(&mut index);
        let mut partial = 0;
        for step in 0..30usize {
            let n = (step * 7) % 45;
            let path = format!("es/p{n:02}/index.html");
            if step % 9 == 8 {
                index.remove(&path);
                pages.remove(&path);
            } else {
                let p = page(
                    &format!("Página {n} v{step}"),
                    &[("a", "Uno", &text(n + step, 250 + step))],
                );
                set(&mut index, &path, &p);
                pages.insert(path, p);
            }
            let refreshed = index.refresh();
            if !refreshed.full {
                partial += 1;
            }
            let served = files(&mut index);
            assert_eq!(
                differing(&served, &full_build("es", &pages)),
                Vec::<String>::new(),
                "step {step}"
            );
        }
        assert!(
            partial > 10,
            "most edits are written in part ({partial} of 30)"
        );
        assert!(full_build("es", &pages).keys().any(|k| k == "p/con.1.bin"));
    }

    #[test]
    fn removing_the_last_page_leaves_no_shards_or_pieces() {
        let mut index = Language::new("es");
        let a = page("Alfa", &[("s", "Uno", "palabra nuevecita")]);
        set(&mut index, "es/a/index.html", &a);
        let before = files(&mut index);
        let stem = text::stem(text::stemmer("es").as_ref(), "nuevecita");
        assert_eq!(postings(&before, &stem).len(), 1);
        index.remove("es/a/index.html");
        let gone = files(&mut index);
        assert_eq!(gone.keys().collect::<Vec<_>>(), ["meta.json"]);
        assert_ne!(before["meta.json"], gone["meta.json"]);
        assert!(!index.contains("es/a/index.html"));
    }

    #[test]
    fn the_average_length_is_rounded_to_two_significant_digits() {
        assert_eq!(rounded_average(0, 0), 1);
        assert_eq!(rounded_average(57, 1), 57);
        assert_eq!(rounded_average(8_374 * 10, 10), 8_400);
        assert_eq!(rounded_average(995, 1), 1_000);
        assert_eq!(rounded_average(1_049_000, 1000), 1_000);
    }
}
