//! `aula check`: everything an author should fix before publishing, found in one run.
//!
//! [`check_site`] loads the project as `build` does (so front matter, duplicate slugs and
//! translation keys, `.ftl` syntax and templates are checked by the loader that owns them), renders
//! it (which resolves every `@/` link and reports drafts linked from published pages), and then
//! runs the checks that `build` does not: `#anchors` and site paths against the rendered output,
//! translations missing, stale or linked inconsistently, Fluent keys per language, and every
//! example of every lab against its expected answer, and articles whose `verified` date is older
//! than `[check] verified_max_age_days`. Each check is a function of the loaded project (and, for
//! links, the build's output; for ages, today's date, read once in [`check_site`]) returning
//! [`Diagnostics`] with a `group`.
//!
//! Only the lab check starts processes (through the lab runner); nothing here writes files or
//! prints: `cmd::check` does the printing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::Value;

use crate::content::Page;
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, display_path};
use crate::labs::{Lab, merge_input, request_json, runner};
use crate::output::OutputStore;
use crate::site::{self, BuildOptions, Built, Project, output_path};
use crate::translations::{self, State};

/// The groups of the report, in the order it shows them.
pub(crate) const GROUPS: &[&str] = &[
    "config",
    "front matter",
    "verified",
    "links",
    "translations",
    "fluent",
    "templates",
    "labs",
];

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
        Err(errors) => problems.extend(errors.into_iter().map(draft_hint)),
    }
    // `fluent` reports missing keys per language itself, as errors; the build's fallback
    // warnings would say the same thing again.
    let _ = project.locales.take_fallbacks();
    problems.extend(translation_problems(&project));
    problems.extend(fluent(&project));
    problems.extend(labs(&project));
    // Today in UTC (jiff is built without the system time zone database); a day's difference
    // near midnight does not matter for an age counted in months.
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    problems.extend(verified_ages(&project, today));
    regroup(problems)
}

/// The resolver reports a link to a draft like any unresolved link; the fix is a different one.
fn draft_hint(d: Diagnostic) -> Diagnostic {
    if d.group == "links"
        && d.message
            .ends_with("is a draft, which this build leaves out")
    {
        d.hint("publish the linked page (remove `draft = true`) or remove the link until it is")
    } else {
        d
    }
}

/// Loader errors without a more precise group are about front matter (or the content tree).
fn regroup(problems: Diagnostics) -> Diagnostics {
    problems
        .into_iter()
        .map(|d| match d.group {
            "content" => d.group("front matter"),
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
    for (page, links) in project.content.pages.iter().zip(&built.links) {
        // A fallback page repeats its original's links; they are reported at the original.
        if page.fallback_from.is_some() {
            continue;
        }
        let index = LineIndex::new(&page.source);
        for link in links {
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
                    .group("links")
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

// ---------------------------------------------------------------------------------------------
// Translations

/// Missing, stale and unrecorded translations (warnings: the site still works, readers get a
/// fallback or a notice), and translations linked inconsistently (errors).
pub(crate) fn translation_problems(project: &Project) -> Diagnostics {
    let mut problems = Diagnostics::default();
    for lang in &project.config.languages {
        for entry in translations::status(project, lang).entries {
            let original = entry.original;
            match (entry.state, entry.translation) {
                (State::Missing, _) => problems.push(
                    Diagnostic::warning(
                        &original.path,
                        format!(
                            "no `{lang}` translation: readers of {} get this {} original with a notice",
                            project
                                .content
                                .translation(&original.translation_key, lang)
                                .map_or_else(|| format!("/{lang}/"), |p| p.url.clone()),
                            original.lang
                        ),
                    )
                    .at(1, 1)
                    .hint(format!(
                        "aula new translation {} --lang {lang}",
                        original.path.display()
                    ))
                    .group("translations"),
                ),
                (State::Stale, Some(page)) => {
                    let (line, column) = key_position(page, "source_hash");
                    problems.push(
                        Diagnostic::warning(
                            &page.path,
                            format!(
                                "stale translation: {} changed since it was translated (recorded {}, now {})",
                                original.path.display(),
                                page.front.source_hash.as_deref().unwrap_or_default(),
                                original.body_hash()
                            ),
                        )
                        .at(line, column)
                        .hint(format!(
                            "bring it up to date with {}, then run `aula i18n mark {}`",
                            original.path.display(),
                            page.path.display()
                        ))
                        .group("translations"),
                    );
                }
                (State::Unrecorded, Some(page)) => problems.push(
                    Diagnostic::warning(
                        &page.path,
                        format!(
                            "translation of {} records no `source_hash`, so aula cannot tell when the original changes",
                            original.path.display()
                        ),
                    )
                    .at(1, 1)
                    .hint(format!("once it is up to date, run `aula i18n mark {}`", page.path.display()))
                    .group("translations"),
                ),
                _ => {}
            }
        }
    }
    problems.extend(inconsistent_links(project));
    problems
}

/// Pages that look like translations of each other but are not linked, and records that name
/// an original that does not exist.
fn inconsistent_links(project: &Project) -> Diagnostics {
    let config = &project.config;
    let mut problems = Diagnostics::default();
    let written: Vec<&Page> = project
        .content
        .pages
        .iter()
        .filter(|p| p.fallback_from.is_none() && !p.source.is_empty())
        .collect();
    // Same file under two language folders, different keys: the path would link them, a
    // `translation_key` on one side unlinks them (and their fallback pages collide).
    let mut by_relative: BTreeMap<String, Vec<&Page>> = BTreeMap::new();
    for page in &written {
        if let Ok(relative) = page
            .path
            .strip_prefix(Path::new("content").join(&page.lang))
        {
            by_relative
                .entry(relative.to_string_lossy().replace('\\', "/"))
                .or_default()
                .push(page);
        }
    }
    for pages in by_relative.values() {
        let Some(first) = pages.first() else { continue };
        for other in &pages[1..] {
            if other.translation_key != first.translation_key {
                let (line, column) = key_position(other, "translation_key");
                problems.push(
                    Diagnostic::error(
                        &other.path,
                        format!(
                            "{} and {} share a path but not a translation key (`{}` and `{}`), so they are not linked as translations",
                            other.path.display(),
                            first.path.display(),
                            other.translation_key,
                            first.translation_key
                        ),
                    )
                    .at(line, column)
                    .hint("give both the same `translation_key`, or remove it from both")
                    .group("translations"),
                );
            }
        }
    }
    // A recorded original must exist: another language, with a page of the same key.
    let mut languages_of: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for page in &written {
        languages_of
            .entry(&page.translation_key)
            .or_default()
            .insert(&page.lang);
    }
    for page in &written {
        if page.front.source_hash.is_none() && page.front.source_lang.is_none() {
            continue;
        }
        let original_lang = page
            .front
            .source_lang
            .as_deref()
            .unwrap_or(&config.default_language);
        let key = if page.front.source_lang.is_some() {
            "source_lang"
        } else {
            "source_hash"
        };
        let (line, column) = key_position(page, key);
        let message = if !config.languages.iter().any(|l| l == original_lang) {
            format!("`source_lang` `{original_lang}` is not a language of this site")
        } else if original_lang == page.lang {
            format!(
                "this page records an original in its own language ({original_lang}); `source_hash` belongs in translations"
            )
        } else if !languages_of
            .get(page.translation_key.as_str())
            .is_some_and(|langs| langs.contains(original_lang))
        {
            format!(
                "this page records an original in `{original_lang}`, but no {original_lang} page has its translation key `{}`",
                page.translation_key
            )
        } else {
            continue;
        };
        problems.push(
            Diagnostic::error(&page.path, message)
                .at(line, column)
                .hint("set `source_lang` to the original's language and give both pages the same path or `translation_key`")
                .group("translations"),
        );
    }
    problems
}

/// Where `key` is written in a page's front matter, or 1:1.
fn key_position(page: &Page, key: &str) -> (usize, usize) {
    let front_end = page.body_offset.min(page.source.len());
    let mut offset = 0;
    for line in page.source[..front_end].split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && (rest.trim_start().starts_with('=') || rest.trim_start().starts_with(':'))
        {
            return LineIndex::new(&page.source).line_column(offset + line.len() - trimmed.len());
        }
        offset += line.len();
    }
    (1, 1)
}

// ---------------------------------------------------------------------------------------------
// Verified against

/// A warning for each article whose claims were last checked (`verified.date`) more than
/// `[check] verified_max_age_days` before `today`: tools move on, and the page says when it was
/// checked, so the author should check again. Fallback pages repeat their original's date and are
/// reported at the original.
pub(crate) fn verified_ages(project: &Project, today: jiff::civil::Date) -> Diagnostics {
    let max_age = project.config.verified_max_age_days;
    let mut problems = Diagnostics::default();
    for page in &project.content.pages {
        let Some(verified) = page.front.verified.as_ref() else {
            continue;
        };
        if page.fallback_from.is_some() {
            continue;
        }
        let Ok(span) = verified.date.until(today) else {
            continue;
        };
        let age = i64::from(span.get_days());
        if age <= max_age {
            continue;
        }
        let (line, column) = key_position(page, "verified");
        problems.push(
            Diagnostic::warning(
                &page.path,
                format!(
                    "verified against {} on {}, {age} days ago (more than verified_max_age_days = {max_age})",
                    verified.tools.join(", "),
                    verified.date
                ),
            )
            .at(line, column)
            .hint("check the article's claims against the current versions, then update `verified` (date and tools)")
            .group("verified"),
        );
    }
    problems
}

// ---------------------------------------------------------------------------------------------
// Fluent

/// Keys missing or obsolete per language, placeholders that differ from the default language's,
/// and keys that templates or lab manifests use but the default language does not define.
/// (Syntax errors and duplicate messages are the loader's, reported before this runs.)
pub(crate) fn fluent(project: &Project) -> Diagnostics {
    let mut problems = Diagnostics::default();
    let default = project.config.default_language.as_str();
    let empty = BTreeMap::new();
    let defined = project.locales.messages(default).unwrap_or(&empty);
    for lang in project.config.languages.iter().filter(|l| *l != default) {
        let messages = project.locales.messages(lang).unwrap_or(&empty);
        for (key, info) in defined {
            match messages.get(key) {
                None => problems.push(
                    Diagnostic::error(
                        &info.path,
                        format!("UI string `{key}` is missing in `{lang}`"),
                    )
                    .at(info.line, info.column)
                    .hint(format!(
                        "add `{key} = …` to a file in locales/{lang}/ (build shows the {default} text meanwhile)"
                    ))
                    .group("fluent"),
                ),
                Some(translated) if translated.variables != info.variables => {
                    let list = |vars: &BTreeSet<String>| {
                        if vars.is_empty() {
                            "no placeholders".to_string()
                        } else {
                            vars.iter()
                                .map(|v| format!("{{ ${v} }}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    };
                    problems.push(
                        Diagnostic::error(
                            &translated.path,
                            format!(
                                "UI string `{key}` uses {} here but {} in {default} ({}:{})",
                                list(&translated.variables),
                                list(&info.variables),
                                info.path.display(),
                                info.line
                            ),
                        )
                        .at(translated.line, translated.column)
                        .hint("placeholder names are not translated: use the same `$names` in every language")
                        .group("fluent"),
                    );
                }
                Some(_) => {}
            }
        }
        for (key, info) in messages {
            if !defined.contains_key(key) {
                problems.push(
                    Diagnostic::error(
                        &info.path,
                        format!(
                            "UI string `{key}` is obsolete: the default language ({default}) does not define it"
                        ),
                    )
                    .at(info.line, info.column)
                    .hint(format!("remove it, or add it to locales/{default}/ first"))
                    .group("fluent"),
                );
            }
        }
    }
    let undefined = |key: &str| !defined.contains_key(key);
    for (path, line, column, key) in template_keys(&project.config.root) {
        if undefined(&key) {
            problems.push(
                Diagnostic::error(
                    path,
                    format!("UI string `{key}` is used here but not defined in locales/{default}/"),
                )
                .at(line, column)
                .hint(format!("add `{key} = …` to a file in locales/{default}/"))
                .group("fluent"),
            );
        }
    }
    for lab in project.labs.labs() {
        let manifest = std::fs::read_to_string(project.config.root.join(&lab.manifest_path))
            .unwrap_or_default();
        for key in lab.fluent_keys() {
            if undefined(key) {
                let (line, column) = quoted_position(&manifest, key, None);
                problems.push(
                    Diagnostic::error(
                        &lab.manifest_path,
                        format!(
                            "UI string `{key}` is used by lab `{}` but not defined in locales/{default}/",
                            lab.id
                        ),
                    )
                    .at(line, column)
                    .hint(format!("add `{key} = …` to locales/{default}/lab-{}.ftl", lab.id))
                    .group("fluent"),
                );
            }
        }
    }
    problems
}

/// Every `t(key="…")` call with a literal key in `templates/**`: (file, line, column, key).
/// Keys built at render time (`"a-" ~ name`) cannot be checked and are skipped.
fn template_keys(root: &Path) -> Vec<(PathBuf, usize, usize, String)> {
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
            keys.push((
                shown.clone(),
                line,
                column,
                text[key_start..key_start + length].to_string(),
            ));
        }
    }
    keys
}

/// Line and column of `"text"` in a TOML file, the first after `after` when given; 1:1 if absent.
fn quoted_position(source: &str, text: &str, after: Option<&str>) -> (usize, usize) {
    let from = after.and_then(|a| source.find(a)).unwrap_or(0);
    let needle = format!("\"{text}\"");
    source[from..]
        .find(&needle)
        .map_or((1, 1), |i| LineIndex::new(source).line_column(from + i))
}

// ---------------------------------------------------------------------------------------------
// Labs

/// Every example of every lab, run in every language of the site and compared with
/// `labs/expected/<id>/<example>.<lang>.json`.
pub(crate) fn labs(project: &Project) -> Diagnostics {
    let config = &project.config;
    let expected_dir = config
        .lab_manifests
        .parent()
        .map_or_else(|| config.root.join("expected"), |p| p.join("expected"));
    let mut runs = Vec::new();
    let mut problems = Diagnostics::default();
    for lab in project.labs.labs() {
        if !lab.binary.is_file() {
            problems.push(
                Diagnostic::error(
                    &lab.manifest_path,
                    format!(
                        "lab `{}` cannot run: its binary {} does not exist",
                        lab.id,
                        lab.binary.display()
                    ),
                )
                .at(1, 1)
                .hint("build the labs with `cargo build` (they are found next to the aula binary or in $AULA_LAB_BIN_DIR)")
                .group("labs"),
            );
            continue;
        }
        for example in &lab.examples {
            for lang in &config.languages {
                runs.push((lab, example.name.as_str(), lang.as_str()));
            }
        }
    }
    let results: Vec<Option<Diagnostic>> = runs
        .par_iter()
        .map(|&(lab, example, lang)| {
            let expected = expected_dir
                .join(&lab.id)
                .join(format!("{example}.{lang}.json"));
            check_example(project, lab, example, lang, &expected)
        })
        .collect();
    problems.extend(results.into_iter().flatten());
    problems
}

fn check_example(
    project: &Project,
    lab: &Lab,
    example: &str,
    lang: &str,
    expected_path: &Path,
) -> Option<Diagnostic> {
    let manifest =
        std::fs::read_to_string(project.config.root.join(&lab.manifest_path)).unwrap_or_default();
    let (line, column) = quoted_position(&manifest, example, Some("[[examples]]"));
    let shown_expected = display_path(&project.config.root, expected_path);
    let error = |message: String, hint: String| {
        Some(
            Diagnostic::error(&lab.manifest_path, message)
                .at(line, column)
                .hint(hint)
                .group("labs"),
        )
    };
    let regenerate = format!(
        "if the new answer is right: aula labs run {} --example {example} --lang {lang} > {}",
        lab.id,
        shown_expected.display()
    );
    let values = lab
        .example(example)
        .map(|e| e.input.clone())
        .unwrap_or_default();
    let input = match merge_input(lab, &values) {
        Ok(input) => input,
        Err(errors) => {
            let fields: Vec<String> = errors
                .iter()
                .map(|e| format!("{} {}", e.field, e.english()))
                .collect();
            return error(
                format!(
                    "lab `{}` example `{example}` has invalid input: {}",
                    lab.id,
                    fields.join("; ")
                ),
                "fix the example's `input` in the manifest".into(),
            );
        }
    };
    let name = format!("lab `{}` example `{example}` ({lang})", lab.id);
    let answer = match runner::run(&lab.binary, &request_json(lang, &input), lab.limits) {
        runner::Outcome::Answer(answer) => answer,
        runner::Outcome::TimedOut(limit) => {
            return error(
                format!(
                    "{name} ran past its time limit of {} ms and was stopped",
                    limit.as_millis()
                ),
                "make the lab faster or raise [limits] time_ms in its manifest".into(),
            );
        }
        runner::Outcome::Truncated(cap) => {
            return error(
                format!("{name} printed more than its output cap of {cap} bytes"),
                "make the answer smaller or raise [limits] output_bytes in its manifest".into(),
            );
        }
        runner::Outcome::Refused { field, message } => {
            return error(
                format!("{name} refused its input: {field}: {message}"),
                "fix the example's `input` in the manifest".into(),
            );
        }
        runner::Outcome::Failed(why) => {
            return error(
                format!("{name} failed: {why}"),
                "run it with `aula labs run` to see more".into(),
            );
        }
    };
    let text = match std::fs::read_to_string(expected_path) {
        Ok(text) => text,
        Err(_) => {
            return error(
                format!(
                    "{name} has no expected answer: {} is missing",
                    shown_expected.display()
                ),
                format!(
                    "write it from the current answer: aula labs run {} --example {example} --lang {lang} > {}",
                    lab.id,
                    shown_expected.display()
                ),
            );
        }
    };
    let expected: Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(e) => {
            return Some(
                Diagnostic::error(&shown_expected, format!("invalid JSON: {e}"))
                    .at(e.line(), e.column())
                    .hint(regenerate)
                    .group("labs"),
            );
        }
    };
    if expected == answer {
        return None;
    }
    let mut differences = Vec::new();
    diff_values("", &expected, &answer, &mut differences);
    let shown = differences.len().min(MAX_DIFFERENCES);
    let mut message = format!(
        "{name} answered differently from {}:",
        shown_expected.display()
    );
    for difference in &differences[..shown] {
        message.push_str("\n    ");
        message.push_str(difference);
    }
    if differences.len() > shown {
        message.push_str(&format!("\n    … and {} more", differences.len() - shown));
    }
    // The way out goes last, under the differences, where the reader's eye ends up.
    message.push_str(&format!("\n    {regenerate}"));
    Some(
        Diagnostic::error(&lab.manifest_path, message)
            .at(line, column)
            .group("labs"),
    )
}

const MAX_DIFFERENCES: usize = 12;

/// The places where two JSON values differ, as `path: expected X, got Y` lines.
fn diff_values(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    let here = if path.is_empty() { "(top)" } else { path };
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let child = format!("{path}.{key}");
                match b.get(key) {
                    Some(other) => diff_values(&child, value, other, out),
                    None => out.push(format!("{child}: expected {}, missing", short(value))),
                }
            }
            for (key, value) in b {
                if !a.contains_key(key) {
                    out.push(format!("{path}.{key}: unexpected {}", short(value)));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff_values(&format!("{path}[{i}]"), x, y, out);
            }
            if a.len() != b.len() {
                out.push(format!(
                    "{here}: expected {} items, got {}",
                    a.len(),
                    b.len()
                ));
            }
        }
        (a, b) if a != b => out.push(format!("{here}: expected {}, got {}", short(a), short(b))),
        _ => {}
    }
}

/// A JSON value on one line, cut to a readable length.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_differences_name_their_path() {
        let mut out = Vec::new();
        diff_values(
            "",
            &json!({"blocks": [{"text": "a"}, {"rows": [1, 2]}]}),
            &json!({"blocks": [{"text": "b"}, {"rows": [1]}], "extra": true}),
            &mut out,
        );
        assert_eq!(
            out,
            [
                ".blocks[0].text: expected \"a\", got \"b\"",
                ".blocks[1].rows: expected 2 items, got 1",
                ".extra: unexpected true",
            ]
        );
    }

    #[test]
    fn template_keys_skip_computed_keys_and_other_functions() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/a.html"),
            "{{ t(key=\"one\") }}\n  {{ t(key=\"two\", n=1) }} {{ t(key=\"x-\" ~ n) }} {{ set(key=\"no\") }}",
        )
        .unwrap();
        let keys: Vec<(usize, usize, String)> = template_keys(dir.path())
            .into_iter()
            .map(|(_, l, c, k)| (l, c, k))
            .collect();
        assert_eq!(keys, [(1, 4, "one".into()), (2, 6, "two".into())]);
    }
}
