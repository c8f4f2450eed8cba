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
mod incremental;
mod links;
mod pages;
mod plan;
mod project;
mod structure;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Diagnostics, Group};
use crate::i18n::Fallbacks;
use crate::output::OutputStore;

pub(crate) use incremental::Memory;
pub(crate) use pages::output_path;
pub(crate) use project::{Project, check_themes, load_config, load_templates, read_static};

use body::RenderedPage;
use links::{SourceIndex, resolves_the_same};
use structure::Structure;

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
    /// Every page's Markdown as rendered, by page index in `content.pages`: its internal links
    /// are what `aula check` follows. Empty after a preview's render (a rebuild would otherwise
    /// touch every page's reference count, and nobody checks the preview).
    pub(crate) bodies: Vec<Arc<crate::markdown::Rendered>>,
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
/// search index included: the render of a memory that keeps nothing.
pub(crate) fn render_into(project: &Project, output: OutputStore) -> Result<Built, Diagnostics> {
    incremental::render(project, &mut Memory::once(), output)
}

/// Renders the site again, doing only what changed since the last render `memory` kept (the
/// preview server's render). The search index is left to the caller, to make after it serves
/// the pages.
pub(crate) fn render_again(project: &Project, memory: &mut Memory) -> Result<Built, Diagnostics> {
    incremental::render(project, memory, OutputStore::default())
}

/// A warning for each UI string that was missing in a language and taken from the default one
/// by the site's render.
pub(crate) fn fallback_warnings(project: &Project, fallbacks: &Fallbacks) -> Diagnostics {
    let mut warnings = Diagnostics::default();
    for (lang, key) in fallbacks {
        warnings.push(
            Diagnostic::warning(
                format!("locales/{lang}"),
                format!(
                    "UI string `{key}` is missing in `{lang}`; the {} text is used",
                    project.config.default_language
                ),
            )
            .hint(format!("add `{key} = …` to a file in locales/{lang}/"))
            .group(Group::Fluent),
        );
    }
    warnings
}
