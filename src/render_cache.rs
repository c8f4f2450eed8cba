//! Each page's rendered Markdown, remembered from one render for the next, keyed by everything
//! `markdown::render` reads, so the preview server renders again only the Markdown an edit
//! changed. (Which output files to render again is `site::incremental`'s business.)
//!
//! A cache hit must give exactly what a fresh render would, or `aula serve` would show a
//! different site than `aula build`. So keys hold the inputs themselves, not guesses about what
//! depends on what: a page's Markdown is reused only when its source text, the link table, the
//! languages and the heading label are the same. `aula build` renders once and uses no cache.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use crate::markdown::Rendered;

/// The inputs of one page's Markdown rendering.
#[derive(Clone, PartialEq)]
pub(crate) struct BodyKey {
    /// The page's whole source; compared by pointer first (unchanged pages share it).
    pub(crate) source: Arc<str>,
    pub(crate) body_offset: usize,
    pub(crate) source_lang: String,
    pub(crate) page_lang: String,
    pub(crate) anchor_label: String,
    /// What the page's links resolve against (see `site::incremental::link_digest`).
    pub(crate) links: u64,
}

impl BodyKey {
    fn same(&self, other: &BodyKey) -> bool {
        (Arc::ptr_eq(&self.source, &other.source) || self.source == other.source)
            && self.body_offset == other.body_offset
            && self.source_lang == other.source_lang
            && self.page_lang == other.page_lang
            && self.anchor_label == other.anchor_label
            && self.links == other.links
    }
}

/// A page's rendered Markdown and its HTML, shared: the same `Arc` on every hit, so the page
/// cache can tell an unchanged body by pointer.
pub(crate) type Body = (Arc<Rendered>, Arc<str>);

#[derive(Default)]
pub(crate) struct RenderCache {
    /// By page URL.
    bodies: RwLock<HashMap<String, (BodyKey, Body)>>,
}

impl RenderCache {
    /// The page's Markdown from the last render when its inputs are the same, else `render()`.
    pub(crate) fn body(&self, url: &str, key: BodyKey, render: impl FnOnce() -> Rendered) -> Body {
        if let Ok(bodies) = self.bodies.read()
            && let Some((cached_key, body)) = bodies.get(url)
            && cached_key.same(&key)
        {
            return body.clone();
        }
        let rendered = render();
        let html: Arc<str> = rendered.html.as_str().into();
        let body = (Arc::new(rendered), html);
        if let Ok(mut bodies) = self.bodies.write() {
            bodies.insert(url.to_string(), (key, body.clone()));
        }
        body
    }

    /// Forgets pages that are gone, so a long session does not grow without bound.
    pub(crate) fn retain(&self, urls: &HashSet<&str>) {
        if let Ok(mut bodies) = self.bodies.write() {
            bodies.retain(|url, _| urls.contains(url.as_str()));
        }
    }
}
