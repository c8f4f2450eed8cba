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
#[cfg(feature = "search")]
pub(crate) fn add_index(output: &mut OutputStore) -> Result<(), Diagnostic> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;

    let pages: Vec<(String, String)> = output
        .iter()
        .filter(|(path, _)| path.ends_with(".html") && !path.starts_with(BUNDLE_DIR))
        .map(|(path, bytes)| {
            (
                path.to_string(),
                String::from_utf8_lossy(bytes).into_owned(),
            )
        })
        .collect();
    let failed = |e: &dyn std::fmt::Display| {
        Diagnostic::error("search", format!("cannot build the search index: {e}")).group("search")
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(&e))?;
    let files = runtime
        .block_on(async move {
            let config = PagefindServiceConfig::builder()
                .keep_index_url(false)
                .write_playground(false)
                // The "#" links beside headings would show up in every excerpt.
                .exclude_selectors(vec![".heading-anchor".to_string()])
                .build();
            let mut index = PagefindIndex::new(Some(config))?;
            for (path, html) in pages {
                index.add_html_file(Some(path), None, html).await?;
            }
            index.get_files().await
        })
        .map_err(|e| failed(&e))?;
    for file in files {
        let name = file.filename.to_string_lossy().replace('\\', "/");
        if UNUSED_FILES.contains(&name.as_str()) {
            continue;
        }
        output.insert(format!("{BUNDLE_DIR}/{name}"), file.contents);
    }
    Ok(())
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
