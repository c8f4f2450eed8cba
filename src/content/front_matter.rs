//! Front matter: split it from the body, parse it (TOML between `+++`, YAML between `---`), and
//! validate it into [`FrontMatter`], with every problem placed at its line in the source file.
//!
//! Positions are always counted from the top of the file, not from the start of the front matter
//! (Zola's #1133 is the bug this avoids): the parsers see only the front matter text, so every
//! offset they report is shifted by where that text starts.

use serde::Deserialize;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, LineIndex};

/// What an author may write in front matter. Unknown keys are errors (a typo such as `titel`
/// would otherwise vanish silently).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Option<String>,
    description: Option<String>,
    date: Option<String>,
    updated: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    draft: bool,
    slug: Option<String>,
    weight: Option<i64>,
    translation_key: Option<String>,
    level: Option<String>,
    /// A translation's record of its original: the original's language (default: the site's
    /// default language) and a short hash of the original's body when the translation was made.
    source_lang: Option<String>,
    source_hash: Option<String>,
    /// The course's structure: what a reader will learn, what they should know first, and the
    /// tool versions and date the article's claims were last checked against.
    #[serde(default)]
    learn: Vec<String>,
    #[serde(default)]
    prerequisites: Vec<String>,
    verified: Option<RawVerified>,
}

/// `verified = { date = 2026-12-07, tools = ["ansible-core 2.20"] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVerified {
    date: Option<String>,
    #[serde(default)]
    tools: Vec<String>,
}

/// When, and against which tool versions, an article's claims were last checked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Verified {
    pub(crate) date: jiff::civil::Date,
    pub(crate) tools: Vec<String>,
}

/// Validated front matter.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct FrontMatter {
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) date: Option<jiff::civil::Date>,
    pub(crate) updated: Option<jiff::civil::Date>,
    pub(crate) tags: Vec<String>,
    pub(crate) draft: bool,
    pub(crate) slug: Option<String>,
    pub(crate) weight: i64,
    pub(crate) translation_key: Option<String>,
    pub(crate) level: Option<Level>,
    pub(crate) source_lang: Option<String>,
    pub(crate) source_hash: Option<String>,
    pub(crate) learn: Vec<String>,
    pub(crate) prerequisites: Vec<String>,
    pub(crate) verified: Option<Verified>,
}

/// An article's level, in the order the learning path climbs (the derived order is that one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    Beginner,
    Intermediate,
    Advanced,
}

impl Level {
    /// As written in front matter (and in the `level-…` UI strings).
    pub(crate) fn key(self) -> &'static str {
        match self {
            Level::Beginner => "beginner",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
        }
    }
}

/// A source file cut into its parts.
pub(crate) struct Split<'a> {
    pub(crate) front: &'a str,
    /// Byte offset of `front` in the file.
    pub(crate) front_offset: usize,
    /// Byte offset of `body` in the file.
    pub(crate) body_offset: usize,
    pub(crate) format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Toml,
    Yaml,
}

/// Splits `source` into front matter and body.
pub(crate) fn split(source: &str) -> Result<Split<'_>, Diagnostic> {
    let source_start = source.strip_prefix('\u{feff}').map_or(0, |_| 3);
    let text = &source[source_start..];
    let (delimiter, format) = if text.starts_with("+++") {
        ("+++", Format::Toml)
    } else if text.starts_with("---") {
        ("---", Format::Yaml)
    } else {
        return Err(Diagnostic::error("", "the file has no front matter")
            .at(1, 1)
            .hint(
                "start the file with a `+++` line, then `title = \"…\"`, then another `+++` line",
            ));
    };
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != delimiter {
        return Err(Diagnostic::error(
            "",
            format!("the opening `{delimiter}` must be alone on its line"),
        )
        .at(1, 4));
    }
    let mut offset = first_line_end;
    for line in text[first_line_end..].split_inclusive('\n') {
        if line.trim_end() == delimiter {
            let front = &text[first_line_end..offset];
            let body_start = offset + line.len();
            return Ok(Split {
                front,
                front_offset: source_start + first_line_end,
                body_offset: source_start + body_start,
                format,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        "",
        format!("the front matter is not closed by a `{delimiter}` line"),
    )
    .at(1, 1)
    .hint(format!(
        "add a line with only `{delimiter}` after the front matter"
    )))
}

/// Parses and validates the front matter of `source`. Diagnostics carry positions in `source`
/// but no path: the caller knows the file.
pub(crate) fn parse(source: &str, split: &Split<'_>) -> Result<FrontMatter, Vec<Diagnostic>> {
    let value = match split.format {
        Format::Toml => parse_toml(source, split)?,
        Format::Yaml => parse_yaml(source, split)?,
    };
    let raw: RawFrontMatter = serde_path_to_error::deserialize(value).map_err(|e| {
        let key = e
            .path()
            .iter()
            .next()
            .map(|s| s.to_string())
            .unwrap_or_default();
        let inner = e.into_inner().to_string();
        let (line, column) = key_position(source, split, &key);
        let message = if inner.starts_with("unknown field") {
            format!("unknown front matter key: {inner}")
        } else {
            format!("`{key}`: {inner}")
        };
        vec![Diagnostic::error("", message).at(line, column)]
    })?;
    validate(source, split, raw)
}

fn parse_toml(source: &str, split: &Split<'_>) -> Result<Value, Vec<Diagnostic>> {
    let table: toml::Table = toml::from_str(split.front).map_err(|e| {
        let offset = split.front_offset + e.span().map_or(0, |s| s.start);
        vec![
            Diagnostic::error(
                "",
                format!(
                    "invalid TOML front matter: {}",
                    crate::config::toml_message(&e)
                ),
            )
            .at_offset(source, offset)
            .hint("front matter between `+++` lines is TOML: key = \"value\", one per line"),
        ]
    })?;
    Ok(crate::config::toml_to_json(toml::Value::Table(table)))
}

fn parse_yaml(_source: &str, split: &Split<'_>) -> Result<Value, Vec<Diagnostic>> {
    if split.front.trim().is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    let value: Value = serde_saphyr::from_str(split.front).map_err(|e| {
        let front_line = LineIndex::new(_source).line_column(split.front_offset).0;
        let (line, column) = e
            .location()
            .map(|l| (l.line() as usize, l.column() as usize))
            .unwrap_or((1, 1));
        let message = e.to_string();
        let message = message.lines().next().unwrap_or("").trim().to_string();
        vec![
            Diagnostic::error("", format!("invalid YAML front matter: {message}"))
                .at(front_line + line.saturating_sub(1), column.max(1))
                .hint("front matter between `---` lines is YAML: `key: value`, one per line"),
        ]
    })?;
    // YAML 1.2 reads `2026-11-20` as a string already; numbers in `title` become text.
    Ok(match value {
        Value::Null => Value::Object(Default::default()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("title" | "description" | "slug", Value::Number(n)) => {
                            Value::String(n.to_string())
                        }
                        (_, v) => v,
                    };
                    (k, v)
                })
                .collect(),
        ),
        other => other,
    })
}

fn validate(
    source: &str,
    split: &Split<'_>,
    raw: RawFrontMatter,
) -> Result<FrontMatter, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let at_key = |key: &str, message: String, hint: &str| {
        let (line, column) = key_position(source, split, key);
        Diagnostic::error("", message).at(line, column).hint(hint)
    };
    let title = match raw.title {
        Some(title) if !title.trim().is_empty() => title,
        Some(_) => {
            problems.push(at_key(
                "title",
                "`title` is empty".into(),
                "write the page's title",
            ));
            String::new()
        }
        None => {
            problems.push(
                Diagnostic::error("", "missing `title` in the front matter")
                    .at(1, 1)
                    .hint("add a line `title = \"…\"` (TOML) or `title: …` (YAML)"),
            );
            String::new()
        }
    };
    let mut date_of = |key: &str, text: Option<String>| -> Option<jiff::civil::Date> {
        let text = text?;
        match parse_date(&text) {
            Some(date) => Some(date),
            None => {
                problems.push(at_key(
                    key,
                    format!("`{key}` is not a date: `{text}`"),
                    "write dates as YYYY-MM-DD, e.g. 2026-11-27",
                ));
                None
            }
        }
    };
    let date = date_of("date", raw.date);
    let updated = date_of("updated", raw.updated);
    let verified = match raw.verified {
        None => None,
        Some(RawVerified { date: None, .. }) => {
            problems.push(at_key(
                "verified",
                "`verified` has no `date`".into(),
                "write when the article was checked: verified = { date = 2026-12-07, tools = [\"…\"] }",
            ));
            None
        }
        Some(RawVerified {
            date: Some(text),
            tools,
        }) => {
            let date = parse_date(&text);
            if date.is_none() {
                problems.push(at_key(
                    "verified",
                    format!("`verified.date` is not a date: `{text}`"),
                    "write dates as YYYY-MM-DD, e.g. 2026-12-07",
                ));
            }
            let tools: Vec<String> = tools
                .into_iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
            if tools.is_empty() {
                problems.push(at_key(
                    "verified",
                    "`verified` names no tools".into(),
                    "list the tools and versions the claims were checked against, e.g. tools = [\"ansible-core 2.20\"]",
                ));
            }
            date.map(|date| Verified { date, tools })
        }
    };
    let level = match raw.level.as_deref() {
        None => None,
        Some("beginner") => Some(Level::Beginner),
        Some("intermediate") => Some(Level::Intermediate),
        Some("advanced") => Some(Level::Advanced),
        Some(other) => {
            problems.push(at_key(
                "level",
                format!("`level` is `{other}`"),
                "use one of: beginner, intermediate, advanced",
            ));
            None
        }
    };
    if let Some(slug) = &raw.slug
        && (slug.is_empty()
            || !slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
    {
        problems.push(at_key(
            "slug",
            format!("`slug` `{slug}` has characters that do not belong in a URL"),
            "use lowercase letters, digits and `-` (e.g. \"unete-a-la-comunidad\")",
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(FrontMatter {
        title,
        description: raw.description.filter(|d| !d.trim().is_empty()),
        date,
        updated,
        tags: raw.tags,
        draft: raw.draft,
        slug: raw.slug,
        weight: raw.weight.unwrap_or(0),
        translation_key: raw.translation_key,
        level,
        source_lang: raw.source_lang,
        source_hash: raw.source_hash,
        learn: non_empty(raw.learn),
        prerequisites: non_empty(raw.prerequisites),
        verified,
    })
}

/// The items of a list that say something.
fn non_empty(items: Vec<String>) -> Vec<String> {
    items
        .into_iter()
        .map(|item| item.trim().to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

/// `2026-11-27`, or an RFC 3339 date-time of which the date is kept.
pub(crate) fn parse_date(text: &str) -> Option<jiff::civil::Date> {
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        return Some(date);
    }
    if let Ok(timestamp) = text.parse::<jiff::Timestamp>() {
        return Some(timestamp.to_zoned_datetime(jiff::tz::TimeZone::UTC).date());
    }
    text.parse::<jiff::civil::DateTime>()
        .ok()
        .map(|dt| dt.date())
}

/// Sets top-level string `fields` in the front matter of `source` and leaves every other byte as
/// it was: a key already written keeps its line (only that line is replaced), a new key gets a line
/// of its own before the closing delimiter, in the file's own line ending. For `aula i18n mark` and
/// `aula new translation`, which must not reformat what authors wrote.
pub(crate) fn set_fields(source: &str, fields: &[(&str, &str)]) -> Result<String, Diagnostic> {
    let split = split(source)?;
    let newline = if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut front = split.front.to_string();
    for (key, value) in fields {
        let line = match split.format {
            Format::Toml => format!("{key} = {}", toml::Value::from(*value)),
            // A JSON string is a YAML double-quoted scalar; quoting keeps a hash such as
            // `123e45` from being read as a number.
            Format::Yaml => format!(
                "{key}: {}",
                serde_json::to_string(value).unwrap_or_default()
            ),
        };
        let mut offset = 0;
        let mut written = None;
        for existing in front.split_inclusive('\n') {
            // YAML nests by indentation, so only an unindented key is top-level there.
            let candidate = match split.format {
                Format::Toml => existing.trim_start(),
                Format::Yaml => existing,
            };
            if let Some(rest) = candidate.strip_prefix(key)
                && (rest.trim_start().starts_with('=') || rest.trim_start().starts_with(':'))
            {
                let content = existing.trim_end_matches(['\r', '\n']).len();
                written = Some(offset..offset + content);
                break;
            }
            offset += existing.len();
        }
        match written {
            Some(range) => front.replace_range(range, &line),
            None => {
                if !front.is_empty() && !front.ends_with('\n') {
                    front.push_str(newline);
                }
                front.push_str(&line);
                front.push_str(newline);
            }
        }
    }
    let front_end = split.front_offset + split.front.len();
    Ok(format!(
        "{}{front}{}",
        &source[..split.front_offset],
        &source[front_end..]
    ))
}

/// Where `key` is written in the front matter (line and column in the whole file); the opening
/// delimiter's line when the key is not written there.
fn key_position(source: &str, split: &Split<'_>, key: &str) -> (usize, usize) {
    let index = LineIndex::new(source);
    let mut offset = split.front_offset;
    for line in split.front.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            let rest = rest.trim_start();
            if !key.is_empty() && (rest.starts_with('=') || rest.starts_with(':')) {
                return index.line_column(offset + (line.len() - trimmed.len()));
            }
        }
        offset += line.len();
    }
    let front_line = index.line_column(split.front_offset).0;
    (front_line.saturating_sub(1).max(1), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_source(source: &str) -> Result<FrontMatter, Vec<Diagnostic>> {
        let split = split(source).map_err(|d| vec![d])?;
        parse(source, &split)
    }

    fn first_error(source: &str) -> String {
        parse_source(source).unwrap_err()[0].to_string()
    }

    #[test]
    fn set_fields_replaces_a_written_key_in_place_and_keeps_everything_else() {
        let source =
            "+++\ntitle = \"Hola\"  \nsource_hash = \"old\"\ntags = [\"a\"]\n+++\n\nbody\n";
        let edited = set_fields(source, &[("source_hash", "abc123")]).unwrap();
        assert_eq!(
            edited,
            "+++\ntitle = \"Hola\"  \nsource_hash = \"abc123\"\ntags = [\"a\"]\n+++\n\nbody\n"
        );
    }

    #[test]
    fn set_fields_adds_new_keys_before_the_closing_line_in_the_files_line_ending() {
        let source = "---\r\ntitle: Hola\r\n---\r\nbody\r\n";
        let edited =
            set_fields(source, &[("source_hash", "123e45"), ("source_lang", "es")]).unwrap();
        assert_eq!(
            edited,
            "---\r\ntitle: Hola\r\nsource_hash: \"123e45\"\r\nsource_lang: \"es\"\r\n---\r\nbody\r\n"
        );
        let front = parse_source(&edited).unwrap();
        assert_eq!(front.source_hash.as_deref(), Some("123e45"));
        assert_eq!(front.source_lang.as_deref(), Some("es"));
    }

    #[test]
    fn toml_and_yaml_front_matter_give_the_same_page() {
        let toml = "+++\ntitle = \"Hola\"\ndate = 2026-11-27\ntags = [\"a\"]\n+++\nbody\n";
        let yaml = "---\ntitle: Hola\ndate: 2026-11-27\ntags: [a]\n---\nbody\n";
        assert_eq!(parse_source(toml).unwrap(), parse_source(yaml).unwrap());
        assert_eq!(&toml[split(toml).unwrap().body_offset..], "body\n");
    }

    #[test]
    fn a_toml_syntax_error_is_placed_from_the_top_of_the_file() {
        // The bad line is the third line of the file, the second of the front matter.
        let error = first_error("+++\ntitle = \"ok\"\ndate = = 3\n+++\n");
        assert!(error.starts_with(":3:"), "{error}");
        assert!(error.contains("invalid TOML front matter"), "{error}");
    }

    #[test]
    fn a_yaml_syntax_error_is_placed_from_the_top_of_the_file() {
        let error = first_error("---\ntitle: ok\ntags: [a, b\n---\n");
        assert!(
            error.starts_with(":3:") || error.starts_with(":4:"),
            "{error}"
        );
        assert!(error.contains("invalid YAML front matter"), "{error}");
    }

    #[test]
    fn a_missing_title_and_a_bad_date_are_both_reported() {
        let errors = parse_source("+++\ndate = \"27/11/2026\"\n+++\n").unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(text[0].contains("missing `title`"), "{text:?}");
        assert!(
            text[1].starts_with(":2:1: error: `date` is not a date"),
            "{text:?}"
        );
    }

    #[test]
    fn an_unknown_key_is_named_at_its_line() {
        let error = first_error("+++\ntitle = \"x\"\ntitel = \"y\"\n+++\n");
        assert!(error.starts_with(":3:1:"), "{error}");
        assert!(error.contains("unknown front matter key"), "{error}");
        assert!(error.contains("titel"), "{error}");
    }

    #[test]
    fn the_course_structure_is_read_from_toml_and_yaml_alike() {
        let toml = "+++\ntitle = \"x\"\nlearn = [\"a\", \" \"]\nprerequisites = [\"b\"]\nverified = { date = 2026-12-07, tools = [\"ansible-core 2.20\"] }\n+++\n";
        let yaml = "---\ntitle: x\nlearn: [a]\nprerequisites: [b]\nverified:\n  date: 2026-12-07\n  tools: [ansible-core 2.20]\n---\n";
        let front = parse_source(toml).unwrap();
        assert_eq!(front, parse_source(yaml).unwrap());
        assert_eq!(front.learn, ["a"]);
        assert_eq!(front.prerequisites, ["b"]);
        let verified = front.verified.unwrap();
        assert_eq!(verified.date.to_string(), "2026-12-07");
        assert_eq!(verified.tools, ["ansible-core 2.20"]);
    }

    #[test]
    fn a_verified_line_without_a_date_or_tools_is_an_error_at_its_key() {
        let errors =
            parse_source("+++\ntitle = \"x\"\nverified = { date = \"soon\" }\n+++\n").unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            text[0].starts_with(":3:1: error: `verified.date` is not a date"),
            "{text:?}"
        );
        assert!(
            text[1].starts_with(":3:1: error: `verified` names no tools"),
            "{text:?}"
        );
        let error =
            first_error("+++\ntitle = \"x\"\nverified = { tools = [\"a\"], when = 1 }\n+++\n");
        assert!(error.starts_with(":3:1:"), "{error}");
        assert!(error.contains("when"), "{error}");
    }

    #[test]
    fn a_wrong_type_names_the_key() {
        let error = first_error("+++\ntitle = \"x\"\ntags = \"one\"\n+++\n");
        assert!(error.starts_with(":3:1: error: `tags`"), "{error}");
    }

    #[test]
    fn a_file_without_front_matter_says_how_to_add_it() {
        let error = first_error("# Just markdown\n");
        assert!(error.contains("no front matter"), "{error}");
    }
}
