//! The site's configuration, `aula.toml`.
//!
//! [`RawConfig`] is exactly what the file may say (unknown keys are errors, with their line);
//! [`Config`] is what the rest of aula uses, validated once here: languages known, the default
//! language among them, a base URL that is a URL, sections that can be folder names. Nothing else
//! reads `aula.toml`. This module does not know which highlighting themes exist: the pipeline
//! checks the theme names against the highlighter and reports them at this file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Group, LineIndex};
use crate::tag_twins::{RawTagTwins, TagTwins};

pub(crate) const CONFIG_FILE: &str = "aula.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    default_language: String,
    languages: Vec<String>,
    #[serde(default)]
    sections: Vec<String>,
    #[serde(default)]
    highlight: RawHighlight,
    #[serde(default)]
    labs: RawLabs,
    #[serde(default)]
    search: RawSearch,
    #[serde(default)]
    check: RawCheck,
    /// Tag twins: see `tag_twins`.
    #[serde(default)]
    tags: RawTagTwins,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    /// After how many days an article's `verified` date is old enough for `aula check` to warn.
    verified_max_age_days: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    /// Whether to build a search index (and show the search box); on by default.
    enabled: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHighlight {
    light_theme: Option<String>,
    dark_theme: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLabs {
    /// Where the lab manifests are, relative to the site root.
    manifests: Option<String>,
    /// Where the lab binaries are; by default next to the `aula` executable.
    bin_dir: Option<String>,
    /// The origin of a hosted lab runner (`aula labs serve`) that makes a static build's labs
    /// live, e.g. "https://labs.example.org".
    endpoint: Option<String>,
    /// Per language, the page that says how to run the course locally (a site path such as
    /// "/en/about/#run-locally"); the static labs' note links to it.
    #[serde(default)]
    help: std::collections::BTreeMap<String, String>,
}

/// The validated configuration of one site.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Config {
    pub(crate) root: PathBuf,
    pub(crate) title: String,
    /// Without a trailing slash: `https://example.org` or `https://example.org/course`.
    pub(crate) base_url: String,
    pub(crate) default_language: String,
    /// In the order the file gives; the default language is among them.
    pub(crate) languages: Vec<String>,
    /// Section folder names in learning-path order.
    pub(crate) sections: Vec<String>,
    pub(crate) light_theme: String,
    pub(crate) dark_theme: String,
    pub(crate) lab_manifests: PathBuf,
    pub(crate) lab_bin_dir: Option<PathBuf>,
    /// `[labs] endpoint`: the origin of a hosted lab runner, without a trailing slash.
    pub(crate) lab_endpoint: Option<String>,
    /// `[labs] help`: language → the site path that says how to run the course locally.
    pub(crate) lab_help: std::collections::BTreeMap<String, String>,
    /// Build a search index and show the search box (`[search] enabled`, on by default).
    pub(crate) search: bool,
    /// `aula check` warns about articles verified longer ago than this many days
    /// (`[check] verified_max_age_days`, 180 by default).
    pub(crate) verified_max_age_days: i64,
    /// `[tags]`: tags that name one subject in several languages.
    pub(crate) tag_twins: TagTwins,
}

/// How old an article's `verified` date may be before `aula check` warns: about six months, the
/// pace at which the course's tools (ansible-core, cloud SDKs and APIs) ship a release.
pub(crate) const DEFAULT_VERIFIED_MAX_AGE_DAYS: i64 = 180;

impl Config {
    /// Reads and validates `<root>/aula.toml`.
    pub(crate) fn load(root: &Path) -> Result<Config, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostics::from_iter([Diagnostic::error(CONFIG_FILE, format!("cannot read: {e}"))
                .hint(format!(
                    "run aula in a site folder, or pass --root DIR pointing at one that has {CONFIG_FILE}"
                ))])
        })?;
        Self::parse(root, &text)
    }

    pub(crate) fn parse(root: &Path, text: &str) -> Result<Config, Diagnostics> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let mut d = Diagnostic::error(CONFIG_FILE, toml_message(&e));
            if let Some(span) = e.span() {
                d = d.at_offset(text, span.start);
            }
            Diagnostics::from_iter([d.group(Group::Config)])
        })?;
        let mut problems = Diagnostics::default();
        let place = |key: &str| key_position(text, key);
        let mut problem = |key: &str, message: String, hint: &str| {
            let (line, column) = place(key);
            problems.push(
                Diagnostic::error(CONFIG_FILE, message)
                    .at(line, column)
                    .hint(hint)
                    .group(Group::Config),
            );
        };

        if raw.languages.is_empty() {
            problem(
                "languages",
                "`languages` is empty".into(),
                "list the site's languages, e.g. languages = [\"en\", \"es\"]",
            );
        }
        for lang in &raw.languages {
            if lang.parse::<unic_langid::LanguageIdentifier>().is_err() || lang.contains('/') {
                problem(
                    "languages",
                    format!("`{lang}` is not a language code"),
                    "use codes such as \"en\", \"es\" or \"pt-BR\"",
                );
            }
        }
        if !raw.languages.contains(&raw.default_language) {
            problem(
                "default_language",
                format!(
                    "default_language `{}` is not in `languages`",
                    raw.default_language
                ),
                "add it to `languages` or pick one of them",
            );
        }
        let base_url = raw.base_url.trim_end_matches('/').to_string();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            problem(
                "base_url",
                format!("base_url `{}` is not an http(s) URL", raw.base_url),
                "write the address the site will be published at, e.g. \"https://example.org\"",
            );
        }
        for section in &raw.sections {
            if section.is_empty()
                || !section
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                problem(
                    "sections",
                    format!(
                        "section `{section}` is not a folder name of lowercase letters, digits and `-`"
                    ),
                    "rename the section and its folders under content/<lang>/",
                );
            }
        }
        if let Some(days) = raw.check.verified_max_age_days
            && days < 1
        {
            problem(
                "verified_max_age_days",
                format!("`verified_max_age_days` is {days}"),
                "write a number of days of at least 1, e.g. verified_max_age_days = 180",
            );
        }
        let lab_endpoint = raw
            .labs
            .endpoint
            .as_deref()
            .map(|e| e.trim_end_matches('/').to_string());
        if let Some(endpoint) = &lab_endpoint
            && !is_origin(endpoint)
        {
            problem(
                "endpoint",
                format!("[labs] endpoint `{endpoint}` is not an http(s) origin"),
                "write the runner's origin only, e.g. endpoint = \"https://labs.example.org\" (no path, query or quotes inside)",
            );
        }
        for (lang, path) in &raw.labs.help {
            if !raw.languages.contains(lang) || !path.starts_with('/') || path.starts_with("//") {
                problem(
                    "help",
                    format!(
                        "[labs] help: `{lang} = \"{path}\"` needs a site language and a site path"
                    ),
                    "write e.g. help = { en = \"/en/about/#run-locally\" }",
                );
            }
        }
        let tag_twins = TagTwins::new(
            raw.tags,
            text,
            &raw.default_language,
            &raw.languages,
            CONFIG_FILE,
        )
        .unwrap_or_else(|errors| {
            problems.extend(errors);
            TagTwins::default()
        });
        if problems.has_errors() {
            return Err(problems);
        }
        Ok(Config {
            root: root.to_path_buf(),
            title: raw.title,
            base_url,
            default_language: raw.default_language,
            languages: raw.languages,
            sections: raw.sections,
            light_theme: raw
                .highlight
                .light_theme
                .unwrap_or_else(|| "InspiredGitHub".into()),
            dark_theme: raw
                .highlight
                .dark_theme
                .unwrap_or_else(|| "base16-ocean.dark".into()),
            lab_manifests: root.join(raw.labs.manifests.as_deref().unwrap_or("labs/manifests")),
            lab_bin_dir: raw.labs.bin_dir.map(|dir| root.join(dir)),
            lab_endpoint,
            lab_help: raw.labs.help,
            search: raw.search.enabled.unwrap_or(true),
            verified_max_age_days: raw
                .check
                .verified_max_age_days
                .unwrap_or(DEFAULT_VERIFIED_MAX_AGE_DAYS),
            tag_twins,
        })
    }

    /// The absolute URL of a site path such as `/es/finops/`.
    pub(crate) fn absolute_url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Where a key is written in `aula.toml`, for errors about its value.
    pub(crate) fn key_position(&self, key: &str) -> (usize, usize) {
        std::fs::read_to_string(self.root.join(CONFIG_FILE))
            .map(|text| key_position(&text, key))
            .unwrap_or((0, 0))
    }
}

/// `http(s)://host[:port]` and nothing else: what a CSP `connect-src` source and a CORS origin
/// compare against.
fn is_origin(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// The line and column of `key = …` in the text, or (0, 0).
fn key_position(text: &str, key: &str) -> (usize, usize) {
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return (n + 1, line.len() - trimmed.len() + 1);
        }
    }
    let _ = LineIndex::new(text);
    (0, 0)
}

/// toml's message without its own source excerpt (we print the place ourselves).
pub(crate) fn toml_message(error: &toml::de::Error) -> String {
    let message = error.message().trim();
    message
        .strip_suffix('.')
        .unwrap_or(message)
        .replace('\n', " ")
}

/// TOML values as JSON values (front matter, lab fences and manifests); dates become their
/// RFC 3339 text, validated by whoever reads them.
pub(crate) fn toml_to_json(value: toml::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"title = "t"
base_url = "https://example.org/"
default_language = "en"
languages = ["en", "es"]
sections = ["finops"]
"#;

    #[test]
    fn a_valid_config_is_normalised() {
        let config = Config::parse(Path::new("/site"), GOOD).unwrap();
        assert_eq!(config.base_url, "https://example.org");
        assert_eq!(config.languages, ["en", "es"]);
        assert_eq!(config.absolute_url("/es/"), "https://example.org/es/");
    }

    #[test]
    fn an_unknown_key_is_an_error_naming_the_key_and_line() {
        let text = format!("{GOOD}colour = \"blue\"\n");
        let errors = Config::parse(Path::new("/site"), &text).unwrap_err();
        let message = errors.iter().next().unwrap().to_string();
        assert!(message.starts_with("aula.toml:6:1: error:"), "{message}");
        assert!(message.contains("colour"), "{message}");
    }

    #[test]
    fn the_verified_age_has_a_default_and_must_be_positive() {
        let config = Config::parse(Path::new("/site"), GOOD).unwrap();
        assert_eq!(config.verified_max_age_days, DEFAULT_VERIFIED_MAX_AGE_DAYS);
        let text = format!("{GOOD}[check]\nverified_max_age_days = 30\n");
        let config = Config::parse(Path::new("/site"), &text).unwrap();
        assert_eq!(config.verified_max_age_days, 30);
        let text = format!("{GOOD}[check]\nverified_max_age_days = 0\n");
        let errors = Config::parse(Path::new("/site"), &text).unwrap_err();
        let message = errors.iter().next().unwrap().to_string();
        assert!(message.starts_with("aula.toml:7:1: error:"), "{message}");
    }

    #[test]
    fn the_default_language_must_be_listed() {
        let text = GOOD.replace("default_language = \"en\"", "default_language = \"pt\"");
        let errors = Config::parse(Path::new("/site"), &text).unwrap_err();
        let message = errors.iter().next().unwrap().to_string();
        assert!(
            message.starts_with("aula.toml:3:1: error: default_language `pt`"),
            "{message}"
        );
    }

    #[test]
    fn a_labs_endpoint_is_an_origin_and_help_pages_are_site_paths() {
        let text = format!(
            "{GOOD}[labs]\nendpoint = \"https://labs.example.org/\"\nhelp = {{ es = \"/es/acerca/#local\" }}\n"
        );
        let config = Config::parse(Path::new("/site"), &text).unwrap();
        assert_eq!(
            config.lab_endpoint.as_deref(),
            Some("https://labs.example.org")
        );
        assert_eq!(config.lab_help["es"], "/es/acerca/#local");
        for bad in [
            "labs.example.org",
            "https://labs.example.org/api",
            "https://x.org?a=1",
            "https://",
        ] {
            let text = format!("{GOOD}[labs]\nendpoint = \"{bad}\"\n");
            let errors = Config::parse(Path::new("/site"), &text).unwrap_err();
            let message = errors.iter().next().unwrap().to_string();
            assert!(
                message.starts_with("aula.toml:7:1: error: [labs] endpoint"),
                "{bad}: {message}"
            );
        }
        let text = format!("{GOOD}[labs]\nhelp = {{ pt = \"/pt/\" }}\n");
        let message = Config::parse(Path::new("/site"), &text)
            .unwrap_err()
            .iter()
            .next()
            .unwrap()
            .to_string();
        assert!(message.contains("[labs] help: `pt"), "{message}");
    }
}
