//! The site's structure: sections, the learning path and tags, per language, as page indexes.
//! It reads where pages sit (kind, section, level, weight, title, tags), never their bodies.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::content::PageKind;
use crate::content::front_matter::Level;

use super::Project;

/// Sections, the learning path and tags, per language, by page index in `content.pages`.
#[derive(Clone)]
pub(crate) struct Structure<'s> {
    /// (lang, section) → article indexes, in path order.
    pub(crate) section_articles: BTreeMap<(String, String), Vec<usize>>,
    /// lang → article indexes in learning-path order: it climbs by level (no level counts as
    /// beginner); within a level, sections in config order, then weight, then title.
    pub(crate) path: BTreeMap<String, Vec<usize>>,
    /// (lang, tag slug) → (tag name, article indexes).
    pub(crate) tags: BTreeMap<(String, String), (String, Vec<usize>)>,
    /// Each page's summary for listings (see [`make_summary`]), borrowed from whoever made
    /// them: the caller, with [`Structure::with_summaries`].
    pub(crate) summaries: Vec<&'s Value>,
}

impl Structure<'static> {
    /// Reads the pages' kinds, sections, languages, levels, weights, titles and tags; nothing
    /// else. It has no summaries yet.
    pub(crate) fn new(project: &Project) -> Structure<'static> {
        let pages = &project.content.pages;
        let mut section_articles: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
        let mut tags: BTreeMap<(String, String), (String, Vec<usize>)> = BTreeMap::new();
        // Articles share a few tags: slugify each name once.
        let mut slugs: HashMap<&str, String> = HashMap::new();
        for (i, page) in pages.iter().enumerate() {
            if page.kind != PageKind::Article {
                continue;
            }
            if let Some(section) = &page.section {
                section_articles
                    .entry((page.lang.clone(), section.clone()))
                    .or_default()
                    .push(i);
            }
            if page.fallback_from.is_none() {
                for tag in &page.front.tags {
                    let slug = slugs
                        .entry(tag)
                        .or_insert_with(|| slug::slugify(tag))
                        .clone();
                    let entry = tags
                        .entry((page.lang.clone(), slug))
                        .or_insert_with(|| (tag.clone(), Vec::new()));
                    entry.1.push(i);
                }
            }
        }
        for articles in section_articles.values_mut() {
            articles.sort_by(|&a, &b| {
                (pages[a].front.weight, &pages[a].front.title)
                    .cmp(&(pages[b].front.weight, &pages[b].front.title))
            });
        }
        let mut path = BTreeMap::new();
        for lang in &project.config.languages {
            let mut order: Vec<usize> = project
                .config
                .sections
                .iter()
                .flat_map(|s| {
                    section_articles
                        .get(&(lang.clone(), s.clone()))
                        .cloned()
                        .unwrap_or_default()
                })
                .collect();
            // The path climbs: every beginner article before every intermediate one before
            // every advanced one. The sort is stable, so within a level the order above stays.
            order.sort_by_key(|&i| pages[i].front.level.unwrap_or(Level::Beginner));
            path.insert(lang.clone(), order);
        }
        Structure {
            section_articles,
            path,
            tags,
            summaries: Vec::new(),
        }
    }
}

impl Structure<'_> {
    /// The same structure with `summaries` (by page index) as its pages' summaries.
    pub(crate) fn with_summaries<'s>(self, summaries: Vec<&'s Value>) -> Structure<'s> {
        Structure {
            section_articles: self.section_articles,
            path: self.path,
            tags: self.tags,
            summaries,
        }
    }
}
