//! `aula check` on links, drafts and front matter: fixture sites under `tests/fixtures/check-*`,
//! checked by the real binary, every problem asserted at its `path:line:col` with its message.

mod common;

use common::{Site, assert_lines, stdout};

#[test]
fn anchors_and_site_paths_that_do_not_resolve_are_errors_at_the_link() {
    let site = Site::fixture("check-links");
    let output = site.check(&[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_lines(
        &text,
        &[
            "── links (3) ──",
            "content/en/guide/first.md:7:45: error: link `#missing-here`: /en/guide/first/ has no anchor `#missing-here` — headings get ids from their text (or `{#id}` after the heading); see the page's table of contents",
            "content/en/guide/first.md:10:5: error: link `@/guide/second.md#install`: /en/guide/second/ has no anchor `#install` — headings get ids from their text (or `{#id}` after the heading); see the page's table of contents",
            "content/en/guide/first.md:11:21: error: link `/en/guide/third/` leads to /en/guide/third/, which is not a page of the site — link to a source file (`@/section/file.md`) so aula resolves it per language",
            "aula check: 3 errors, 0 warnings",
        ],
    );
    // The links that do resolve (`#setup`, `@/guide/second.md#details`, `/en/guide/second/`)
    // are not reported.
    assert!(!text.contains("#setup`"), "{text}");
    assert!(!text.contains("#details`"), "{text}");
}

#[test]
fn a_draft_linked_from_a_published_page_and_a_missing_page_are_errors_at_the_link() {
    let site = Site::fixture("check-drafts");
    let output = site.check(&[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_lines(
        &text,
        &[
            "content/en/guide/published.md:5:6: error: `@/guide/upcoming.md` is a draft, which this build leaves out — publish the linked page (remove `draft = true`) or remove the link until it is",
            "content/en/guide/published.md:5:53: error: no page `content/en/guide/lost.md` for the link `@/guide/lost.md` — link to a source file relative to the language's folder, e.g. @/finops/my-article.md",
        ],
    );
}

#[test]
fn front_matter_problems_and_duplicate_slugs_are_reported_together() {
    let site = Site::fixture("check-front-matter");
    let output = site.check(&[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_lines(
        &text,
        &[
            "── front matter (3) ──",
            "content/en/guide/bad-date.md:3:1: error: `date` is not a date: `27/11/2026` — write dates as YYYY-MM-DD, e.g. 2026-11-27",
            "content/en/guide/two.md:1:1: error: `content/en/guide/two.md` has the same URL /en/guide/same/ as content/en/guide/one.md — give one of them another file name or `slug`",
        ],
    );
    assert!(
        text.contains(
            "content/en/guide/typo.md:3:1: error: unknown front matter key: unknown field `titel`"
        ),
        "{text}"
    );
}

#[test]
fn json_output_carries_every_problem_with_its_place_and_group() {
    let site = Site::fixture("check-links");
    let output = site.check(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["errors"], 3);
    assert_eq!(report["warnings"], 0);
    let first = &report["problems"][0];
    assert_eq!(first["path"], "content/en/guide/first.md");
    assert_eq!(first["line"], 7);
    assert_eq!(first["column"], 45);
    assert_eq!(first["group"], "links");
    assert_eq!(first["severity"], "error");
}
