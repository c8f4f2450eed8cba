//! A page's body: its Markdown rendered (links resolved through the link index, code
//! highlighted), problems placed at `path:line:col`, and each lab fence replaced by its embed.

use std::sync::Arc;

use crate::content::Page;
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex};
use crate::labs::runner::Outcome;
use crate::markdown::highlight::Blocks;
use crate::markdown::{self, Rendered};
use crate::render_cache::{BodyKey, RenderCache};

use super::Project;
use super::links::{PageLinks, SourceIndex};

/// A page's Markdown, rendered, with its lab embeds filled in.
#[derive(Clone)]
pub(crate) struct RenderedPage {
    pub(crate) rendered: Arc<Rendered>,
    pub(crate) html: Arc<str>,
    /// The labs it embeds.
    pub(crate) labs: Vec<String>,
}

pub(crate) fn render_body(
    project: &Project,
    index: &SourceIndex,
    page: &Page,
    cache: Option<&RenderCache>,
    link_fingerprint: u64,
    blocks: &mut Blocks<'_>,
) -> Result<RenderedPage, Diagnostics> {
    let source_lang = page.fallback_from.as_deref().unwrap_or(&page.lang);
    let links = PageLinks {
        index,
        source_lang,
        page_lang: &page.lang,
    };
    let anchor_label = project
        .locales
        .t(&page.lang, "heading-anchor", &[])
        .unwrap_or_default();
    let (rendered, markdown_html) = match cache {
        Some(cache) => {
            let key = BodyKey {
                source: page.source.clone(),
                body_offset: page.body_offset,
                source_lang: source_lang.to_string(),
                page_lang: page.lang.clone(),
                anchor_label: anchor_label.clone(),
                links: link_fingerprint,
            };
            cache.body(&page.url, key, || {
                markdown::render(page.body(), &links, &anchor_label, blocks)
            })
        }
        None => {
            let rendered = markdown::render(page.body(), &links, &anchor_label, blocks);
            let html: Arc<str> = rendered.html.as_str().into();
            (Arc::new(rendered), html)
        }
    };
    let mut problems = Diagnostics::default();
    // Built only when there is something to place: it scans the whole file.
    let line_index = std::cell::OnceCell::new();
    let place = |offset: usize| {
        line_index
            .get_or_init(|| LineIndex::new(&page.source))
            .line_column(page.body_offset + offset)
    };
    // A fallback page repeats its original's problems; report them once, at the original.
    let report = page.fallback_from.is_none();
    for problem in &rendered.problems {
        let (line, column) = place(problem.offset);
        let mut d = Diagnostic::error(&page.path, &problem.message)
            .at(line, column)
            .group("links");
        if let Some(hint) = &problem.hint {
            d = d.hint(hint);
        }
        if report {
            problems.push(d);
        }
    }
    let mut html: Option<String> = None;
    let mut labs = Vec::new();
    for (n, fence) in rendered.labs.iter().enumerate() {
        let (line, column) = place(fence.offset);
        match embed_lab(project, page, fence, n) {
            Ok(embed) => {
                let with_embed = html.as_deref().unwrap_or(&rendered.html).replacen(
                    &fence.placeholder,
                    &embed,
                    1,
                );
                html = Some(with_embed);
                labs.push(fence.lab.clone());
            }
            Err((offset_in_body, message, hint)) => {
                // Errors inside the fence body are placed on their own line below the fence line.
                let (line, column) = if offset_in_body > 0 {
                    let fence_body_start = page.body()[fence.offset..]
                        .find('\n')
                        .map_or(fence.offset, |i| fence.offset + i + 1);
                    place(fence_body_start + offset_in_body)
                } else {
                    (line, column)
                };
                if report {
                    problems.push(
                        Diagnostic::error(&page.path, message)
                            .at(line, column)
                            .hint(hint)
                            .group("labs"),
                    );
                }
            }
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    // Without labs the page's HTML is the (possibly cached) Markdown's own, shared, so the
    // render cache can see it is unchanged without comparing it byte by byte.
    let html: Arc<str> = match html {
        Some(html) => html.into(),
        None => markdown_html,
    };
    Ok(RenderedPage {
        rendered,
        html,
        labs,
    })
}

/// The HTML of one lab embed: the manifest's form in the page's language and the real answer.
fn embed_lab(
    project: &Project,
    page: &Page,
    fence: &markdown::LabFence,
    n: usize,
) -> Result<String, (usize, String, String)> {
    let resolved = crate::labs::resolve_fence(&project.labs, &fence.lab, &fence.body)?;
    let Some(lab) = project.labs.get(&resolved.lab) else {
        return Err((0, format!("unknown lab `{}`", fence.lab), String::new()));
    };
    let answer = match project.labs.run_cached(lab, &page.lang, &resolved.input) {
        Outcome::Answer(answer) => answer,
        Outcome::Refused { field, message } => {
            return Err((
                0,
                format!("lab `{}` refused its input: {field}: {message}", lab.id),
                "change the fence's [input]".into(),
            ));
        }
        Outcome::TimedOut(limit) => {
            return Err((
                0,
                format!(
                    "lab `{}` ran past its time limit of {} ms",
                    lab.id,
                    limit.as_millis()
                ),
                "make the input smaller or raise [limits] time_ms in its manifest".into(),
            ));
        }
        Outcome::Truncated(cap) => {
            return Err((
                0,
                format!(
                    "lab `{}` printed more than its output cap of {cap} bytes",
                    lab.id
                ),
                "raise [limits] output_bytes in its manifest".into(),
            ));
        }
        Outcome::Failed(why) => {
            return Err((
                0,
                format!("lab `{}` cannot run: {why}", lab.id),
                "build the labs with `cargo build --release` (they are found next to the aula binary, in $AULA_LAB_BIN_DIR, or in [labs] bin_dir)".into(),
            ));
        }
    };
    let context = crate::embed::lab_context(project, page, lab, &resolved, &answer, n);
    project
        .templates
        .render("partials/lab.html", &context)
        .map_err(|d| (0, d.to_string(), "fix the lab template".into()))
}
