//! Tag twins: tags that name one subject in several languages (`community` in English,
//! `comunidad` in Spanish), so their tag pages can lead to each other in the language switcher
//! and in `hreflang` alternates.
//!
//! `aula.toml` lists them in a `[tags]` table, one entry per subject: the key is the tag as the
//! default language writes it, the value its name in other languages:
//!
//! ```toml
//! [tags]
//! community = { es = "comunidad" }
//! "cost allocation" = { es = "asignación de costos" }
//! ```
//!
//! Tags are compared by their slug (the tag page's URL segment), so `Community` and `community`
//! are one tag. A tag that no entry names is its own subject in every language: the same tag in
//! two languages (`finops`) is twinned without an entry. This module validates the table once
//! (with the place of every bad entry) and answers lookups; it knows nothing about pages, which
//! tags articles use (that is `aula check`'s business, with [`TagTwins::entries`]), or output.

use std::collections::BTreeMap;

use toml::Spanned;

use crate::diagnostics::{Diagnostic, Group, LineIndex};

/// The `[tags]` table as `aula.toml` writes it, with the place of every key and value: the
/// default language's tag → (language → the tag's name there).
pub(crate) type RawTagTwins = BTreeMap<Spanned<String>, Spanned<RawNames>>;

/// One entry's names: language → the tag there.
pub(crate) type RawNames = BTreeMap<Spanned<String>, Spanned<String>>;

/// One name of a subject in one language, as written, with its place in `aula.toml`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TagName {
    pub(crate) lang: String,
    pub(crate) name: String,
    /// Where the name is written in `aula.toml` (line, column), for `aula check`.
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// The validated `[tags]` table.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TagTwins {
    /// (language, tag slug) → the subject (the slug of its tag in the default language).
    subjects: BTreeMap<(String, String), String>,
    /// (subject, language) → the slug of its tag in that language.
    slugs: BTreeMap<(String, String), String>,
    /// Every name the table gives, the default language's included, in the file's order.
    pub(crate) entries: Vec<TagName>,
}

/// A tag's URL segment (`Cost allocation` → `cost-allocation`).
pub(crate) fn tag_slug(tag: &str) -> String {
    slug::slugify(tag)
}

impl TagTwins {
    /// Validates the table: every language a site language other than the default, every name
    /// a tag (it has a slug), no tag named twice in one language. Problems name their place in
    /// `text` (aula.toml).
    pub(crate) fn new(
        raw: RawTagTwins,
        text: &str,
        default_language: &str,
        languages: &[String],
        file: &str,
    ) -> Result<TagTwins, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let mut twins = TagTwins::default();
        let index = LineIndex::new(text);
        let mut entries: Vec<(Spanned<String>, Spanned<RawNames>)> = raw.into_iter().collect();
        // In the file's order, so problems and `entries` read top to bottom.
        entries.sort_by_key(|(key, _)| key.span().start);
        let mut problem = |offset: usize, message: String, hint: &str| {
            problems.push(
                Diagnostic::error(file, message)
                    .at_offset(text, offset)
                    .hint(hint)
                    .group(Group::Config),
            );
        };
        for (key, names) in entries {
            let subject = tag_slug(key.get_ref());
            if subject.is_empty() {
                problem(
                    key.span().start,
                    format!("[tags]: `{}` is not a tag", key.get_ref()),
                    "write the tag as the default language's articles write it in `tags`",
                );
                continue;
            }
            let mut names: Vec<_> = names.into_inner().into_iter().collect();
            names.sort_by_key(|(lang, _)| lang.span().start);
            let own = (
                default_language.to_string(),
                key.span().start,
                key.get_ref().clone(),
                key.span().start,
            );
            let others = names.into_iter().map(|(lang, name)| {
                let (lang_at, offset) = (lang.span().start, name.span().start);
                (lang.into_inner(), lang_at, name.into_inner(), offset)
            });
            for (n, (lang, lang_at, name, offset)) in std::iter::once(own).chain(others).enumerate()
            {
                let slug = tag_slug(&name);
                if n > 0 && (lang == default_language || !languages.contains(&lang)) {
                    problem(
                        lang_at,
                        format!(
                            "[tags] {}: `{lang}` is not one of the site's other languages",
                            key.get_ref()
                        ),
                        &format!(
                            "name the tag in one of: {} (the key is the {default_language} tag)",
                            other_languages(languages, default_language)
                        ),
                    );
                    continue;
                }
                if slug.is_empty() {
                    problem(
                        offset,
                        format!("[tags] {}: `{name}` is not a tag", key.get_ref()),
                        "write the tag as that language's articles write it in `tags`",
                    );
                    continue;
                }
                let place = (lang.clone(), slug.clone());
                if let Some(earlier) = twins.subjects.get(&place) {
                    problem(
                        offset,
                        format!("[tags]: the {lang} tag `{name}` is already a name of `{earlier}`"),
                        "a tag belongs to one subject: keep one of the two entries",
                    );
                    continue;
                }
                twins.subjects.insert(place, subject.clone());
                twins.slugs.insert((subject.clone(), lang.clone()), slug);
                let (line, column) = index.line_column(offset);
                twins.entries.push(TagName {
                    lang,
                    name,
                    line,
                    column,
                });
            }
        }
        if problems.is_empty() {
            Ok(twins)
        } else {
            Err(problems)
        }
    }

    /// The subject of the tag `slug` in `lang`: the same for all its twins.
    pub(crate) fn subject<'a>(&'a self, lang: &str, slug: &'a str) -> &'a str {
        self.subjects
            .get(&(lang.to_string(), slug.to_string()))
            .map_or(slug, String::as_str)
    }

    /// The slug of the tag of `subject` in `lang` (the subject's own, when no entry names one
    /// there).
    pub(crate) fn slug_in<'a>(&'a self, subject: &'a str, lang: &str) -> &'a str {
        self.slugs
            .get(&(subject.to_string(), lang.to_string()))
            .map_or(subject, String::as_str)
    }
}

fn other_languages(languages: &[String], default_language: &str) -> String {
    let others: Vec<&str> = languages
        .iter()
        .map(String::as_str)
        .filter(|l| *l != default_language)
        .collect();
    others.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn twins(table: &str) -> Result<TagTwins, Vec<String>> {
        #[derive(Deserialize)]
        struct File {
            tags: RawTagTwins,
        }
        let text = format!("title = \"t\"\n[tags]\n{table}");
        let file: File = toml::from_str(&text).unwrap();
        let languages = ["en".to_string(), "es".to_string()];
        TagTwins::new(file.tags, &text, "en", &languages, "aula.toml")
            .map_err(|errors| errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn twins_share_a_subject_and_unnamed_tags_are_their_own() {
        let twins =
            twins("community = { es = \"comunidad\" }\n\"Cost allocation\" = { es = \"asignación de costos\" }\n")
                .unwrap();
        assert_eq!(twins.subject("es", "comunidad"), "community");
        assert_eq!(twins.subject("en", "community"), "community");
        assert_eq!(twins.slug_in("community", "es"), "comunidad");
        assert_eq!(twins.slug_in("community", "en"), "community");
        assert_eq!(
            twins.subject("es", "asignacion-de-costos"),
            "cost-allocation"
        );
        assert_eq!(
            twins.slug_in("cost-allocation", "es"),
            "asignacion-de-costos"
        );
        // A tag no entry names: the same slug in every language.
        assert_eq!(twins.subject("es", "finops"), "finops");
        assert_eq!(twins.slug_in("finops", "en"), "finops");
        let names: Vec<(&str, &str)> = twins
            .entries
            .iter()
            .map(|e| (e.lang.as_str(), e.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("en", "community"),
                ("es", "comunidad"),
                ("en", "Cost allocation"),
                ("es", "asignación de costos")
            ]
        );
    }

    #[test]
    fn bad_entries_are_errors_at_their_place() {
        let errors = twins(
            "community = { es = \"comunidad\", pt = \"comunidade\" }\nteam = { es = \"Comunidad\" }\nx = { en = \"y\" }\n\"!!\" = { es = \"z\" }\n",
        )
        .unwrap_err();
        assert_eq!(errors.len(), 4, "{errors:#?}");
        assert!(errors[0].starts_with("aula.toml:3:33: error: [tags] community: `pt` is not one of the site's other languages"), "{errors:#?}");
        assert!(errors[1].starts_with("aula.toml:4:15: error: [tags]: the es tag `Comunidad` is already a name of `community`"), "{errors:#?}");
        assert!(
            errors[2].starts_with("aula.toml:5:7: error: [tags] x: `en`"),
            "{errors:#?}"
        );
        assert!(
            errors[3].starts_with("aula.toml:6:1: error: [tags]: `!!` is not a tag"),
            "{errors:#?}"
        );
    }
}
