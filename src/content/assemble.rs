//! Assembling: the pages read one by one → the site's [`Content`]. Drafts are set aside, home
//! and section pages that no file has are made up, sections move under their slug in each
//! language, URLs and translation keys are checked for clashes, and every page missing in a
//! language gets a fallback copy of its original.
//!
//! It reads no files (that is [`super::read_file`]'s job) and knows nothing of rendering.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{Content, Page, PageKind, page_url};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Group};

/// Pages read one by one (in [`source_files`] order) → the site's content: drafts set aside,
/// missing section pages and fallback translations added, URLs and translation keys checked.
/// The preview server calls this again with one file re-read instead of all of them.
pub(crate) fn assemble(
    config: &Config,
    results: impl IntoIterator<Item = Result<Page, Vec<Diagnostic>>>,
    include_drafts: bool,
    mut problems: Diagnostics,
) -> Result<Content, Diagnostics> {
    let mut pages = Vec::new();
    let mut drafts = Vec::new();
    let mut any = false;
    for result in results {
        any = true;
        match result {
            Ok(page) if page.front.draft && !include_drafts => drafts.push(page),
            Ok(page) => pages.push(page),
            Err(errors) => problems.extend(errors),
        }
    }
    if !any && problems.is_empty() {
        problems.push(
            Diagnostic::error("content", "no Markdown files found")
                .hint("write articles as content/<lang>/<section>/<slug>.md"),
        );
    }
    add_missing_section_pages(config, &mut pages);
    add_missing_home_pages(config, &mut pages);
    let segments = section_segments(&pages);
    place_in_sections(&segments, &mut pages);
    check_uniqueness(&pages, &mut problems);
    if problems.has_errors() {
        return Err(problems);
    }
    add_fallbacks(config, &segments, &mut pages);
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    Ok(Content::new(pages, drafts))
}

/// (language, section folder) → the section's segment in that language's URLs: the `slug` of
/// the section's own `_index.md` there; sections without one keep their folder name.
fn section_segments(pages: &[Page]) -> BTreeMap<(String, String), String> {
    pages
        .iter()
        .filter(|p| p.kind == PageKind::Section && p.fallback_from.is_none())
        .filter_map(|p| {
            let section = p.section.clone()?;
            let slug = p.front.slug.as_ref()?;
            Some(((p.lang.clone(), section), slug.clone()))
        })
        .collect()
}

fn segment<'a>(
    segments: &'a BTreeMap<(String, String), String>,
    lang: &str,
    section: &'a str,
) -> &'a str {
    segments
        .get(&(lang.to_string(), section.to_string()))
        .map_or(section, String::as_str)
}

/// Section pages and articles move under their section's segment in their language.
fn place_in_sections(segments: &BTreeMap<(String, String), String>, pages: &mut [Page]) {
    for page in pages.iter_mut() {
        if let Some(section) = &page.section {
            let segment = segment(segments, &page.lang, section);
            page.url = page_url(&page.lang, page.kind, Some(segment), &page.slug);
        }
    }
}

/// A site with no home page (`content/<lang>/_index.md`) in any language gets one in each, so
/// the root's language chooser never leads to a 404. It has no text of its own: the template
/// fills it with the learning path, and the site layer titles it from the UI strings.
fn add_missing_home_pages(config: &Config, pages: &mut Vec<Page>) {
    if pages.iter().any(|p| p.kind == PageKind::Home) {
        return;
    }
    for lang in &config.languages {
        pages.push(generated_page(lang, None, &config.title));
    }
}

/// A section listed in aula.toml without any `_index.md` still gets a page in every language, so
/// listings and breadcrumbs never lead nowhere. (A section with an `_index.md` in some language
/// gets fallback copies of it instead, like any page.)
fn add_missing_section_pages(config: &Config, pages: &mut Vec<Page>) {
    for section in &config.sections {
        let has_any = pages
            .iter()
            .any(|p| p.kind == PageKind::Section && p.section.as_ref() == Some(section));
        if !has_any {
            for lang in &config.languages {
                pages.push(generated_page(lang, Some(section), &folder_title(section)));
            }
        }
    }
}

/// `agent-security` → `Agent security`: a stand-in title from a folder name.
fn folder_title(folder: &str) -> String {
    let words = folder.replace('-', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A home page (`section` None) or section page that no file has: empty source, `title` as a
/// stand-in (see [`Page::is_generated`]).
fn generated_page(lang: &str, section: Option<&String>, title: &str) -> Page {
    let (kind, file, url, translation_key) = match section {
        None => (
            PageKind::Home,
            format!("content/{lang}/_index.md"),
            format!("/{lang}/"),
            "home".to_string(),
        ),
        Some(s) => (
            PageKind::Section,
            format!("content/{lang}/{s}/_index.md"),
            format!("/{lang}/{s}/"),
            format!("section-{s}"),
        ),
    };
    let mut page = Page::without_source(PathBuf::from(file), lang, kind, url, translation_key);
    page.section = section.cloned();
    page.front.title = title.to_string();
    page
}

/// The first URL segments under a language that the site's own pages use (the tag pages, the
/// translation status page): a section or page there would be overwritten by them.
const RESERVED_SEGMENTS: [&str; 2] = ["tags", "translations"];

fn check_uniqueness(pages: &[Page], problems: &mut Diagnostics) {
    let mut by_url: BTreeMap<&str, &Page> = BTreeMap::new();
    let mut by_key: BTreeMap<(&str, &str), &Page> = BTreeMap::new();
    for page in pages {
        let first = page.url.split('/').nth(2).unwrap_or_default();
        if RESERVED_SEGMENTS.contains(&first) {
            problems.push(
                Diagnostic::error(
                    &page.path,
                    format!(
                        "`{}` would be at {}, where aula puts its own pages",
                        page.path.display(),
                        page.url
                    ),
                )
                .at(1, 1)
                .hint(format!(
                    "give it another `slug` (or folder name): {} are taken",
                    RESERVED_SEGMENTS.join(", ")
                ))
                .group(Group::FrontMatter),
            );
        }
        if let Some(other) = by_url.insert(&page.url, page) {
            problems.push(
                Diagnostic::error(
                    &page.path,
                    format!(
                        "`{}` has the same URL {} as {}",
                        page.path.display(),
                        page.url,
                        other.path.display()
                    ),
                )
                .at(1, 1)
                .hint("give one of them another file name or `slug`")
                .group(Group::FrontMatter),
            );
        }
        if let Some(other) = by_key.insert((&page.translation_key, &page.lang), page) {
            problems.push(
                Diagnostic::error(
                    &page.path,
                    format!(
                        "translation_key `{}` is claimed by two {} pages: this one and {}",
                        page.translation_key,
                        page.lang,
                        other.path.display()
                    ),
                )
                .at(1, 1)
                .hint("each language may have one page per translation_key")
                .group(Group::Translations),
            );
        }
    }
}

/// For every page missing in some language, a copy of the original at that language's URL, marked
/// as a fallback (the template shows a notice and a canonical link to the original).
fn add_fallbacks(
    config: &Config,
    segments: &BTreeMap<(String, String), String>,
    pages: &mut Vec<Page>,
) {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, page) in pages.iter().enumerate() {
        groups
            .entry(page.translation_key.clone())
            .or_default()
            .push(i);
    }
    let mut added = Vec::new();
    for members in groups.values() {
        let original = original_of(config, pages, members);
        for lang in &config.languages {
            if members.iter().any(|&i| &pages[i].lang == lang) {
                continue;
            }
            let source = &pages[original];
            let mut copy = source.clone();
            // At this language's URL: its own segment for the section, the original's slug.
            copy.url = page_url(
                lang,
                source.kind,
                source
                    .section
                    .as_deref()
                    .map(|s| segment(segments, lang, s)),
                &source.slug,
            );
            copy.fallback_from = Some(source.lang.clone());
            copy.lang = lang.clone();
            added.push(copy);
        }
    }
    pages.extend(added);
}

/// The page a group's translations were made from: the one in the default language, or else
/// the first in the order of `languages`.
fn original_of(config: &Config, pages: &[Page], members: &[usize]) -> usize {
    config
        .languages
        .iter()
        .find_map(|lang| members.iter().copied().find(|&i| &pages[i].lang == lang))
        .unwrap_or(members[0])
}
