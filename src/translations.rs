//! Translation status: for each language, which pages are translated and up to date, which are
//! stale (the original changed after the translation recorded it), which record no original at
//! all, and which are missing (a fallback page stands in for them).
//!
//! `aula check` lists what is not up to date; the site has one page per language
//! (`/<lang>/translations/`, see `site::pages`) so translators see the same list with coverage.
//!
//! This module reads the loaded content; it does not render Markdown and writes no files.

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::Config;
use crate::content::{Content, Page};

/// Where one page stands in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// Translated, and the recorded hash matches the original.
    Current,
    /// Translated from an older version of the original.
    Stale,
    /// Translated, but without a `source_hash`: nobody knows which version it reflects.
    Unrecorded,
    /// Not translated: readers get the original with a notice.
    Missing,
}

/// One original and its translation (if any) into the status's language.
pub(crate) struct Entry<'a> {
    pub(crate) original: &'a Page,
    pub(crate) translation: Option<&'a Page>,
    pub(crate) state: State,
}

/// Every page whose original is in another language than `lang`, with its state.
pub(crate) struct LanguageStatus<'a> {
    pub(crate) lang: String,
    pub(crate) entries: Vec<Entry<'a>>,
}

impl LanguageStatus<'_> {
    pub(crate) fn count(&self, state: State) -> usize {
        self.entries.iter().filter(|e| e.state == state).count()
    }

    /// Pages with a translation (stale or not), out of all pages to translate.
    pub(crate) fn translated(&self) -> usize {
        self.entries.len() - self.count(State::Missing)
    }

    /// Whole percent, rounded down so 99.6 % never shows as "100 %"; 100 when nothing is to do.
    pub(crate) fn coverage(&self) -> usize {
        (self.translated() * 100)
            .checked_div(self.entries.len())
            .unwrap_or(100)
    }
}

/// The written pages (no fallbacks, no generated section pages) grouped by translation key.
fn groups(content: &Content) -> BTreeMap<&str, Vec<&Page>> {
    let mut groups: BTreeMap<&str, Vec<&Page>> = BTreeMap::new();
    for page in &content.pages {
        // A section page that aula.toml names but nobody wrote has no source to translate.
        if page.fallback_from.is_none() && !page.source.is_empty() {
            groups.entry(&page.translation_key).or_default().push(page);
        }
    }
    groups
}

/// The language a group's translations are made from: the one a member names in `source_lang`,
/// else the default language, else the first language (in aula.toml's order) that has the page.
fn original_language(config: &Config, members: &[&Page]) -> Option<String> {
    let has = |lang: &str| members.iter().any(|p| p.lang == lang);
    if let Some(named) = members
        .iter()
        .filter_map(|p| p.front.source_lang.as_deref())
        .find(|lang| has(lang))
    {
        return Some(named.to_string());
    }
    config
        .languages
        .iter()
        .find(|lang| **lang == config.default_language && has(lang))
        .or_else(|| config.languages.iter().find(|lang| has(lang)))
        .cloned()
}

/// Where every page stands in `lang`.
pub(crate) fn status<'a>(config: &Config, content: &'a Content, lang: &str) -> LanguageStatus<'a> {
    let mut entries = Vec::new();
    for members in groups(content).values() {
        let Some(original_lang) = original_language(config, members) else {
            continue;
        };
        if original_lang == lang {
            continue;
        }
        let Some(original) = members.iter().find(|p| p.lang == original_lang) else {
            continue;
        };
        let translation = members.iter().find(|p| p.lang == lang).copied();
        let state = match translation {
            None => State::Missing,
            Some(page) if stale_original(config, content, page).is_some() => State::Stale,
            Some(page) if page.front.source_hash.is_none() => State::Unrecorded,
            Some(_) => State::Current,
        };
        entries.push(Entry {
            original,
            translation,
            state,
        });
    }
    LanguageStatus {
        lang: lang.to_string(),
        entries,
    }
}

/// A translation whose original changed since it was made (its recorded hash differs).
pub(crate) fn stale_original<'a>(
    config: &Config,
    content: &'a Content,
    page: &Page,
) -> Option<&'a Page> {
    let recorded = page.front.source_hash.as_ref()?;
    let original_lang = page
        .front
        .source_lang
        .as_deref()
        .unwrap_or(&config.default_language);
    if original_lang == page.lang || page.fallback_from.is_some() {
        return None;
    }
    let original = content.translation(&page.translation_key, original_lang)?;
    if original.fallback_from.is_some() || &original.body_hash() == recorded {
        return None;
    }
    Some(original)
}

/// The written page (not a fallback) whose source file is `file`, given as the user typed it:
/// relative to the current folder, relative to the site root, or absolute.
pub(crate) fn find_page<'a>(
    config: &Config,
    content: &'a Content,
    file: &Path,
) -> Result<&'a Page, String> {
    let candidates = [file.to_path_buf(), config.root.join(file)];
    let Some(wanted) = candidates.iter().find_map(|p| p.canonicalize().ok()) else {
        return Err(format!("there is no file {}", file.display()));
    };
    content
        .pages
        .iter()
        .chain(&content.drafts)
        .filter(|p| p.fallback_from.is_none())
        .find(|p| config.root.join(&p.path).canonicalize().ok().as_ref() == Some(&wanted))
        .ok_or_else(|| {
            format!(
                "{} is not a page of the site at {} (pages are content/<lang>/…/*.md)",
                file.display(),
                config.root.display()
            )
        })
}

/// What a translation records of its original: the fields to write into its front matter.
pub(crate) struct Record<'a> {
    pub(crate) original: &'a Page,
    /// Written when the original is not in the default language (or the file already says).
    pub(crate) source_lang: Option<String>,
    pub(crate) source_hash: String,
}

impl Record<'_> {
    pub(crate) fn fields(&self) -> Vec<(&str, &str)> {
        let mut fields = vec![("source_hash", self.source_hash.as_str())];
        if let Some(lang) = &self.source_lang {
            fields.push(("source_lang", lang.as_str()));
        }
        fields
    }
}

/// The record `translation` should carry now. The original's language is `from` when given, else
/// what the file records, else the default language, else the one other language that has the
/// page (the default language's own pages may be translations, e.g. of a Spanish original).
pub(crate) fn record_for<'a>(
    config: &Config,
    content: &'a Content,
    translation: &Page,
    from: Option<&str>,
) -> Result<Record<'a>, String> {
    let written = |lang: &str| {
        content.pages.iter().chain(&content.drafts).find(|p| {
            p.fallback_from.is_none()
                && p.lang == lang
                && p.translation_key == translation.translation_key
        })
    };
    let original_lang = from
        .map(str::to_string)
        .or_else(|| translation.front.source_lang.clone())
        .or_else(|| {
            (translation.lang != config.default_language)
                .then(|| config.default_language.clone())
        })
        .or_else(|| {
            config
                .languages
                .iter()
                .filter(|l| **l != translation.lang)
                .find(|l| written(l).is_some())
                .cloned()
        })
        .ok_or_else(|| {
            format!(
                "no other language has a page with the translation key `{}`, so {} is not a translation",
                translation.translation_key,
                translation.path.display()
            )
        })?;
    if !config.languages.contains(&original_lang) {
        return Err(format!(
            "`{original_lang}` is not a language of this site ({})",
            config.languages.join(", ")
        ));
    }
    if original_lang == translation.lang {
        return Err(format!(
            "{} is in {original_lang} itself; name the original's language with --from",
            translation.path.display()
        ));
    }
    let original = written(&original_lang).ok_or_else(|| {
        format!(
            "no {original_lang} page has the translation key `{}`; give the original and {} the same path or `translation_key`",
            translation.translation_key,
            translation.path.display()
        )
    })?;
    let source_lang = (original_lang != config.default_language
        || translation.front.source_lang.is_some())
    .then_some(original_lang);
    Ok(Record {
        original,
        source_lang,
        source_hash: original.body_hash(),
    })
}
