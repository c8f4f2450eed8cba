//! The preview server's render: the site `site::render` makes, made again after an edit by doing
//! only the work the edit calls for.
//!
//! [`Memory`] keeps what the last render made: each page's rendered Markdown, its summary and a
//! few digests of it, the site's structure, the link index, and every output file with a
//! fingerprint of what it was made from. [`render`] then
//! 1. renders the Markdown of the pages whose source changed — and of every page of a language
//!    whose UI strings changed (through the [`RenderCache`], which still skips unchanged
//!    Markdown), and of the pages with an `@/` link that now leads elsewhere; pages with lab
//!    embeds always, so a rebuilt lab binary or an edited lab template shows;
//! 2. keeps the structure (sections, learning path, tags) unless a page was added, removed,
//!    moved, re-weighted, re-titled or re-tagged;
//! 3. gives every output file a fingerprint of exactly what its template context reads — the
//!    page itself, its translations, the navigation, the summaries it lists (its section's, its
//!    language's path, its neighbours', its tag's), its language's UI strings, and its template
//!    with the templates that one extends or includes — and renders only the files whose
//!    fingerprint is new. The others keep their bytes, and their contexts are never built. So
//!    an edit of `article.html` renders articles, one of `locales/es/` the Spanish pages.
//!
//! A fingerprint that misses something its context reads would serve a stale page, so each input
//! below is named next to the builder in `site` that reads it; `tests/serve_incremental.rs`
//! compares the served site with a fresh `aula build` after random and targeted edits. Still
//! done for every page on every render, but cheaply (a lookup or a few integers hashed per
//! page): telling unchanged pages by pointer, the per-language and per-key digests, the
//! fingerprints, and putting the output store together.
//!
//! This module knows nothing about files on disk, watching or HTTP.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde_json::Value;

use crate::config::CONFIG_FILE;
use crate::content::{Page, PageKind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::highlight::{Blocks, Highlighter};
use crate::output::OutputStore;
use crate::render_cache::RenderCache;
use crate::site::{
    self, Built, Chooser, Project, RenderedFile, RenderedPage, SourceIndex, Structure,
};

/// What the last render of one project made, for the next. Empty: the next render makes
/// everything.
#[derive(Default)]
pub(crate) struct Memory {
    markdown: RenderCache,
    /// Made on the first render (its themes come from aula.toml, which a memory outlives not).
    highlighter: Option<Highlighter>,
    last: Option<Last>,
}

/// The last successful render.
struct Last {
    /// Per language: what its pages read of the UI strings (see [`strings_digests`]).
    strings: BTreeMap<String, u64>,
    /// A digest of the link table (see [`link_digest`]), and the table itself.
    links: u64,
    index: Option<Arc<SourceIndex>>,
    /// By URL.
    pages: HashMap<String, Known>,
    /// The order digests of every page, in order: when equal, so is the structure.
    layout: u64,
    structure: Structure,
    /// By output path: the fingerprint each file was rendered with, and its bytes.
    outputs: HashMap<String, (u64, Arc<[u8]>)>,
    highlight_css: Arc<[u8]>,
}

/// One page as last rendered.
#[derive(Clone)]
struct Known {
    /// What the page is made of (given the same configuration): its source, shared with the
    /// loaded content and compared by pointer, its file, and its place as a fallback.
    source: Arc<str>,
    path: PathBuf,
    lang: String,
    fallback_from: Option<String>,
    /// What links to it resolve against (see [`link_digest`]).
    links: u64,
    body: RenderedPage,
    digests: Digests,
    summary: Arc<Value>,
    /// What `summary` was made from: see [`summary_inputs`].
    summary_inputs: u64,
    summary_digest: u64,
}

impl Known {
    fn is(&self, page: &Page) -> bool {
        Arc::ptr_eq(&self.source, &page.source)
            && self.path == page.path
            && self.lang == page.lang
            && self.fallback_from == page.fallback_from
    }
}

/// Digests of one page and its body, each of what one kind of output reads of it.
#[derive(Clone, Copy)]
struct Digests {
    /// Everything: what the page's own output, and its translations' notices, read of it.
    own: u64,
    /// What places it in the structure (`Structure::new`).
    order: u64,
    /// What the sitemap and the feeds read of it (`feeds::sitemap`, `feeds::atom`).
    listing: u64,
    /// What the translation status pages read of it (`translations::status`).
    status: u64,
}

impl Digests {
    fn of(page: &Page, body: &RenderedPage) -> Digests {
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
        Digests {
            own: digest((
                (&*page.source, &page.path, &page.url, &page.lang),
                &page.fallback_from,
                (&*body.html, body.rendered.words, &body.labs, toc),
            )),
            order: digest((
                (&page.url, page.kind, &page.section, &page.lang),
                page.fallback_from.is_none(),
                (front.weight, &front.title, &front.tags),
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

/// Renders `project`, reusing what `memory` kept from the last render, and keeps what this one
/// made. Unlike `site::render`, it does not build the search index, and `links` of
/// the result is empty (nothing in the preview checks links). When the render fails, `memory`
/// keeps the last good render.
pub(crate) fn render(project: &Project, memory: &mut Memory) -> Result<Built, Diagnostics> {
    let highlighter = match memory.highlighter.take() {
        Some(highlighter) => highlighter,
        None => {
            let config = &project.config;
            Highlighter::new(&config.light_theme, &config.dark_theme).map_err(|e| {
                Diagnostics::from_iter([Diagnostic::error(CONFIG_FILE, e).group("config")])
            })?
        }
    };
    let made = make(
        project,
        &memory.markdown,
        &highlighter,
        memory.last.as_ref(),
    );
    memory.highlighter = Some(highlighter);
    Ok(memory.remember(project, made?))
}

/// What one render made, to be remembered.
struct Made {
    links: u64,
    index: Option<Arc<SourceIndex>>,
    strings: BTreeMap<String, u64>,
    layout: u64,
    /// The pages (by index) whose remembered state changed, with their new one.
    changed: Vec<(usize, Known)>,
    structure: Structure,
    /// Every output that reads pages: path, fingerprint, bytes, and whether it was rendered
    /// now (else it is the remembered one).
    outputs: Vec<(String, u64, Arc<[u8]>, bool)>,
    highlight_css: Arc<[u8]>,
}

fn make(
    project: &Project,
    markdown: &RenderCache,
    highlighter: &Highlighter,
    last: Option<&Last>,
) -> Result<Made, Diagnostics> {
    let content = &project.content;
    let pages = &content.pages;
    let strings = strings_digests(project);
    let known: Vec<Option<&Known>> = pages
        .par_iter()
        .map(|page| {
            last.and_then(|l| l.pages.get(&page.url))
                .filter(|k| k.is(page))
        })
        .collect();
    let page_links: Vec<u64> = pages
        .iter()
        .zip(&known)
        .map(|(page, known)| known.map_or_else(|| link_digest(page), |k| k.links))
        .collect();
    let links = links_digest(project, &page_links);

    // Step 1: the Markdown of the pages whose inputs changed.
    let same_links = last.filter(|l| l.links == links);
    let index = OnceLock::new();
    if let Some(kept) = same_links.and_then(|l| l.index.clone()) {
        let _ = index.set(kept);
    }
    // A body reads its language's strings (for its heading anchors) and the link table.
    let reusable: Vec<Option<&Known>> = pages
        .iter()
        .zip(&known)
        .map(|(page, known)| {
            let same_strings = |l: &Last| l.strings.get(&page.lang) == strings.get(&page.lang);
            known.filter(|_| last.is_some_and(same_strings))
        })
        .collect();
    let same_links = same_links.is_some();
    let bodies = render_bodies(
        project,
        markdown,
        highlighter,
        &reusable,
        same_links,
        links,
        &index,
    )?;

    // Step 2: each page's digests and summary, and the structure.
    let digests: Vec<Digests> = (0..pages.len())
        .into_par_iter()
        .map(|i| match known[i] {
            Some(k) if same_body(&k.body, &bodies[i]) => k.digests,
            _ => Digests::of(&pages[i], &bodies[i]),
        })
        .collect();
    let nav = nav_digests(project);
    let summaries: Vec<(Arc<Value>, u64, u64)> = (0..pages.len())
        .into_par_iter()
        .map(|i| {
            let lang = pages[i].lang.as_str();
            let inputs = summary_inputs(&digests[i], of(&nav, lang), of(&strings, lang));
            match known[i] {
                Some(k) if k.summary_inputs == inputs => {
                    (k.summary.clone(), inputs, k.summary_digest)
                }
                _ => {
                    let summary = site::make_summary(project, &pages[i], &bodies[i]);
                    let summary_digest = hash_json(&summary);
                    (Arc::new(summary), inputs, summary_digest)
                }
            }
        })
        .collect();
    let layout = digest(digests.iter().map(|d| d.order).collect::<Vec<_>>());
    let mut structure = match last {
        Some(l) if l.layout == layout => l.structure.clone(),
        _ => Structure::new(project),
    };
    structure.summaries = summaries.iter().map(|(s, _, _)| s.clone()).collect();

    // Step 3: every output's fingerprint, and the outputs whose fingerprint is new, rendered.
    let facts = Facts::new(
        project,
        &structure,
        &strings,
        &digests,
        summaries.iter().map(|(_, _, d)| *d).collect(),
        nav,
    );
    let jobs = jobs(&facts);
    let rendered: Vec<(String, u64, RenderedFile, bool)> = jobs
        .into_par_iter()
        .filter_map(|(path, fingerprint, job)| {
            let kept = last
                .and_then(|l| l.outputs.get(&path))
                .filter(|(f, _)| *f == fingerprint);
            match kept {
                Some((_, bytes)) => Some((path, fingerprint, Ok(bytes.clone()), false)),
                None => job
                    .render(project, &structure, &bodies)
                    .map(|bytes| (path, fingerprint, bytes, true)),
            }
        })
        .collect();
    let mut problems = Diagnostics::default();
    let mut outputs = Vec::with_capacity(rendered.len());
    for (path, fingerprint, result, fresh) in rendered {
        match result {
            Ok(bytes) => outputs.push((path, fingerprint, bytes, fresh)),
            Err(d) => problems.push(d),
        }
    }
    let highlight_css = match last {
        Some(l) => l.highlight_css.clone(),
        None => Arc::from(highlighter.stylesheet().into_bytes()),
    };
    if problems.has_errors() {
        return Err(problems.sorted());
    }

    let changed = (0..pages.len())
        .filter(|&i| {
            known[i].is_none_or(|k| {
                !same_body(&k.body, &bodies[i]) || k.summary_inputs != summaries[i].1
            })
        })
        .map(|i| {
            let page = &pages[i];
            let (summary, summary_inputs, summary_digest) = summaries[i].clone();
            let known = Known {
                source: page.source.clone(),
                path: page.path.clone(),
                lang: page.lang.clone(),
                fallback_from: page.fallback_from.clone(),
                links: page_links[i],
                body: bodies[i].clone(),
                digests: digests[i],
                summary,
                summary_inputs,
                summary_digest,
            };
            (i, known)
        })
        .collect();
    Ok(Made {
        links,
        index: index.into_inner(),
        strings,
        layout,
        changed,
        structure,
        outputs,
        highlight_css,
    })
}

impl Memory {
    /// Keeps what `made` made (in place: an edit touches a few entries of ten thousand) and
    /// gives the site.
    fn remember(&mut self, project: &Project, made: Made) -> Built {
        let pages = &project.content.pages;
        let (mut known, mut outputs) = self
            .last
            .take()
            .map(|last| (last.pages, last.outputs))
            .unwrap_or_default();
        for (i, page) in made.changed {
            match known.get_mut(&pages[i].url) {
                Some(slot) => *slot = page,
                None => {
                    known.insert(pages[i].url.clone(), page);
                }
            }
        }
        // Every page is in `known` now; more entries means some pages went.
        if known.len() != pages.len() {
            let urls: HashSet<&str> = pages.iter().map(|p| p.url.as_str()).collect();
            known.retain(|url, _| urls.contains(url.as_str()));
            self.markdown.retain(&urls);
        }
        let mut store = OutputStore::default();
        let count = made.outputs.len();
        for (path, fingerprint, bytes, fresh) in made.outputs {
            if fresh {
                match outputs.get_mut(&path) {
                    Some(slot) => *slot = (fingerprint, bytes.clone()),
                    None => {
                        outputs.insert(path.clone(), (fingerprint, bytes.clone()));
                    }
                }
            }
            store.insert_shared(path, bytes);
        }
        if outputs.len() != count {
            outputs.retain(|path, _| store.contains(path));
        }
        // The files that read no page.
        store.insert("robots.txt", site::robots_txt(&project.config));
        store.insert_shared("highlight.css", made.highlight_css.clone());
        for (name, bytes) in &project.static_files {
            store.insert(name.clone(), bytes.clone());
        }
        self.last = Some(Last {
            strings: made.strings,
            links: made.links,
            index: made.index,
            pages: known,
            layout: made.layout,
            structure: made.structure,
            outputs,
            highlight_css: made.highlight_css,
        });
        Built {
            output: store,
            warnings: site::fallback_warnings(project),
            pages: pages.len(),
            links: Vec::new(),
            search: project.config.search,
        }
    }
}

/// What links to `page` resolve against (`site::SourceIndex`): its key, language, URL, file and
/// whether it is a fallback.
fn link_digest(page: &Page) -> u64 {
    digest((
        (&page.translation_key, &page.lang, &page.url, &page.path),
        page.fallback_from.is_none(),
    ))
}

/// The link table: every page's [`link_digest`], the drafts, the languages.
fn links_digest(project: &Project, page_links: &[u64]) -> u64 {
    let drafts: Vec<_> = project
        .content
        .drafts
        .iter()
        .map(|p| (&p.lang, &p.path))
        .collect();
    let config = &project.config;
    digest((
        (&config.default_language, &config.languages),
        page_links,
        drafts,
    ))
}

fn same_body(a: &RenderedPage, b: &RenderedPage) -> bool {
    Arc::ptr_eq(&a.rendered, &b.rendered) && Arc::ptr_eq(&a.html, &b.html) && a.labs == b.labs
}

/// Each page's Markdown with its labs: the last render's where `reusable` has it (same page,
/// same strings) and its links lead where they did (`same_links`, or checked link by link),
/// else rendered (the cache still skips unchanged Markdown). Pages with lab embeds are always
/// filled in again: a lab's binary, manifest or template may have changed.
fn render_bodies(
    project: &Project,
    markdown: &RenderCache,
    highlighter: &Highlighter,
    reusable: &[Option<&Known>],
    same_links: bool,
    links: u64,
    index: &OnceLock<Arc<SourceIndex>>,
) -> Result<Vec<RenderedPage>, Diagnostics> {
    let pages = &project.content.pages;
    // Made only when a page needs it (it indexes every page), and kept while the link table
    // stays the same.
    let index =
        || index.get_or_init(|| Arc::new(SourceIndex::new(&project.config, &project.content)));
    let results: Vec<Result<RenderedPage, Diagnostics>> = (0..pages.len())
        .into_par_iter()
        .map(|i| {
            let page = &pages[i];
            // When pages came, went or moved, a body whose links all still lead where they
            // did is the same: most pages link to none of the pages that moved.
            let kept = reusable[i]
                .filter(|k| k.body.labs.is_empty())
                .filter(|k| same_links || site::resolves_the_same(index(), page, &k.body.rendered));
            match kept {
                Some(k) => Ok(k.body.clone()),
                None => {
                    let mut blocks = Blocks::new(highlighter);
                    site::render_body(project, index(), page, Some(markdown), links, &mut blocks)
                }
            }
        })
        .collect();
    let mut problems = Diagnostics::default();
    let mut bodies = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(body) => bodies.push(body),
            Err(errors) => problems.extend(errors),
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(bodies)
}

/// What a page's summary is made from (`site::make_summary`): the page and its body, the title
/// of its section's page (in the navigation) and its language's strings.
fn summary_inputs(digests: &Digests, nav: u64, strings: u64) -> u64 {
    digest((digests.own, nav, strings))
}

/// Per language: what its pages read of the UI strings — `t` in the page's language, falling
/// back to the default language's, and every language's name (the language switcher, notices).
/// When a template rebinds `lang`, `t` may read any language: then every language's strings.
fn strings_digests(project: &Project) -> BTreeMap<String, u64> {
    let config = &project.config;
    let locales = &project.locales;
    let names: Vec<Option<String>> = config
        .languages
        .iter()
        .map(|lang| locales.t(lang, "language-name", &[]))
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

fn of(digests: &BTreeMap<String, u64>, lang: &str) -> u64 {
    digests.get(lang).copied().unwrap_or_default()
}

/// Per language: the section pages' keys, titles and URLs (`site::nav_sections`, the
/// breadcrumbs, and the section titles in summaries).
fn nav_digests(project: &Project) -> BTreeMap<String, u64> {
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
                    (s, page.map(|p| (&p.front.title, &p.url)))
                })
                .collect();
            (lang.clone(), digest(sections))
        })
        .collect()
}

/// Everything the fingerprints are made of.
struct Facts<'a> {
    project: &'a Project,
    structure: &'a Structure,
    strings: &'a BTreeMap<String, u64>,
    digests: &'a [Digests],
    /// Each page's summary, hashed.
    summaries: Vec<u64>,
    nav: BTreeMap<String, u64>,
    /// Per translation key: its pages (`own`), in page order.
    groups: HashMap<&'a str, u64>,
    /// Each article's place in its language's learning path.
    positions: Vec<Option<usize>>,
    /// Per (language, section): its articles' summaries, in order.
    sections: HashMap<(&'a str, &'a str), u64>,
    /// Per language: its learning path's summaries, in order.
    paths: HashMap<&'a str, u64>,
}

impl<'a> Facts<'a> {
    fn new(
        project: &'a Project,
        structure: &'a Structure,
        strings: &'a BTreeMap<String, u64>,
        digests: &'a [Digests],
        summaries: Vec<u64>,
        nav: BTreeMap<String, u64>,
    ) -> Facts<'a> {
        let pages = &project.content.pages;
        let mut groups: HashMap<&str, u64> = HashMap::new();
        for (page, d) in pages.iter().zip(digests) {
            let group = groups.entry(page.translation_key.as_str()).or_default();
            *group = digest((*group, &page.lang, d.own));
        }
        let listed =
            |list: &[usize]| digest(list.iter().map(|&j| summaries[j]).collect::<Vec<_>>());
        let mut positions = vec![None; pages.len()];
        let mut paths = HashMap::new();
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

/// Page `i`'s fingerprint: what `site::page_context` and `site::render_page` read.
fn page_fingerprint(f: &Facts<'_>, i: usize) -> u64 {
    let page = &f.project.content.pages[i];
    let lang = page.lang.as_str();
    let common = (
        // render_page: its template and its language's strings; its body (in `own`).
        f.rendering(site::template_for(page), lang),
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

/// Every output file that reads pages: its path, its fingerprint, and how to render it.
fn jobs<'a>(f: &Facts<'a>) -> Vec<(String, u64, Job<'a>)> {
    let project = f.project;
    let config = &project.config;
    let pages = &project.content.pages;
    let mut jobs: Vec<(String, u64, Job<'a>)> = (0..pages.len())
        .into_par_iter()
        .map(|i| {
            let path = site::output_path(&pages[i].url);
            (path, page_fingerprint(f, i), Job::Content(i))
        })
        .collect();
    for ((lang, slug), (name, articles)) in &f.structure.tags {
        // tag_page: its articles' summaries, its language's navigation, the UI strings.
        let listed: Vec<u64> = articles.iter().map(|&j| f.summaries[j]).collect();
        let fingerprint = digest((
            (
                f.rendering(site::TAG_TEMPLATE, lang),
                f.nav(lang),
                f.group(&site::tag_key(slug)),
            ),
            (name, slug, listed),
        ));
        jobs.push((
            site::output_path(&site::tag_url(lang, slug)),
            fingerprint,
            Job::Tag {
                lang,
                slug,
                name,
                articles,
            },
        ));
    }
    // Whether a translation's original changed since it recorded it (a stale translation):
    // the whole group of a page with a recorded hash is read.
    let status: Vec<(u64, Option<u64>)> = pages
        .iter()
        .zip(f.digests)
        .map(|(page, d)| {
            let recorded = page.front.source_hash.as_ref();
            (d.status, recorded.map(|_| f.group(&page.translation_key)))
        })
        .collect();
    let status = digest(status);
    let listings: Vec<u64> = f.digests.iter().map(|d| d.listing).collect();
    for lang in &config.languages {
        // tags_page: the language's tags with their numbers of articles.
        let index: Vec<_> = site::tag_index(f.structure, lang).collect();
        let reads = (
            f.rendering(site::TAGS_TEMPLATE, lang),
            f.nav(lang),
            f.group(site::TAGS_KEY),
        );
        let fingerprint = digest((reads, index));
        jobs.push((
            site::output_path(&site::tags_url(lang)),
            fingerprint,
            Job::Tags(lang),
        ));
        // translations::status_page: every page's translation status.
        let fingerprint = digest((
            (
                f.rendering(crate::translations::STATUS_TEMPLATE, lang),
                f.nav(lang),
                f.group(crate::translations::STATUS_KEY),
            ),
            status,
        ));
        jobs.push((
            crate::translations::status_path(lang),
            fingerprint,
            Job::Status(lang),
        ));
        // feed: the language's learning path, as listed.
        let path = f.structure.path.get(lang).map_or(&[][..], Vec::as_slice);
        let listed: Vec<u64> = path.iter().map(|&j| listings[j]).collect();
        jobs.push((
            site::feed_path(lang),
            // Its title has the language's name.
            digest((of(f.strings, lang), listed)),
            Job::Feed(lang),
        ));
    }
    for chooser in Chooser::ALL {
        // chooser_page: every language's home (its translation key's pages) and strings.
        let strings: Vec<u64> = f.strings.values().copied().collect();
        let fingerprint = digest((
            (project.templates.digest(chooser.template()), strings),
            (f.nav(&config.default_language), f.group(site::HOME_KEY)),
        ));
        jobs.push((
            chooser.output_path().to_string(),
            fingerprint,
            Job::Chooser(chooser),
        ));
    }
    // sitemap: every page, as listed.
    jobs.push(("sitemap.xml".to_string(), digest(listings), Job::Sitemap));
    jobs
}

/// How to render one output file.
enum Job<'a> {
    Content(usize),
    Tag {
        lang: &'a str,
        slug: &'a str,
        name: &'a str,
        articles: &'a [usize],
    },
    Tags(&'a str),
    Status(&'a str),
    Feed(&'a str),
    Chooser(Chooser),
    Sitemap,
}

impl Job<'_> {
    /// The file's bytes, or why it could not be rendered; `None` when it is not part of this
    /// site (a status page without its template).
    fn render(
        &self,
        project: &Project,
        structure: &Structure,
        bodies: &[RenderedPage],
    ) -> Option<RenderedFile> {
        let bytes = |text: String| Arc::from(text.into_bytes());
        Some(match *self {
            Job::Content(i) => site::render_content_page(project, structure, bodies, i).1,
            Job::Tag {
                lang,
                slug,
                name,
                articles,
            } => site::tag_page(project, structure, lang, slug, name, articles).1,
            Job::Tags(lang) => site::tags_page(project, structure, lang).1,
            Job::Status(lang) => crate::translations::status_page(project, lang)?
                .1
                .map(bytes),
            Job::Feed(lang) => Ok(bytes(site::feed(project, structure, lang))),
            Job::Chooser(chooser) => site::chooser_page(project, chooser).1,
            Job::Sitemap => Ok(bytes(site::sitemap(project))),
        })
    }
}

fn digest(value: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// A hash of a JSON value, walked directly (cheaper than serializing it). Every variant and
/// length is written before its contents, so two different values never feed the hasher the
/// same bytes. A collision would serve a stale page; with 64 bits and at most a few ten thousand
/// pages per session, the odds are below 1 in 10^10.
pub(crate) fn hash_json(value: &Value) -> u64 {
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
