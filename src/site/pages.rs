//! The render functions of the output files, and where each goes: a content page through its
//! template, the tag pages and tag index, the language chooser, the 404 pages, the translation status
//! pages, the feeds, the sitemap and robots.txt. Which files a site has is `plan`'s business.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::config::Config;
use crate::content::{Page, PageKind};
use crate::translations;

use super::contexts::{
    Crumb, Framed, Version, common_context, frame, page_context, page_title, page_without_source,
    summary, t,
};
use super::{Project, RenderedFile, RenderedPage, Structure};

/// One page of the content through its template.
pub(crate) fn render_content_page(
    project: &Project,
    structure: &Structure,
    bodies: &[&RenderedPage],
    i: usize,
) -> RenderedFile {
    let page = &project.content.pages[i];
    let context = page_context(project, structure, bodies, i);
    let html = render_page(project, template_for(page), &context);
    html.map_err(|d| {
        d.hint(format!(
            "while rendering {} ({})",
            page.url,
            page.path.display()
        ))
    })
}

/// `/es/finops/` → `es/finops/index.html`.
pub(crate) fn output_path(url: &str) -> String {
    let folder = url.trim_start_matches('/');
    let mut path = String::with_capacity(folder.len() + "index.html".len());
    path.push_str(folder);
    path.push_str("index.html");
    path
}

pub(crate) fn template_for(page: &Page) -> &'static str {
    match page.kind {
        PageKind::Home => "home.html",
        PageKind::Section => "section.html",
        PageKind::Article => "article.html",
        PageKind::Standalone => "page.html",
    }
}

/// The translation key of the tag page of `slug` (no source page has it, but one could claim it).
pub(crate) fn tag_key(slug: &str) -> String {
    format!("tag:{slug}")
}

/// The translation key of the tag index.
pub(crate) const TAGS_KEY: &str = "tags";

pub(crate) const TAG_TEMPLATE: &str = "tag.html";
pub(crate) const TAGS_TEMPLATE: &str = "tags.html";

pub(crate) fn tag_url(lang: &str, slug: &str) -> String {
    format!("/{lang}/tags/{slug}/")
}

pub(crate) fn tags_url(lang: &str) -> String {
    format!("/{lang}/tags/")
}

/// `/<lang>/tags/<slug>/`: the articles with one tag.
pub(crate) fn tag_page(
    project: &Project,
    structure: &Structure,
    lang: &str,
    slug: &str,
    name: &str,
    articles: &[usize],
) -> RenderedFile {
    let url = tag_url(lang, slug);
    let page = page_without_source(lang, url, tag_key(slug));
    let title = format!("{}: {name}", t(project, lang, "tag-title"));
    let common = frame(project, &page, &title, |other| {
        match tag_twin(project, structure, lang, slug, other) {
            Some(twin) => Version {
                url: tag_url(other, twin),
                alternate: true,
            },
            None => Version {
                url: tags_url(other),
                alternate: false,
            },
        }
    });
    let tag = TagContext {
        tag: Tag { name, slug },
        articles: articles.iter().map(|&j| summary(structure, j)).collect(),
        breadcrumbs: [
            Crumb::home(project, lang),
            Crumb {
                title: t(project, lang, "tags-title"),
                url: tags_url(lang),
            },
        ],
    };
    let context = Framed { common, page: tag };
    render_page(project, TAG_TEMPLATE, &context)
}

/// `/<lang>/tags/`: every tag of a language, with its number of articles.
pub(crate) fn tags_page(project: &Project, structure: &Structure, lang: &str) -> RenderedFile {
    let tags = TagsContext {
        tags: tag_index(structure, lang)
            .map(|(slug, name, count)| TagCount {
                name,
                url: tag_url(lang, slug),
                count,
            })
            .collect(),
        breadcrumbs: [Crumb::home(project, lang)],
    };
    let url = tags_url(lang);
    let page = page_without_source(lang, url, TAGS_KEY.into());
    // Every language has its tag index.
    let common = frame(project, &page, &t(project, lang, "tags-title"), |other| {
        Version {
            url: tags_url(other),
            alternate: true,
        }
    });
    let context = Framed { common, page: tags };
    render_page(project, TAGS_TEMPLATE, &context)
}

/// The slug of the tag in `other` that is the twin of the tag `slug` in `lang` (see
/// `tag_twins`), when some article of `other` has it.
pub(crate) fn tag_twin<'a>(
    project: &'a Project,
    structure: &Structure,
    lang: &str,
    slug: &'a str,
    other: &str,
) -> Option<&'a str> {
    if other == lang {
        return Some(slug);
    }
    let twins = &project.config.tag_twins;
    let twin = twins.slug_in(twins.subject(lang, slug), other);
    structure
        .tags
        .contains_key(&(other.to_string(), twin.to_string()))
        .then_some(twin)
}

/// A language's tags: (slug, name, number of articles), by slug.
pub(crate) fn tag_index<'a>(
    structure: &'a Structure<'_>,
    lang: &'a str,
) -> impl Iterator<Item = (&'a str, &'a str, usize)> + 'a {
    structure
        .tags
        .iter()
        .filter(move |((tag_lang, _), _)| tag_lang == lang)
        .map(|((_, slug), (name, articles))| (slug.as_str(), name.as_str(), articles.len()))
}

/// The translation key the root page is rendered with (its language switcher leads to each
/// language's home).
pub(crate) const HOME_KEY: &str = "home";

pub(crate) const ROOT_TEMPLATE: &str = "root.html";

/// The language chooser at `/`, in the default language, with every language's home offered.
pub(crate) fn root_page(project: &Project) -> RenderedFile {
    let config = &project.config;
    let page = page_without_source(&config.default_language, "/".into(), HOME_KEY.into());
    let mut common = common_context(project, &page, &config.title);
    common.canonical = config.absolute_url("/");
    let chooser = ChooserContext {
        choices: language_choices(project),
    };
    let context = Framed {
        common,
        page: chooser,
    };
    render_page(project, ROOT_TEMPLATE, &context)
}

/// Every language's home, offered in its own language.
fn language_choices(project: &Project) -> Vec<Choice<'_>> {
    project
        .config
        .languages
        .iter()
        .map(|lang| {
            let home = project.content.translation(HOME_KEY, lang);
            Choice {
                code: lang,
                name: t(project, lang, "language-name"),
                url: format!("/{lang}/"),
                title: home.map(|h| page_title(project, h)),
                description: home.and_then(|h| h.front.description.as_deref()),
                choose: t(project, lang, "choose-language"),
            }
        })
        .collect()
}

pub(crate) const NOT_FOUND_TEMPLATE: &str = "404.html";

/// The translation key of the 404 pages: no page has it, so their language switcher leads to
/// each language's home, and they have no `hreflang` alternates.
const NOT_FOUND_KEY: &str = "404";

/// Where the 404 page goes: `<lang>/404.html`, or the site-wide `404.html`.
pub(crate) fn not_found_path(lang: &str, site_wide: bool) -> String {
    if site_wide {
        "404.html".into()
    } else {
        format!("{lang}/404.html")
    }
}

/// The "page not found" of `lang`: the way to its home, the search and its learning path. The
/// site-wide one (`/404.html`, for addresses outside every language) is the default language's
/// and offers the other languages too. It stands for no address of its own: no canonical URL,
/// and its links are absolute, so a host may serve it at any depth.
pub(crate) fn not_found_page(
    project: &Project,
    structure: &Structure,
    lang: &str,
    site_wide: bool,
) -> RenderedFile {
    let url = format!("/{}", not_found_path(lang, site_wide));
    let page = page_without_source(lang, url, NOT_FOUND_KEY.into());
    let mut common = common_context(project, &page, &t(project, lang, "not-found-title"));
    // A 404 page stands for no address of its own.
    common.canonical = String::new();
    let path: Vec<&Value> = structure
        .path
        .get(lang)
        .map(|list| list.iter().map(|&j| summary(structure, j)).collect())
        .unwrap_or_default();
    let choices = if site_wide {
        language_choices(project)
    } else {
        Vec::new()
    };
    let context = Framed {
        common,
        page: NotFoundContext { path, choices },
    };
    render_page(project, NOT_FOUND_TEMPLATE, &context)
}

/// One page through its template.
fn render_page(project: &Project, template: &str, context: &impl Serialize) -> RenderedFile {
    project
        .templates
        .render(template, context)
        .map(|html| Arc::from(html.into_bytes()))
}

/// sitemap.xml: every page but fallbacks, with its date and its translations; then each
/// language's tag index and tag pages, with their twins.
pub(crate) fn sitemap(project: &Project, structure: &Structure) -> String {
    crate::feeds::sitemap(
        &project.config,
        &project.content,
        &tag_listings(project, structure),
    )
}

/// The tag indexes and tag pages as the sitemap lists them: a tag index has a version in every
/// language; a tag page in the languages where its twin (see `tag_twin`) has articles.
pub(crate) fn tag_listings(project: &Project, structure: &Structure) -> Vec<crate::feeds::Listed> {
    let languages = &project.config.languages;
    let indexes = languages.iter().map(|lang| crate::feeds::Listed {
        url: tags_url(lang),
        alternates: languages
            .iter()
            .map(|other| (other.clone(), tags_url(other)))
            .collect(),
    });
    let pages = structure
        .tags
        .keys()
        .map(|(lang, slug)| crate::feeds::Listed {
            url: tag_url(lang, slug),
            alternates: languages
                .iter()
                .filter_map(|other| {
                    tag_twin(project, structure, lang, slug, other)
                        .map(|twin| (other.clone(), tag_url(other, twin)))
                })
                .collect(),
        });
    indexes.chain(pages).collect()
}

/// Where a language's Atom feed goes.
pub(crate) fn feed_path(lang: &str) -> String {
    format!("{lang}/atom.xml")
}

/// A language's Atom feed: the articles of its learning path, but fallbacks.
pub(crate) fn feed(project: &Project, structure: &Structure, lang: &str) -> String {
    let config = &project.config;
    let articles: Vec<&Page> = structure
        .path
        .get(lang)
        .into_iter()
        .flatten()
        .map(|&i| &project.content.pages[i])
        .filter(|p| p.fallback_from.is_none())
        .collect();
    let title = format!("{} ({})", config.title, t(project, lang, "language-name"));
    crate::feeds::atom(config, lang, &title, &articles)
}

pub(crate) fn robots_txt(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\nSitemap: {}\n",
        config.absolute_url("/sitemap.xml")
    )
}

/// The translation key the status pages are rendered with.
pub(crate) const STATUS_KEY: &str = "translations";

/// The status pages' template; a site without it has no status pages.
pub(crate) const STATUS_TEMPLATE: &str = "translations.html";

/// Where the status page of `lang` goes.
pub(crate) fn status_path(lang: &str) -> String {
    output_path(&format!("/{lang}/translations/"))
}

/// `/<lang>/translations/`: where every page stands in `lang` (see `translations`). Only sites
/// whose templates have `translations.html` have it (see `plan::outputs`).
pub(crate) fn status_page(project: &Project, lang: &str) -> RenderedFile {
    let status = translations::status(&project.config, &project.content, lang);
    let url = format!("/{lang}/translations/");
    let mut page = page_without_source(lang, url, STATUS_KEY.into());
    page.path = PathBuf::from("templates/translations.html");
    page.slug = "translations".into();
    let context = Framed {
        common: common_context(project, &page, &t(project, lang, "translations-title")),
        page: StatusPageContext {
            status: status_context(project, &status),
            breadcrumbs: [Crumb::home(project, lang)],
        },
    };
    render_page(project, STATUS_TEMPLATE, &context)
}

fn status_context<'a>(
    project: &'a Project,
    status: &'a translations::LanguageStatus<'a>,
) -> StatusContext<'a> {
    let entry = |e: &translations::Entry<'a>| StatusEntry {
        title: e
            .translation
            .map_or(&e.original.front.title, |t| &t.front.title),
        // A missing translation's URL is its fallback page's.
        url: e
            .translation
            .or_else(|| {
                project
                    .content
                    .translation(&e.original.translation_key, &status.lang)
            })
            .map(|p| p.url.as_str()),
        path: e.translation.map(|t| t.path.to_string_lossy().into_owned()),
        original_title: &e.original.front.title,
        original_url: &e.original.url,
        original_path: e.original.path.to_string_lossy().into_owned(),
        original_lang: &e.original.lang,
        original_language: project
            .locales
            .t(&e.original.lang, "language-name", &[])
            .unwrap_or_else(|| e.original.lang.clone()),
    };
    let list = |state: translations::State| -> Vec<StatusEntry<'a>> {
        status
            .entries
            .iter()
            .filter(|e| e.state == state)
            .map(entry)
            .collect()
    };
    StatusContext {
        lang: &status.lang,
        total: status.entries.len(),
        translated: status.translated(),
        coverage: status.coverage(),
        missing: list(translations::State::Missing),
        stale: list(translations::State::Stale),
        unrecorded: list(translations::State::Unrecorded),
        current: list(translations::State::Current),
    }
}

/// What `tag.html` gets besides the common frame.
#[derive(Serialize)]
struct TagContext<'a> {
    tag: Tag<'a>,
    /// The summaries of the tag's articles, in the learning path's order.
    articles: Vec<&'a Value>,
    breadcrumbs: [Crumb; 2],
}

#[derive(Serialize)]
struct Tag<'a> {
    name: &'a str,
    slug: &'a str,
}

/// What `tags.html` gets besides the common frame.
#[derive(Serialize)]
struct TagsContext<'a> {
    tags: Vec<TagCount<'a>>,
    breadcrumbs: [Crumb; 1],
}

#[derive(Serialize)]
struct TagCount<'a> {
    name: &'a str,
    url: String,
    /// How many articles have the tag.
    count: usize,
}

/// What `root.html` gets besides the common frame.
#[derive(Serialize)]
struct ChooserContext<'a> {
    /// Every language's home.
    choices: Vec<Choice<'a>>,
}

/// What `404.html` gets besides the common frame: the language's learning path, and for the
/// site-wide page every language's home.
#[derive(Serialize)]
struct NotFoundContext<'a> {
    path: Vec<&'a Value>,
    choices: Vec<Choice<'a>>,
}

#[derive(Serialize)]
struct Choice<'a> {
    code: &'a str,
    /// The language's own name for itself.
    name: String,
    url: String,
    title: Option<std::borrow::Cow<'a, str>>,
    description: Option<&'a str>,
    /// "Read in English", in that language.
    choose: String,
}

/// What `translations.html` gets besides the common frame.
#[derive(Serialize)]
struct StatusPageContext<'a> {
    status: StatusContext<'a>,
    breadcrumbs: [Crumb; 1],
}

/// Where every page stands in one language (see `translations::status`).
#[derive(Serialize)]
struct StatusContext<'a> {
    lang: &'a str,
    total: usize,
    translated: usize,
    /// Percent translated, rounded down.
    coverage: usize,
    missing: Vec<StatusEntry<'a>>,
    stale: Vec<StatusEntry<'a>>,
    unrecorded: Vec<StatusEntry<'a>>,
    current: Vec<StatusEntry<'a>>,
}

#[derive(Serialize)]
struct StatusEntry<'a> {
    title: &'a str,
    url: Option<&'a str>,
    path: Option<String>,
    original_title: &'a str,
    original_url: &'a str,
    original_path: String,
    original_lang: &'a str,
    /// The original's language, named in that language.
    original_language: String,
}
