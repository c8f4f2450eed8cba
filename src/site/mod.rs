//! The build pipeline, top to bottom: load the project, render every page, assemble the site.
//!
//! [`Project::load`] reads everything a build needs from disk (config, UI strings, templates, lab
//! manifests, content, static files). [`render`] is then a function of the project alone: Markdown
//! (with lab embeds and per-language links), page contexts, templates, and the site-wide files
//! (sitemap, feeds, robots.txt, 404, the language chooser at `/`). The result is an
//! [`OutputStore`]; writing it to disk or serving it from memory is someone else's job.
//!
//! The stages, one file each:
//! - `project`: loading and validating the sources (shared with the preview server's reloads);
//! - `links`: the link index, which resolves `@/section/page.md` to a URL in a page's language;
//! - `body`: a page's Markdown rendered, its lab embeds filled in;
//! - `structure`: sections, the learning path and tags, per language;
//! - `contexts`: what templates get — the common frame, a page's context, listings' summaries;
//! - `pages`: every output file that is not a content page's body — tag pages, the chooser and
//!   404, feeds, sitemap, robots.txt — and where each goes.
//!
//! All problems of one build are collected and returned together.

mod body;
mod contexts;
mod links;
mod pages;
mod project;
mod structure;

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::CONFIG_FILE;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::highlight::{Blocks, Highlighter};
use crate::output::OutputStore;

pub(crate) use body::{RenderedPage, render_body};
pub(crate) use contexts::{
    common_context, make_summary, merge, page_without_source, stale_original,
};
pub(crate) use links::{SourceIndex, resolves_the_same};
pub(crate) use pages::{
    Chooser, HOME_KEY, TAG_TEMPLATE, TAGS_KEY, TAGS_TEMPLATE, chooser_page, feed, feed_path,
    output_path, render_content_page, robots_txt, sitemap, tag_index, tag_key, tag_page, tag_url,
    tags_page, tags_url, template_for,
};
pub(crate) use project::{Project, check_themes, load_config, load_templates, read_static};
pub(crate) use structure::Structure;

use pages::site_pages;

/// How to build.
#[derive(Debug, Clone, Default)]
pub(crate) struct BuildOptions {
    pub(crate) drafts: bool,
    /// Overrides `base_url` from aula.toml (e.g. for a preview server's own address).
    pub(crate) base_url: Option<String>,
    /// Overrides `[search] enabled` from aula.toml: no search index, no search box.
    pub(crate) no_search: bool,
}

/// A successful build: the site and the warnings met on the way.
pub(crate) struct Built {
    pub(crate) output: OutputStore,
    pub(crate) warnings: Diagnostics,
    pub(crate) pages: usize,
    /// Every internal link of every page, by page index in `content.pages` (for `aula check`;
    /// the preview server's renders leave it empty).
    pub(crate) links: Vec<Vec<crate::markdown::LinkRef>>,
    /// Whether the site has a search index (the preview server builds it after publishing).
    pub(crate) search: bool,
}

/// One output file as rendered (shared, so the preview server keeps it without a copy), or why
/// it could not be.
pub(crate) type RenderedFile = Result<Arc<[u8]>, Diagnostic>;

/// Renders the whole site from a loaded project, in memory (`aula check`, tests).
pub(crate) fn render(project: &Project) -> Result<Built, Diagnostics> {
    render_into(project, OutputStore::default())
}

/// Renders the whole site into `output` (e.g. a store that writes into a staging folder), its
/// search index included. (The preview server renders through `incremental::render`, which
/// reuses what the last render made, and builds the search index itself, after publishing.)
pub(crate) fn render_into(
    project: &Project,
    mut output: OutputStore,
) -> Result<Built, Diagnostics> {
    let mut problems = Diagnostics::default();
    let content = &project.content;
    let resolver_index = SourceIndex::new(&project.config, content);

    // Step 1: Markdown and labs, page by page, in parallel. A page and its translations go to
    // the same worker, one after the other: translations usually keep their code blocks as they
    // are, so the second one finds them highlighted already (highlighting is most of a build).
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    for (i, page) in content.pages.iter().enumerate() {
        let group = *group_of
            .entry(page.translation_key.as_str())
            .or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
        groups[group].push(i);
    }
    let mut results: Vec<Option<Result<RenderedPage, Diagnostics>>> =
        std::iter::repeat_with(|| None)
            .take(content.pages.len())
            .collect();
    let highlighter = Highlighter::new(&project.config.light_theme, &project.config.dark_theme)
        .map_err(|e| Diagnostics::from_iter([Diagnostic::error(CONFIG_FILE, e).group("config")]))?;
    let rendered_groups: Vec<Vec<(usize, Result<RenderedPage, Diagnostics>)>> = groups
        .par_iter()
        .map(|members| {
            let mut blocks = Blocks::new(&highlighter);
            members
                .iter()
                .map(|&i| {
                    let page = &content.pages[i];
                    let body = render_body(project, &resolver_index, page, None, 0, &mut blocks);
                    (i, body)
                })
                .collect()
        })
        .collect();
    for (i, result) in rendered_groups.into_iter().flatten() {
        results[i] = Some(result);
    }
    let results = results.into_iter().flatten();
    let mut bodies = Vec::with_capacity(content.pages.len());
    for result in results {
        match result {
            Ok(body) => bodies.push(Some(body)),
            Err(errors) => {
                problems.extend(errors);
                bodies.push(None);
            }
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    let bodies: Vec<RenderedPage> = bodies.into_iter().flatten().collect();

    // Step 2: the site's structure — sections, the learning path, tags.
    let mut structure = Structure::new(project);
    // Listings repeat summaries (the home page lists every article): make each one once.
    structure.summaries = content
        .pages
        .par_iter()
        .zip(&bodies)
        .map(|(page, body)| Arc::new(make_summary(project, page, body)))
        .collect();

    // Step 3: every page through its template, in parallel.
    type Written = Result<Option<Arc<[u8]>>, crate::output::OutputError>;
    let rendered: Vec<(String, Result<Written, Diagnostic>)> = (0..content.pages.len())
        .into_par_iter()
        .map(|i| {
            let (path, html) = render_content_page(project, &structure, &bodies, i);
            // Written now when the output goes to disk, so pages are not all held at once.
            let written = html.map(|html| output.write_through(&path, html));
            (path, written)
        })
        .collect();
    for (path, result) in rendered {
        match result {
            Ok(written) => output.record(path, written),
            Err(d) => problems.push(d),
        }
    }

    // Step 4: pages that are not articles: tags, the language chooser, 404; then feeds and the rest.
    for (path, result) in site_pages(project, &structure) {
        match result {
            Ok(html) => output.insert_shared(path, html),
            Err(d) => problems.push(d),
        }
    }
    crate::translations::add_status_pages(project, &mut output, &mut problems);
    if problems.has_errors() {
        return Err(problems.sorted());
    }
    output.insert("sitemap.xml", sitemap(project));
    for lang in &project.config.languages {
        output.insert(feed_path(lang), feed(project, &structure, lang));
    }
    output.insert("robots.txt", robots_txt(&project.config));
    output.insert("highlight.css", highlighter.stylesheet());
    for (name, bytes) in &project.static_files {
        output.insert(name.clone(), bytes.clone());
    }
    // Last: the search index is built from the finished pages. It indexes every page each time
    // (≈ 15 s for 10,000 pages), so the preview server (which renders through `incremental`)
    // builds it itself, after the pages are served.
    if project.config.search
        && let Err(e) = crate::search::add_index(&mut output)
    {
        problems.push(e);
        return Err(problems);
    }
    let warnings = fallback_warnings(project);
    Ok(Built {
        pages: content.pages.len(),
        output,
        warnings,
        links: bodies.iter().map(|b| b.rendered.links.clone()).collect(),
        search: project.config.search,
    })
}

/// A warning for each UI string that was missing in a language and taken from the default one,
/// since the last call.
pub(crate) fn fallback_warnings(project: &Project) -> Diagnostics {
    let mut warnings = Diagnostics::default();
    for (lang, key) in project.locales.take_fallbacks() {
        warnings.push(
            Diagnostic::warning(
                format!("locales/{lang}"),
                format!(
                    "UI string `{key}` is missing in `{lang}`; the {} text is used",
                    project.config.default_language
                ),
            )
            .hint(format!("add `{key} = …` to a file in locales/{lang}/"))
            .group("fluent"),
        );
    }
    warnings
}
