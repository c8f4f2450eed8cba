//! Site search: the one module that knows Pagefind.
//!
//! After the pages are rendered, [`add_index`] hands every HTML page of the [`OutputStore`] to
//! Pagefind's Rust API, which reads `<html lang>` to keep one index per language (with that
//! language's stemming, so "ventanas" finds "ventana") and only indexes what templates mark with
//! `data-pagefind-body`. The index and Pagefind's own browser files (`pagefind.js`, its worker
//! and the per-language WebAssembly) go back into the store under `pagefind/`. The page's script
//! loads `/pagefind/pagefind.js`; nothing here knows about templates or the browser side.
//!
//! Pagefind's API is async; a small current-thread tokio runtime, made per call, drives it so
//! the rest of the build stays synchronous. Without the `search` cargo feature this is a no-op.

use crate::diagnostics::Diagnostic;
use crate::output::OutputStore;

/// Where the index lives in the site.
#[cfg(feature = "search")]
const BUNDLE_DIR: &str = "pagefind";

/// Pagefind's ready-made UIs, which the site does not use (it has its own, localized one).
#[cfg(feature = "search")]
const UNUSED_FILES: &[&str] = &[
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// Indexes the HTML pages in `output` and adds the search bundle to it.
///
/// Pagefind indexes one page at a time behind a lock, so one index per language is built, each
/// on a thread of its own, and their bundles are merged: every language's index is separate in
/// Pagefind's format anyway (its own hash, word index and fragments, listed by language in
/// `pagefind-entry.json`), and the shared files — the script, the worker, the WebAssembly — are
/// the same bytes in every bundle.
#[cfg(feature = "search")]
pub(crate) fn add_index(output: &mut OutputStore) -> Result<(), Diagnostic> {
    use std::collections::BTreeMap;

    let mut by_language: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for path in output.paths() {
        if path.ends_with(".html") && !path.starts_with(BUNDLE_DIR) {
            let language = path.split('/').next().unwrap_or_default();
            by_language.entry(language).or_default().push(path);
        }
    }
    if by_language.is_empty() {
        // Pagefind needs one page to write its bundle; an empty site gets an empty index.
        by_language.insert("", Vec::new());
    }
    let store = &*output;
    let bundles: Vec<Result<Bundle, String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = by_language
            .into_values()
            .map(|paths| scope.spawn(move || index_pages(store, paths)))
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|_| Err("the indexing thread panicked".to_string()))
            })
            .collect()
    });
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut entry: Option<serde_json::Value> = None;
    for bundle in bundles {
        let bundle = bundle.map_err(|e| {
            Diagnostic::error("search", format!("cannot build the search index: {e}"))
                .group("search")
        })?;
        for (name, contents) in bundle {
            if name == "pagefind-entry.json" {
                entry = Some(merge_entries(entry.take(), &contents));
            } else {
                files.entry(name).or_insert(contents);
            }
        }
    }
    if let Some(entry) = entry {
        files.insert(
            "pagefind-entry.json".to_string(),
            entry.to_string().into_bytes(),
        );
    }
    for (name, contents) in files {
        output.insert(format!("{BUNDLE_DIR}/{name}"), contents);
    }
    Ok(())
}

/// The files of one Pagefind bundle: (name under `pagefind/`, bytes).
#[cfg(feature = "search")]
type Bundle = Vec<(String, Vec<u8>)>;

/// One Pagefind bundle for the pages at `paths` in `store` (read one at a time: the store may
/// have written them to disk), without the UIs the site doesn't use.
#[cfg(feature = "search")]
fn index_pages(store: &OutputStore, paths: Vec<&str>) -> Result<Bundle, String> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let files = runtime
        .block_on(async move {
            let config = PagefindServiceConfig::builder()
                .keep_index_url(false)
                .write_playground(false)
                // The "#" links beside headings would show up in every excerpt.
                .exclude_selectors(vec![".heading-anchor".to_string()])
                .build();
            let mut index = PagefindIndex::new(Some(config))?;
            for path in paths {
                let Some(bytes) = store.read(path) else {
                    continue;
                };
                let html = String::from_utf8_lossy(&bytes);
                // Only pages with a marked body are indexed; handing Pagefind the others
                // (listings, tag pages) would only cost parsing time.
                if html.contains("data-pagefind-body") {
                    index
                        .add_html_file(Some(path.to_string()), None, html.into_owned())
                        .await?;
                }
            }
            index.get_files().await
        })
        .map_err(|e| e.to_string())?;
    Ok(files
        .into_iter()
        .map(|file| {
            (
                file.filename.to_string_lossy().replace('\\', "/"),
                file.contents,
            )
        })
        .filter(|(name, _)| !UNUSED_FILES.contains(&name.as_str()))
        .collect())
}

/// Joins the `languages` of Pagefind entry files; the rest (version, characters) is the same.
#[cfg(feature = "search")]
fn merge_entries(merged: Option<serde_json::Value>, contents: &[u8]) -> serde_json::Value {
    let Ok(next) = serde_json::from_slice::<serde_json::Value>(contents) else {
        return merged.unwrap_or_default();
    };
    let Some(mut merged) = merged else {
        return next;
    };
    if let (Some(all), Some(more)) = (
        merged.get_mut("languages").and_then(|l| l.as_object_mut()),
        next.get("languages").and_then(|l| l.as_object()),
    ) {
        for (language, details) in more {
            all.insert(language.clone(), details.clone());
        }
    }
    merged
}

/// Without the `search` feature the site has no index (and its pages no search box).
#[cfg(not(feature = "search"))]
pub(crate) fn add_index(_output: &mut OutputStore) -> Result<(), Diagnostic> {
    Ok(())
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
    fn each_language_gets_its_own_stemmed_index() {
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
        output.insert("aula.css", "body {}");
        add_index(&mut output).unwrap();
        let paths: Vec<&str> = output.paths().collect();
        for expected in [
            "pagefind/pagefind.js",
            "pagefind/pagefind-entry.json",
            "pagefind/wasm.es.pagefind",
            "pagefind/wasm.en.pagefind",
        ] {
            assert!(paths.contains(&expected), "{expected} missing in {paths:?}");
        }
        assert!(!paths.contains(&"pagefind/pagefind-ui.js"));
        let entry = String::from_utf8_lossy(output.get("pagefind/pagefind-entry.json").unwrap())
            .into_owned();
        assert!(
            entry.contains("\"es\"") && entry.contains("\"en\""),
            "{entry}"
        );
    }
}
