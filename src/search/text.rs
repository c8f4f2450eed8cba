//! Words: how text is cut into words, folded and stemmed — the same rules the browser client
//! (`static/search.js`) applies to a query, except stemming, which only the build does.
//!
//! A word is a run of alphabetic or numeric characters, lower-cased. Its *folded* form drops
//! diacritics (NFD, then combining marks U+0300–U+036F removed), so "política" and "politica"
//! are the same key; the browser folds with `normalize("NFD")` and the same range. Stems come
//! from the Snowball algorithm of the page's language, applied to the unfolded lowercase word
//! (Spanish Snowball expects its accents), then folded. Knows nothing about HTML or files.

use std::borrow::Cow;

use pagefind_stem::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

/// Longer "words" (hashes, base64) are not worth indexing.
const MAX_WORD: usize = 40;

/// Calls `each` with every word of `text`, lower-cased (a reused buffer).
pub(crate) fn words(text: &str, mut each: impl FnMut(&str)) {
    let mut word = String::new();
    let mut chars = 0;
    let mut rest = text;
    while !rest.is_empty() {
        // ASCII runs, the common case, a byte at a time.
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        for b in rest[..ascii].bytes() {
            if b.is_ascii_alphanumeric() {
                word.push(char::from(b.to_ascii_lowercase()));
                chars += 1;
            } else if !word.is_empty() {
                if chars <= MAX_WORD {
                    each(&word);
                }
                word.clear();
                chars = 0;
            }
        }
        rest = &rest[ascii..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
            chars += 1;
        } else if !word.is_empty() {
            if chars <= MAX_WORD {
                each(&word);
            }
            word.clear();
            chars = 0;
        }
        rest = &rest[c.len_utf8()..];
    }
    if !word.is_empty() && chars <= MAX_WORD {
        each(&word);
    }
}

/// `word` without diacritics ("política" → "politica"); ASCII words as they are.
pub(crate) fn fold(word: &str) -> Cow<'_, str> {
    if word.is_ascii() {
        return Cow::Borrowed(word);
    }
    Cow::Owned(
        word.nfd()
            .filter(|c| !('\u{0300}'..='\u{036f}').contains(c))
            .collect(),
    )
}

/// The stemmer of a language code (`es`, `es-MX`, `en`, …), if aula has one for it; pages in
/// other languages are matched by whole words and prefixes only.
pub(crate) fn stemmer(language: &str) -> Option<Stemmer> {
    let base = language.split(['-', '_']).next().unwrap_or_default();
    let algorithm = match base.to_ascii_lowercase().as_str() {
        "en" => Algorithm::English,
        "es" => Algorithm::Spanish,
        "pt" => Algorithm::Portuguese,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "it" => Algorithm::Italian,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// The folded stem of a lowercase word.
pub(crate) fn stem(stemmer: Option<&Stemmer>, word: &str) -> String {
    match stemmer {
        Some(stemmer) => fold(&stemmer.stem(word)).into_owned(),
        None => fold(word).into_owned(),
    }
}

/// The name of the word shard a folded word is listed in: its first three characters, as they
/// are when they are ASCII letters or digits, else `x` and the hex of their UTF-8 bytes.
pub(crate) fn shard_key(folded: &str) -> String {
    let head: String = folded.chars().take(3).collect();
    if head
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        head
    } else {
        let mut key = String::from("x");
        for b in head.bytes() {
            key.push_str(&format!("{b:02x}"));
        }
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercase_runs_of_letters_and_digits() {
        let mut seen = Vec::new();
        words("Límites de tasa: HTTP 429, vars_files!", |w| {
            seen.push(w.to_string())
        });
        assert_eq!(
            seen,
            ["límites", "de", "tasa", "http", "429", "vars", "files"]
        );
    }

    #[test]
    fn folding_drops_accents_only() {
        assert_eq!(fold("política"), "politica");
        assert_eq!(fold("año"), "ano");
        assert_eq!(fold("straße"), "straße");
        assert_eq!(fold("window"), "window");
    }

    #[test]
    fn spanish_and_english_stems() {
        let es = stemmer("es");
        assert_eq!(stem(es.as_ref(), "ventanas"), stem(es.as_ref(), "ventana"));
        assert_eq!(
            stem(es.as_ref(), "política"),
            stem(es.as_ref(), "políticas")
        );
        let en = stemmer("en-GB");
        assert_eq!(stem(en.as_ref(), "windows"), "window");
        assert_eq!(
            stem(en.as_ref(), "deployments"),
            stem(en.as_ref(), "deployment")
        );
        assert!(stemmer("zz").is_none());
    }

    #[test]
    fn shard_keys_are_safe_file_names() {
        assert_eq!(shard_key("ventanas"), "ven");
        assert_eq!(shard_key("ai"), "ai");
        assert_eq!(shard_key("straße"), "str");
        assert_eq!(shard_key("ßa"), "xc39f61");
    }
}
