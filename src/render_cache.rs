//! What one render remembers for the next, so the preview server re-renders only what an edit
//! changed: each page's Markdown (keyed by everything `markdown::render` reads) and each output
//! page (keyed by its template context and the templates that render it).
//!
//! A cache hit must give exactly the bytes a fresh render would, or `aula serve` would show a
//! different site than `aula build`. So keys hold the inputs themselves, not guesses about what
//! depends on what: a page's Markdown is reused only when its source text, the link table, the
//! languages and the heading label are the same; an output page only when the same templates
//! render a context that hashes the same and carries the same body. `aula build` renders once
//! and uses no cache.

use std::collections::{HashMap, HashSet};
use std::hash::Hasher;
use std::sync::{Arc, RwLock};

use serde_json::Value;

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
    /// Fingerprint of everything links resolve against (see `site::link_fingerprint`).
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

struct PageEntry {
    templates: u64,
    context: u64,
    body: Option<Arc<str>>,
    output: Arc<[u8]>,
}

/// A page's rendered Markdown and its HTML, shared: the same `Arc` on every hit, so the page
/// cache can tell an unchanged body by pointer.
pub(crate) type Body = (Arc<Rendered>, Arc<str>);

#[derive(Default)]
pub(crate) struct RenderCache {
    /// By page URL.
    bodies: RwLock<HashMap<String, (BodyKey, Body)>>,
    /// By output path.
    pages: RwLock<HashMap<String, PageEntry>>,
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

    /// The output page from the last render when the same templates (by id) render the same
    /// context (`context` without the body; `body` compared on its own, by pointer first), else
    /// `render()`.
    pub(crate) fn page<E>(
        &self,
        path: &str,
        templates: u64,
        context: &Value,
        body: Option<&Arc<str>>,
        render: impl FnOnce() -> Result<String, E>,
    ) -> Result<Arc<[u8]>, E> {
        let hash = hash_json(context);
        if let Ok(pages) = self.pages.read()
            && let Some(entry) = pages.get(path)
            && entry.templates == templates
            && entry.context == hash
            && match (&entry.body, body) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a == b,
                _ => false,
            }
        {
            return Ok(entry.output.clone());
        }
        let output: Arc<[u8]> = Arc::from(render()?.into_bytes());
        if let Ok(mut pages) = self.pages.write() {
            pages.insert(
                path.to_string(),
                PageEntry {
                    templates,
                    context: hash,
                    body: body.cloned(),
                    output: output.clone(),
                },
            );
        }
        Ok(output)
    }

    /// Forgets pages that are gone, so a long session does not grow without bound.
    pub(crate) fn retain(&self, urls: &HashSet<&str>, paths: &HashSet<&str>) {
        if let Ok(mut bodies) = self.bodies.write() {
            bodies.retain(|url, _| urls.contains(url.as_str()));
        }
        if let Ok(mut pages) = self.pages.write() {
            pages.retain(|path, _| paths.contains(path.as_str()));
        }
    }
}

/// A hash of a JSON value, walked directly (cheaper than serializing it). Every variant and
/// length is written before its contents, so two different values never feed the hasher the
/// same bytes. A collision would serve a stale page; with 64 bits and at most a few ten thousand
/// pages per session, the odds are below 1 in 10^10.
fn hash_json(value: &Value) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    feed(value, &mut hasher);
    hasher.finish()
}

fn feed(value: &Value, hasher: &mut impl Hasher) {
    match value {
        Value::Null => hasher.write_u8(0),
        Value::Bool(b) => hasher.write_u8(if *b { 1 } else { 2 }),
        Value::Number(n) => {
            hasher.write_u8(3);
            // `Number`'s text is exact for every kind it holds (integer or float).
            let text = n.to_string();
            hasher.write_usize(text.len());
            hasher.write(text.as_bytes());
        }
        Value::String(text) => {
            hasher.write_u8(4);
            hasher.write_usize(text.len());
            hasher.write(text.as_bytes());
        }
        Value::Array(items) => {
            hasher.write_u8(5);
            hasher.write_usize(items.len());
            for item in items {
                feed(item, hasher);
            }
        }
        Value::Object(map) => {
            hasher.write_u8(6);
            hasher.write_usize(map.len());
            for (key, item) in map {
                hasher.write_usize(key.len());
                hasher.write(key.as_bytes());
                feed(item, hasher);
            }
        }
    }
}
