//! Site search: aula's own index, one per language, sharded so that a query downloads only
//! the files of its words. The browser side is `static/search.js`.
//!
//! The index is made from the rendered pages: [`extract`] reads the part of each page the
//! templates mark `data-pagefind-body` (prose and headings with their anchors; not code blocks,
//! labs' forms and recorded tables, or navigation), [`text`] cuts it into words, folds accents
//! and stems them (Snowball, per language), and [`index`] keeps each page's records and writes
//! the files under `search/<lang>/`. Two ways in:
//! - [`add_index`], for `aula build`: every page, read in parallel, written once;
//! - [`SearchIndex`], for `aula serve`: keeps the records between rebuilds, so an edit re-reads
//!   only the pages that changed and rewrites only the files of the words they changed (a new
//!   or removed page rewrites them all); the files are always what a full build would write.
//!
//! This module knows nothing about templates or the browser; the contract with them is the
//! `data-pagefind-body` / `data-pagefind-ignore` attributes and the file format documented in
//! `index/files.rs`. Without the `search` cargo feature there is no index (and no search box).

#[cfg(feature = "search")]
mod extract;
#[cfg(feature = "search")]
mod index;
#[cfg(feature = "search")]
mod text;

use crate::diagnostics::Diagnostic;
use crate::output::OutputStore;

/// What one page adds to the index: its terms and the fragment its results show.
#[cfg(feature = "search")]
type PageRecords = (index::Terms, Vec<u8>);

/// Where the index lives in the site.
pub(crate) const SEARCH_DIR: &str = "search/";

/// The language a page at `path` belongs to (its first folder), if it is a page at all.
#[cfg(feature = "search")]
fn language_of(path: &str) -> Option<&str> {
    if !path.ends_with(".html") || path.starts_with(SEARCH_DIR) {
        return None;
    }
    let (language, _) = path.split_once('/')?;
    Some(language)
}

/// A page's text (aula writes UTF-8; anything else is read leniently).
#[cfg(feature = "search")]
fn utf8(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// The URL of the page written at `path` (`es/a/index.html` → `/es/a/`).
#[cfg(feature = "search")]
fn url_of(path: &str) -> String {
    match path.strip_suffix("index.html") {
        Some(folder) => format!("/{folder}"),
        None => format!("/{path}"),
    }
}

/// Indexes the HTML pages in `output` and adds the index files to it (`aula build`).
///
/// Pages are read and taken apart in parallel, a few hundred at a time (so their text is never
/// all in memory); their fragment files are written as they come; the shared files (word shards,
/// posting chunks) are written last, from the records.
#[cfg(feature = "search")]
pub(crate) fn add_index(output: &mut OutputStore) -> Result<(), Diagnostic> {
    use rayon::prelude::*;
    use std::collections::BTreeMap;
    use std::sync::Arc;

    let paths: Vec<String> = output
        .paths()
        .filter(|p| language_of(p).is_some())
        .map(str::to_string)
        .collect();
    let mut languages: BTreeMap<String, index::Language> = BTreeMap::new();
    let store = &*output;
    let read_batch = |batch: &[String]| -> Vec<(String, index::Terms, Arc<[u8]>)> {
        batch
            .par_iter()
            .filter_map(|path| {
                let bytes = store.read(path)?;
                let page = extract::page_text(&utf8(&bytes))?;
                Some((
                    path.clone(),
                    index::terms(&page),
                    Arc::from(index::fragment(&url_of(path), &page)),
                ))
            })
            .collect()
    };
    // While one batch of pages is read (on every core but one, in effect), the previous one
    // is added to the records (in order: a page's id is its rank) and its fragments are
    // written, in parallel too.
    let mut written = Vec::new();
    let mut pending: Vec<(String, index::Terms, Arc<[u8]>)> = Vec::new();
    let mut batches = paths.chunks(256);
    loop {
        let next = batches.next();
        let (read, ()) = rayon::join(
            || next.map(read_batch),
            || {
                let mut fragments = Vec::with_capacity(pending.len());
                for (path, terms, fragment) in pending.drain(..) {
                    let language = language_of(&path).unwrap_or_default();
                    let index = languages
                        .entry(language.to_string())
                        .or_insert_with(|| index::Language::new(language));
                    index.set(&path, terms, fragment.clone(), false);
                    if let Some(id) = index.id(&path) {
                        fragments.push((format!("{SEARCH_DIR}{language}/f/{id}.json"), fragment));
                    }
                }
                written.par_extend(fragments.into_par_iter().map(|(file, fragment)| {
                    let result = store.write_through(&file, fragment);
                    (file, result)
                }));
            },
        );
        match read {
            Some(read) => pending = read,
            None => break,
        }
    }
    let files: Vec<(String, Arc<[u8]>)> = languages
        .par_iter_mut()
        .flat_map_iter(|(language, index)| {
            index.refresh();
            let language = language.clone();
            index
                .files()
                .into_iter()
                .map(move |(name, bytes)| (format!("{SEARCH_DIR}{language}/{name}"), bytes))
        })
        .collect();
    // The shared files (word shards, posting pieces, meta), a few thousand: written in parallel.
    written.par_extend(files.into_par_iter().map(|(file, bytes)| {
        let result = store.write_through(&file, bytes);
        (file, result)
    }));
    for (file, result) in written {
        output.record(file, result);
    }
    Ok(())
}

/// Without the `search` feature the site has no index (and its pages no search box).
#[cfg(not(feature = "search"))]
pub(crate) fn add_index(_output: &mut OutputStore) -> Result<(), Diagnostic> {
    Ok(())
}

/// The preview server's index: kept between rebuilds, fed only the pages that changed.
#[cfg(feature = "search")]
#[derive(Debug, Default)]
pub(crate) struct SearchIndex {
    languages: std::collections::BTreeMap<String, index::Language>,
}

#[cfg(feature = "search")]
impl SearchIndex {
    /// Adds or replaces the page written at `path` (a page without searchable text is removed).
    #[cfg(test)]
    pub(crate) fn set_page(&mut self, path: &str, html: &[u8]) {
        let Some(language) = language_of(path) else {
            return;
        };
        let html = utf8(html);
        match extract::page_text(&html) {
            Some(page) => {
                let fragment = index::fragment(&url_of(path), &page);
                self.language(language)
                    .set(path, index::terms(&page), fragment.into(), true);
            }
            None => self.remove_page(path),
        }
    }

    /// The index of `language`, made empty the first time.
    fn language(&mut self, language: &str) -> &mut index::Language {
        self.languages
            .entry(language.to_string())
            .or_insert_with(|| index::Language::new(language))
    }

    /// Forgets the page written at `path`.
    pub(crate) fn remove_page(&mut self, path: &str) {
        if let Some(index) = language_of(path).and_then(|l| self.languages.get_mut(l)) {
            index.remove(path);
        }
    }

    /// Brings the index up to date with `pages`, the latest build, re-reading only the pages
    /// that are new or whose bytes are not the very ones of `previous` (the preview shares an
    /// unchanged page's bytes between builds; `previous` must still be alive, so a new page
    /// cannot have an old one's address). Returns how many pages were read.
    pub(crate) fn update(&mut self, previous: Option<&OutputStore>, pages: &OutputStore) -> usize {
        use rayon::prelude::*;
        let changed: Vec<(&str, &[u8])> = pages
            .iter()
            .filter(|(path, bytes)| {
                language_of(path).is_some()
                    && previous.and_then(|p| p.get(path)).is_none_or(|old| {
                        old.as_ptr() != bytes.as_ptr() || old.len() != bytes.len()
                    })
            })
            .collect();
        let read: Vec<(&str, Option<PageRecords>)> = changed
            .par_iter()
            .map(|&(path, bytes)| {
                let html = utf8(bytes);
                let taken = extract::page_text(&html)
                    .map(|page| (index::terms(&page), index::fragment(&url_of(path), &page)));
                (path, taken)
            })
            .collect();
        let count = read.len();
        for (path, taken) in read {
            match taken {
                Some((terms, fragment)) => {
                    let language = language_of(path).unwrap_or_default();
                    self.language(language)
                        .set(path, terms, fragment.into(), true);
                }
                None => self.remove_page(path),
            }
        }
        for path in self.paths() {
            if !pages.contains(&path) {
                self.remove_page(&path);
            }
        }
        count
    }

    /// The indexed pages' paths.
    pub(crate) fn paths(&self) -> Vec<String> {
        self.languages
            .values()
            .flat_map(|l| l.paths().map(str::to_string))
            .collect()
    }

    /// Brings the index files up to date with the pages set so far (see
    /// [`index::Language::refresh`]) and returns all of them, as a store of paths under
    /// `search/`, with how many files were written, changed or removed.
    pub(crate) fn files(&mut self) -> (OutputStore, usize) {
        use rayon::prelude::*;
        let refreshed: usize = self
            .languages
            .par_iter_mut()
            .map(|(_, index)| index.refresh().files)
            .sum();
        let mut store = OutputStore::default();
        for (language, index) in &self.languages {
            for (name, bytes) in index.files() {
                store.insert_shared(format!("{SEARCH_DIR}{language}/{name}"), bytes);
            }
        }
        (store, refreshed)
    }
}

#[cfg(all(test, feature = "search"))]
mod tests {
    use super::*;

    fn page(lang: &str, title: &str, text: &str) -> String {
        format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><title>{title}</title></head><body>\
             <nav>menu</nav><article data-pagefind-body><h1>{title}</h1><p>{text}</p></article>\
             </body></html>"
        )
    }

    #[test]
    fn each_language_gets_its_own_index() {
        let mut output = OutputStore::default();
        output.insert(
            "es/seguridad/limites/index.html",
            page(
                "es",
                "Límites de tasa",
                "Ventana fija y ventana deslizante.",
            ),
        );
        output.insert(
            "en/security/limits/index.html",
            page("en", "Rate limits", "Fixed window and sliding window."),
        );
        output.insert("en/tags/index.html", "<html><body>listing</body></html>");
        output.insert("aula.css", "body {}");
        add_index(&mut output).unwrap();
        let paths: Vec<&str> = output.paths().collect();
        for expected in [
            "search/es/meta.json",
            "search/es/w/ven.json",
            "search/es/f/0.json",
            "search/en/meta.json",
            "search/en/w/win.json",
            "search/en/f/0.json",
        ] {
            assert!(paths.contains(&expected), "{expected} missing in {paths:?}");
        }
        assert!(!paths.iter().any(|p| p.starts_with("search/en/f/1")));
        let shard =
            String::from_utf8_lossy(output.get("search/es/w/ven.json").unwrap()).into_owned();
        assert!(shard.contains("\"ventana\""), "{shard}");
        assert!(!shard.contains("window"), "{shard}");
        let fragment =
            String::from_utf8_lossy(output.get("search/es/f/0.json").unwrap()).into_owned();
        assert!(
            fragment.contains("\"/es/seguridad/limites/\""),
            "{fragment}"
        );
    }

    #[test]
    fn the_preview_index_follows_edits_page_by_page() {
        let mut index = SearchIndex::default();
        index.set_page(
            "en/a/index.html",
            page("en", "Alpha", "plain words").as_bytes(),
        );
        index.set_page(
            "en/b/index.html",
            page("en", "Beta", "other words").as_bytes(),
        );
        let (before, _) = index.files();
        assert!(before.get("search/en/w/zep.json").is_none());
        index.set_page(
            "en/a/index.html",
            page("en", "Alpha", "plain zephyr").as_bytes(),
        );
        let (after, _) = index.files();
        let shard =
            String::from_utf8_lossy(after.get("search/en/w/zep.json").unwrap()).into_owned();
        assert!(shard.contains("zephyr"), "{shard}");
        assert_ne!(
            before.get("search/en/meta.json"),
            after.get("search/en/meta.json")
        );
        index.remove_page("en/b/index.html");
        assert_eq!(index.paths(), ["en/a/index.html"]);
        assert!(index.files().0.get("search/en/f/1.json").is_none());
    }
}
