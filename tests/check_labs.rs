//! `aula check` runs every example of every lab and compares it with
//! `labs/expected/<id>/<example>.<lang>.json` (`tests/fixtures/check-labs`: one answer matches,
//! one differs, one has no expected file, one lab is over its output cap, one over its time
//! limit); that an example whose chart fields break the protocol is an error at the example's
//! line; and that the bundled course checks clean. Needs the lab binaries next to the aula binary
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

/// A lab whose answer has a chart the page cannot draw (here a fake lab: a script that prints a
/// log-scale chart whose y range starts at 0 and a band that runs backwards) fails `aula check`
/// at each example's line in the manifest, naming the block and the field.
#[test]
#[cfg(unix)]
fn an_example_whose_chart_fields_break_the_protocol_is_an_error_at_its_line() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::fixture("check-labs");
    let answer = r#"{"blocks":[{"type":"text","text":"x"},{"type":"series","title":"Cost","x_label":"t","y_label":"USD","kind":"line","y_range":[0,10],"scale":"log","annotations":[{"kind":"band","axis":"x","from":5,"to":2,"label":"backwards"}],"series":[{"name":"a","points":[[0,1]]}]}]}"#;
    site.write(
        "bin/cost-allocation",
        &format!("#!/bin/sh\nprintf '%s\\n' '{answer}'\n"),
    );
    let script = site.path().join("bin/cost-allocation");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = site.source("aula.toml") + "\n[labs]\nbin_dir = \"bin\"\n";
    site.write("aula.toml", &config);
    let output = site.check(&[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_lines(
        &text,
        &[
            "labs/manifests/cost-allocation.toml:54:8: error: lab `cost-allocation` example `proportional` (en) answered with chart fields the page cannot draw:",
            "    lab `cost-allocation`: blocks[1] (series \"Cost\"): y_range: a log scale needs a positive minimum, found 0",
            "    lab `cost-allocation`: blocks[1] (series \"Cost\"): annotations[0]: `from` (5) must be less than `to` (2) — fix the lab's `series` block (see \"How a chart looks at its data\" in labs/README.md)",
        ],
    );
    // Every example is checked, not only the first.
    assert!(
        text.contains("labs/manifests/cost-allocation.toml:64:8: error: lab `cost-allocation` example `fixed-split` (en) answered with chart fields"),
        "{text}"
    );
}
