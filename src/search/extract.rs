//! What a rendered page says, for the search index: its title and its text cut into sections,
//! one per heading that has an `id` (so a result can link to the nearest heading's anchor).
//!
//! Only the element marked `data-pagefind-body` by the templates is read (articles and pages;
//! not listings, tag pages or fallback copies), and inside it nothing marked
//! `data-pagefind-ignore` (the meta line, the table of contents, the labs' forms and recorded
//! output), no code blocks (`<pre>`), no navigation, forms, scripts or SVG, and not the `#`
//! links beside headings. The HTML is aula's own output, so a small scanner is enough: it
//! tracks open elements and never builds a tree. It knows nothing about words or files.

/// One part of a page: the text under a heading, up to the next heading.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Section {
    /// The heading's `id`; `None` for the part before the first such heading.
    pub(crate) anchor: Option<String>,
    /// The heading's text (the page title for the first part).
    pub(crate) heading: String,
    /// 1 for the title, 2 for `<h2>`, … (how much a word in the heading weighs).
    pub(crate) level: u8,
    pub(crate) text: String,
}

/// A page's searchable text.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct PageText {
    pub(crate) title: String,
    pub(crate) sections: Vec<Section>,
}

/// Elements whose content is never searchable.
const SKIPPED: &[&str] = &[
    "pre", "script", "style", "nav", "form", "svg", "template", "noscript", "button", "select",
    "textarea", "math",
];

/// Elements without content (no closing tag).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Inline elements: no word boundary at their edges ("<em>ven</em>tana" is one word).
const INLINE: &[&str] = &[
    "a", "abbr", "b", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q", "s",
    "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

/// The searchable text of `html`, or `None` when it has no element marked `data-pagefind-body`.
pub(crate) fn page_text(html: &str) -> Option<PageText> {
    let marker = html.find("data-pagefind-body")?;
    let start = html[..marker].rfind('<')?;
    let mut page = PageText {
        title: String::new(),
        sections: vec![Section {
            level: 1,
            ..Section::default()
        }],
    };
    // Open elements: (name, ignored, heading level).
    let mut open: Vec<(&str, bool, u8)> = Vec::new();
    let mut heading: Option<(u8, Option<String>, String)> = None;
    let bytes = html.as_bytes();
    let mut at = start;
    while at < html.len() {
        if bytes[at] != b'<' {
            let end = html[at..].find('<').map_or(html.len(), |n| at + n);
            let ignored = open.last().is_some_and(|o| o.1);
            if !ignored {
                let target = match &mut heading {
                    Some((_, _, text)) => text,
                    None => &mut last(&mut page).text,
                };
                decode_into(&html[at..end], target);
            }
            at = end;
            continue;
        }
        let rest = &html[at..];
        if rest.starts_with("<!--") {
            at = rest.find("-->").map_or(html.len(), |n| at + n + 3);
            continue;
        }
        let Some(tag_end) = tag_end(rest) else {
            break;
        };
        let tag = &rest[1..tag_end];
        at += tag_end + 1;
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim();
            let Some(depth) = open.iter().rposition(|o| o.0.eq_ignore_ascii_case(name)) else {
                continue;
            };
            let closed: Vec<_> = open.drain(depth..).collect();
            if closed.iter().any(|o| o.2 > 0)
                && let Some((level, anchor, text)) = heading.take()
            {
                finish_heading(&mut page, level, anchor, text);
            }
            if !is(INLINE, closed[0].0) {
                space(&mut page, &mut heading);
            }
            if open.is_empty() {
                break;
            }
            continue;
        }
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        let name_len = tag
            .find(|c: char| c.is_ascii_whitespace() || c == '/')
            .unwrap_or(tag.len());
        let name = &tag[..name_len];
        let attrs = &tag[name_len..];
        if !is(INLINE, name) {
            space(&mut page, &mut heading);
        }
        if is(VOID, name) || tag.ends_with('/') {
            continue;
        }
        let parent_ignored = open.last().is_some_and(|o| o.1);
        let ignored = parent_ignored
            || is(SKIPPED, name)
            || attrs.contains("data-pagefind-ignore")
            || attrs.contains("heading-anchor");
        if ignored && !parent_ignored {
            // Nothing inside counts: jump past the element's end tag.
            at = skip_element(html, at, name);
            continue;
        }
        let level = match name.as_bytes() {
            [b'h' | b'H', d @ b'1'..=b'6'] if heading.is_none() => d - b'0',
            _ => 0,
        };
        if level > 0 {
            heading = Some((level, attribute(attrs, "id"), String::new()));
        }
        open.push((name, ignored, level));
    }
    for section in &mut page.sections {
        section.heading = squash(&section.heading);
        section.text = squash(&section.text);
    }
    page.title = page.sections[0].heading.clone();
    if page.title.is_empty() {
        page.title = title_element(html).unwrap_or_default();
        page.sections[0].heading = page.title.clone();
    }
    Some(page)
}

/// Whether `name` is one of `names` (ASCII case ignored).
fn is(names: &[&str], name: &str) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Where the element `name` whose start tag ends just before `at` ends: after its matching end
/// tag (elements of the same name inside it counted), or the end of `html`.
fn skip_element(html: &str, mut at: usize, name: &str) -> usize {
    let mut depth = 1usize;
    while let Some(found) = html[at..].find('<') {
        at += found + 1;
        let rest = &html[at..];
        let (closing, rest) = match rest.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        let matches = rest.len() >= name.len()
            && rest.is_char_boundary(name.len())
            && rest[..name.len()].eq_ignore_ascii_case(name)
            && rest[name.len()..]
                .chars()
                .next()
                .is_none_or(|c| c == '>' || c == '/' || c.is_ascii_whitespace());
        if !matches {
            continue;
        }
        if closing {
            depth -= 1;
            if depth == 0 {
                return html[at..].find('>').map_or(html.len(), |n| at + n + 1);
            }
        } else {
            depth += 1;
        }
    }
    html.len()
}

fn last(page: &mut PageText) -> &mut Section {
    let n = page.sections.len() - 1;
    &mut page.sections[n]
}

fn space(page: &mut PageText, heading: &mut Option<(u8, Option<String>, String)>) {
    match heading {
        Some((_, _, text)) => text.push(' '),
        None => last(page).text.push(' '),
    }
}

/// An `<h1>` is the title; another heading with an `id` starts a section; one without an
/// `id` stays in the section it is in (its words still weigh as a heading's, there).
fn finish_heading(page: &mut PageText, level: u8, anchor: Option<String>, text: String) {
    if level == 1 && page.sections.len() == 1 && page.sections[0].heading.is_empty() {
        page.sections[0].heading = text;
    } else if anchor.is_some() {
        page.sections.push(Section {
            anchor,
            heading: text,
            level,
            text: String::new(),
        });
    } else {
        let section = last(page);
        section.heading.push(' ');
        section.heading.push_str(&text);
    }
}

/// Where the tag starting at `rest[0] == '<'` ends (its `>`), quotes respected.
fn tag_end(rest: &str) -> Option<usize> {
    let mut quote = None;
    for (i, b) in rest.bytes().enumerate().skip(1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The value of attribute `name` in a tag's attribute text, entities decoded.
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    while let Some(at) = rest.find(name) {
        let before_ok = at == 0 || rest.as_bytes()[at - 1].is_ascii_whitespace();
        let after = rest[at + name.len()..].trim_start();
        if before_ok && let Some(value) = after.strip_prefix('=') {
            let value = value.trim_start();
            let (quote, body) = match value.chars().next() {
                Some(q @ ('"' | '\'')) => (Some(q), &value[1..]),
                _ => (None, value),
            };
            let end = match quote {
                Some(q) => body.find(q).unwrap_or(body.len()),
                None => body
                    .find(|c: char| c.is_ascii_whitespace())
                    .unwrap_or(body.len()),
            };
            let mut out = String::new();
            decode_into(&body[..end], &mut out);
            return Some(out);
        }
        rest = &rest[at + name.len()..];
    }
    None
}

fn title_element(html: &str) -> Option<String> {
    let start = html.find("<title>")? + "<title>".len();
    let end = html[start..].find("</title>")? + start;
    let mut out = String::new();
    decode_into(&html[start..end], &mut out);
    Some(squash(&out))
}

/// Appends `text` with its character references decoded.
fn decode_into(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|&n| n <= 10).and_then(|n| {
            let name = &after[..n];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let code = if let Some(hex) =
                        name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"))
                    {
                        u32::from_str_radix(hex, 16).ok()
                    } else {
                        name.strip_prefix('#').and_then(|d| d.parse().ok())
                    };
                    code.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, n))
        });
        match decoded {
            Some((c, n)) => {
                out.push(c);
                rest = &after[n + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// `text` with runs of whitespace made one space, trimmed.
fn squash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<!DOCTYPE html><html lang="es"><head><title>Límites | aula</title></head>
<body><nav>menú</nav><article class="article" data-pagefind-body>
<header><h1>Límites de tasa</h1><ul class="meta" data-pagefind-ignore><li>5 minutos</li></ul></header>
<nav class="toc" data-pagefind-ignore><a href="#ventanas">Ventanas</a></nav>
<p>Intro con <em>ven</em>tana &amp; más&nbsp;texto.</p>
<h2 id="ventanas">Ventanas <a class="heading-anchor" href="#ventanas">#</a></h2>
<p>Una ventana fija.</p><pre><code>let secreto = 1;</code></pre>
<section class="lab" data-lab="x"><form data-pagefind-ignore><label>límite</label></form>
<div class="lab-output" data-pagefind-ignore><table><tr><td>oculto</td></tr></table></div></section>
<h3>Sin id</h3><p>Sigue aquí.</p>
<h3 id="cubeta">Cubeta de <code>tokens</code></h3><p>Fin.</p>
</article><footer>pie</footer></body></html>"##;

    #[test]
    fn sections_follow_headings_with_ids_and_skip_what_is_not_prose() {
        let page = page_text(PAGE).unwrap();
        assert_eq!(page.title, "Límites de tasa");
        let got: Vec<(Option<&str>, &str, u8, &str)> = page
            .sections
            .iter()
            .map(|s| (s.anchor.as_deref(), &s.heading[..], s.level, &s.text[..]))
            .collect();
        assert_eq!(
            got,
            [
                (None, "Límites de tasa", 1, "Intro con ventana & más texto."),
                (
                    Some("ventanas"),
                    "Ventanas Sin id",
                    2,
                    "Una ventana fija. Sigue aquí."
                ),
                (Some("cubeta"), "Cubeta de tokens", 3, "Fin."),
            ]
        );
    }

    #[test]
    fn pages_without_a_marked_body_are_not_searchable() {
        assert_eq!(page_text("<html><body><p>listado</p></body></html>"), None);
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for html in [
            "<div data-pagefind-body><p>a &#xZZ; &#99999999; <b",
            "<div data-pagefind-body></span></div>",
            "<x data-pagefind-body><h2 id=\"a\">t",
            "data-pagefind-body",
        ] {
            let _ = page_text(html);
        }
    }
}
