//! The course's structure end to end (README, "Write an article"): the `verified`, `learn` and
//! `prerequisites` front matter shown on the article page with headings in the reader's language,
//! and `aula check` warning about articles verified longer ago than `[check]
//! verified_max_age_days` — but not about recent ones.

mod common;

use common::{Site, stderr, stdout};

/// Today in UTC, as `aula check` reads it.
fn today() -> jiff::civil::Date {
    jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
}

#[test]
fn the_verified_line_and_the_learning_goals_are_shown_in_the_readers_language() {
    let site = Site::fixture("course-structure");
    site.build_ok();
    let en = site.read("en/guide/precedence/index.html");
    assert!(
        en.contains("<time datetime=\"2020-01-15\">Verified against ansible-core 2.9, Python 3.8 on January 15, 2020.</time>"),
        "{en}"
    );
    assert!(
        en.contains("<h2 id=\"learn-title\">You will learn</h2>"),
        "{en}"
    );
    assert!(
        en.contains("<li>Which source of a variable wins</li>"),
        "{en}"
    );
    assert!(
        en.contains("<h2 id=\"prerequisites-title\">Before you start</h2>"),
        "{en}"
    );
    assert!(en.contains("<li>YAML basics</li>"), "{en}");
    // Self-check answers are Markdown with raw `<details>`, kept as written.
    assert!(en.contains("<details><summary>Answer</summary>"), "{en}");

    let es = site.read("es/guide/precedencia/index.html");
    assert!(
        es.contains("Verificado con ansible-core 2.9, Python 3.8 el 15 de enero de 2020."),
        "{es}"
    );
    assert!(es.contains(">Lo que van a aprender</h2>"), "{es}");
    assert!(es.contains(">Antes de empezar</h2>"), "{es}");
    assert!(es.contains("<li>Nociones de YAML</li>"), "{es}");

    // An article without the front matter shows none of it.
    let plain = site.read("en/guide/untested/index.html");
    for absent in ["class=\"verified\"", "learn-title", "prerequisites-title"] {
        assert!(!plain.contains(absent), "{absent} in {plain}");
    }
}

#[test]
fn the_fallback_notice_names_the_original_language_in_the_readers_language() {
    let site = Site::fixture("course-structure");
    site.build_ok();
    let es = site.read("es/guide/untested/index.html");
    assert!(es.contains("Están leyendo el original en inglés."), "{es}");
    assert!(!es.contains("original en English"), "{es}");
}

#[test]
fn check_warns_about_an_old_verified_date_at_its_line_and_not_about_a_recent_one() {
    let site = Site::fixture("course-structure");
    let output = site.check(&[]);
    let out = stdout(&output);
    // Warnings do not fail the check.
    assert!(output.status.success(), "{out}\n{}", stderr(&output));
    let days = jiff::civil::date(2020, 1, 15)
        .until(today())
        .unwrap()
        .get_days();
    for path in [
        "content/en/guide/precedence.md",
        "content/es/guide/precedencia.md",
    ] {
        let expected = format!(
            "{path}:6:1: warning: verified against ansible-core 2.9, Python 3.8 on 2020-01-15, {days} days ago (more than verified_max_age_days = 365) — check the article's claims against the current versions, then update `verified` (date and tools)"
        );
        assert!(
            out.lines().any(|l| l == expected),
            "missing:\n{expected}\nin:\n{out}"
        );
    }
    // `--strict` fails on them.
    assert!(!site.check(&["--strict"]).status.success());

    // Checked again today: no warning about it.
    for path in [
        "content/en/guide/precedence.md",
        "content/es/guide/precedencia.md",
    ] {
        let source = site
            .source(path)
            .replace("2020-01-15", &today().to_string());
        site.write(path, &source);
    }
    let out = stdout(&site.check(&[]));
    assert!(!out.contains("verified against"), "{out}");
}

#[test]
fn a_verified_line_without_tools_is_an_error_at_its_line() {
    let site = Site::fixture("course-structure");
    let path = "content/en/guide/precedence.md";
    let source = site.source(path).replace(
        "tools = [\"ansible-core 2.9\", \"Python 3.8\"]",
        "tools = []",
    );
    site.write(path, &source);
    let output = site.build(&[]);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains("content/en/guide/precedence.md:6:1: error: `verified` names no tools"),
        "{err}"
    );
}
