//! Template contexts: the frame every template gets (language, switcher, alternates,
//! navigation), a content page's context, and the summaries listings repeat. Each builder says
//! what it reads; `incremental` fingerprints exactly that.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::content::{Page, PageKind};

use super::{Project, RenderedPage, Structure};

/// 200 words a minute, at least one minute.
fn reading_minutes(words: usize) -> u64 {
    (words as u64).div_ceil(200).max(1)
}

pub(super) fn t(project: &Project, lang: &str, key: &str) -> String {
    project
        .locales
        .t(lang, key, &[])
        .unwrap_or_else(|| key.to_string())
}

/// What every template gets: language, switcher, alternates, navigation.
pub(crate) fn common_context(project: &Project, page: &Page, title: &str) -> Value {
    let config = &project.config;
    let content = &project.content;
    let languages: Vec<Value> = config
        .languages
        .iter()
        .map(|lang| {
            let url = content
                .translation(&page.translation_key, lang)
                .map_or_else(|| format!("/{lang}/"), |p| p.url.clone());
            json!({
                "code": lang,
                "name": t(project, lang, "language-name"),
                "url": url,
                "current": lang == &page.lang,
            })
        })
        .collect();
    let alternates: Vec<Value> = config
        .languages
        .iter()
        .filter_map(|lang| content.translation(&page.translation_key, lang))
        .filter(|p| p.fallback_from.is_none())
        .map(|p| json!({"lang": p.lang, "url": config.absolute_url(&p.url)}))
        .collect();
    let canonical = match &page.fallback_from {
        Some(original_lang) => content
            .translation(&page.translation_key, original_lang)
            .map_or_else(|| page.url.clone(), |p| p.url.clone()),
        None => page.url.clone(),
    };
    json!({
        "lang": page.lang,
        "title": title,
        "site": {"title": config.title, "base_url": config.base_url},
        "url": page.url,
        "canonical": config.absolute_url(&canonical),
        "alternates": alternates,
        "x_default": config.absolute_url("/"),
        "languages": languages,
        "home_url": format!("/{}/", page.lang),
        "sections": nav_sections(project, &page.lang, page.section.as_deref()),
        "feed_url": format!("/{}/atom.xml", page.lang),
        "search": cfg!(feature = "search") && project.config.search,
    })
}

fn nav_sections(project: &Project, lang: &str, current: Option<&str>) -> Vec<Value> {
    project
        .config
        .sections
        .iter()
        .filter_map(|s| project.content.translation(&format!("section-{s}"), lang).map(|p| (s, p)))
        .map(|(s, p)| json!({"key": s, "title": p.front.title, "url": p.url, "current": current == Some(s.as_str())}))
        .collect()
}

/// Page `i`'s summary, made by [`Structure::new`]'s caller.
pub(super) fn summary(structure: &Structure, i: usize) -> Value {
    structure
        .summaries
        .get(i)
        .map_or(Value::Null, |summary| Value::clone(summary))
}

/// A short description of a page for listings. Reads the page, its body's length and labs, the
/// title of its section's page in its language, and UI strings.
pub(crate) fn make_summary(project: &Project, page: &Page, body: &RenderedPage) -> Value {
    let section_title = page
        .section
        .as_ref()
        .and_then(|s| {
            project
                .content
                .translation(&format!("section-{s}"), &page.lang)
        })
        .map(|p| p.front.title.clone());
    json!({
        "title": page.front.title,
        "url": page.url,
        "description": page.front.description,
        "key": page.translation_key,
        "level": page.front.level,
        "level_label": page.front.level.map(|l| t(project, &page.lang, &format!("level-{}", serde_json::to_value(l).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()))),
        "reading_minutes": reading_minutes(body.rendered.words),
        "section": page.section,
        "section_title": section_title,
        "labs": body.labs,
        "date": page.front.date.map(|d| d.to_string()),
        "date_display": page.front.date.map(|d| project.locales.format_date(&page.lang, d)),
        "fallback": page.fallback_from.is_some(),
    })
}

/// Page `i`'s template context (without its body, which [`render_page`] adds). What it reads is
/// listed again, as fingerprints, by `incremental::page_fingerprint`: keep the two in step.
pub(super) fn page_context(
    project: &Project,
    structure: &Structure,
    bodies: &[RenderedPage],
    i: usize,
) -> Value {
    let page = &project.content.pages[i];
    let lang = page.lang.as_str();
    let mut context = common_context(project, page, &page.front.title);
    let mut page_value = summary(structure, i);
    let extra = json!({
        "kind": match page.kind { PageKind::Home => "home", PageKind::Section => "section", PageKind::Article => "article", PageKind::Standalone => "page" },
        "toc": bodies[i].rendered.toc,
        "words": bodies[i].rendered.words,
        "slug": page.slug,
        "tags": page.front.tags.iter().map(|tag| json!({"name": tag, "url": format!("/{lang}/tags/{}/", slug::slugify(tag))})).collect::<Vec<_>>(),
        "updated": page.front.updated.map(|d| d.to_string()),
        "updated_display": page.front.updated.map(|d| project.locales.format_date(lang, d)),
        "fallback": fallback_notice(project, page),
        "stale": stale_notice(project, page),
        "source": page.path.to_string_lossy(),
        // The course's structure (README, "Write an article"): front matter, headed by the
        // templates in the reader's language.
        "learn": page.front.learn,
        "prerequisites": page.front.prerequisites,
        "verified": page.front.verified.as_ref().map(|v| json!({"date": v.date.to_string(), "date_display": project.locales.format_date(lang, v.date), "tools": v.tools})),
    });
    merge(&mut page_value, extra);
    let section_page = page
        .section
        .as_ref()
        .and_then(|s| project.content.translation(&format!("section-{s}"), lang));
    let mut breadcrumbs =
        vec![json!({"title": t(project, lang, "nav-home"), "url": format!("/{lang}/")})];
    if let (PageKind::Article, Some(section)) = (page.kind, section_page) {
        breadcrumbs.push(json!({"title": section.front.title, "url": section.url}));
    }
    merge(
        &mut context,
        json!({"page": page_value, "breadcrumbs": breadcrumbs}),
    );
    match page.kind {
        PageKind::Article => {
            let path = structure.path.get(lang).cloned().unwrap_or_default();
            let position = path.iter().position(|&j| j == i);
            let neighbour = |j: Option<usize>| j.map(|j| summary(structure, j));
            let (prev, next) = match position {
                Some(p) => (
                    neighbour(p.checked_sub(1).map(|q| path[q])),
                    neighbour(path.get(p + 1).copied()),
                ),
                None => (None, None),
            };
            merge(
                &mut context,
                json!({
                    "prev": prev, "next": next,
                    "step": position.map(|p| p + 1), "steps": path.len(),
                }),
            );
        }
        PageKind::Section => {
            let articles: Vec<Value> = page
                .section
                .as_ref()
                .and_then(|s| {
                    structure
                        .section_articles
                        .get(&(lang.to_string(), s.clone()))
                })
                .map(|list| list.iter().map(|&j| summary(structure, j)).collect())
                .unwrap_or_default();
            merge(&mut context, json!({"articles": articles}));
        }
        PageKind::Home => {
            let path: Vec<Value> = structure
                .path
                .get(lang)
                .map(|list| {
                    list.iter()
                        .enumerate()
                        .map(|(n, &j)| {
                            let mut s = summary(structure, j);
                            merge(&mut s, json!({"step": n + 1}));
                            s
                        })
                        .collect()
                })
                .unwrap_or_default();
            let sections: Vec<Value> = nav_sections(project, lang, None)
                .into_iter()
                .map(|mut s| {
                    let key = s["key"].as_str().unwrap_or_default().to_string();
                    let articles: Vec<Value> = structure
                        .section_articles
                        .get(&(lang.to_string(), key))
                        .map(|list| list.iter().map(|&j| summary(structure, j)).collect())
                        .unwrap_or_default();
                    merge(&mut s, json!({"articles": articles}));
                    s
                })
                .collect();
            let total: u64 = structure
                .path
                .get(lang)
                .map(|l| {
                    l.iter()
                        .map(|&j| reading_minutes(bodies[j].rendered.words))
                        .sum()
                })
                .unwrap_or(0);
            merge(
                &mut context,
                json!({"path": path, "home_sections": sections, "total_minutes": total}),
            );
        }
        PageKind::Standalone => {}
    }
    context
}

fn fallback_notice(project: &Project, page: &Page) -> Value {
    let Some(original_lang) = &page.fallback_from else {
        return Value::Null;
    };
    let original = project
        .content
        .translation(&page.translation_key, original_lang);
    json!({
        "lang": original_lang,
        "language_name": t(project, original_lang, "language-name"),
        "url": original.map(|p| p.url.clone()),
    })
}

/// A translation whose original changed since it was made (its recorded hash differs).
pub(crate) fn stale_original<'a>(project: &'a Project, page: &Page) -> Option<&'a Page> {
    let recorded = page.front.source_hash.as_ref()?;
    let original_lang = page
        .front
        .source_lang
        .as_deref()
        .unwrap_or(&project.config.default_language);
    if original_lang == page.lang || page.fallback_from.is_some() {
        return None;
    }
    let original = project
        .content
        .translation(&page.translation_key, original_lang)?;
    if original.fallback_from.is_some() || &original.body_hash() == recorded {
        return None;
    }
    Some(original)
}

fn stale_notice(project: &Project, page: &Page) -> Value {
    match stale_original(project, page) {
        Some(original) => json!({
            "lang": original.lang,
            "language_name": t(project, &original.lang, "language-name"),
            "url": original.url,
            "updated_display": original.front.updated.or(original.front.date).map(|d| project.locales.format_date(&page.lang, d)),
        }),
        None => Value::Null,
    }
}

pub(crate) fn merge(target: &mut Value, extra: Value) {
    if let (Value::Object(target), Value::Object(extra)) = (target, extra) {
        target.extend(extra);
    }
}

/// A stand-in for a page that has no source file (tag pages and the like), for
/// [`common_context`]: it has a URL, a language and a translation key, and nothing else.
pub(crate) fn page_without_source(lang: &str, url: String, translation_key: String) -> Page {
    Page {
        path: PathBuf::from("templates"),
        lang: lang.to_string(),
        kind: PageKind::Standalone,
        section: None,
        front: Default::default(),
        source: Arc::from(""),
        body_offset: 0,
        slug: String::new(),
        url,
        translation_key,
        fallback_from: None,
    }
}
