//! UI strings: the one module that knows Fluent.
//!
//! Every `.ftl` file in `locales/<lang>/` is loaded into that language's bundle. [`Locales::t`]
//! looks a key up in the page's language and falls back to the default language. Which strings
//! fell back is part of what a render gives back: a render runs inside [`recording`], which
//! returns the fallbacks met while it ran along with its result, so the preview keeps them with
//! each output it keeps and warns exactly as a build of the same sources does (once per key, not
//! once per page).
//! Plurals and other selectors are Fluent's job (`{ $minutes -> [one] … *[other] … }`); dates are
//! formatted from Fluent strings too (`date-long`, `month-1` … `month-12`), so a new language
//! brings its own date format with its translations.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Group, LineIndex, display_path};

/// A string argument or a number argument for a Fluent message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    Text(String),
    Number(f64),
}

/// UI strings that were missing in a language and taken from the default one: (language, key).
pub(crate) type Fallbacks = BTreeSet<(String, String)>;

thread_local! {
    /// The fallbacks of the render running on this thread, when one is [`recording`].
    static RECORDING: RefCell<Option<Fallbacks>> = const { RefCell::new(None) };
}

/// Runs `render` and gives back its result with every UI string that fell back while it ran.
///
/// A render of one output (or one page's body, or one summary) runs start to end on one thread
/// and starts no parallel work, so what [`Locales::t`] meets on this thread in the meantime is
/// the render's own; a recording inside another keeps its fallbacks apart and gives the outer one
/// back its own when it ends. Lookups outside any recording (the lab API's answers) are not
/// fallbacks of the site.
pub(crate) fn recording<T>(render: impl FnOnce() -> T) -> (T, Fallbacks) {
    /// Gives the outer recording back even when `render` unwinds.
    struct Restore(Option<Option<Fallbacks>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let outer = self.0.take().flatten();
            let _ = RECORDING.try_with(|recording| *recording.borrow_mut() = outer);
        }
    }
    let restore =
        Restore(Some(RECORDING.with(|recording| {
            recording.borrow_mut().replace(Fallbacks::new())
        })));
    let value = render();
    let fallbacks = RECORDING
        .with(|recording| recording.borrow_mut().take())
        .unwrap_or_default();
    drop(restore);
    (value, fallbacks)
}

/// One message as written in an `.ftl` file, for `aula check`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MessageInfo {
    pub(crate) path: PathBuf,
    pub(crate) line: usize,
    pub(crate) column: usize,
    /// The `$variables` the message uses, sorted.
    pub(crate) variables: BTreeSet<String>,
}

/// The UI strings of every language of the site.
pub(crate) struct Locales {
    default_language: String,
    bundles: BTreeMap<String, FluentBundle<FluentResource>>,
    /// Every message per language, with where it is written.
    messages: BTreeMap<String, BTreeMap<String, MessageInfo>>,
    /// Per language: see [`Locales::digest`].
    digests: BTreeMap<String, u64>,
}

impl std::fmt::Debug for Locales {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locales")
            .field("languages", &self.bundles.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Locales {
    /// Loads `<root>/locales/<lang>/*.ftl` for every language of the site.
    pub(crate) fn load(config: &Config) -> Result<Locales, Diagnostics> {
        let mut problems = Diagnostics::default();
        let mut bundles = BTreeMap::new();
        let mut messages = BTreeMap::new();
        let mut digests = BTreeMap::new();
        for lang in &config.languages {
            let dir = config.root.join("locales").join(lang);
            let (bundle, infos, digest) = load_language(&config.root, lang, &dir, &mut problems);
            bundles.insert(lang.clone(), bundle);
            messages.insert(lang.clone(), infos);
            digests.insert(lang.clone(), digest);
        }
        if problems.has_errors() {
            return Err(problems);
        }
        Ok(Locales {
            default_language: config.default_language.clone(),
            bundles,
            messages,
            digests,
        })
    }

    /// A digest of the `.ftl` files of `lang` (names and text): two loads with the same digest
    /// have the same strings in that language.
    pub(crate) fn digest(&self, lang: &str) -> u64 {
        self.digests.get(lang).copied().unwrap_or_default()
    }

    /// The string for `key` in `lang` (or the default language), or `None` when no language has it.
    pub(crate) fn t(&self, lang: &str, key: &str, args: &[(&str, Arg)]) -> Option<String> {
        if let Some(text) = self.format(lang, key, args) {
            return Some(text);
        }
        let text = self.format(&self.default_language, key, args)?;
        RECORDING.with(|recording| {
            if let Some(fallbacks) = recording.borrow_mut().as_mut() {
                fallbacks.insert((lang.to_string(), key.to_string()));
            }
        });
        Some(text)
    }

    /// Like [`Locales::t`] without arguments, but a fallback is not one of the render's: for
    /// digests of what pages read, which are not pages.
    pub(crate) fn peek(&self, lang: &str, key: &str) -> Option<String> {
        self.format(lang, key, &[])
            .or_else(|| self.format(&self.default_language, key, &[]))
    }

    /// The string for `key` in `lang` (or the default language) without arguments; the key
    /// itself when no language has it, so a missing string shows as what to add, never as
    /// nothing.
    pub(crate) fn t_or_key(&self, lang: &str, key: &str) -> String {
        self.t(lang, key, &[]).unwrap_or_else(|| key.to_string())
    }

    fn format(&self, lang: &str, key: &str, args: &[(&str, Arg)]) -> Option<String> {
        let bundle = self.bundles.get(lang)?;
        let pattern = bundle.get_message(key)?.value()?;
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(text) => fluent_args.set(*name, FluentValue::from(text.as_str())),
                Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
            }
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        // A reference to a missing variable still yields readable text ("{$name}"); `aula check`
        // reports placeholder mismatches between languages, which is where such mistakes start.
        Some(text.into_owned())
    }

    /// "27 de noviembre de 2026" / "November 27, 2026", from the language's `date-long` message.
    pub(crate) fn format_date(&self, lang: &str, date: jiff::civil::Date) -> String {
        let month_key = format!("month-{}", date.month());
        let month = self
            .t(lang, &month_key, &[])
            .unwrap_or_else(|| date.month().to_string());
        self.t(
            lang,
            "date-long",
            &[
                ("day", Arg::Number(f64::from(date.day()))),
                ("month", Arg::Text(month)),
                ("year", Arg::Number(f64::from(date.year()))),
            ],
        )
        .unwrap_or_else(|| date.to_string())
    }

    /// Every message of `lang`, with its place and variables.
    pub(crate) fn messages(&self, lang: &str) -> Option<&BTreeMap<String, MessageInfo>> {
        self.messages.get(lang)
    }

    pub(crate) fn default_language(&self) -> &str {
        &self.default_language
    }
}

fn load_language(
    root: &Path,
    lang: &str,
    dir: &Path,
    problems: &mut Diagnostics,
) -> (
    FluentBundle<FluentResource>,
    BTreeMap<String, MessageInfo>,
    u64,
) {
    use std::hash::{Hash, Hasher};
    let mut digest = std::hash::DefaultHasher::new();
    let langid = lang
        .parse::<unic_langid::LanguageIdentifier>()
        .unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Unicode isolation marks around placeables help bidirectional text but show up as noise in
    // HTML attributes and tests; our languages are left-to-right.
    bundle.set_use_isolating(false);
    let mut infos = BTreeMap::new();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
            .collect(),
        Err(_) => {
            problems.push(
                Diagnostic::warning(
                    display_path(root, dir),
                    format!("no UI strings for `{lang}`"),
                )
                .hint(format!("add .ftl files to locales/{lang}/; the default language's strings are used meanwhile"))
                .group(Group::Fluent),
            );
            Vec::new()
        }
    };
    files.sort();
    for path in files {
        let shown = display_path(root, &path);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                problems.push(
                    Diagnostic::error(&shown, format!("cannot read: {e}")).group(Group::Fluent),
                );
                continue;
            }
        };
        (&shown, &text).hash(&mut digest);
        let index = LineIndex::new(&text);
        let resource = match FluentResource::try_new(text.clone()) {
            Ok(resource) => resource,
            Err((resource, errors)) => {
                for error in errors {
                    let (line, column) = index.line_column(error.pos.start);
                    problems.push(
                        Diagnostic::error(&shown, format!("Fluent syntax error: {}", error.kind))
                            .at(line, column)
                            .hint("messages are written `key = text`; continuation lines are indented")
                            .group(Group::Fluent),
                    );
                }
                resource
            }
        };
        for (key, offset, variables) in message_infos(&resource, &text) {
            let (line, column) = index.line_column(offset);
            if let Some(previous) = infos.get(&key) {
                let previous: &MessageInfo = previous;
                problems.push(
                    Diagnostic::error(&shown, format!("message `{key}` is defined twice"))
                        .at(line, column)
                        .hint(format!(
                            "the first definition is at {}:{}; keep one",
                            previous.path.display(),
                            previous.line
                        ))
                        .group(Group::Fluent),
                );
                continue;
            }
            infos.insert(
                key,
                MessageInfo {
                    path: shown.clone(),
                    line,
                    column,
                    variables,
                },
            );
        }
        // Duplicates were reported above with their places; the bundle keeps the first.
        let _ = bundle.add_resource(resource);
    }
    (bundle, infos, digest.finish())
}

/// Each message's id, its offset in the file, and the variables its pattern uses.
fn message_infos(resource: &FluentResource, text: &str) -> Vec<(String, usize, BTreeSet<String>)> {
    use fluent_syntax::ast;
    let mut out = Vec::new();
    let mut search_from = 0;
    for entry in resource.entries() {
        let ast::Entry::Message(message) = entry else {
            continue;
        };
        let key = message.id.name.to_string();
        // fluent-bundle's AST has no spans; the id starts a line of its own.
        let offset = find_definition(text, &key, search_from).unwrap_or(0);
        search_from = offset;
        let mut variables = BTreeSet::new();
        if let Some(pattern) = &message.value {
            collect_variables(pattern, &mut variables);
        }
        for attribute in &message.attributes {
            collect_variables(&attribute.value, &mut variables);
        }
        out.push((key, offset, variables));
    }
    out
}

fn find_definition(text: &str, key: &str, from: usize) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if offset >= from
            && let Some(rest) = line.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

fn collect_variables(pattern: &fluent_syntax::ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    use fluent_syntax::ast::{Expression, InlineExpression, PatternElement};
    fn inline(expr: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
        match expr {
            InlineExpression::VariableReference { id } => {
                out.insert(id.name.to_string());
            }
            InlineExpression::FunctionReference { arguments, .. } => {
                for arg in &arguments.positional {
                    inline(arg, out);
                }
            }
            InlineExpression::Placeable { expression } => expression_vars(expression, out),
            _ => {}
        }
    }
    fn expression_vars(expr: &Expression<&str>, out: &mut BTreeSet<String>) {
        match expr {
            Expression::Inline(i) => inline(i, out),
            Expression::Select { selector, variants } => {
                inline(selector, out);
                for variant in variants {
                    collect_variables(&variant.value, out);
                }
            }
        }
    }
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_vars(expression, out);
        }
    }
}

/// Text of a key for an error message, e.g. when a template asks for a key nobody defines.
pub(crate) fn unknown_key_message(key: &str) -> Cow<'static, str> {
    Cow::Owned(format!(
        "unknown UI string `{key}`: no locales/<lang>/*.ftl file defines it"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locales(files: &[(&str, &str)]) -> Result<Locales, Diagnostics> {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let config = Config::parse(
            dir.path(),
            "title='t'\nbase_url='https://x.org'\ndefault_language='en'\nlanguages=['en','es']\n",
        )
        .unwrap();
        // Keep the directory alive for the duration of loading only: bundles own their text.
        Locales::load(&config)
    }

    const EN: &str = "reading-time = { $minutes ->\n    [one] 1 minute\n   *[other] { $minutes } minutes\n}\nonly-en = Only English\ndate-long = { $month } { $day }, { $year }\nmonth-11 = November\n";
    const ES: &str = "reading-time = { $minutes ->\n    [one] 1 minuto\n   *[other] { $minutes } minutos\n}\ndate-long = { $day } de { $month } de { $year }\nmonth-11 = noviembre\n";

    #[test]
    fn plurals_come_from_fluent_in_each_language() {
        let l = locales(&[("locales/en/ui.ftl", EN), ("locales/es/ui.ftl", ES)]).unwrap();
        let t = |lang, n| {
            l.t(lang, "reading-time", &[("minutes", Arg::Number(n))])
                .unwrap()
        };
        assert_eq!(t("es", 1.0), "1 minuto");
        assert_eq!(t("es", 5.0), "5 minutos");
        assert_eq!(t("en", 1.0), "1 minute");
    }

    #[test]
    fn a_missing_key_falls_back_to_the_default_language_and_the_render_gets_it_back() {
        let l = locales(&[("locales/en/ui.ftl", EN), ("locales/es/ui.ftl", ES)]).unwrap();
        let ((), fallbacks) = recording(|| {
            assert_eq!(l.t("es", "only-en", &[]).as_deref(), Some("Only English"));
            assert!(l.t("es", "nowhere", &[]).is_none());
            // A recording inside another keeps its own fallbacks.
            let ((), inner) = recording(|| {
                assert_eq!(l.t_or_key("es", "only-en"), "Only English");
            });
            assert_eq!(inner.len(), 1);
        });
        assert_eq!(
            fallbacks,
            Fallbacks::from([("es".to_string(), "only-en".to_string())])
        );
        // Outside a recording, and for a digest, nothing is kept anywhere.
        assert_eq!(l.peek("es", "only-en").as_deref(), Some("Only English"));
        let ((), none) = recording(|| {
            l.peek("es", "only-en");
        });
        assert!(none.is_empty());
    }

    #[test]
    fn dates_are_formatted_per_language() {
        let l = locales(&[("locales/en/ui.ftl", EN), ("locales/es/ui.ftl", ES)]).unwrap();
        let date = jiff::civil::date(2026, 11, 27);
        assert_eq!(l.format_date("es", date), "27 de noviembre de 2026");
        assert_eq!(l.format_date("en", date), "November 27, 2026");
    }

    #[test]
    fn syntax_errors_are_placed_in_the_ftl_file() {
        let errors = locales(&[("locales/en/ui.ftl", "ok = fine\nbroken\n")]).unwrap_err();
        let first = errors.iter().find(|d| d.is_error()).unwrap().to_string();
        assert!(first.starts_with("locales/en/ui.ftl:2:"), "{first}");
    }

    #[test]
    fn message_variables_are_collected_for_checks() {
        let l = locales(&[("locales/en/ui.ftl", EN), ("locales/es/ui.ftl", ES)]).unwrap();
        let info = &l.messages("es").unwrap()["reading-time"];
        assert_eq!(info.line, 1);
        assert!(info.variables.contains("minutes"));
    }
}
