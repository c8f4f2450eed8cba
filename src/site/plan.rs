//! The output plan: every file the site has, each with where it goes, the fingerprint of exactly
//! what its render reads, and how it is rendered, side by side. Nothing else lists outputs.
//!
//! [`outputs`] lists the site's files as [`Output`] values, in the order they are written (a
//! later file with the same path wins). For each one, [`Output::plan`] gives its path and — when
//! the render keeps a memory — its fingerprint, and [`Output::render`] makes its bytes. A full
//! build (`site::render_into`) renders every planned output, writing each to disk as it comes;
//! the preview server (`site::incremental`) renders only those whose fingerprint is not the one
//! it remembers, and keeps the others' bytes. One list, so an output cannot be built by one and
//! forgotten by the other; `tests/serve_incremental.rs` and the seeded test in `incremental`
//! compare the two after many edits.
//!
//! A fingerprint hashes what the render reads, through [`Facts`]: each page's [`PageDigests`]
//! (one digest per way of reading a page), the UI strings and navigation per language, the
//! template with what it extends or includes, the summaries a listing repeats. A fingerprint that
//! misses something its render reads would serve a stale file, so each input is named next to
//! the function that reads it.
//!
//! # Adding an output kind
//! One variant of [`Output`], and in this file only:
//! 1. push it in [`outputs`] (where in the order matters only if its path can collide);
//! 2. its arm in [`Output::plan`]: the path, and a fingerprint of every input its render reads;
//! 3. its arm in [`Output::render`].
//!
//! The compiler asks for the two arms. For example, the 404 pages are `NotFound { lang,
//! site_wide }`, pushed once per language and once site-wide, planned as their path and a digest
//! of what `pages::not_found_page` reads (the template and strings of the language, its
//! navigation, its learning path's summaries, and for the site-wide one every language's home),
//! and rendered by that function. A file copied as it is (a favicon) is a file of `static/`: it
//! is an [`Output::Static`] already.
//!
//! Outputs made from other outputs (the search index, from the finished HTML pages) come after
//! them, in [`derive`]; the preview server makes those itself, after it serves the pages.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde_json::Value;

use crate::content::{Page, PageKind};
use crate::diagnostics::Diagnostic;
use crate::markdown::highlight::Highlighter;
use crate::output::OutputStore;

use super::contexts::page_title;
use super::pages::{
    HOME_KEY, NOT_FOUND_TEMPLATE, ROOT_TEMPLATE, STATUS_KEY, STATUS_TEMPLATE, TAG_TEMPLATE,
    TAGS_KEY, TAGS_TEMPLATE, feed, feed_path, not_found_page, not_found_path, output_path,
    render_content_page, robots_txt, root_page, sitemap, status_page, status_path, tag_index,
    tag_key, tag_listings, tag_page, tag_twin, tag_url, tags_page, tags_url, template_for,
};
use super::{Project, RenderedFile, RenderedPage, Structure};

/// One file of the site.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Output<'a> {
    /// A page of the content through its template (by index in `content.pages`).
    Content(usize),
    /// `/<lang>/tags/<slug>/`: the articles with one tag.
    Tag {
        lang: &'a str,
        slug: &'a str,
        name: &'a str,
        articles: &'a [usize],
    },
    /// `/<lang>/tags/`: a language's tags.
    Tags(&'a str),
    /// The language chooser at `/`.
    Root,
    /// The "page not found" of a language, `/<lang>/404.html`; with `site_wide`, `/404.html`
    /// (the default language's, for addresses outside every language).
    NotFound { lang: &'a str, site_wide: bool },
    /// `/<lang>/translations/`: where each page stands in a language (when the templates have
    /// `translations.html`).
    Status(&'a str),
    /// `/sitemap.xml`.
    Sitemap,
    /// `/<lang>/atom.xml`.
    Feed(&'a str),
    /// `/robots.txt`.
    Robots,
    /// `/highlight.css`: the code highlighting theme, light and dark.
    HighlightCss,
    /// A file of `static/`, copied as it is (by index in `project.static_files`).
    Static(usize),
}

/// Every file of the site (but those [`derive`] adds), in the order they are written.
pub(crate) fn outputs<'a>(project: &'a Project, structure: &'a Structure<'_>) -> Vec<Output<'a>> {
    let languages = &project.config.languages;
    let mut all: Vec<Output<'a>> = (0..project.content.pages.len())
        .map(Output::Content)
        .collect();
    for lang in languages {
        for ((tag_lang, slug), (name, articles)) in &structure.tags {
            if tag_lang == lang {
                all.push(Output::Tag {
                    lang,
                    slug,
                    name,
                    articles,
                });
            }
        }
        all.push(Output::Tags(lang));
    }
    all.push(Output::Root);
    all.extend(languages.iter().map(|lang| Output::NotFound {
        lang,
        site_wide: false,
    }));
    all.push(Output::NotFound {
        lang: &project.config.default_language,
        site_wide: true,
    });
    // Sites made before the status page existed have no template for it.
    if project.templates.has(STATUS_TEMPLATE) {
        all.extend(languages.iter().map(|lang| Output::Status(lang)));
    }
    all.push(Output::Sitemap);
    all.extend(languages.iter().map(|lang| Output::Feed(lang)));
    all.push(Output::Robots);
    all.push(Output::HighlightCss);
    all.extend((0..project.static_files.len()).map(Output::Static));
    all
}

/// What rendering reads besides the project.
pub(crate) struct Inputs<'a> {
    pub(crate) project: &'a Project,
    pub(crate) structure: &'a Structure<'a>,
    /// Every page's body, by index in `content.pages`.
    pub(crate) bodies: &'a [&'a RenderedPage],
    pub(crate) highlighter: &'a Highlighter,
}

impl Output<'_> {
    /// Where the file goes and, given `facts`, the fingerprint of what [`Output::render`] reads
    /// (0 without them: a render that keeps no memory needs none).
    pub(crate) fn plan(self, project: &Project, facts: Option<&Facts<'_>>) -> (String, u64) {
        let fingerprint = |of: &dyn Fn(&Facts<'_>) -> u64| facts.map_or(0, of);
        let config = &project.config;
        match self {
            Output::Content(i) => (
                output_path(&project.content.pages[i].url),
                fingerprint(&|f| page_fingerprint(f, i)),
            ),
            // tag_page: its articles' summaries, its language's navigation, the UI strings.
            Output::Tag {
                lang,
                slug,
                name,
                articles,
            } => (
                output_path(&tag_url(lang, slug)),
                fingerprint(&|f| {
                    let listed: Vec<u64> = articles.iter().map(|&j| f.summaries[j]).collect();
                    let reads = (
                        f.rendering(TAG_TEMPLATE, lang),
                        f.nav(lang),
                        f.group(&tag_key(slug)),
                    );
                    // Its twins in the other languages (the switcher, hreflang).
                    let twins: Vec<Option<&str>> = config
                        .languages
                        .iter()
                        .map(|other| tag_twin(project, f.structure, lang, slug, other))
                        .collect();
                    digest((reads, (name, slug, listed), twins))
                }),
            ),
            // tags_page: the language's tags with their numbers of articles.
            Output::Tags(lang) => (
                output_path(&tags_url(lang)),
                fingerprint(&|f| {
                    let index: Vec<_> = tag_index(f.structure, lang).collect();
                    let reads = (
                        f.rendering(TAGS_TEMPLATE, lang),
                        f.nav(lang),
                        f.group(TAGS_KEY),
                    );
                    digest((reads, index))
                }),
            ),
            // root_page: every language's home (its translation key's pages) and strings.
            Output::Root => (
                "index.html".to_string(),
                fingerprint(&|f| {
                    let strings: Vec<u64> = f.strings.values().copied().collect();
                    digest((
                        (project.templates.digest(ROOT_TEMPLATE), strings),
                        (f.nav(&config.default_language), f.group(HOME_KEY)),
                    ))
                }),
            ),
            // not_found_page: the language's learning path and navigation; the site-wide one
            // every language's home and strings too (it offers them).
            Output::NotFound { lang, site_wide } => (
                not_found_path(lang, site_wide),
                fingerprint(&|f| {
                    let reads = (
                        f.rendering(NOT_FOUND_TEMPLATE, lang),
                        f.nav(lang),
                        f.paths.get(lang),
                    );
                    let offered = site_wide.then(|| {
                        let strings: Vec<u64> = f.strings.values().copied().collect();
                        (strings, f.group(HOME_KEY))
                    });
                    digest((reads, offered))
                }),
            ),
            // status_page: every page's translation status.
            Output::Status(lang) => (
                status_path(lang),
                fingerprint(&|f| {
                    let reads = (
                        f.rendering(STATUS_TEMPLATE, lang),
                        f.nav(lang),
                        f.group(STATUS_KEY),
                    );
                    digest((reads, f.status))
                }),
            ),
            // sitemap: every page, as listed; the tag pages and their twins.
            Output::Sitemap => (
                "sitemap.xml".to_string(),
                fingerprint(&|f| digest((f.listings, tag_listings(project, f.structure)))),
            ),
            // feed: the language's learning path as listed; its title has the language's name.
            Output::Feed(lang) => (
                feed_path(lang),
                fingerprint(&|f| {
                    let path = f.structure.path.get(lang).map_or(&[][..], Vec::as_slice);
                    let listed: Vec<u64> = path.iter().map(|&j| f.digests[j].listing).collect();
                    digest((of(f.strings, lang), listed))
                }),
            ),
            // robots_txt: the sitemap's address.
            Output::Robots => (
                "robots.txt".to_string(),
                fingerprint(&|_| digest(&config.base_url)),
            ),
            // The highlighter's stylesheet: its themes.
            Output::HighlightCss => (
                "highlight.css".to_string(),
                fingerprint(&|_| digest((&config.light_theme, &config.dark_theme))),
            ),
            // The file's bytes.
            Output::Static(n) => {
                let (name, bytes) = &project.static_files[n];
                (name.clone(), fingerprint(&|_| digest(bytes)))
            }
        }
    }

    /// The file's bytes, or why it could not be made.
    pub(crate) fn render(self, inputs: &Inputs<'_>) -> RenderedFile {
        let Inputs {
            project,
            structure,
            bodies,
            highlighter,
        } = *inputs;
        let text = |text: String| -> RenderedFile { Ok(Arc::from(text.into_bytes())) };
        match self {
            Output::Content(i) => render_content_page(project, structure, bodies, i),
            Output::Tag {
                lang,
                slug,
                name,
                articles,
            } => tag_page(project, structure, lang, slug, name, articles),
            Output::Tags(lang) => tags_page(project, structure, lang),
            Output::Root => root_page(project),
            Output::NotFound { lang, site_wide } => {
                not_found_page(project, structure, lang, site_wide)
            }
            Output::Status(lang) => status_page(project, lang),
            Output::Sitemap => text(sitemap(project, structure)),
            Output::Feed(lang) => text(feed(project, structure, lang)),
            Output::Robots => text(robots_txt(&project.config)),
            Output::HighlightCss => text(highlighter.stylesheet()),
            Output::Static(n) => Ok(Arc::from(project.static_files[n].1.as_slice())),
        }
    }
}

/// The outputs made from the other outputs, added to `output` after them: the search index
/// (from the finished HTML pages; it indexes every page each time, ≈ 15 s for 10,000 pages, so
/// the preview server builds it itself, after the pages are served).
pub(crate) fn derive(project: &Project, output: &mut OutputStore) -> Result<(), Diagnostic> {
    if project.config.search {
        crate::search::add_index(output)?;
    }
    Ok(())
}

/// Digests of one page and its body, each of what one kind of output reads of it.
#[derive(Clone, Copy)]
pub(crate) struct PageDigests {
    /// Everything: what the page's own output, and its translations' notices, read of it.
    pub(crate) own: u64,
    /// What places it in the structure (`Structure::new`).
    pub(crate) order: u64,
    /// What the sitemap and the feeds read of it (`feeds::sitemap`, `feeds::atom`).
    pub(crate) listing: u64,
    /// What the translation status pages read of it (`translations::status`).
    pub(crate) status: u64,
}

impl PageDigests {
    pub(crate) fn of(page: &Page, body: &RenderedPage) -> PageDigests {
        let front = &page.front;
        // The source and the file determine the front matter, slug, URL, kind, section and
        // translation key (for one configuration); `assemble` sets the language, URL and
        // fallback of copies. The body is derived from the source too, but from the link table
        // and UI strings as well, so it is hashed as rendered.
        let toc: Vec<(u8, &str, &str)> = body
            .rendered
            .toc
            .iter()
            .map(|e| (e.level, e.id.as_str(), e.title.as_str()))
            .collect();
        PageDigests {
            own: digest((
                (&*page.source, &page.path, &page.url, &page.lang),
                &page.fallback_from,
                (&*body.html, body.rendered.words, &body.labs, toc),
            )),
            order: digest((
                (&page.url, page.kind, &page.section, &page.lang),
                page.fallback_from.is_none(),
                // The level orders the learning path too.
                (front.weight, front.level, &front.title, &front.tags),
            )),
            listing: digest((
                (
                    &page.url,
                    &page.lang,
                    &page.translation_key,
                    &page.fallback_from,
                ),
                (&front.title, &front.description, front.date, front.updated),
            )),
            status: digest((
                (&page.translation_key, &page.lang, &page.url, &page.path),
                (&page.fallback_from, page.source.is_empty()),
                (&front.title, &front.source_lang, &front.source_hash),
            )),
        }
    }
}

/// What a page's summary is made from (`contexts::make_summary`): the page and its body, the
/// title of its section's page (in the navigation) and its language's strings.
pub(crate) fn summary_inputs(digests: &PageDigests, nav: u64, strings: u64) -> u64 {
    digest((digests.own, nav, strings))
}

/// Per language: what its pages read of the UI strings — `t` in the page's language, falling
/// back to the default language's, and every language's name (the language switcher, notices).
/// When a template rebinds `lang`, `t` may read any language: then every language's strings.
pub(crate) fn strings_digests(project: &Project) -> BTreeMap<String, u64> {
    let config = &project.config;
    let locales = &project.locales;
    let names: Vec<Option<String>> = config
        .languages
        .iter()
        .map(|lang| locales.peek(lang, "language-name"))
        .collect();
    let every: Vec<u64> = config.languages.iter().map(|l| locales.digest(l)).collect();
    config
        .languages
        .iter()
        .map(|lang| {
            let read = if project.templates.rebinds_lang() {
                digest((&every, &names))
            } else {
                let own = (
                    locales.digest(lang),
                    locales.digest(&config.default_language),
                );
                digest((own, &names))
            };
            (lang.clone(), read)
        })
        .collect()
}

pub(crate) fn of(digests: &BTreeMap<String, u64>, lang: &str) -> u64 {
    digests.get(lang).copied().unwrap_or_default()
}

/// Per language: the section pages' keys, titles and URLs (`contexts::nav_sections`, the
/// breadcrumbs, and the section titles in summaries).
pub(crate) fn nav_digests(project: &Project) -> BTreeMap<String, u64> {
    project
        .config
        .languages
        .iter()
        .map(|lang| {
            let sections: Vec<_> = project
                .config
                .sections
                .iter()
                .map(|s| {
                    let page = project.content.translation(&format!("section-{s}"), lang);
                    (s, page.map(|p| (page_title(project, p), &p.url)))
                })
                .collect();
            (lang.clone(), digest(sections))
        })
        .collect()
}

/// Everything the fingerprints are made of.
pub(crate) struct Facts<'a> {
    project: &'a Project,
    structure: &'a Structure<'a>,
    strings: &'a BTreeMap<String, u64>,
    digests: &'a [PageDigests],
    /// Each page's summary, hashed.
    summaries: Vec<u64>,
    nav: BTreeMap<String, u64>,
    /// Per translation key: its pages (`own`), in page order.
    groups: FxHashMap<&'a str, u64>,
    /// Each article's place in its language's learning path.
    positions: Vec<Option<usize>>,
    /// Per (language, section): its articles' summaries, in order.
    sections: FxHashMap<(&'a str, &'a str), u64>,
    /// Per language: its learning path's summaries, in order.
    paths: FxHashMap<&'a str, u64>,
    /// Every page as the sitemap lists it.
    listings: u64,
    /// Every page's translation status, and whether its translation's original changed since
    /// it recorded it (a stale translation): the whole group of a page with a recorded hash.
    status: u64,
}

impl<'a> Facts<'a> {
    pub(crate) fn new(
        project: &'a Project,
        structure: &'a Structure<'a>,
        strings: &'a BTreeMap<String, u64>,
        digests: &'a [PageDigests],
        summaries: Vec<u64>,
        nav: BTreeMap<String, u64>,
    ) -> Facts<'a> {
        let pages = &project.content.pages;
        // The translation groups and statuses on one worker, the listings on another.
        let by_key = || {
            let mut groups: FxHashMap<&str, u64> =
                FxHashMap::with_capacity_and_hasher(pages.len(), Default::default());
            for (page, d) in pages.iter().zip(digests) {
                let group = groups.entry(page.translation_key.as_str()).or_default();
                *group = digest((*group, &page.lang, d.own));
            }
            let group_of = |key: &str| groups.get(key).copied().unwrap_or_default();
            let status: Vec<(u64, Option<u64>)> = pages
                .iter()
                .zip(digests)
                .map(|(page, d)| {
                    let recorded = page.front.source_hash.as_ref();
                    (d.status, recorded.map(|_| group_of(&page.translation_key)))
                })
                .collect();
            let status = digest(status);
            (groups, status)
        };
        let listed =
            |list: &[usize]| digest(list.iter().map(|&j| summaries[j]).collect::<Vec<_>>());
        let by_order = || {
            let mut positions = vec![None; pages.len()];
            let mut paths = FxHashMap::default();
            for (lang, path) in &structure.path {
                for (p, &j) in path.iter().enumerate() {
                    positions[j] = Some(p);
                }
                paths.insert(lang.as_str(), listed(path));
            }
            let sections = structure
                .section_articles
                .iter()
                .map(|((lang, s), list)| ((lang.as_str(), s.as_str()), listed(list)))
                .collect();
            let listings = digest(digests.iter().map(|d| d.listing).collect::<Vec<_>>());
            (positions, paths, sections, listings)
        };
        let ((groups, status), (positions, paths, sections, listings)) =
            rayon::join(by_key, by_order);
        Facts {
            project,
            structure,
            strings,
            digests,
            summaries,
            nav,
            groups,
            positions,
            sections,
            paths,
            listings,
            status,
        }
    }

    fn group(&self, key: &str) -> u64 {
        self.groups.get(key).copied().unwrap_or_default()
    }

    /// What rendering `template` in `lang` reads of the templates and UI strings.
    fn rendering(&self, template: &str, lang: &str) -> u64 {
        digest((
            self.project.templates.digest(template),
            of(self.strings, lang),
        ))
    }

    fn nav(&self, lang: &str) -> u64 {
        of(&self.nav, lang)
    }

    fn section(&self, lang: &str, section: Option<&str>) -> u64 {
        section
            .and_then(|s| self.sections.get(&(lang, s)))
            .copied()
            .unwrap_or_default()
    }

    fn summary(&self, i: Option<usize>) -> Option<u64> {
        i.map(|i| self.summaries[i])
    }
}

/// Page `i`'s fingerprint: what `contexts::page_context` and `pages::render_page` read.
fn page_fingerprint(f: &Facts<'_>, i: usize) -> u64 {
    let page = &f.project.content.pages[i];
    let lang = page.lang.as_str();
    let common = (
        // render_page: its template and its language's strings; its body (in `own`).
        f.rendering(template_for(page), lang),
        // page_context: the page, its body and its summary.
        (f.digests[i].own, f.summaries[i]),
        // common_context (switcher, alternates, canonical), fallback_notice, stale_notice: the
        // pages with its translation key.
        f.group(&page.translation_key),
        // common_context's navigation and the breadcrumbs: the section pages of its language.
        f.nav(lang),
    );
    let listed = match page.kind {
        // Its step, the number of steps and its neighbours' summaries in the learning path.
        PageKind::Article => {
            let path = f.structure.path.get(lang).map_or(&[][..], Vec::as_slice);
            let position = f.positions[i];
            let prev = position.and_then(|p| p.checked_sub(1)).map(|q| path[q]);
            let next = position.and_then(|p| path.get(p + 1).copied());
            digest((position, path.len(), f.summary(prev), f.summary(next)))
        }
        // Its articles' summaries.
        PageKind::Section => f.section(lang, page.section.as_deref()),
        // The learning path's summaries (with their minutes) and every section's articles.
        PageKind::Home => {
            let sections: Vec<u64> = f
                .project
                .config
                .sections
                .iter()
                .map(|s| f.section(lang, Some(s)))
                .collect();
            digest((f.paths.get(lang), sections))
        }
        PageKind::Standalone => 0,
    };
    digest((common, listed))
}

pub(crate) fn digest(value: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// A hash of a JSON value, walked directly (cheaper than serializing it). Every variant and
/// length is written before its contents, so two different values never feed the hasher the
/// same bytes. A collision would serve a stale page; with 64 bits and at most a few ten thousand
/// pages per session, the odds are below 1 in 10^10.
pub(crate) fn hash_json(value: &Value) -> u64 {
    let mut hasher = DefaultHasher::new();
    feed_json(value, &mut hasher);
    hasher.finish()
}

fn feed_json(value: &Value, hasher: &mut impl Hasher) {
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
                feed_json(item, hasher);
            }
        }
        Value::Object(map) => {
            hasher.write_u8(6);
            hasher.write_usize(map.len());
            for (key, item) in map {
                hasher.write_usize(key.len());
                hasher.write(key.as_bytes());
                feed_json(item, hasher);
            }
        }
    }
}
