//! `aula check`: everything an author should fix before publishing, found in one run.
//!
//! [`check_site`] loads the project as `build` does (so front matter, duplicate slugs and
//! translation keys, `.ftl` syntax and templates are checked by the loader that owns them), renders
//! it (which resolves every `@/` link and reports drafts linked from published pages), and then
//! runs the checks that `build` does not: `#anchors` and site paths against the rendered output,
//! translations missing, stale or linked inconsistently, Fluent keys per language, tag twins that
//! name no article's tag, every example of every lab against its expected answer, and articles
//! whose `verified` date is older than `[check] verified_max_age_days`. Each check is a function of the loaded project (and, for
//! links, the build's output; for ages, today's date, read once in [`check_site`]) returning
//! [`Diagnostics`] with a `group`.
//!
//! Only the lab check starts processes (through the lab runner); nothing here writes files or
//! prints: `cmd::check` does the printing.
//!
//! The checks, one file each beside this one: `translations` (missing, stale, unrecorded or
//! inconsistently linked translations), `fluent` (UI string keys per language), `tags` (tag
//! twins that name no article's tag) and `labs` (every example against its expected answer);
//! links are checked here.

mod fluent;
mod labs;
mod tags;
mod translations;

use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics, Group, LineIndex};
use crate::output::OutputStore;
use crate::site::{self, BuildOptions, Built, Project, output_path};

/// Runs every check on the site at `root`.
pub(crate) fn check_site(root: &Path) -> Diagnostics {
    let project = match Project::load(root, &BuildOptions::default()) {
        Ok(project) => project,
        // Nothing else can be checked in a site that does not load; the loader said why.
        Err(problems) => return regroup(problems),
    };
    let mut problems = Diagnostics::default();
    match site::render(&project) {
        Ok(built) => problems.extend(links(&project, &built)),
        // Unresolved `@/` links, drafts linked from published pages, lab embeds that fail.
        Err(errors) => problems.extend(errors),
    }
    // `fluent` reports missing keys per language itself, as errors; the build's fallback
    // warnings (`built.warnings`) would say the same thing again, so they are left out.
    problems.extend(translations::translation_problems(&project));
    problems.extend(fluent::fluent(&project));
    problems.extend(tags::tag_twins(&project));
    problems.extend(labs::labs(&project));
    // Today in UTC (jiff is built without the system time zone database); a day's difference
    // near midnight does not matter for an age counted in months.
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    problems.extend(translations::verified_ages(&project, today));
    regroup(problems)
}

/// Loader errors without a more precise group are about front matter (or the content tree).
fn regroup(problems: Diagnostics) -> Diagnostics {
    problems
        .into_iter()
        .map(|d| match d.group {
            Group::Content => d.group(Group::FrontMatter),
            _ => d,
        })
        .collect::<Diagnostics>()
        .sorted()
}

// ---------------------------------------------------------------------------------------------
// Links

/// Every internal link of every written page leads to a page of the site, and its `#anchor` to an
/// element of that page, in the language the link is written in. `@/` links that name no page
/// already failed the build; this checks what only the rendered site can tell.
pub(crate) fn links(project: &Project, built: &Built) -> Diagnostics {
    let mut problems = Diagnostics::default();
    for (page, body) in project.content.pages.iter().zip(&built.bodies) {
        // A fallback page repeats its original's links; they are reported at the original.
        if page.fallback_from.is_some() {
            continue;
        }
        let index = LineIndex::new(&page.source);
        for link in &body.links {
            let (path, fragment) = match link.url.split_once('#') {
                Some((path, fragment)) => (path, Some(fragment)),
                None => (link.url.as_str(), None),
            };
            let path = path.split('?').next().unwrap_or_default();
            let target = if path.is_empty() {
                page.url.as_str()
            } else {
                path
            };
            let (line, column) = index.line_column(page.body_offset + link.offset);
            let at = |message: String, hint: &str| {
                Diagnostic::error(&page.path, message)
                    .at(line, column)
                    .hint(hint)
                    .group(Group::Links)
            };
            let Some(html) = target_file(&built.output, target) else {
                problems.push(at(
                    format!(
                        "link `{}` leads to {target}, which is not a page of the site",
                        link.written
                    ),
                    "link to a source file (`@/section/file.md`) so aula resolves it per language",
                ));
                continue;
            };
            if let Some(fragment) = fragment.filter(|f| !f.is_empty())
                && !has_id(html, fragment)
            {
                problems.push(at(
                    format!(
                        "link `{}`: {target} has no anchor `#{fragment}`",
                        link.written
                    ),
                    "headings get ids from their text (or `{#id}` after the heading); see the page's table of contents",
                ));
            }
        }
    }
    problems
}

/// The built file a site path names: `/es/x/` → `es/x/index.html`, `/aula.css` → `aula.css`.
fn target_file<'a>(output: &'a OutputStore, path: &str) -> Option<&'a [u8]> {
    if path.ends_with('/') {
        return output.get(&output_path(path));
    }
    let relative = path.trim_start_matches('/');
    output
        .get(relative)
        .or_else(|| output.get(&format!("{relative}/index.html")))
}

fn has_id(html: &[u8], id: &str) -> bool {
    let html = String::from_utf8_lossy(html);
    let escaped = crate::markdown::escape(id);
    html.contains(&format!("id=\"{escaped}\""))
}
