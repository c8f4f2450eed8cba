//! The files of one language's index, the ones the browser reads, written from the index's
//! pages and vocabulary: every file the first time and after pages came or went, else only
//! those the edits since the last write changed ([`Language::refresh`]) — byte for byte what a
//! full build writes either way. This module owns the files' format and the scores; of the
//! index it changes only what it keeps of the last write (each stem's piece and encoding, the
//! change notes it reads), and it knows nothing of the output store or HTML.
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

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::{Language, Posting};
use crate::search::text;

/// Target size of a posting piece.
const PIECE_BYTES: usize = 16 * 1024;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// What was written last, to write again only what changed.
#[derive(Debug)]
pub(super) struct Written {
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

/// What a [`Language::refresh`] did: whether it wrote every file, and how many files it
/// wrote, changed or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refreshed {
    pub(crate) full: bool,
    pub(crate) files: usize,
}

type FxSet<T> = rustc_hash::FxHashSet<T>;

impl Language {
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

    #[test]
    fn the_average_length_is_rounded_to_two_significant_digits() {
        assert_eq!(rounded_average(0, 0), 1);
        assert_eq!(rounded_average(57, 1), 57);
        assert_eq!(rounded_average(8_374 * 10, 10), 8_400);
        assert_eq!(rounded_average(995, 1), 1_000);
        assert_eq!(rounded_average(1_049_000, 1000), 1_000);
    }
}
