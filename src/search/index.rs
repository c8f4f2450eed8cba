//! The index of one language: each page's records (which words it has, where, how often), kept
//! so that an edit replaces only its page's records, and the files the browser reads, written
//! from all records at once.
//!
//! Files, under `search/<lang>/` (the client is `static/search.js`):
//! - `meta.json` — `{"version": …, "docs": …}`; the version changes with any content, and the
//!   client adds it to every other file's URL so no cache serves an old shard.
//! - `w/<key>.json` — word shards: every folded word of the language whose first three
//!   characters are `key` (see `text::shard_key`), with its stem, and the chunk holding each of
//!   those stems' postings: `{"w": {"ventanas": "ventan", …}, "c": {"ventan": 12, …}}`. A query
//!   word loads its shard only; prefixes ("preced") and stems (a word the site never uses whose
//!   beginning is a known stem) are resolved from the same shard, so the browser needs no stemmer.
//! - `p/<n>.bin` — posting chunks, stems in sorted order packed up to ≈ 16 KB (a larger list
//!   gets a chunk of its own). Per stem, as LEB128 varints: stem length, stem bytes (UTF-8),
//!   page count, then per page: page id delta, score (BM25 × 64, rounded), best section.
//! - `f/<id>.json` — a page's fragment: `{"url", "title", "s": [[anchor, heading, text], …]}`,
//!   loaded only for the results shown, to write their excerpts.
//!
//! Scores are BM25 (k1 = 1.2, b = 0.75) over a weighted term frequency: a word in the title
//! counts 5 times, in an `<h2>` 3 times, in a lower heading twice, in the text once — so a
//! heading match ranks above a body match. The best section of a page for a stem is the one
//! under a heading where it weighs most (the top of the page only when no other section has
//! it); results link to that section's anchor.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::extract::PageText;
use super::text;

/// Target size of a posting chunk.
const CHUNK_BYTES: usize = 16 * 1024;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// A page's part of the index: its words (by id in [`Language::words`]) per section, and its
/// fragment file's bytes.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    /// (word id, section, weighted count), sorted.
    terms: Vec<(u32, u16, u16)>,
    /// Sum of the weighted counts.
    length: u32,
    path: String,
    /// The fragment file's bytes (`None` when the build has written it already) and hash.
    fragment: Option<Arc<[u8]>>,
    fragment_hash: u64,
}

/// One language's records and vocabulary.
#[derive(Debug, Default)]
pub(crate) struct Language {
    /// Page id → record; `None` for an id freed by a removed page.
    pages: Vec<Option<Record>>,
    ids: FxMap<String, u32>,
    free: Vec<u32>,
    /// Lowercase words seen so far (ids are never reused; unused words are left out of files).
    words: Vec<String>,
    word_ids: FxMap<String, u32>,
}

/// One word shard while it is assembled: folded word → stem id, and stem id → posting chunk.
type WordShard = (BTreeMap<String, u32>, BTreeMap<u32, u32>);

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
    /// Adds the page at `path` or replaces its records.
    /// Keeps the fragment's bytes when `keep` (else only its hash: the build writes it itself).
    pub(crate) fn set(&mut self, path: &str, terms: Terms, fragment: Arc<[u8]>, keep: bool) {
        let ids: Vec<u32> = terms.words.into_iter().map(|w| self.word_id(w)).collect();
        let mut coded: Vec<(u32, u16, u16)> = terms
            .counts
            .into_iter()
            .map(|(word, section, count)| (ids[word as usize], section, count))
            .collect();
        coded.sort_unstable();
        let length = coded.iter().map(|t| u32::from(t.2)).sum();
        let record = Record {
            terms: coded,
            length,
            path: path.to_string(),
            fragment_hash: {
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                fragment.hash(&mut hasher);
                hasher.finish()
            },
            fragment: keep.then_some(fragment),
        };
        let id = match self.ids.get(path) {
            Some(&id) => id,
            None => {
                let id = self.free.pop().unwrap_or_else(|| {
                    self.pages.push(None);
                    u32::try_from(self.pages.len() - 1).unwrap_or(u32::MAX)
                });
                self.ids.insert(path.to_string(), id);
                id
            }
        };
        if let Some(slot) = self.pages.get_mut(id as usize) {
            *slot = Some(record);
        }
    }

    /// Removes the page at `path`, if it was indexed.
    pub(crate) fn remove(&mut self, path: &str) {
        if let Some(id) = self.ids.remove(path) {
            if let Some(slot) = self.pages.get_mut(id as usize) {
                *slot = None;
            }
            self.free.push(id);
        }
    }

    #[cfg(test)]
    pub(crate) fn contains(&self, path: &str) -> bool {
        self.ids.contains_key(path)
    }

    pub(crate) fn paths(&self) -> impl Iterator<Item = &str> {
        self.ids.keys().map(String::as_str)
    }

    fn word_id(&mut self, word: String) -> u32 {
        if let Some(&id) = self.word_ids.get(&word) {
            return id;
        }
        let id = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
        self.words.push(word.clone());
        self.word_ids.insert(word, id);
        id
    }

    /// The files of this language's index, by path under its folder (`w/ven.json`, …).
    /// With `fragments` false the fragment files are left out (the build writes them itself as
    /// it reads the pages).
    pub(crate) fn files(&self, language: &str, fragments: bool) -> Vec<(String, Arc<[u8]>)> {
        let stemmer = text::stemmer(language);
        // Which words are in use, and their stems.
        let mut used = vec![false; self.words.len()];
        for record in self.pages.iter().flatten() {
            for &(word, _, _) in &record.terms {
                used[word as usize] = true;
            }
        }
        let mut stem_ids: FxMap<String, u32> = FxMap::default();
        let mut stems: Vec<String> = Vec::new();
        let mut word_stem = vec![u32::MAX; self.words.len()];
        for (id, word) in self.words.iter().enumerate() {
            if !used[id] {
                continue;
            }
            let stem = text::stem(stemmer.as_ref(), word);
            let next = u32::try_from(stems.len()).unwrap_or(u32::MAX);
            let stem_id = *stem_ids.entry(stem.clone()).or_insert_with(|| {
                stems.push(stem);
                next
            });
            word_stem[id] = stem_id;
        }
        // Page ids in the files are ranks in path order, so the files are a function of the
        // pages alone (the preview's index, edited page by page, writes what a build writes).
        let mut order: Vec<&Record> = self.pages.iter().flatten().collect();
        order.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        // Per stem: (page, weighted count, best section).
        let mut postings: Vec<Vec<(u32, u32, u16)>> = vec![Vec::new(); stems.len()];
        let live = u32::try_from(order.len()).unwrap_or(u32::MAX);
        let mut total_length = 0u64;
        let mut per_stem: Vec<(u32, u16, u16)> = Vec::new();
        for (page, record) in order.iter().enumerate() {
            total_length += u64::from(record.length);
            per_stem.clear();
            per_stem.extend(
                record
                    .terms
                    .iter()
                    .map(|&(w, section, count)| (word_stem[w as usize], section, count)),
            );
            per_stem.sort_unstable();
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
                    // A section under a heading (with an anchor to land on) is preferred to
                    // the top of the page, even when the title has the word too.
                    if section_count > best_count || (best == 0 && section > 0) {
                        best_count = section_count;
                        best = section;
                    }
                    i += 1;
                }
                let page = u32::try_from(page).unwrap_or(u32::MAX);
                postings[stem as usize].push((page, count, best));
            }
        }
        let average = if live == 0 {
            1.0
        } else {
            (total_length as f64 / f64::from(live)).max(1.0)
        };
        let lengths: Vec<u32> = order.iter().map(|r| r.length).collect();

        // Posting chunks, stems in sorted order.
        let mut sorted_stems: Vec<u32> = (0..stems.len() as u32).collect();
        sorted_stems.sort_unstable_by(|a, b| stems[*a as usize].cmp(&stems[*b as usize]));
        let mut chunk_of = vec![0u32; stems.len()];
        let mut chunks: Vec<Vec<u8>> = vec![Vec::new()];
        let mut encoded = Vec::new();
        for &stem in &sorted_stems {
            let list = &postings[stem as usize];
            let df = list.len() as f64;
            let idf = (1.0 + (f64::from(live) - df + 0.5) / (df + 0.5)).ln();
            encoded.clear();
            let name = stems[stem as usize].as_bytes();
            varint(&mut encoded, name.len() as u64);
            encoded.extend_from_slice(name);
            varint(&mut encoded, list.len() as u64);
            let mut previous = 0u32;
            for &(page, count, best) in list {
                let tf = f64::from(count);
                let length = f64::from(lengths[page as usize]);
                let score = idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / average));
                varint(&mut encoded, u64::from(page - previous));
                varint(&mut encoded, (score * 64.0).round().max(1.0) as u64);
                varint(&mut encoded, u64::from(best));
                previous = page;
            }
            let current = chunks.len() - 1;
            if !chunks[current].is_empty() && chunks[current].len() + encoded.len() > CHUNK_BYTES {
                chunks.push(Vec::new());
            }
            let current = chunks.len() - 1;
            chunks[current].extend_from_slice(&encoded);
            chunk_of[stem as usize] = current as u32;
        }

        // Word shards.
        let mut shards: BTreeMap<String, WordShard> = BTreeMap::new();
        for (id, word) in self.words.iter().enumerate() {
            if !used[id] {
                continue;
            }
            let folded = text::fold(word);
            let stem = word_stem[id];
            let shard = shards.entry(text::shard_key(&folded)).or_default();
            shard.0.entry(folded.into_owned()).or_insert(stem);
            shard.1.insert(stem, chunk_of[stem as usize]);
        }

        let mut files: Vec<(String, Arc<[u8]>)> = Vec::new();
        let mut version = std::collections::hash_map::DefaultHasher::new();
        for (n, chunk) in chunks.into_iter().enumerate() {
            chunk.hash(&mut version);
            files.push((format!("p/{n}.bin"), chunk.into()));
        }
        for (key, (words, chunk)) in shards {
            let words: serde_json::Map<String, serde_json::Value> = words
                .into_iter()
                .map(|(w, s)| (w, stems[s as usize].clone().into()))
                .collect();
            let chunks: serde_json::Map<String, serde_json::Value> = chunk
                .into_iter()
                .map(|(s, c)| (stems[s as usize].clone(), c.into()))
                .collect();
            let bytes = serde_json::json!({"w": words, "c": chunks})
                .to_string()
                .into_bytes();
            bytes.hash(&mut version);
            files.push((format!("w/{key}.json"), bytes.into()));
        }
        for (id, record) in order.iter().enumerate() {
            record.fragment_hash.hash(&mut version);
            if fragments && let Some(fragment) = &record.fragment {
                files.push((format!("f/{id}.json"), fragment.clone()));
            }
        }
        let meta = serde_json::json!({
            "version": format!("{:016x}", version.finish()),
            "docs": live,
        });
        files.push((
            "meta.json".to_string(),
            meta.to_string().into_bytes().into(),
        ));
        files
    }

    /// The page id of `path` (where the build writes its fragment): its rank in path order
    /// while pages are only ever added in path order, as the build does.
    pub(crate) fn id(&self, path: &str) -> Option<u32> {
        self.ids.get(path).copied()
    }
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

    fn file<'a>(files: &'a [(String, Arc<[u8]>)], name: &str) -> &'a [u8] {
        &files.iter().find(|f| f.0 == name).unwrap().1
    }

    /// The postings of `stem`: (page id, score, best section).
    fn postings(files: &[(String, Arc<[u8]>)], stem: &str) -> Vec<(u64, u64, u64)> {
        let shard: serde_json::Value =
            serde_json::from_slice(file(files, &format!("w/{}.json", text::shard_key(stem))))
                .unwrap();
        let chunk = shard["c"][stem].as_u64().unwrap();
        let bytes = file(files, &format!("p/{chunk}.bin"));
        let mut at = 0;
        let next = |at: &mut usize| {
            let (mut value, mut shift) = (0u64, 0);
            loop {
                let b = bytes[*at];
                *at += 1;
                value |= u64::from(b & 0x7f) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    return value;
                }
            }
        };
        loop {
            let len = next(&mut at) as usize;
            let name = std::str::from_utf8(&bytes[at..at + len])
                .unwrap()
                .to_string();
            at += len;
            let n = next(&mut at);
            let mut list = Vec::new();
            let mut page = 0;
            for _ in 0..n {
                page += next(&mut at);
                let score = next(&mut at);
                let section = next(&mut at);
                list.push((page, score, section));
            }
            if name == stem {
                return list;
            }
        }
    }

    #[test]
    fn a_heading_match_outranks_a_body_match_and_names_its_section() {
        let mut index = Language::default();
        let a = page(
            "Ventanas",
            &[("fija", "Ventana fija", "texto de la ventana")],
        );
        let b = page(
            "Otra cosa",
            &[("x", "Nada", "una ventana en el texto, y otra cosa")],
        );
        index.set(
            "es/a/index.html",
            terms(&a),
            fragment("/es/a/", &a).into(),
            true,
        );
        index.set(
            "es/b/index.html",
            terms(&b),
            fragment("/es/b/", &b).into(),
            true,
        );
        let files = index.files("es", true);
        let list = postings(&files, "ventan");
        assert_eq!(list.len(), 2);
        assert!(list[0].1 > list[1].1, "{list:?}");
        // Both land on their section under a heading, not on the title.
        assert_eq!((list[0].2, list[1].2), (1, 1));
        let shard: serde_json::Value = serde_json::from_slice(file(&files, "w/ven.json")).unwrap();
        assert_eq!(shard["w"]["ventanas"], "ventan");
        assert!(files.iter().any(|f| f.0 == "f/1.json"));
    }

    #[test]
    fn replacing_and_removing_a_page_changes_only_its_records() {
        let mut index = Language::default();
        let a = page("Alfa", &[("s", "Uno", "palabra")]);
        index.set(
            "es/a/index.html",
            terms(&a),
            fragment("/es/a/", &a).into(),
            true,
        );
        let before = index.files("es", true);
        let a2 = page("Alfa", &[("s", "Uno", "palabra nuevecita")]);
        index.set(
            "es/a/index.html",
            terms(&a2),
            fragment("/es/a/", &a2).into(),
            true,
        );
        let after = index.files("es", true);
        let stem = text::stem(text::stemmer("es").as_ref(), "nuevecita");
        assert_eq!(postings(&after, &stem).len(), 1);
        assert_ne!(file(&before, "meta.json"), file(&after, "meta.json"));
        index.remove("es/a/index.html");
        let gone = index.files("es", true);
        assert!(
            !gone.iter().any(|f| f.0.starts_with("w/")),
            "{:?}",
            gone.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        assert!(!index.contains("es/a/index.html"));
    }
}
