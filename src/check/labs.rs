//! Every example of every lab, run in every language and compared with its expected answer.
//! The only check that starts processes (through the lab runner).

use std::path::Path;

use rayon::prelude::*;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, Group, display_path};
use crate::labs::{Lab, blocks, merge_input, request_json, runner};
use crate::site::Project;

use super::fluent::quoted_position;

/// Every example of every lab, run in every language of the site and compared with
/// `labs/expected/<id>/<example>.<lang>.json`.
pub(crate) fn labs(project: &Project) -> Diagnostics {
    let config = &project.config;
    let expected_dir = config
        .lab_manifests
        .parent()
        .map_or_else(|| config.root.join("expected"), |p| p.join("expected"));
    let mut runs = Vec::new();
    let mut problems = Diagnostics::default();
    for lab in project.labs.labs() {
        if !lab.binary.is_file() {
            problems.push(
                Diagnostic::error(
                    &lab.manifest_path,
                    format!(
                        "lab `{}` cannot run: its binary {} does not exist",
                        lab.id,
                        lab.binary.display()
                    ),
                )
                .at(1, 1)
                .hint("build the labs with `cargo build` (they are found next to the aula binary or in $AULA_LAB_BIN_DIR)")
                .group(Group::Labs),
            );
            continue;
        }
        for example in &lab.examples {
            for lang in &config.languages {
                runs.push((lab, example.name.as_str(), lang.as_str()));
            }
        }
    }
    let results: Vec<Option<Diagnostic>> = runs
        .par_iter()
        .map(|&(lab, example, lang)| {
            let expected = expected_dir
                .join(&lab.id)
                .join(format!("{example}.{lang}.json"));
            check_example(project, lab, example, lang, &expected)
        })
        .collect();
    problems.extend(results.into_iter().flatten());
    problems
}

fn check_example(
    project: &Project,
    lab: &Lab,
    example: &str,
    lang: &str,
    expected_path: &Path,
) -> Option<Diagnostic> {
    let manifest =
        std::fs::read_to_string(project.config.root.join(&lab.manifest_path)).unwrap_or_default();
    let (line, column) = quoted_position(&manifest, example, Some("[[examples]]"));
    let shown_expected = display_path(&project.config.root, expected_path);
    let error = |message: String, hint: String| {
        Some(
            Diagnostic::error(&lab.manifest_path, message)
                .at(line, column)
                .hint(hint)
                .group(Group::Labs),
        )
    };
    let regenerate = format!(
        "if the new answer is right: aula labs run {} --example {example} --lang {lang} > {}",
        lab.id,
        shown_expected.display()
    );
    let values = lab
        .example(example)
        .map(|e| e.input.clone())
        .unwrap_or_default();
    let input = match merge_input(lab, &values) {
        Ok(input) => input,
        Err(errors) => {
            let fields: Vec<String> = errors
                .iter()
                .map(|e| format!("{} {}", e.field, e.english()))
                .collect();
            return error(
                format!(
                    "lab `{}` example `{example}` has invalid input: {}",
                    lab.id,
                    fields.join("; ")
                ),
                "fix the example's `input` in the manifest".into(),
            );
        }
    };
    let name = format!("lab `{}` example `{example}` ({lang})", lab.id);
    let answer = match runner::run(&lab.binary, &request_json(lang, &input), lab.limits) {
        runner::Outcome::Answer(answer) => answer,
        runner::Outcome::TimedOut(limit) => {
            return error(
                format!(
                    "{name} ran past its time limit of {} ms and was stopped",
                    limit.as_millis()
                ),
                "make the lab faster or raise [limits] time_ms in its manifest".into(),
            );
        }
        runner::Outcome::Truncated(cap) => {
            return error(
                format!("{name} printed more than its output cap of {cap} bytes"),
                "make the answer smaller or raise [limits] output_bytes in its manifest".into(),
            );
        }
        runner::Outcome::Refused { field, message } => {
            return error(
                format!("{name} refused its input: {field}: {message}"),
                "fix the example's `input` in the manifest".into(),
            );
        }
        runner::Outcome::Failed(why) => {
            return error(
                format!("{name} failed: {why}"),
                "run it with `aula labs run` to see more".into(),
            );
        }
    };
    // A chart the page could not draw (a reversed range, a log scale over zero, an unknown
    // style…) is this example's error, whatever its expected answer says.
    let chart = blocks::problems(&lab.id, &answer);
    if !chart.is_empty() {
        return error(
            format!(
                "{name} answered with chart fields the page cannot draw:\n    {}",
                chart.join("\n    ")
            ),
            "fix the lab's `series` block (see \"How a chart looks at its data\" in labs/README.md)"
                .into(),
        );
    }
    let text = match std::fs::read_to_string(expected_path) {
        Ok(text) => text,
        Err(_) => {
            return error(
                format!(
                    "{name} has no expected answer: {} is missing",
                    shown_expected.display()
                ),
                format!(
                    "write it from the current answer: aula labs run {} --example {example} --lang {lang} > {}",
                    lab.id,
                    shown_expected.display()
                ),
            );
        }
    };
    let expected: Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(e) => {
            return Some(
                Diagnostic::error(&shown_expected, format!("invalid JSON: {e}"))
                    .at(e.line(), e.column())
                    .hint(regenerate)
                    .group(Group::Labs),
            );
        }
    };
    if expected == answer {
        return None;
    }
    let mut differences = Vec::new();
    diff_values("", &expected, &answer, &mut differences);
    let shown = differences.len().min(MAX_DIFFERENCES);
    let mut message = format!(
        "{name} answered differently from {}:",
        shown_expected.display()
    );
    for difference in &differences[..shown] {
        message.push_str("\n    ");
        message.push_str(difference);
    }
    if differences.len() > shown {
        message.push_str(&format!("\n    … and {} more", differences.len() - shown));
    }
    // The way out goes last, under the differences, where the reader's eye ends up.
    message.push_str(&format!("\n    {regenerate}"));
    Some(
        Diagnostic::error(&lab.manifest_path, message)
            .at(line, column)
            .group(Group::Labs),
    )
}

const MAX_DIFFERENCES: usize = 12;

/// The places where two JSON values differ, as `path: expected X, got Y` lines.
fn diff_values(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    let here = if path.is_empty() { "(top)" } else { path };
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let child = format!("{path}.{key}");
                match b.get(key) {
                    Some(other) => diff_values(&child, value, other, out),
                    None => out.push(format!("{child}: expected {}, missing", short(value))),
                }
            }
            for (key, value) in b {
                if !a.contains_key(key) {
                    out.push(format!("{path}.{key}: unexpected {}", short(value)));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff_values(&format!("{path}[{i}]"), x, y, out);
            }
            if a.len() != b.len() {
                out.push(format!(
                    "{here}: expected {} items, got {}",
                    a.len(),
                    b.len()
                ));
            }
        }
        (a, b) if a != b => out.push(format!("{here}: expected {}, got {}", short(a), short(b))),
        _ => {}
    }
}

/// A JSON value on one line, cut to a readable length.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_differences_name_their_path() {
        let mut out = Vec::new();
        diff_values(
            "",
            &json!({"blocks": [{"text": "a"}, {"rows": [1, 2]}]}),
            &json!({"blocks": [{"text": "b"}, {"rows": [1]}], "extra": true}),
            &mut out,
        );
        assert_eq!(
            out,
            [
                ".blocks[0].text: expected \"a\", got \"b\"",
                ".blocks[1].rows: expected 2 items, got 1",
                ".extra: unexpected true",
            ]
        );
    }
}
