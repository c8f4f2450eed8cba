//! Code highlighting: the one module that knows syntect (with two-face's extra syntaxes, so TOML,
//! INI, Dockerfile and the rest of bat's set highlight).
//!
//! syntect parses each block into scopes; a [`Highlighter`] resolves every token's scopes against
//! the site's two themes (light and dark) once, here, and writes one flat span per run of tokens
//! that look alike: `<span class="hl-l3 hl-d7">` says "colour 3 of the light theme, colour 7 of
//! the dark one". Pages carry no inline styles and no nested scope spans (which made code blocks
//! two thirds of a page's bytes); the colours come from one stylesheet ([`Highlighter::stylesheet`])
//! that numbers each theme's colours the same way. Per-token background colours of a theme are not
//! kept: every colour is instead made readable on the block's background. Unknown languages fall
//! back to plain text without an error.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use syntect::highlighting::{Color, FontStyle, Theme};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxSet};
use syntect::util::LinesWithEndings;
use two_face::theme::EmbeddedLazyThemeSet;

/// Scopes the light theme's rules to light mode (the page's script sets `data-theme`).
const LIGHT_MODE: &str = ":root:not([data-theme=\"dark\"])";
const DARK_MODE: &str = ":root[data-theme=\"dark\"]";

fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(two_face::syntax::extra_newlines)
}

fn themes() -> &'static EmbeddedLazyThemeSet {
    static THEMES: OnceLock<EmbeddedLazyThemeSet> = OnceLock::new();
    THEMES.get_or_init(two_face::theme::extra)
}

/// The names of the themes a site may choose in `aula.toml`.
pub(crate) fn theme_names() -> Vec<&'static str> {
    EmbeddedLazyThemeSet::theme_names()
        .iter()
        .map(|name| name.as_name())
        .collect()
}

/// A human label for a fence's language ("Python", "YAML"), or `None` for plain text.
pub(crate) fn language_label(language: &str) -> Option<String> {
    syntaxes()
        .find_syntax_by_token(language)
        .filter(|s| s.name != "Plain Text")
        .map(|s| s.name.clone())
}

/// Highlights code for one pair of themes. Shared by every page of a build (it is `Sync`).
pub(crate) struct Highlighter {
    light: Palette,
    dark: Palette,
    /// The class attribute of every scope stack met so far; `None` for the default look.
    classes: RwLock<HashMap<Vec<Scope>, Option<Arc<str>>>>,
}

/// One theme, and its foreground colours in a fixed order: a token's class names the index.
struct Palette {
    theme: &'static Theme,
    resolver: syntect::highlighting::Highlighter<'static>,
    colors: Vec<Color>,
    /// `l` or `d`: which theme a class belongs to.
    letter: char,
}

impl Palette {
    fn new(name: &str, letter: char) -> Result<Palette, String> {
        let known = EmbeddedLazyThemeSet::theme_names()
            .iter()
            .find(|theme| theme.as_name() == name)
            .ok_or_else(|| format!("unknown highlighting theme `{name}`"))?;
        let theme: &'static Theme = themes().get(*known);
        let mut colors: Vec<Color> = theme
            .scopes
            .iter()
            .filter_map(|item| item.style.foreground)
            .chain(theme.settings.foreground)
            .collect();
        colors.sort_by_key(|c| (c.r, c.g, c.b, c.a));
        colors.dedup();
        Ok(Palette {
            theme,
            resolver: syntect::highlighting::Highlighter::new(theme),
            colors,
            letter,
        })
    }

    fn default_color(&self) -> Option<Color> {
        self.theme.settings.foreground
    }

    /// The classes of a token with `stack` in this theme, added to `classes`.
    fn classes_for(&self, stack: &[Scope], classes: &mut Vec<String>) {
        let style = self.resolver.style_for_stack(stack);
        let letter = self.letter;
        if Some(style.foreground) != self.default_color()
            && let Some(i) = self.colors.iter().position(|c| *c == style.foreground)
        {
            classes.push(format!("hl-{letter}{i}"));
        }
        for (flag, suffix) in [
            (FontStyle::BOLD, 'b'),
            (FontStyle::ITALIC, 'i'),
            (FontStyle::UNDERLINE, 'u'),
        ] {
            if style.font_style.contains(flag) {
                classes.push(format!("hl-{letter}{suffix}"));
            }
        }
    }

    fn background(&self) -> Rgb {
        self.theme
            .settings
            .background
            .map_or(Rgb(255, 255, 255), |c| Rgb(c.r, c.g, c.b))
    }

    /// The rules for this theme's classes, under `mode`, each colour readable on the background.
    fn css(&self, mode: &str) -> String {
        let background = self.background();
        let opaque = |c: Color| background.mix(Rgb(c.r, c.g, c.b), f64::from(c.a) / 255.0);
        let foreground = self.default_color().map_or(Rgb(0, 0, 0), opaque);
        let letter = self.letter;
        let mut out = format!(
            "{mode} pre.code, {mode} .code-block {{ background-color: {}; color: {}; }}\n",
            background.hex(),
            readable(foreground, background).hex()
        );
        for (i, color) in self.colors.iter().enumerate() {
            let color = readable(opaque(*color), background);
            out.push_str(&format!(
                "{mode} .hl-{letter}{i} {{ color: {}; }}\n",
                color.hex()
            ));
        }
        out.push_str(&format!(
            "{mode} .hl-{letter}b {{ font-weight: bold; }}\n\
             {mode} .hl-{letter}i {{ font-style: italic; }}\n\
             {mode} .hl-{letter}u {{ text-decoration: underline; }}\n"
        ));
        out
    }
}

impl Highlighter {
    /// A highlighter for the themes named `light` and `dark` (see [`theme_names`]).
    pub(crate) fn new(light: &str, dark: &str) -> Result<Highlighter, String> {
        Ok(Highlighter {
            light: Palette::new(light, 'l')?,
            dark: Palette::new(dark, 'd')?,
            classes: RwLock::default(),
        })
    }

    /// The inside of a `<code>` element for `code`: classed spans, or escaped text when the
    /// language is unknown or its grammar fails on the code (highlighting is decoration).
    pub(crate) fn highlight(&self, language: &str, code: &str) -> String {
        let syntaxes = syntaxes();
        let Some(syntax) = syntaxes.find_syntax_by_token(language) else {
            return escape(code);
        };
        let mut parser = ParseState::new(syntax);
        let mut stack = ScopeStack::new();
        let mut out = Spans::new(code.len());
        let mut current: Option<Arc<str>> = None;
        let mut stale = false;
        for line in LinesWithEndings::from(code) {
            let Ok(ops) = parser.parse_line(line, syntaxes) else {
                return escape(code);
            };
            let mut done = 0;
            for (at, op) in ops {
                if at > done {
                    // (`stale` is set again right below: an op follows.)
                    if stale {
                        current = self.class_for(stack.as_slice());
                    }
                    out.push(line.get(done..at).unwrap_or_default(), current.as_ref());
                    done = at;
                }
                if stack.apply(&op).is_err() {
                    return escape(code);
                }
                stale = true;
            }
            if done < line.len() {
                if stale {
                    current = self.class_for(stack.as_slice());
                    stale = false;
                }
                out.push(line.get(done..).unwrap_or_default(), current.as_ref());
            }
        }
        out.finish()
    }

    fn class_for(&self, stack: &[Scope]) -> Option<Arc<str>> {
        if let Ok(classes) = self.classes.read()
            && let Some(class) = classes.get(stack)
        {
            return class.clone();
        }
        let mut names = Vec::new();
        self.light.classes_for(stack, &mut names);
        self.dark.classes_for(stack, &mut names);
        let class: Option<Arc<str>> = (!names.is_empty()).then(|| names.join(" ").into());
        if let Ok(mut classes) = self.classes.write() {
            classes.insert(stack.to_vec(), class.clone());
        }
        class
    }

    /// One stylesheet with both themes: the light one by default, the dark one when the page's
    /// root element says `data-theme="dark"` (the page's script sets it from the reader's choice
    /// or the system preference). Every colour is made readable (WCAG AA, 4.5:1) on its theme's
    /// background, which code blocks (`pre.code`) take too: several bundled themes colour
    /// comments at 2.5:1.
    pub(crate) fn stylesheet(&self) -> String {
        let mut out =
            String::from("/* Code highlighting, generated by aula from syntect themes. */\n");
        out.push_str(&self.light.css(LIGHT_MODE));
        out.push_str(&self.dark.css(DARK_MODE));
        out
    }
}

/// Highlighted HTML being written: runs of text with the same classes share one span, and
/// whitespace joins whatever span is open (its colour does not show).
struct Spans {
    html: String,
    open: Option<Arc<str>>,
}

impl Spans {
    fn new(capacity: usize) -> Spans {
        Spans {
            html: String::with_capacity(capacity * 2),
            open: None,
        }
    }

    fn push(&mut self, text: &str, class: Option<&Arc<str>>) {
        let blank = text.chars().all(char::is_whitespace);
        let underlined = |c: &Arc<str>| c.contains("u");
        let keep = self.open.as_deref() == class.map(|c| &**c)
            || (blank
                && !class.is_some_and(underlined)
                && !self.open.as_ref().is_some_and(underlined));
        if !keep {
            if self.open.take().is_some() {
                self.html.push_str("</span>");
            }
            if let Some(class) = class.filter(|_| !blank) {
                self.html.push_str("<span class=\"");
                self.html.push_str(class);
                self.html.push_str("\">");
                self.open = Some(class.clone());
            }
        }
        // Writing into a String cannot fail.
        let _ = pulldown_cmark_escape::escape_html_body_text(&mut self.html, text);
    }

    fn finish(mut self) -> String {
        if self.open.is_some() {
            self.html.push_str("</span>");
        }
        self.html
    }
}

/// Highlights for one batch of pages (a page and its translations), remembering every block so
/// a block the batch repeats is highlighted once.
pub(crate) struct Blocks<'a> {
    highlighter: &'a Highlighter,
    seen: HashMap<(String, String), Arc<str>>,
}

impl<'a> Blocks<'a> {
    pub(crate) fn new(highlighter: &'a Highlighter) -> Blocks<'a> {
        Blocks {
            highlighter,
            seen: HashMap::new(),
        }
    }

    /// The inside of the `<code>` element for a `language` fence holding `code`.
    pub(crate) fn html(&mut self, language: &str, code: &str) -> Arc<str> {
        let key = (language.to_string(), code.to_string());
        if let Some(hit) = self.seen.get(&key) {
            return hit.clone();
        }
        let html: Arc<str> = self.highlighter.highlight(language, code).into();
        self.seen.insert(key, html.clone());
        html
    }
}

fn escape(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html_body_text(&mut out, code);
    out
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rgb(u8, u8, u8);

impl Rgb {
    #[cfg(test)]
    fn parse(hex: &str) -> Option<(Rgb, u8)> {
        let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        match hex.len() {
            6 => Some((Rgb(byte(0)?, byte(2)?, byte(4)?), 255)),
            8 => Some((Rgb(byte(0)?, byte(2)?, byte(4)?), byte(6)?)),
            _ => None,
        }
    }

    fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// `self` moved `t` (0..=1) of the way towards `other`.
    fn mix(self, other: Rgb, t: f64) -> Rgb {
        let channel =
            |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Rgb(
            channel(self.0, other.0),
            channel(self.1, other.1),
            channel(self.2, other.2),
        )
    }

    /// Relative luminance, as WCAG 2 defines it.
    fn luminance(self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.0) + 0.7152 * linear(self.1) + 0.0722 * linear(self.2)
    }

    fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }
}

/// `color` darkened (on a light background) or lightened (on a dark one) just enough to reach
/// 4.5:1 on `background`; a little above, so rounding never lands below the line.
fn readable(color: Rgb, background: Rgb) -> Rgb {
    let target = if background.luminance() > 0.18 {
        Rgb(0, 0, 0)
    } else {
        Rgb(255, 255, 255)
    };
    let mut out = color;
    let mut t: f64 = 0.0;
    while out.contrast(background) < 4.6 && t < 1.0 {
        t += 0.04;
        out = color.mix(target, t.min(1.0));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn highlighter() -> Highlighter {
        Highlighter::new("InspiredGitHub", "OneHalfDark").unwrap()
    }

    /// The colour the stylesheet gives `class` in `mode`.
    fn color_of(css: &str, mode: &str, class: &str) -> Option<String> {
        let rule = format!("{mode} .{class} {{ color: ");
        let start = css.find(&rule)? + rule.len();
        Some(css[start..start + 7].to_string())
    }

    #[test]
    fn toml_from_two_face_highlights_with_classes_the_stylesheet_colours() {
        let highlighter = highlighter();
        let html = highlighter.highlight("toml", "name = \"aula\"\n");
        assert!(!html.contains("style="), "{html}");
        let css = highlighter.stylesheet();
        // The key and the string look different in both themes, and each class has a colour.
        let classes: Vec<&str> = html
            .split("<span class=\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        assert_eq!(classes.len(), 2, "{html}");
        assert_ne!(classes[0], classes[1]);
        for class in classes.iter().flat_map(|c| c.split(' ')) {
            let mode = if class.starts_with("hl-l") {
                LIGHT_MODE
            } else {
                DARK_MODE
            };
            if !class.ends_with(['b', 'i', 'u']) {
                assert!(color_of(&css, mode, class).is_some(), "{class} in {css}");
            }
        }
        // The text itself is intact.
        let text: String = html
            .split('<')
            .map(|part| part.split_once('>').map_or(part, |(_, text)| text))
            .collect();
        assert_eq!(text, "name = &quot;aula&quot;\n".replace("&quot;", "\""));
    }

    #[test]
    fn runs_of_alike_tokens_share_one_span_and_spans_do_not_nest() {
        let html = highlighter().highlight("rust", "// one comment line\n// and another\n");
        assert_eq!(html.matches("<span").count(), 1, "{html}");
        let html = highlighter().highlight("python", "def f(x):\n    return [x, {'a': 1}]\n");
        let mut depth = 0;
        for piece in html.split('<').skip(1) {
            depth += if piece.starts_with("/span") { -1 } else { 1 };
            assert!((0..=1).contains(&depth), "nested spans in {html}");
        }
        assert_eq!(depth, 0);
    }

    #[test]
    fn an_unknown_language_is_escaped_plain_text() {
        assert_eq!(
            highlighter().highlight("no-such-language", "<b>\n"),
            "&lt;b&gt;\n"
        );
    }

    #[test]
    fn unknown_themes_are_refused() {
        assert!(Highlighter::new("InspiredGitHub", "Nope").is_err());
        assert!(Highlighter::new("Nope", "OneHalfDark").is_err());
    }

    #[test]
    fn every_rule_is_scoped_to_its_mode() {
        let css = highlighter().stylesheet();
        for line in css.lines().filter(|l| l.contains('{')) {
            let light = line.starts_with(LIGHT_MODE) && !line.contains(".hl-d");
            let dark = line.starts_with(DARK_MODE) && !line.contains(".hl-l");
            assert!(light || dark, "unscoped rule `{line}`");
        }
    }

    #[test]
    fn every_code_colour_meets_wcag_aa_on_its_background() {
        for (light, dark) in [
            ("InspiredGitHub", "OneHalfDark"),
            ("GitHub", "Monokai Extended"),
            ("InspiredGitHub", "base16-ocean.dark"),
        ] {
            let css = Highlighter::new(light, dark).unwrap().stylesheet();
            for mode in [LIGHT_MODE, DARK_MODE] {
                let rules: Vec<&str> = css.lines().filter(|l| l.starts_with(mode)).collect();
                let background = rules[0]
                    .split("background-color: #")
                    .nth(1)
                    .and_then(|rest| Rgb::parse(&rest[..6]))
                    .map(|(c, _)| c)
                    .unwrap();
                for rule in &rules {
                    for hex in rule.split(" color: #").skip(1) {
                        let (color, _) = Rgb::parse(&hex[..6]).unwrap();
                        let ratio = color.contrast(background);
                        assert!(
                            ratio >= 4.5,
                            "{light}/{dark}: #{} on {} is {ratio:.2}:1",
                            &hex[..6],
                            background.hex()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_batch_highlights_a_repeated_block_once() {
        let highlighter = highlighter();
        let mut blocks = Blocks::new(&highlighter);
        let first = blocks.html("rust", "let a = 1;\n");
        let again = blocks.html("rust", "let a = 1;\n");
        assert!(Arc::ptr_eq(&first, &again));
        assert_ne!(&*blocks.html("toml", "let a = 1;\n"), &*first);
    }

    #[test]
    fn contrast_matches_the_wcag_reference_values() {
        assert!((Rgb(0, 0, 0).contrast(Rgb(255, 255, 255)) - 21.0).abs() < 1e-9);
        assert!((Rgb(0x77, 0x77, 0x77).contrast(Rgb(255, 255, 255)) - 4.48).abs() < 0.01);
    }
}
