//! Page templates: the one module that knows tera.
//!
//! Every file under `templates/` is a template named by its path there (`article.html`,
//! `partials/lab.html`). One function is registered before any template is added (tera 2 needs
//! that order): `t(key="…", name=value…)`, the page's UI string from [`Locales`] in the `lang` of
//! the context being rendered. A template syntax error, a rendering error, or a `t` call with a
//! key that no language defines becomes a [`Diagnostic`] at `templates/<file>:line:col`.
//!
//! For the preview server's rebuilds it also says what rendering one template reads: a digest of
//! that template and of every template it extends, includes or imports ([`Templates::digest`]),
//! and whether `t` can read another language than the page's ([`Templates::rebinds_lang`]).
//!
//! The pipeline builds contexts as plain JSON values; this module does not know what a page is.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Kwargs, State, Tera};

use crate::diagnostics::{Diagnostic, Diagnostics, Group, LineIndex, display_path};
use crate::i18n::{Arg, Locales};

pub(crate) struct Templates {
    tera: Tera,
    /// Per template: see [`Templates::digest`].
    digests: HashMap<String, u64>,
    /// Every template's name and text.
    all: u64,
    rebinds_lang: bool,
}

impl Templates {
    /// Loads every template under `<root>/templates`.
    pub(crate) fn load(root: &Path, locales: Arc<Locales>) -> Result<Templates, Diagnostics> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        tera.register_function("t", move |kwargs: Kwargs, state: &State| {
            translate(&locales, &kwargs, state)
        });
        let (files, mut problems) = crate::source_tree::read(root, "templates");
        let mut sources = Vec::new();
        for (name, bytes) in files {
            match String::from_utf8(bytes) {
                Ok(text) => sources.push((name, text)),
                Err(_) => problems.push(
                    Diagnostic::error(format!("templates/{name}"), "is not UTF-8 text")
                        .hint("save the template as UTF-8"),
                ),
            }
        }
        if sources.is_empty() {
            problems.push(
                Diagnostic::error("templates", "no templates found")
                    .hint("a site needs templates/ with base.html, article.html, …; `aula new site` writes a set"),
            );
        }
        if problems.has_errors() {
            return Err(problems);
        }
        // Add them one by one first, so a syntax error names its own file, then all together so
        // inheritance is resolved.
        for (name, text) in &sources {
            let mut single = Tera::new();
            single.register_function("t", |_: Kwargs, _: &State| String::new());
            if let Err(e) = single.add_raw_template(name, text)
                && is_syntax_error(&e)
            {
                problems.push(tera_diagnostic(&e, name));
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        {
            problems.push(tera_diagnostic(&e, "templates"));
            return Err(problems);
        }
        let (digests, all) = digests(&sources);
        Ok(Templates {
            tera,
            digests,
            all,
            rebinds_lang: sources.iter().any(|(_, text)| binds_lang(text)),
        })
    }

    /// A digest of what rendering `name` reads of the templates: its text and the text of every
    /// template it extends, includes or imports, all the way down — or of every template, when
    /// one of those is named by an expression this module cannot follow. Equal digests from two
    /// loads mean `name` renders the same.
    pub(crate) fn digest(&self, name: &str) -> u64 {
        match self.digests.get(name) {
            Some(digest) => *digest,
            // Not a template: rendering it fails the same way until one is added.
            None => digest_of(&(name, self.all)),
        }
    }

    /// Whether a template binds a variable named `lang` (`set`, `for`, a macro's argument).
    /// `t` takes its language from `lang`, so then a page's strings may come from any language,
    /// not only its own.
    pub(crate) fn rebinds_lang(&self) -> bool {
        self.rebinds_lang
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Renders `name` with `context`, a struct or map whose fields become the template's names.
    pub(crate) fn render(
        &self,
        name: &str,
        context: &impl serde::Serialize,
    ) -> Result<String, Diagnostic> {
        let context =
            tera::Context::from_serialize(context).map_err(|e| tera_diagnostic(&e, name))?;
        self.tera
            .render(name, &context)
            .map_err(|e| tera_diagnostic(&e, name))
    }
}

fn translate(locales: &Locales, kwargs: &Kwargs, state: &State) -> tera::TeraResult<String> {
    let key: String = kwargs.must_get("key")?;
    let lang: String = state
        .get("lang")?
        .unwrap_or_else(|| locales.default_language().to_string());
    let mut args = Vec::new();
    for (name, value) in kwargs.iter() {
        let Some(name) = name.as_str() else { continue };
        if name == "key" {
            continue;
        }
        let arg = if let Some(n) = value.as_f64() {
            Arg::Number(n)
        } else if let Some(n) = value.as_i64() {
            Arg::Number(n as f64)
        } else if let Some(s) = value.as_str() {
            Arg::Text(s.to_string())
        } else {
            Arg::Text(value.to_string())
        };
        args.push((name.to_string(), arg));
    }
    let borrowed: Vec<(&str, Arg)> = args.iter().map(|(n, a)| (n.as_str(), a.clone())).collect();
    locales
        .t(&lang, &key, &borrowed)
        .ok_or_else(|| tera::Error::message(crate::i18n::unknown_key_message(&key)))
}

/// Each template's [`Templates::digest`], and a digest of all of them.
fn digests(sources: &[(String, String)]) -> (HashMap<String, u64>, u64) {
    let texts: HashMap<&str, &str> = sources
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    let mut sorted: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, *t)).collect();
    sorted.sort_unstable();
    let all = digest_of(&sorted);
    let digests = texts
        .keys()
        .map(|&name| {
            let digest = match reached(name, &texts) {
                Some(names) => {
                    let parts: Vec<(&str, Option<&&str>)> =
                        names.iter().map(|n| (*n, texts.get(n))).collect();
                    digest_of(&parts)
                }
                None => all,
            };
            (name.to_string(), digest)
        })
        .collect();
    (digests, all)
}

/// `name` and every template it reaches through `extends`, `include` and `import`, or `None`
/// when one of them names a template by an expression.
fn reached<'a>(name: &'a str, texts: &HashMap<&'a str, &'a str>) -> Option<BTreeSet<&'a str>> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![name];
    while let Some(next) = todo.pop() {
        if !seen.insert(next) {
            continue;
        }
        if let Some(text) = texts.get(next) {
            for named in referenced(text)? {
                // A template that does not exist fails to render until it does; then the set
                // of templates has changed, which the digest of all of them tells.
                let (&known, _) = texts.get_key_value(named)?;
                todo.push(known);
            }
        }
    }
    Some(seen)
}

/// The contents of every `{% … %}` tag in `text`, without the delimiters and whitespace marks.
fn tags(text: &str) -> impl Iterator<Item = &str> {
    text.split("{%").skip(1).map(|rest| {
        let inner = rest.split("%}").next().unwrap_or(rest);
        inner
            .trim_start_matches(['-', '+'])
            .trim_end_matches(['-', '+'])
            .trim()
    })
}

/// The templates `text` names in its `extends`, `include`, `import` and `from … import` tags, or
/// `None` when one is named by an expression rather than a quoted string.
fn referenced(text: &str) -> Option<Vec<&str>> {
    let mut names = Vec::new();
    for tag in tags(text) {
        let keyword = tag.split_whitespace().next().unwrap_or_default();
        if !matches!(keyword, "extends" | "include" | "import" | "from") {
            continue;
        }
        let argument = tag[keyword.len()..].trim_start();
        let quote = argument
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))?;
        names.push(argument[1..].split(quote).next()?);
    }
    Some(names)
}

/// Whether a tag of `text` mentions a variable named `lang` (which covers every way to bind
/// one; mentioning it in a condition only costs precision).
fn binds_lang(text: &str) -> bool {
    tags(text).any(|tag| {
        tag.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == "lang")
    })
}

fn digest_of(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

fn is_syntax_error(error: &tera::Error) -> bool {
    matches!(error.kind(), tera::ErrorKind::SyntaxError(_))
}

/// A tera error as a diagnostic at the template file, line and column it names.
fn tera_diagnostic(error: &tera::Error, fallback_name: &str) -> Diagnostic {
    use std::error::Error as _;
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let file = if report.filename().is_empty() {
                fallback_name
            } else {
                report.filename()
            };
            let span = report.span();
            let mut message = report.message().to_string();
            let mut source = error.source();
            while let Some(inner) = source {
                message.push_str(": ");
                message.push_str(&inner.to_string());
                source = inner.source();
            }
            let kind = if is_syntax_error(error) {
                "template syntax error"
            } else {
                "template error"
            };
            Diagnostic::error(format!("templates/{file}"), format!("{kind}: {message}"))
                .at(span.start_line, span.start_col + 1)
                .group(Group::Templates)
        }
        other => Diagnostic::error(format!("templates/{fallback_name}"), other.to_string())
            .group(Group::Templates),
    }
}

/// A `t(key="…")` call in a template, where it is written (for `aula check`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LiteralKey {
    pub(crate) path: PathBuf,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) key: String,
}

/// Every `t(key="…")` call with a literal key in `templates/**`, in file order.
/// Keys built at render time (`"a-" ~ name`) cannot be checked and are skipped.
pub(crate) fn literal_keys(root: &Path) -> Vec<LiteralKey> {
    let mut keys = Vec::new();
    let dir = root.join("templates");
    for entry in walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let index = LineIndex::new(&text);
        let shown = display_path(root, entry.path());
        for (start, _) in text.match_indices("t(key=\"") {
            // `t(` must be the function, not the end of another name such as `set(`.
            if text[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
            {
                continue;
            }
            let key_start = start + "t(key=\"".len();
            let Some(length) = text[key_start..].find('"') else {
                continue;
            };
            let after = text[key_start + length + 1..].trim_start();
            if !(after.starts_with(',') || after.starts_with(')')) {
                continue;
            }
            let (line, column) = index.line_column(start);
            keys.push(LiteralKey {
                path: shown.clone(),
                line,
                column,
                key: text[key_start..key_start + length].to_string(),
            });
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(templates: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in templates {
            let path = dir.path().join("templates").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        std::fs::create_dir_all(dir.path().join("locales/en")).unwrap();
        std::fs::write(
            dir.path().join("locales/en/ui.ftl"),
            "hello = Hello { $name }\n",
        )
        .unwrap();
        dir
    }

    fn locales(dir: &Path) -> Arc<Locales> {
        let config = crate::config::Config::parse(
            dir,
            "title='t'\nbase_url='https://x.org'\ndefault_language='en'\nlanguages=['en']\n",
        )
        .unwrap();
        Arc::new(Locales::load(&config).unwrap())
    }

    #[test]
    fn t_renders_ui_strings_with_arguments() {
        let dir = site(&[("page.html", "{{ t(key=\"hello\", name=who) }}")]);
        let templates = Templates::load(dir.path(), locales(dir.path())).unwrap();
        let html = templates
            .render(
                "page.html",
                &serde_json::json!({"lang": "en", "who": "<Ana>"}),
            )
            .unwrap();
        assert_eq!(html, "Hello &lt;Ana&gt;");
    }

    #[test]
    fn a_syntax_error_names_the_template_line_and_column() {
        let dir = site(&[("ok.html", "fine"), ("bad.html", "line one\n{% if %}\n")]);
        let errors = Templates::load(dir.path(), locales(dir.path()))
            .err()
            .unwrap();
        let first = errors.iter().next().unwrap().to_string();
        assert!(first.starts_with("templates/bad.html:2:"), "{first}");
    }

    #[test]
    fn a_template_digest_covers_the_templates_it_reaches_and_no_others() {
        let base = "<main>{% block body %}{% endblock %}</main>";
        let article = "{% extends \"base.html\" %}{% block body %}{% include \"partials/a.html\" %}{% endblock %}";
        let load = |base: &str, partial: &str, other: &str| {
            let dir = site(&[
                ("base.html", base),
                ("article.html", article),
                ("partials/a.html", partial),
                ("tag.html", other),
            ]);
            Templates::load(dir.path(), locales(dir.path())).unwrap()
        };
        let first = load(base, "a", "tag");
        let digests = |t: &Templates| (t.digest("article.html"), t.digest("tag.html"));
        assert_eq!(digests(&first), digests(&load(base, "a", "tag")));
        let partial = load(base, "b", "tag");
        assert_ne!(first.digest("article.html"), partial.digest("article.html"));
        assert_eq!(first.digest("tag.html"), partial.digest("tag.html"));
        let other = load(base, "a", "tag, changed");
        assert_eq!(first.digest("article.html"), other.digest("article.html"));
        let base_changed = load("<main>{% block body %}{% endblock %}</main>!", "a", "tag");
        assert_ne!(
            first.digest("article.html"),
            base_changed.digest("article.html")
        );
        assert!(!first.rebinds_lang());
    }

    #[test]
    fn a_template_named_by_an_expression_reads_every_template() {
        assert_eq!(referenced("{% include which %}"), None);
        assert_eq!(
            referenced("{%- extends 'base.html' -%}{% import \"m.html\" as m %}"),
            Some(vec!["base.html", "m.html"])
        );
        assert!(binds_lang(
            "{% for lang in languages %}{{ t(key=\"x\") }}{% endfor %}"
        ));
        assert!(!binds_lang("<html lang=\"{{ lang }}\">"));
    }

    #[test]
    fn an_unknown_ui_string_is_an_error_at_the_call() {
        let dir = site(&[("page.html", "a\n{{ t(key=\"nope\") }}")]);
        let templates = Templates::load(dir.path(), locales(dir.path())).unwrap();
        let error = templates
            .render("page.html", &serde_json::json!({"lang": "en"}))
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("templates/page.html:2:"), "{error}");
        assert!(error.contains("unknown UI string `nope`"), "{error}");
    }

    #[test]
    fn literal_keys_skip_computed_keys_and_other_functions() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/a.html"),
            "{{ t(key=\"one\") }}\n  {{ t(key=\"two\", n=1) }} {{ t(key=\"x-\" ~ n) }} {{ set(key=\"no\") }}",
        )
        .unwrap();
        let keys: Vec<(usize, usize, String)> = literal_keys(dir.path())
            .into_iter()
            .map(|k| (k.line, k.column, k.key))
            .collect();
        assert_eq!(keys, [(1, 4, "one".into()), (2, 6, "two".into())]);
    }
}
