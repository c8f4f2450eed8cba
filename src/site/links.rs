//! The link index: which page an author means by `@/finops/x.md`, and its URL in the language of
//! the page that links. It knows pages by their paths, URLs and translation keys; it renders
//! nothing.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::config::Config;
use crate::content::{Content, Page};
use crate::markdown::{LinkError, LinkResolver, Rendered};

/// Finds pages by the source path an author links to (`@/finops/x.md`). It owns its strings, so
/// the preview server can keep it while the pages it indexes stay where they are.
pub(crate) struct SourceIndex {
    /// (language, path under content/<lang>/) → translation key
    by_source: HashMap<(String, String), String>,
    /// (translation key, language) → URL
    urls: HashMap<(String, String), String>,
    drafts: HashSet<(String, String)>,
    /// The site's languages, default first.
    languages: Vec<String>,
}

impl SourceIndex {
    pub(crate) fn new(config: &Config, content: &Content) -> Self {
        let mut by_source = HashMap::new();
        let mut urls = HashMap::new();
        for page in &content.pages {
            urls.insert(
                (page.translation_key.clone(), page.lang.clone()),
                page.url.clone(),
            );
            if page.fallback_from.is_none()
                && let Some(relative) = relative_source(config, page)
            {
                by_source.insert((page.lang.clone(), relative), page.translation_key.clone());
            }
        }
        let drafts = content
            .drafts
            .iter()
            .filter_map(|p| relative_source(config, p).map(|r| (p.lang.clone(), r)))
            .collect();
        let mut languages = vec![config.default_language.clone()];
        languages.extend(
            config
                .languages
                .iter()
                .filter(|l| **l != config.default_language)
                .cloned(),
        );
        Self {
            by_source,
            urls,
            drafts,
            languages,
        }
    }

    fn resolve(
        &self,
        source_lang: &str,
        page_lang: &str,
        target: &str,
    ) -> Result<String, LinkError> {
        let path = target.trim_start_matches("@/");
        let (path, fragment) = match path.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (path, None),
        };
        // A link to an article not written in this language leads to the original's page in
        // this language (a fallback page, which always exists).
        let key = std::iter::once(source_lang)
            .chain(self.languages.iter().map(String::as_str))
            .find_map(|lang| self.by_source.get(&(lang.to_string(), path.to_string())))
            .ok_or_else(|| {
                if self
                    .drafts
                    .contains(&(source_lang.to_string(), path.to_string()))
                {
                    LinkError::Draft {
                        target: target.to_string(),
                    }
                } else {
                    LinkError::Missing {
                        lang: source_lang.to_string(),
                        path: path.to_string(),
                        target: target.to_string(),
                    }
                }
            })?;
        let url = self
            .urls
            .get(&(key.clone(), page_lang.to_string()))
            .ok_or_else(|| LinkError::NoTranslation {
                lang: page_lang.to_string(),
                target: target.to_string(),
            })?;
        Ok(match fragment {
            Some(f) => format!("{url}#{f}"),
            None => url.to_string(),
        })
    }
}

/// `content/es/finops/x.md` → `finops/x.md`
fn relative_source(config: &Config, page: &Page) -> Option<String> {
    let prefix = Path::new("content").join(&page.lang);
    let _ = config;
    page.path
        .strip_prefix(&prefix)
        .ok()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
}

pub(super) struct PageLinks<'a> {
    pub(super) index: &'a SourceIndex,
    pub(super) source_lang: &'a str,
    pub(super) page_lang: &'a str,
}

impl LinkResolver for PageLinks<'_> {
    fn resolve(&self, target: &str) -> Result<String, LinkError> {
        self.index.resolve(self.source_lang, self.page_lang, target)
    }
}

/// Whether `rendered`, `page`'s Markdown as rendered against another link table, has every
/// `@/` link resolve to the same URL with `index` (as `body::markdown` resolves them). Those
/// links are all that Markdown reads of other pages, so then rendering it again with `index`
/// would give the same HTML.
pub(crate) fn resolves_the_same(index: &SourceIndex, page: &Page, rendered: &Rendered) -> bool {
    let source_lang = page.fallback_from.as_deref().unwrap_or(&page.lang);
    rendered
        .links
        .iter()
        .filter(|link| link.written.starts_with("@/"))
        .all(|link| {
            index
                .resolve(source_lang, &page.lang, &link.written)
                .is_ok_and(|url| url == link.url)
        })
}
