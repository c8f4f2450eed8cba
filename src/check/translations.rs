//! Translations that are missing, stale, unrecorded or linked inconsistently.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::content::Page;
use crate::diagnostics::{Diagnostic, Diagnostics, Group, LineIndex};
use crate::site::Project;
use crate::translations::{self, State};

/// Missing, stale and unrecorded translations (warnings: the site still works, readers get a
/// fallback or a notice), and translations linked inconsistently (errors).
pub(crate) fn translation_problems(project: &Project) -> Diagnostics {
    let mut problems = Diagnostics::default();
    for lang in &project.config.languages {
        for entry in translations::status(&project.config, &project.content, lang).entries {
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
                    .group(Group::Translations),
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
                        .group(Group::Translations),
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
                    .group(Group::Translations),
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
                    .group(Group::Translations),
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
                .group(Group::Translations),
        );
    }
    problems
}

/// Where `key` is written in a page's front matter, or 1:1.
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
            .group(Group::Verified),
        );
    }
    problems
}

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
