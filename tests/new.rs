//! `aula new site|article|translation`: scaffolds that build and check clean, and never
//! overwrite a file. The site check needs the lab binaries next to the aula binary.

mod common;

use common::{Site, stderr, stdout};

#[test]
fn a_new_site_builds_and_checks_clean() {
    let site = Site::new_site();
    site.build_ok();
    assert!(site.read("en/basics/first-lab/index.html").contains("lab"));
    assert!(site.exists("es/basics/primer-laboratorio/index.html"));
    assert!(site.exists("es/translations/index.html"));
    let output = site.check(&[]);
    assert!(output.status.success(), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("aula check: no problems found"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn new_site_refuses_a_folder_with_the_skeletons_files() {
    let site = Site::new_site();
    site.write("content/en/_index.md", "mine");
    let output = common::aula()
        .args(["new", "site"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("already exists; aula new site never overwrites a file"),
        "{}",
        stderr(&output)
    );
    assert_eq!(site.source("content/en/_index.md"), "mine");
}

#[test]
fn a_new_article_has_a_slug_from_its_title_and_today_and_is_not_written_twice() {
    let site = Site::new_site();
    let output = site.aula(
        &["new", "article"],
        &["--section", "basics", "--lang", "es", "¿Qué es un token?"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = site.source("content/es/basics/que-es-un-token.md");
    assert!(
        text.starts_with("+++\ntitle = \"¿Qué es un token?\"\n"),
        "{text}"
    );
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    assert!(text.contains(&format!("date = {today}")), "{text}");
    site.build_ok();

    let again = site.aula(
        &["new", "article"],
        &["--section", "basics", "--lang", "es", "¿Qué es un token?"],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );

    let section = site.aula(
        &["new", "article"],
        &["--section", "nope", "--lang", "es", "X"],
    );
    assert_eq!(
        stderr(&section).trim(),
        "error: unknown section `nope`: this site's sections are basics (add it to `sections` in aula.toml first)"
    );
    let lang = site.aula(
        &["new", "article"],
        &["--section", "basics", "--lang", "fr", "X"],
    );
    assert_eq!(
        stderr(&lang).trim(),
        "error: unknown language `fr`: this site's languages are en, es (`languages` in aula.toml)"
    );
}

#[test]
fn a_new_translation_is_linked_recorded_and_checks_clean() {
    let site = Site::new_site();
    let output = site.aula(
        &["new", "article"],
        &["--section", "basics", "--lang", "en", "Tokens explained"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    site.write(
        "content/en/basics/tokens-explained.md",
        &format!(
            "{}\nA token is a piece of text.\n",
            site.source("content/en/basics/tokens-explained.md")
        ),
    );
    // Before: the Spanish reader gets a fallback, and check lists it as missing.
    assert!(
        stdout(&site.check(&[]))
            .contains("content/en/basics/tokens-explained.md:1:1: warning: no `es` translation")
    );

    let output = site.aula(
        &["new", "translation"],
        &[
            "content/en/basics/tokens-explained.md",
            "--lang",
            "es",
            "--slug",
            "los-tokens",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    // The original gets the key its path gave it, so nothing else about it changes.
    assert!(
        site.source("content/en/basics/tokens-explained.md")
            .contains("\ntranslation_key = \"basics/tokens-explained\"\n+++\n")
    );
    let translation = site.source("content/es/basics/los-tokens.md");
    assert!(
        translation.contains("title = \"Tokens explained\"\n"),
        "{translation}"
    );
    assert!(
        translation.contains("translation_key = \"basics/tokens-explained\"\n"),
        "{translation}"
    );
    assert!(translation.contains("\nsource_hash = \""), "{translation}");
    assert!(
        translation.ends_with("A token is a piece of text.\n"),
        "{translation}"
    );
    let output = site.check(&[]);
    assert!(
        stdout(&output).contains("aula check: no problems found"),
        "{}",
        stdout(&output)
    );
    site.build_ok();
    assert!(site.exists("es/basics/los-tokens/index.html"));

    let again = site.aula(
        &["new", "translation"],
        &["content/en/basics/tokens-explained.md", "--lang", "es"],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already has a `es` translation: content/es/basics/los-tokens.md"),
        "{}",
        stderr(&again)
    );
}
