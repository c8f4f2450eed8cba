//! The translator's workflow end to end: fallback pages and stale notices in the built HTML, the
//! translation-status page, and `aula i18n mark` (which must change nothing but its own lines).

mod common;

use common::{Site, stdout};

#[test]
fn an_untranslated_article_gets_a_fallback_page_with_a_notice_and_a_canonical_link() {
    let site = Site::fixture("check-translations");
    site.build_ok();
    let html = site.read("es/guide/only-english/index.html");
    assert!(html.contains("notice-fallback"), "{html}");
    assert!(
        html.contains(
            "<link rel=\"canonical\" href=\"https://fixture.example.org/en/guide/only-english/\">"
        ),
        "{html}"
    );
    assert!(html.contains("Nobody translated this yet."), "{html}");
    // The switcher leads to the original.
    assert!(html.contains("href=\"/en/guide/only-english/\""), "{html}");
}

#[test]
fn a_stale_translation_says_so_and_an_up_to_date_one_does_not() {
    let site = Site::fixture("check-translations");
    site.build_ok();
    let stale = site.read("es/guide/cambiado/index.html");
    assert!(stale.contains("notice-stale"), "{stale}");
    assert!(stale.contains("href=\"/en/guide/changed/\""), "{stale}");
    let current = site.read("es/index.html");
    assert!(!current.contains("notice-stale"), "{current}");
}

#[test]
fn each_language_gets_a_translation_status_page() {
    let site = Site::fixture("check-translations");
    site.build_ok();
    let es = site.read("es/translations/index.html");
    assert!(es.contains("<html lang=\"es\""), "{es}");
    // only-english and split are missing; cambiado stale; yaml unrecorded; home and guide current.
    assert!(es.contains("66 % traducido: 4 de 6 páginas."), "{es}");
    for id in [
        "translations-missing",
        "translations-stale",
        "translations-unrecorded",
        "translations-current",
    ] {
        assert!(es.contains(&format!("id=\"{id}\"")), "{id} in {es}");
    }
    assert!(es.contains("content/en/guide/only-english.md"), "{es}");
    let en = site.read("en/translations/index.html");
    assert!(en.contains("0% translated: 0 of 2 pages."), "{en}");
}

#[test]
fn mark_records_the_original_and_changes_nothing_else_in_toml_or_yaml() {
    let site = Site::fixture("check-translations");
    for (file, original) in [
        (
            "content/es/guide/cambiado.md",
            "content/en/guide/changed.md",
        ),
        ("content/es/guide/yaml.md", "content/en/guide/yaml.md"),
    ] {
        let before = site.source(file);
        let output = site.aula(&["i18n", "mark"], &[file]);
        assert!(output.status.success(), "{}", common::stderr(&output));
        assert!(stdout(&output).contains(original), "{}", stdout(&output));
        let after = site.source(file);
        let removed: Vec<&str> = before
            .lines()
            .filter(|l| !after.lines().any(|a| a == *l))
            .collect();
        let added: Vec<&str> = after
            .lines()
            .filter(|l| !before.lines().any(|b| b == *l))
            .collect();
        assert_eq!(added.len(), 1, "{after}");
        assert!(added[0].starts_with("source_hash"), "{after}");
        assert!(
            removed.iter().all(|l| l.starts_with("source_hash")),
            "{removed:?}"
        );
        // Marking again finds nothing to do and leaves the bytes alone.
        let output = site.aula(&["i18n", "mark"], &[file]);
        assert!(
            stdout(&output).contains("already records"),
            "{}",
            stdout(&output)
        );
        assert_eq!(site.source(file), after);
    }
    let yaml = site.source("content/es/guide/yaml.md");
    assert!(
        yaml.contains("tags: [a, b]   # a comment that must survive\nsource_hash: \""),
        "{yaml}"
    );
    let output = site.check(&[]);
    let text = stdout(&output);
    assert!(!text.contains("cambiado.md:4:1: warning: stale"), "{text}");
    assert!(!text.contains("yaml.md:1:1: warning"), "{text}");

    // The original changes: the translation is stale again, until it is marked.
    site.write(
        "content/en/guide/yaml.md",
        &format!(
            "{}\nA new paragraph.\n",
            site.source("content/en/guide/yaml.md")
        ),
    );
    let text = stdout(&site.check(&[]));
    assert!(text.contains("content/es/guide/yaml.md:4:1: warning: stale translation: content/en/guide/yaml.md changed"), "{text}");
}

#[test]
fn mark_records_source_lang_for_an_original_outside_the_default_language() {
    let site = Site::fixture("check-translations");
    site.write(
        "content/es/guide/original.md",
        "+++\ntitle = \"Original\"\ntranslation_key = \"from-spanish\"\n+++\n\nEscrito primero en español.\n",
    );
    site.write(
        "content/en/guide/from-spanish.md",
        "+++\ntitle = \"From Spanish\"\ntranslation_key = \"from-spanish\"\n+++\n\nWritten first in Spanish.\n",
    );
    let output = site.aula(
        &["i18n", "mark"],
        &["content/en/guide/from-spanish.md", "--from", "es"],
    );
    assert!(output.status.success(), "{}", common::stderr(&output));
    let text = site.source("content/en/guide/from-spanish.md");
    assert!(text.contains("\nsource_lang = \"es\"\n+++\n"), "{text}");
    let check = stdout(&site.check(&[]));
    assert!(!check.contains("from-spanish.md"), "{check}");
    assert!(!check.contains("original.md"), "{check}");
}
