//! Markdown → HTML for one page body, as a pure function of its text and a link resolver.
//!
//! The steps, in order, over pulldown-cmark's event stream (with byte offsets, so every problem
//! is placed at a line and column of the source file):
//! 1. headings get ids (explicit `{#id}` or a slug of their text, made unique) and an anchor
//!    link, and feed the table of contents;
//! 2. code fences are highlighted ([`highlight`]); a fence whose language is `lab` is not code but
//!    a lab embed: it is replaced by a placeholder and returned in [`Rendered::labs`] for the
//!    pipeline to fill (this module does not know what a lab is);
//! 3. links written as `@/section/file.md#anchor` are resolved per language by the caller's
//!    [`LinkResolver`]; every internal link is recorded for `aula check`;
//! 4. prose words are counted (code excluded) for reading time.

pub(crate) mod highlight;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Resolves a link target written in Markdown (`@/finops/x.md#a`) to a site path.
pub(crate) trait LinkResolver {
    /// `Ok(url)` or `Err(why)` — a build error at the link.
    fn resolve(&self, target: &str) -> Result<String, LinkError>;
}

/// Why an `@/` link leads nowhere.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum LinkError {
    /// No page has the source file the link names.
    #[error("no page `content/{lang}/{path}` for the link `{target}`")]
    Missing {
        lang: String,
        path: String,
        target: String,
    },
    /// The page is a draft, left out of this build.
    #[error("`{target}` is a draft, which this build leaves out")]
    Draft { target: String },
    /// The page exists, but not in the language the link is made for.
    #[error("no `{lang}` page for `{target}`")]
    NoTranslation { lang: String, target: String },
}

impl LinkError {
    /// How to fix it.
    pub(crate) fn hint(&self) -> &'static str {
        match self {
            LinkError::Draft { .. } => {
                "publish the linked page (remove `draft = true`) or remove the link until it is"
            }
            LinkError::Missing { .. } | LinkError::NoTranslation { .. } => {
                "link to a source file relative to the language's folder, e.g. @/finops/my-article.md"
            }
        }
    }
}

/// One entry of the table of contents.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct TocEntry {
    pub(crate) level: u8,
    pub(crate) id: String,
    pub(crate) title: String,
}

/// A ```` ```lab <id> ```` fence: its id, its TOML body and where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LabFence {
    pub(crate) lab: String,
    pub(crate) body: String,
    /// Byte offset of the fence in the body.
    pub(crate) offset: usize,
    /// The placeholder in [`Rendered::html`] that the embed replaces.
    pub(crate) placeholder: String,
}

/// An internal link as written, for `aula check`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LinkRef {
    /// What the author wrote.
    pub(crate) written: String,
    /// The site path it leads to (`/es/finops/x/#a`), or the fragment alone for `#a`.
    pub(crate) url: String,
    pub(crate) offset: usize,
}

/// A problem in the body at a byte offset of the body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BodyProblem {
    pub(crate) offset: usize,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Rendered {
    pub(crate) html: String,
    pub(crate) toc: Vec<TocEntry>,
    pub(crate) labs: Vec<LabFence>,
    pub(crate) links: Vec<LinkRef>,
    /// Every id an element of this body has (headings, footnotes): targets for `#anchors`.
    pub(crate) anchors: Vec<String>,
    pub(crate) words: usize,
    pub(crate) problems: Vec<BodyProblem>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `body`. `anchor_label` is the accessible name of heading anchor links, in the page's
/// language.
pub(crate) fn render(
    body: &str,
    links: &dyn LinkResolver,
    anchor_label: &str,
    code_blocks: &mut highlight::Blocks<'_>,
) -> Rendered {
    let mut out = Rendered::default();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut heading: Option<HeadingState<'_>> = None;
    let mut fence: Option<(String, String, usize)> = None;
    let mut in_code = false;

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if let Some((_, text, _)) = fence.as_mut() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    if let Some((language, code, offset)) = fence.take() {
                        events.push(code_block(&mut out, code_blocks, &language, &code, offset));
                    }
                }
                _ => {}
            }
            continue;
        }
        if let Some(state) = heading.as_mut() {
            match event {
                Event::End(TagEnd::Heading(_)) => {
                    if let Some(state) = heading.take() {
                        events.push(finish_heading(&mut out, state, anchor_label));
                    }
                }
                other => {
                    if let Event::Text(t) | Event::Code(t) = &other {
                        state.text.push_str(t);
                        out.words += count_words(t);
                    }
                    state
                        .inner
                        .push(rewrite_link(&mut out, other, links, range.start));
                }
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                heading = Some(HeadingState {
                    level,
                    id,
                    classes,
                    text: String::new(),
                    inner: Vec::new(),
                });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info.trim().to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                fence = Some((language, String::new(), range.start));
            }
            Event::Start(Tag::FootnoteDefinition(ref label)) => {
                out.anchors.push(label.to_string());
                events.push(event);
            }
            Event::Code(_) => {
                in_code = true;
                events.push(event);
            }
            Event::Text(ref t) => {
                out.words += count_words(t);
                events.push(event);
            }
            other => {
                events.push(rewrite_link(&mut out, other, links, range.start));
            }
        }
    }
    let _ = in_code;
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    out
}

struct HeadingState<'a> {
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    text: String,
    inner: Vec<Event<'a>>,
}

fn finish_heading<'a>(
    out: &mut Rendered,
    state: HeadingState<'a>,
    anchor_label: &str,
) -> Event<'a> {
    let base = match &state.id {
        Some(id) => id.to_string(),
        None => {
            let slug = slug::slugify(&state.text);
            if slug.is_empty() {
                "section".to_string()
            } else {
                slug
            }
        }
    };
    let mut id = base.clone();
    let mut n = 1;
    while out.anchors.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    out.anchors.push(id.clone());
    let level = state.level as u8;
    out.toc.push(TocEntry {
        level,
        id: id.clone(),
        title: state.text.trim().to_string(),
    });
    let mut inner = String::new();
    pulldown_cmark::html::push_html(&mut inner, state.inner.into_iter());
    let class = if state.classes.is_empty() {
        String::new()
    } else {
        format!(
            " class=\"{}\"",
            escape(
                &state
                    .classes
                    .iter()
                    .map(|c| c.as_ref())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        )
    };
    let id = escape(&id);
    Event::Html(CowStr::from(format!(
        "<h{level} id=\"{id}\"{class}>{inner} <a class=\"heading-anchor\" href=\"#{id}\" aria-label=\"{label}: {title}\">#</a></h{level}>\n",
        label = escape(anchor_label),
        title = escape(state.text.trim()),
    )))
}

fn code_block<'a>(
    out: &mut Rendered,
    blocks: &mut highlight::Blocks<'_>,
    info: &str,
    code: &str,
    offset: usize,
) -> Event<'a> {
    let mut words = info.split_whitespace();
    let language = words.next().unwrap_or("");
    if language == "lab" {
        let lab = words.next().unwrap_or("").to_string();
        let placeholder = format!("<!--aula-lab-{}-->", out.labs.len());
        out.labs.push(LabFence {
            lab,
            body: code.to_string(),
            offset,
            placeholder: placeholder.clone(),
        });
        return Event::Html(CowStr::from(format!("{placeholder}\n")));
    }
    let highlighted = blocks.html(language, code);
    let label = if language.is_empty() {
        String::new()
    } else {
        let shown = highlight::language_label(language).unwrap_or_else(|| language.to_string());
        format!(
            " data-lang=\"{}\" data-lang-label=\"{}\"",
            escape(language),
            escape(&shown)
        )
    };
    let class = if language.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", escape(language))
    };
    Event::Html(CowStr::from(format!(
        "<pre class=\"code\"{label} tabindex=\"0\"><code{class}>{highlighted}</code></pre>\n"
    )))
}

fn rewrite_link<'a>(
    out: &mut Rendered,
    event: Event<'a>,
    links: &dyn LinkResolver,
    offset: usize,
) -> Event<'a> {
    let Event::Start(Tag::Link {
        link_type,
        dest_url,
        title,
        id,
    }) = event
    else {
        return event;
    };
    let written = dest_url.to_string();
    let internal =
        written.starts_with("@/") || written.starts_with('/') || written.starts_with('#');
    if !internal {
        return Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        });
    }
    let url = if written.starts_with("@/") {
        match links.resolve(&written) {
            Ok(url) => url,
            Err(error) => {
                out.problems.push(BodyProblem {
                    offset,
                    message: error.to_string(),
                    hint: Some(error.hint().into()),
                });
                written.clone()
            }
        }
    } else {
        written.clone()
    };
    out.links.push(LinkRef {
        written,
        url: url.clone(),
        offset,
    });
    Event::Start(Tag::Link {
        link_type,
        dest_url: CowStr::from(url),
        title,
        id,
    })
}

fn count_words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// HTML-escapes text for use in attributes and element content.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(body: &str, links: &dyn LinkResolver, anchor_label: &str) -> Rendered {
        let highlighter = highlight::Highlighter::new("InspiredGitHub", "OneHalfDark").unwrap();
        super::render(
            body,
            links,
            anchor_label,
            &mut highlight::Blocks::new(&highlighter),
        )
    }

    struct Links;
    impl LinkResolver for Links {
        fn resolve(&self, target: &str) -> Result<String, LinkError> {
            match target {
                "@/finops/x.md#a" => Ok("/es/finops/equis/#a".into()),
                _ => Err(LinkError::Missing {
                    lang: "es".into(),
                    path: target.trim_start_matches("@/").into(),
                    target: target.into(),
                }),
            }
        }
    }

    #[test]
    fn headings_get_unique_ids_anchors_and_a_toc() {
        let out = render(
            "## Por qué importa\n\n## Por qué importa\n\n### Otro {#mine}\n",
            &Links,
            "Enlace",
        );
        let ids: Vec<&str> = out.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["por-que-importa", "por-que-importa-1", "mine"]);
        assert!(out.html.contains("<h2 id=\"por-que-importa\">Por qué importa <a class=\"heading-anchor\" href=\"#por-que-importa\""), "{}", out.html);
        assert_eq!(out.toc[2].level, 3);
    }

    #[test]
    fn fences_are_highlighted_and_lab_fences_become_placeholders() {
        let out = render(
            "```python\nx = 1\n```\n\n```lab rate-limit\nexample = \"a\"\n```\n",
            &Links,
            "",
        );
        assert!(out.html.contains("data-lang=\"python\""), "{}", out.html);
        assert!(out.html.contains("<span class=\"hl-l"), "{}", out.html);
        assert_eq!(out.labs.len(), 1);
        assert_eq!(out.labs[0].lab, "rate-limit");
        assert_eq!(out.labs[0].body, "example = \"a\"\n");
        assert!(out.html.contains(&out.labs[0].placeholder));
    }

    #[test]
    fn site_links_resolve_and_bad_ones_are_problems_at_their_offset() {
        let body = "See [x](@/finops/x.md#a) and\n[y](@/nope.md).";
        let out = render(body, &Links, "");
        assert!(
            out.html.contains("href=\"/es/finops/equis/#a\""),
            "{}",
            out.html
        );
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].offset, body.find("[y]").unwrap());
    }

    #[test]
    fn tables_footnotes_strikethrough_and_tasks_render() {
        let out = render(
            "| a |\n|---|\n| b |\n\n~~no~~ [^1]\n\n[^1]: note\n\n- [x] done\n",
            &Links,
            "",
        );
        for needle in [
            "<table>",
            "<del>no</del>",
            "footnote-definition",
            "type=\"checkbox\"",
        ] {
            assert!(out.html.contains(needle), "{needle} in {}", out.html);
        }
    }

    #[test]
    fn words_are_counted_without_code() {
        let out = render("One two three.\n\n```rust\nlet a = b;\n```\n", &Links, "");
        assert_eq!(out.words, 3);
    }
}
