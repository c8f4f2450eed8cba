//! `aula check` runs every example of every lab and compares it with
//! `labs/expected/<id>/<example>.<lang>.json` (`tests/fixtures/check-labs`: one answer matches,
//! one differs, one has no expected file, one lab is over its output cap, one over its time
//! limit); and the bundled course checks clean. Needs the lab binaries next to the aula binary
//! (`cargo build` builds them).

mod common;

use common::{Site, assert_lines, repo_root, stdout};

#[test]
fn lab_examples_are_compared_with_their_expected_answers() {
    let site = Site::fixture("check-labs");
    let output = site.check(&[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_lines(
        &text,
        &[
            "── labs (4) ──",
            "labs/manifests/cost-allocation.toml:59:8: error: lab `cost-allocation` example `even` (en) answered differently from labs/expected/cost-allocation/even.en.json:",
            "    .blocks[0].rows[0][4]: expected \"45.0%\", got \"45.5%\"",
            "    .blocks[2].status: expected \"pass\", got \"warn\"",
            "    if the new answer is right: aula labs run cost-allocation --example even --lang en > labs/expected/cost-allocation/even.en.json",
            "labs/manifests/cost-allocation.toml:64:8: error: lab `cost-allocation` example `fixed-split` (en) has no expected answer: labs/expected/cost-allocation/fixed-split.en.json is missing — write it from the current answer: aula labs run cost-allocation --example fixed-split --lang en > labs/expected/cost-allocation/fixed-split.en.json",
            "labs/manifests/iam-eval.toml:61:8: error: lab `iam-eval` example `allowed` (en) printed more than its output cap of 16 bytes — make the answer smaller or raise [limits] output_bytes in its manifest",
            "labs/manifests/rate-limit.toml:74:8: error: lab `rate-limit` example `boundary-burst` (en) ran past its time limit of 0 ms and was stopped — make the lab faster or raise [limits] time_ms in its manifest",
        ],
    );
    // The matching example is not reported; the manifest's undefined title key is.
    assert!(!text.contains("example `proportional`"), "{text}");
    assert_lines(
        &text,
        &[
            "labs/manifests/cost-allocation.toml:2:9: error: UI string `lab-fixture-undefined-title` is used by lab `cost-allocation` but not defined in locales/en/ — add `lab-fixture-undefined-title = …` to locales/en/lab-cost-allocation.ftl",
        ],
    );
}

#[test]
fn the_bundled_course_checks_clean() {
    let output = common::aula()
        .arg("check")
        .arg("--root")
        .arg(repo_root())
        .output()
        .unwrap();
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", common::stderr(&output));
    assert!(!text.contains("error:"), "{text}");
}

#[test]
fn a_shown_when_that_names_no_input_or_value_is_an_error_at_its_line() {
    let site = Site::fixture("check-labs");
    let manifest = site.source("labs/manifests/rate-limit.toml");
    let bad = manifest.replacen(
        "name = \"timestamps\"\ntype = \"textarea\"\n",
        "name = \"timestamps\"\ntype = \"textarea\"\nshown_when = { preset = \"bursty\" }\n",
        1,
    );
    assert_ne!(bad, manifest, "the fixture's timestamps input moved");
    site.write("labs/manifests/rate-limit.toml", &bad);
    let output = site.check(&[]);
    let text = stdout(&output) + &common::stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("labs/manifests/rate-limit.toml:25:14: error: input `timestamps`: shown_when: `preset` has no value bursty"),
        "{text}"
    );
    assert!(
        text.contains("use one of: boundary-burst, steady, coordinated, custom"),
        "{text}"
    );
}
