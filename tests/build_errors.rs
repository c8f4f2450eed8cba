//! Bad input to `aula build`: every problem reported at `path:line:col` counted from the top of
//! the file, all of them at once, exit code 1, and the previous output left untouched.

mod common;

use common::{Site, stderr};

/// Builds, expects failure, and returns what aula printed.
fn failing_build(site: &Site) -> String {
    let output = site.build(&[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let printed = stderr(&output);
    assert!(!printed.contains("panicked"), "{printed}");
    printed
}

#[test]
fn malformed_toml_front_matter_is_placed_from_the_top_of_the_file() {
    let site = Site::fixture("bilingual");
    site.write(
        "content/en/finops/broken.md",
        "+++\ntitle = \"Broken\"\ntags = [\"a\",\n+++\nbody\n",
    );
    let printed = failing_build(&site);
    assert!(
        printed.contains(
            "content/en/finops/broken.md:3:13: error: invalid TOML front matter: unclosed array"
        ),
        "{printed}"
    );
}

#[test]
fn malformed_yaml_front_matter_is_placed_from_the_top_of_the_file() {
    let site = Site::fixture("bilingual");
    site.write(
        "content/en/finops/broken.md",
        "---\ntitle: Broken\ndescription: [unclosed\n---\nbody\n",
    );
    let printed = failing_build(&site);
    assert!(
        printed.contains("content/en/finops/broken.md:3:")
            || printed.contains("content/en/finops/broken.md:4:"),
        "{printed}"
    );
    assert!(printed.contains("invalid YAML front matter"), "{printed}");
}

#[test]
fn a_missing_title_a_bad_date_and_an_unknown_section_are_reported_together() {
    let site = Site::fixture("bilingual");
    site.write(
        "content/en/finops/untitled.md",
        "+++\nweight = 1\n+++\nbody\n",
    );
    site.write(
        "content/es/finops/fecha.md",
        "+++\ntitle = \"Fecha\"\n\ndate = \"30 de febrero\"\n+++\n",
    );
    site.write("content/en/cooking/soup.md", "+++\ntitle = \"Soup\"\n+++\n");
    let printed = failing_build(&site);
    assert!(
        printed.contains("content/en/finops/untitled.md:1:1: error: missing `title` in the front matter — add a line `title = \"…\"`"),
        "{printed}"
    );
    assert!(
        printed.contains("content/es/finops/fecha.md:4:1: error: `date` is not a date: `30 de febrero` — write dates as YYYY-MM-DD"),
        "{printed}"
    );
    assert!(
        printed.contains("content/en/cooking/soup.md: error: unknown section `cooking` — add \"cooking\" to `sections` in aula.toml"),
        "{printed}"
    );
    assert!(printed.contains("3 errors"), "{printed}");
}

#[test]
fn an_impossible_calendar_date_is_refused() {
    let site = Site::fixture("bilingual");
    site.write(
        "content/en/finops/leap.md",
        "+++\ntitle = \"Leap\"\ndate = 2026-02-30\n+++\n",
    );
    let printed = failing_build(&site);
    assert!(printed.contains("content/en/finops/leap.md:"), "{printed}");
}

#[test]
fn a_template_syntax_error_names_the_template_line_and_column() {
    let site = Site::fixture("bilingual");
    let path = site.path().join("templates/tags.html");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n{% for x in %}\n");
    let line = text.lines().count();
    std::fs::write(&path, text).unwrap();
    let printed = failing_build(&site);
    assert!(
        printed.contains(&format!("templates/tags.html:{line}:")),
        "expected line {line}: {printed}"
    );
    assert!(printed.contains("template syntax error"), "{printed}");
}

#[test]
fn an_unknown_fluent_key_is_an_error_at_the_call() {
    let site = Site::fixture("bilingual");
    let path = site.path().join("templates/page.html");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "{% block content %}",
        "{% block content %}\n{{ t(key=\"no-such-string\") }}",
        1,
    );
    std::fs::write(&path, &text).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("no-such-string"))
        .unwrap()
        + 1;
    let printed = failing_build(&site);
    assert!(
        printed.contains(&format!("templates/page.html:{line}:")),
        "expected line {line}: {printed}"
    );
    assert!(
        printed.contains("unknown UI string `no-such-string`"),
        "{printed}"
    );
}

#[test]
fn an_unknown_lab_or_example_is_an_error_at_its_fence() {
    let site = Site::fixture("bilingual");
    site.write(
        "content/en/finops/labs.md",
        "+++\ntitle = \"Labs\"\n+++\nIntro.\n\n```lab no-such-lab\n```\n\n```lab rate-limit\nexample = \"nope\"\n```\n",
    );
    let printed = failing_build(&site);
    assert!(
        printed.contains(
            "content/en/finops/labs.md:6:1: error: unknown lab `no-such-lab` — known labs:"
        ),
        "{printed}"
    );
    assert!(
        printed.contains("content/en/finops/labs.md:10:12: error: lab `rate-limit` has no example `nope` — examples of `rate-limit`:"),
        "{printed}"
    );
}

#[test]
fn a_link_to_a_missing_page_is_an_error_at_the_link() {
    let site = Site::fixture("bilingual");
    site.write(
        "content/en/finops/links.md",
        "+++\ntitle = \"Links\"\n+++\nFirst line.\nSee [nothing](@/finops/nothing.md).\n",
    );
    let printed = failing_build(&site);
    assert!(
        printed.contains(
            "content/en/finops/links.md:5:5: error: no page `content/en/finops/nothing.md`"
        ),
        "{printed}"
    );
}

#[test]
fn an_unknown_key_in_aula_toml_is_named_with_its_line() {
    let site = Site::fixture("bilingual");
    let path = site.path().join("aula.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("colour = \"blue\"\n");
    let line = text.lines().count();
    std::fs::write(&path, text).unwrap();
    let printed = failing_build(&site);
    assert!(
        printed.contains(&format!("aula.toml:{line}:1: error:")),
        "{printed}"
    );
    assert!(printed.contains("colour"), "{printed}");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = Site::fixture("bilingual");
    site.build_ok();
    let before = site.read("en/agent-security/windows/index.html");
    site.write("content/en/finops/untitled.md", "+++\n+++\n");
    failing_build(&site);
    assert_eq!(site.read("en/agent-security/windows/index.html"), before);
    assert!(!site.exists("en/finops/untitled/index.html"));
}

#[test]
fn dangerous_output_folders_are_refused_before_building() {
    let site = Site::fixture("bilingual");
    for output in [".", "content", "content/en", "/"] {
        let result = site.build(&["--output", output]);
        assert_eq!(result.status.code(), Some(1), "{output}");
        assert!(
            stderr(&result).contains("refusing to write the site into"),
            "{output}: {}",
            stderr(&result)
        );
    }
    assert!(site.path().join("content/en/_index.md").exists());
}

#[test]
fn a_build_failing_halfway_through_rendering_leaves_nothing_behind() {
    let site = Site::fixture("bilingual");
    site.build_ok();
    let before = site.read("en/agent-security/windows/index.html");
    // Articles render (and are written to the staging folder) beside the tag pages, which fail.
    let tag = site.source("templates/tag.html");
    site.write(
        "templates/tag.html",
        &tag.replacen("{{ title }}", "{{ no_such_variable.field }}", 1),
    );
    let output = failing_build(&site);
    assert!(output.contains("no_such_variable"), "{output}");
    assert_eq!(site.read("en/agent-security/windows/index.html"), before);
    let leftovers: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("aula-new") || name.contains("aula-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
