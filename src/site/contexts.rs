//! Template contexts: the frame every template gets (language, switcher, alternates,
//! navigation), a content page's context, and the summaries listings repeat. Each builder says
//! what it reads; `incremental` fingerprints exactly that.

use std::borrow::Cow;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;

use crate::content::front_matter::Level;
use crate::content::{Page, PageKind};
use crate::markdown::TocEntry;

use super::{Project, RenderedPage, Structure};

/// 200 words a minute, at least one minute.
fn reading_minutes(words: usize) -> u64 {
    (words as u64).div_ceil(200).max(1)
}

pub(super) fn t(project: &Project, lang: &str, key: &str) -> String {
    project.locales.t_or_key(lang, key)
}

/// A page's title: its front matter's or, for a home or section page that no file has (see
/// `Page::is_generated`), the UI string `home-title` or `section-<folder>-title` when the
/// strings have it (in the page's language, else the default one, as every string).
pub(super) fn page_title<'a>(project: &Project, page: &'a Page) -> Cow<'a, str> {
    if page.is_generated() {
        let key = match &page.section {
            None => "home-title".to_string(),
            Some(section) => format!("section-{section}-title"),
        };
        if let Some(title) = project.locales.t(&page.lang, &key, &[]) {
            return Cow::Owned(title);
        }
    }
    Cow::Borrowed(&page.front.title)
}

/// What every template gets: language, switcher, alternates, navigation.
#[derive(Serialize)]
pub(crate) struct Common<'a> {
    lang: &'a str,
    title: String,
    site: SiteInfo<'a>,
    url: &'a str,
    /// The page's absolute URL, or its original's for a fallback copy; empty for a page that
    /// stands for no address of its own (a 404 page).
    pub(super) canonical: String,
    alternates: Vec<Alternate<'a>>,
    x_default: String,
    /// The language switcher.
    languages: Vec<LanguageLink>,
    home_url: String,
    sections: Vec<NavSection<'a>>,
    feed_url: String,
    search: bool,
}

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    base_url: &'a str,
    /// `[labs] endpoint`: the hosted runner's origin, added to the pages' CSP connect-src
    /// (partials/csp.html).
    lab_endpoint: Option<&'a str>,
}

/// A translation of the page, for `<link rel="alternate" hreflang>`.
#[derive(Serialize)]
struct Alternate<'a> {
    lang: &'a str,
    url: String,
}

/// One language in the switcher: where the page is in it (else its home).
#[derive(Serialize)]
struct LanguageLink {
    code: String,
    name: String,
    url: String,
    current: bool,
}

/// One section of the navigation, by its section page in the page's language.
#[derive(Serialize)]
pub(super) struct NavSection<'a> {
    pub(super) key: &'a str,
    title: Cow<'a, str>,
    url: &'a str,
    current: bool,
}

/// A template's whole context: the frame every template gets and what one kind of page adds to
/// it, each a typed struct whose fields become the template's names. They are serialized straight
/// into the template engine's values when the page is rendered, with no copy in between.
#[derive(Serialize)]
pub(crate) struct Framed<'a, T> {
    #[serde(flatten)]
    pub(super) common: Common<'a>,
    #[serde(flatten)]
    pub(super) page: T,
}

/// The context every template gets (see [`Common`]), for the page's own to extend (see
/// [`Framed`]). The page's versions in other languages are its translations (fallback copies
/// lead the switcher but are no `hreflang` alternate); a language without one sends the switcher
/// to its home.
pub(crate) fn common_context<'a>(project: &'a Project, page: &'a Page, title: &str) -> Common<'a> {
    let content = &project.content;
    frame(project, page, title, |lang| {
        match content.translation(&page.translation_key, lang) {
            Some(p) => Version {
                url: p.url.clone(),
                alternate: p.fallback_from.is_none(),
            },
            None => Version {
                url: format!("/{lang}/"),
                alternate: false,
            },
        }
    })
}

/// Where a page is in one language.
pub(crate) struct Version {
    /// Where the language switcher leads.
    pub(crate) url: String,
    /// Whether that is the same page in that language (an `hreflang` alternate), not a stand-in
    /// (a fallback copy, the language's home or index).
    pub(crate) alternate: bool,
}

/// [`common_context`] for a page whose versions in each language `version_in` tells (pages aula
/// makes itself, such as tag pages, which have no translation key in the content).
pub(crate) fn frame<'a>(
    project: &'a Project,
    page: &'a Page,
    title: &str,
    version_in: impl Fn(&str) -> Version,
) -> Common<'a> {
    let config = &project.config;
    let content = &project.content;
    let versions: Vec<(&String, Version)> = config
        .languages
        .iter()
        .map(|lang| (lang, version_in(lang)))
        .collect();
    let alternates = versions
        .iter()
        .filter(|(_, v)| v.alternate)
        .map(|(lang, v)| Alternate {
            lang,
            url: config.absolute_url(&v.url),
        })
        .collect();
    let languages = versions
        .into_iter()
        .map(|(lang, v)| LanguageLink {
            code: lang.clone(),
            name: t(project, lang, "language-name"),
            url: v.url,
            current: lang == &page.lang,
        })
        .collect();
    let canonical = match &page.fallback_from {
        Some(original_lang) => content
            .translation(&page.translation_key, original_lang)
            .map_or(page.url.as_str(), |p| p.url.as_str()),
        None => page.url.as_str(),
    };
    Common {
        lang: &page.lang,
        title: title.to_string(),
        site: SiteInfo {
            title: &config.title,
            base_url: &config.base_url,
            lab_endpoint: config.lab_endpoint.as_deref(),
        },
        url: &page.url,
        canonical: config.absolute_url(canonical),
        alternates,
        x_default: config.absolute_url("/"),
        languages,
        home_url: format!("/{}/", page.lang),
        sections: nav_sections(project, &page.lang, page.section.as_deref()),
        feed_url: format!("/{}/atom.xml", page.lang),
        search: cfg!(feature = "search") && project.config.search,
    }
}

/// A summary as the JSON object fingerprints hash and listings show (a struct of strings,
/// numbers and lists always is one).
fn to_json(summary: &Summary) -> Value {
    serde_json::to_value(summary).unwrap_or_default()
}

pub(super) fn nav_sections<'a>(
    project: &'a Project,
    lang: &str,
    current: Option<&str>,
) -> Vec<NavSection<'a>> {
    project
        .config
        .sections
        .iter()
        .filter_map(|s| {
            let page = project.content.translation(&format!("section-{s}"), lang)?;
            Some(NavSection {
                key: s,
                title: page_title(project, page),
                url: &page.url,
                current: current == Some(s.as_str()),
            })
        })
        .collect()
}

/// Page `i`'s summary, made by [`Structure::new`]'s caller. Contexts borrow it: a listing
/// serializes the summaries it shows without copying them first.
pub(super) fn summary<'s>(structure: &Structure<'s>, i: usize) -> &'s Value {
    static NONE: Value = Value::Null;
    structure.summaries.get(i).copied().unwrap_or(&NONE)
}

/// A summary with its step in the learning path, as the home page lists it.
#[derive(Serialize)]
struct Step<'a> {
    #[serde(flatten)]
    summary: &'a Value,
    step: usize,
}

/// A short description of a page for listings.
#[derive(Serialize)]
struct Summary<'a> {
    title: Cow<'a, str>,
    url: &'a str,
    description: Option<&'a str>,
    key: &'a str,
    level: Option<Level>,
    level_label: Option<String>,
    reading_minutes: u64,
    section: Option<&'a str>,
    section_title: Option<Cow<'a, str>>,
    labs: &'a [String],
    date: Option<String>,
    date_display: Option<String>,
    fallback: bool,
}

/// A page's [`Summary`]. Reads the page, its body's length and labs, the title of its section's
/// page in its language, and UI strings.
pub(crate) fn make_summary(project: &Project, page: &Page, body: &RenderedPage) -> Value {
    let section_title = page
        .section
        .as_ref()
        .and_then(|s| {
            project
                .content
                .translation(&format!("section-{s}"), &page.lang)
        })
        .map(|p| page_title(project, p));
    let front = &page.front;
    to_json(&Summary {
        title: page_title(project, page),
        url: &page.url,
        description: front.description.as_deref(),
        key: &page.translation_key,
        level: front.level,
        level_label: front
            .level
            .map(|level| t(project, &page.lang, &format!("level-{}", level.key()))),
        reading_minutes: reading_minutes(body.rendered.words),
        section: page.section.as_deref(),
        section_title,
        labs: &body.labs,
        date: front.date.map(|d| d.to_string()),
        date_display: front
            .date
            .map(|d| project.locales.format_date(&page.lang, d)),
        fallback: page.fallback_from.is_some(),
    })
}

/// What a content page's context adds to its summary, as `page`.
#[derive(Serialize)]
struct PageDetails<'a> {
    kind: &'static str,
    toc: &'a [TocEntry],
    words: usize,
    slug: &'a str,
    tags: Vec<TagLink<'a>>,
    updated: Option<String>,
    updated_display: Option<String>,
    /// The notice of a page shown in place of a missing translation.
    fallback: Option<Notice<'a>>,
    /// The notice of a translation whose original changed since.
    stale: Option<Notice<'a>>,
    source: std::borrow::Cow<'a, str>,
    learn: &'a [String],
    prerequisites: &'a [String],
    verified: Option<VerifiedNote<'a>>,
}

/// A notice about the page's original, in another language.
#[derive(Serialize)]
struct Notice<'a> {
    lang: &'a str,
    /// The original's language, named in that language.
    language_name: String,
    url: Option<&'a str>,
    /// When the original last changed: a stale notice only (where it is null when the original
    /// has no date); a fallback notice has no such field.
    #[serde(skip_serializing_if = "Option::is_none")]
    updated_display: Option<Option<String>>,
}

/// `verified` front matter, with its date in the reader's language.
#[derive(Serialize)]
struct VerifiedNote<'a> {
    date: String,
    date_display: String,
    tools: &'a [String],
}

/// What `page_context` adds to the common frame.
#[derive(Serialize)]
pub(crate) struct PageContext<'a> {
    page: PageValue<'a>,
    breadcrumbs: Vec<Crumb>,
    /// What the page's kind lists, if anything.
    #[serde(flatten)]
    listing: Option<Listing<'a>>,
}

/// `page` in a content page's template: its summary, its [`PageDetails`] (which win where both
/// have a name: `fallback`) and its body as `content`.
#[derive(Serialize)]
struct PageValue<'a> {
    #[serde(flatten)]
    summary: &'a Value,
    #[serde(flatten)]
    details: PageDetails<'a>,
    content: &'a str,
}

/// What a page lists besides itself, by its kind.
#[derive(Serialize)]
#[serde(untagged)]
enum Listing<'a> {
    Article(PathPlace<'a>),
    Section(Articles<'a>),
    Home(HomeContext<'a>),
}

/// An article's place in its language's learning path.
#[derive(Serialize)]
struct PathPlace<'a> {
    prev: Option<&'a Value>,
    next: Option<&'a Value>,
    step: Option<usize>,
    steps: usize,
}

/// A section page's articles, or a home's sections each with theirs.
#[derive(Serialize)]
struct Articles<'a> {
    articles: Vec<&'a Value>,
}

/// What a home page adds: its learning path (summaries with a `step`), its sections with their
/// articles, and the path's reading time.
#[derive(Serialize)]
struct HomeContext<'a> {
    path: Vec<Step<'a>>,
    home_sections: Vec<HomeSection<'a>>,
    total_minutes: u64,
}

/// A section on the home page, with its articles.
#[derive(Serialize)]
struct HomeSection<'a> {
    #[serde(flatten)]
    section: NavSection<'a>,
    articles: Vec<&'a Value>,
}

#[derive(Serialize)]
struct TagLink<'a> {
    name: &'a str,
    url: String,
}

/// One step of the breadcrumbs.
#[derive(Serialize)]
pub(super) struct Crumb {
    pub(super) title: String,
    pub(super) url: String,
}

impl Crumb {
    /// The first step: the home of `lang`.
    pub(super) fn home(project: &Project, lang: &str) -> Crumb {
        Crumb {
            title: t(project, lang, "nav-home"),
            url: format!("/{lang}/"),
        }
    }
}

/// Page `i`'s template context, its body included. What it reads is fingerprinted by
/// `plan::page_fingerprint`: keep the two in step.
pub(super) fn page_context<'a>(
    project: &'a Project,
    structure: &Structure<'a>,
    bodies: &[&'a RenderedPage],
    i: usize,
) -> Framed<'a, PageContext<'a>> {
    let page = &project.content.pages[i];
    let lang = page.lang.as_str();
    let body = bodies[i];
    let details = PageDetails {
        kind: match page.kind {
            PageKind::Home => "home",
            PageKind::Section => "section",
            PageKind::Article => "article",
            PageKind::Standalone => "page",
        },
        toc: &body.rendered.toc,
        words: body.rendered.words,
        slug: &page.slug,
        tags: page
            .front
            .tags
            .iter()
            .map(|tag| TagLink {
                name: tag,
                url: format!("/{lang}/tags/{}/", slug::slugify(tag)),
            })
            .collect(),
        updated: page.front.updated.map(|d| d.to_string()),
        updated_display: page
            .front
            .updated
            .map(|d| project.locales.format_date(lang, d)),
        fallback: fallback_notice(project, page),
        stale: stale_notice(project, page),
        source: page.path.to_string_lossy(),
        // The course's structure (README, "Write an article"): front matter, headed by the
        // templates in the reader's language.
        learn: &page.front.learn,
        prerequisites: &page.front.prerequisites,
        verified: page.front.verified.as_ref().map(|v| VerifiedNote {
            date: v.date.to_string(),
            date_display: project.locales.format_date(lang, v.date),
            tools: &v.tools,
        }),
    };
    let section_page = page
        .section
        .as_ref()
        .and_then(|s| project.content.translation(&format!("section-{s}"), lang));
    let mut breadcrumbs = vec![Crumb::home(project, lang)];
    if let (PageKind::Article, Some(section)) = (page.kind, section_page) {
        breadcrumbs.push(Crumb {
            title: page_title(project, section).into_owned(),
            url: section.url.clone(),
        });
    }
    let listing = match page.kind {
        PageKind::Article => {
            let path = structure.path.get(lang).map_or(&[][..], Vec::as_slice);
            let position = path.iter().position(|&j| j == i);
            let neighbour = |j: Option<usize>| j.map(|j| summary(structure, j));
            let (prev, next) = match position {
                Some(p) => (
                    neighbour(p.checked_sub(1).map(|q| path[q])),
                    neighbour(path.get(p + 1).copied()),
                ),
                None => (None, None),
            };
            Some(Listing::Article(PathPlace {
                prev,
                next,
                step: position.map(|p| p + 1),
                steps: path.len(),
            }))
        }
        PageKind::Section => {
            let articles = page
                .section
                .as_ref()
                .and_then(|s| {
                    structure
                        .section_articles
                        .get(&(lang.to_string(), s.clone()))
                })
                .map(|list| list.iter().map(|&j| summary(structure, j)).collect())
                .unwrap_or_default();
            Some(Listing::Section(Articles { articles }))
        }
        PageKind::Home => {
            let path = structure.path.get(lang).map_or(&[][..], Vec::as_slice);
            let home_sections = nav_sections(project, lang, None)
                .into_iter()
                .map(|section| HomeSection {
                    articles: structure
                        .section_articles
                        .get(&(lang.to_string(), section.key.to_string()))
                        .map(|list| list.iter().map(|&j| summary(structure, j)).collect())
                        .unwrap_or_default(),
                    section,
                })
                .collect();
            Some(Listing::Home(HomeContext {
                path: path
                    .iter()
                    .enumerate()
                    .map(|(n, &j)| Step {
                        summary: summary(structure, j),
                        step: n + 1,
                    })
                    .collect(),
                home_sections,
                total_minutes: path
                    .iter()
                    .map(|&j| reading_minutes(bodies[j].rendered.words))
                    .sum(),
            }))
        }
        PageKind::Standalone => None,
    };
    Framed {
        common: common_context(project, page, &page_title(project, page)),
        page: PageContext {
            page: PageValue {
                summary: summary(structure, i),
                details,
                content: &body.html,
            },
            breadcrumbs,
            listing,
        },
    }
}

fn fallback_notice<'a>(project: &'a Project, page: &'a Page) -> Option<Notice<'a>> {
    let original_lang = page.fallback_from.as_deref()?;
    let original = project
        .content
        .translation(&page.translation_key, original_lang);
    Some(Notice {
        lang: original_lang,
        language_name: t(project, original_lang, "language-name"),
        url: original.map(|p| p.url.as_str()),
        updated_display: None,
    })
}

fn stale_notice<'a>(project: &'a Project, page: &Page) -> Option<Notice<'a>> {
    let original = crate::translations::stale_original(&project.config, &project.content, page)?;
    Some(Notice {
        lang: &original.lang,
        language_name: t(project, &original.lang, "language-name"),
        url: Some(&original.url),
        updated_display: Some(
            original
                .front
                .updated
                .or(original.front.date)
                .map(|d| project.locales.format_date(&page.lang, d)),
        ),
    })
}

/// A stand-in for a page that has no source file (tag pages and the like), for
/// [`common_context`]: it has a URL, a language and a translation key, and nothing else.
pub(crate) fn page_without_source(lang: &str, url: String, translation_key: String) -> Page {
    let path = PathBuf::from("templates");
    Page::without_source(path, lang, PageKind::Standalone, url, translation_key)
}
