//! A page's body, in three steps: its Markdown rendered (links resolved through the link index,
//! code highlighted) by [`markdown`]; what its lab fences ask of the labs ([`lab_requests`]),
//! which `labs::answers` runs for every page at once; then [`embed_labs`], which places the
//! problems at `path:line:col` and replaces each lab fence by its embed, made from the answer.
//! Rendering a body starts no process.

use std::sync::Arc;

use crate::content::Page;
use crate::diagnostics::{Diagnostic, Diagnostics, Group, LineIndex};
use crate::i18n::Fallbacks;
use crate::labs::FenceError;
use crate::labs::answers::{Answers, Request};
use crate::labs::runner::Outcome;
use crate::markdown::highlight::Blocks;
use crate::markdown::{self, Rendered};
use crate::render_cache::{Body, BodyKey, RenderCache};

use super::Project;
use super::links::{PageLinks, SourceIndex};

/// A page's Markdown, rendered, with its lab embeds filled in.
#[derive(Clone)]
pub(crate) struct RenderedPage {
    pub(crate) rendered: Arc<Rendered>,
    pub(crate) html: Arc<str>,
    /// The labs it embeds.
    pub(crate) labs: Vec<String>,
    /// The UI strings its rendering took from the default language (heading anchors, embeds).
    pub(crate) fallbacks: Fallbacks,
}

/// The page's Markdown: a function of its source, the link index and its language's heading
/// label. With a `cache`, unchanged Markdown is not rendered again.
pub(crate) fn markdown(
    project: &Project,
    index: &SourceIndex,
    page: &Page,
    cache: Option<&RenderCache>,
    link_fingerprint: u64,
    blocks: &mut Blocks<'_>,
) -> Body {
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
    match cache {
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
    }
}

/// The runs the page's lab fences need (those that resolve; the others fail in [`embed_labs`]):
/// each fence's own input, and every example of the lab it embeds, whose recorded answers the
/// page keeps so its example picker switches without the network.
pub(crate) fn lab_requests(project: &Project, page: &Page, rendered: &Rendered) -> Vec<Request> {
    let mut requests = Vec::new();
    for fence in &rendered.labs {
        let Ok(resolved) = crate::labs::resolve_fence(&project.labs, &fence.lab, &fence.body)
        else {
            continue;
        };
        requests.push(Request::new(&resolved.lab, &page.lang, &resolved.input));
        if let Some(lab) = project.labs.get(&resolved.lab) {
            requests.extend(
                lab.examples
                    .iter()
                    .map(|example| Request::new(&lab.id, &page.lang, &example.input)),
            );
        }
    }
    requests
}

/// The page's body: its Markdown with every lab fence replaced by its embed, made from
/// `answers`; or every problem of its links and fences, placed in its source.
pub(crate) fn embed_labs(
    project: &Project,
    page: &Page,
    (rendered, markdown_html): Body,
    answers: &Answers,
) -> Result<RenderedPage, Diagnostics> {
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
            .group(Group::Links);
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
        let examples_above = rendered.labs[..n].iter().any(|f| f.lab == fence.lab);
        match embed_lab(project, page, fence, (n, examples_above), answers) {
            Ok(embed) => {
                let with_embed = html.as_deref().unwrap_or(&rendered.html).replacen(
                    &fence.placeholder,
                    &embed,
                    1,
                );
                html = Some(with_embed);
                labs.push(fence.lab.clone());
            }
            Err(FenceError {
                offset: offset_in_body,
                message,
                hint,
            }) => {
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
                            .group(Group::Labs),
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
        fallbacks: Fallbacks::new(),
    })
}

/// The HTML of one lab embed: the manifest's form in the page's language and the real answer.
fn embed_lab(
    project: &Project,
    page: &Page,
    fence: &markdown::LabFence,
    (n, examples_above): (usize, bool),
    answers: &Answers,
) -> Result<String, FenceError> {
    let resolved = crate::labs::resolve_fence(&project.labs, &fence.lab, &fence.body)?;
    let Some(lab) = project.labs.get(&resolved.lab) else {
        return Err(FenceError::new(format!("unknown lab `{}`", fence.lab), ""));
    };
    let request = Request::new(&resolved.lab, &page.lang, &resolved.input);
    let answer = match answers.get(&request) {
        Some(Outcome::Answer(answer)) => answer,
        Some(Outcome::Refused { field, message }) => {
            return Err(FenceError::new(
                format!("lab `{}` refused its input: {field}: {message}", lab.id),
                "change the fence's [input]",
            ));
        }
        Some(Outcome::TimedOut(limit)) => {
            return Err(FenceError::new(
                format!(
                    "lab `{}` ran past its time limit of {} ms",
                    lab.id,
                    limit.as_millis()
                ),
                "make the input smaller or raise [limits] time_ms in its manifest",
            ));
        }
        Some(Outcome::Truncated(cap)) => {
            return Err(FenceError::new(
                format!(
                    "lab `{}` printed more than its output cap of {cap} bytes",
                    lab.id
                ),
                "raise [limits] output_bytes in its manifest",
            ));
        }
        Some(Outcome::Failed(why)) => {
            return Err(FenceError::new(
                format!("lab `{}` cannot run: {why}", lab.id),
                "build the labs with `cargo build --release` (they are found next to the aula binary, in $AULA_LAB_BIN_DIR, or in [labs] bin_dir)",
            ));
        }
        None => {
            return Err(FenceError::new(
                format!("lab `{}` was not run before rendering", lab.id),
                "this is a bug in aula: every fence's lab runs before pages are rendered",
            ));
        }
    };
    let embed = crate::embed::Embed {
        lab,
        fence: &resolved,
        answer,
        n,
        examples_above,
    };
    let context =
        crate::embed::lab_context(&project.locales, &project.config, answers, page, embed);
    project
        .templates
        .render("partials/lab.html", &context)
        .map_err(|d| FenceError::new(d.to_string(), "fix the lab template"))
}
