//! `aula check` on translations and UI strings: missing, stale, unrecorded and inconsistently
//! linked translations (`tests/fixtures/check-translations`), and Fluent keys missing, obsolete,
//! with different placeholders or used by templates but defined nowhere (`check-fluent`).

mod common;

use common::{Site, assert_lines, stdout};

#[test]
fn translations_missing_stale_unrecorded_and_inconsistent_are_listed_with_both_files() {
    let site = Site::fixture("check-translations");
    let output = site.check(&[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_lines(
        &text,
        &[
            "── translations (8) ──",
            "content/en/guide/only-english.md:1:1: warning: no `es` translation: readers of /es/guide/only-english/ get this en original with a notice — aula new translation content/en/guide/only-english.md --lang es",
            "content/es/guide/cambiado.md:4:1: warning: stale translation: content/en/guide/changed.md changed since it was translated (recorded 000000000000, now 0f237d5a61a2) — bring it up to date with content/en/guide/changed.md, then run `aula i18n mark content/es/guide/cambiado.md`",
            "content/es/guide/yaml.md:1:1: warning: translation of content/en/guide/yaml.md records no `source_hash`, so aula cannot tell when the original changes — once it is up to date, run `aula i18n mark content/es/guide/yaml.md`",
            "content/es/guide/split.md:3:1: error: content/es/guide/split.md and content/en/guide/split.md share a path but not a translation key (`separate` and `guide/split`), so they are not linked as translations — give both the same `translation_key`, or remove it from both",
            "content/es/guide/fantasma.md:4:1: error: this page records an original in `en`, but no en page has its translation key `ghost` — set `source_lang` to the original's language and give both pages the same path or `translation_key`",
            "aula check: 2 errors, 6 warnings",
        ],
    );
}

#[test]
fn warnings_alone_pass_unless_strict() {
    let site = Site::fixture("check-translations");
    for broken in ["content/es/guide/split.md", "content/es/guide/fantasma.md"] {
        site.remove(broken);
    }
    let output = site.check(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("aula check: 0 errors, 4 warnings"));
    assert_eq!(site.check(&["--strict"]).status.code(), Some(1));
}

#[test]
fn fluent_keys_missing_obsolete_with_other_placeholders_or_undefined_are_errors() {
    let site = Site::fixture_over("check-fluent");
    let output = site.check(&[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_lines(
        &text,
        &[
            "── fluent (4) ──",
            "locales/en/fixture.ftl:3:1: error: UI string `fixture-only-english` is missing in `es` — add `fixture-only-english = …` to a file in locales/es/ (build shows the en text meanwhile)",
            "locales/es/fixture.ftl:2:1: error: UI string `fixture-greeting` uses { $nombre } here but { $name } in en (locales/en/fixture.ftl:2) — placeholder names are not translated: use the same `$names` in every language",
            "locales/es/fixture.ftl:7:1: error: UI string `fixture-obsolete` is obsolete: the default language (en) does not define it — remove it, or add it to locales/en/ first",
            "templates/partials/fixture-unused.html:3:7: error: UI string `fixture-nowhere` is used here but not defined in locales/en/ — add `fixture-nowhere = …` to a file in locales/en/",
            "aula check: 4 errors, 0 warnings",
        ],
    );
}

#[test]
fn a_missing_key_is_a_warning_in_build_once_per_key() {
    let site = Site::fixture_over("check-fluent");
    site.write(
        "templates/partials/fixture-unused.html",
        "{# nothing here #}\n",
    );
    // Every page in Spanish asks for the key; the build warns once.
    let page = site.source("templates/page.html").replace(
        "{% endblock content %}",
        "{{ t(key=\"fixture-only-english\") }}{% endblock content %}",
    );
    site.write("templates/page.html", &page);
    site.write("content/en/a.md", "+++\ntitle = \"A\"\n+++\n");
    site.write("content/en/b.md", "+++\ntitle = \"B\"\n+++\n");
    let output = site.build_ok();
    let text = common::stderr(&output);
    let warning = "locales/es: warning: UI string `fixture-only-english` is missing in `es`; the en text is used — add `fixture-only-english = …` to a file in locales/es/";
    assert_eq!(text.lines().filter(|l| *l == warning).count(), 1, "{text}");
}

#[test]
fn a_fluent_syntax_error_is_placed_in_its_file() {
    let site = Site::fixture_over("check-fluent");
    site.write(
        "locales/es/fixture.ftl",
        "fixture-greeting = ¡Hola!\nroto\n",
    );
    let output = site.check(&[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.lines().any(
            |l| l.starts_with("locales/es/fixture.ftl:2:") && l.contains("Fluent syntax error")
        ),
        "{text}"
    );
}
