//! The index of one language: every page's part of it (its distinct words and stems, its
//! weighted length, its fragment) and the vocabulary (each word with its stem, each stem with
//! the pages that have it), kept so that setting or removing a page changes only that page's
//! part, with notes of what changed since the files were last written.
//!
//! [`page`] turns one page's text into what it adds (its weighted words and its fragment
//! file); this module gives those words the language's ids and stems and keeps the postings;
//! [`files`] writes the files the browser reads from all that — every file, or after an edit
//! only those it changed — and documents their format and scores. This module knows nothing of
//! the files' encoding, the output store or HTML.

mod files;
mod page;

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use pagefind_stem::Stemmer;

use super::text;

use files::Written;
pub(crate) use page::{Terms, fragment, terms};

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

/// The index's own keys (words and small integers) are hashed with rustc-hash's Fx: no
/// untrusted collision-seeking input is worth SipHash's cost here (a page's author can only slow
/// their own build).
type FxMap<K, V> = rustc_hash::FxHashMap<K, V>;

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
    fn contains(&self, path: &str) -> bool {
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

    /// The page id of `path` (where the build writes its fragment): its rank in path order
    /// while pages are only ever added in path order, as the build does.
    pub(crate) fn id(&self, path: &str) -> Option<u32> {
        self.slots.get(path).copied()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::search::extract::{PageText, Section};

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
}
