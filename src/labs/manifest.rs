//! Reading one lab manifest (`labs/manifests/<id>.toml`): what serde reads ([`RawManifest`]) is
//! checked once, here, into a [`Lab`] — ids match file names, `shown_when` names a select or a
//! checkbox of the same manifest and values it can take, examples merge into full valid inputs —
//! with every problem placed at its line in the manifest. It knows nothing of running labs.

use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{
    Example, Input, InputKind, Lab, SelectOption, ShownWhen, merge_input, normalize_json_inputs,
    runner,
};
use crate::diagnostics::{Diagnostic, Group};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    id: String,
    title: String,
    description: String,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    inputs: Vec<RawInput>,
    #[serde(default)]
    examples: Vec<RawExample>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    time_ms: Option<u64>,
    output_bytes: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInput {
    name: String,
    #[serde(rename = "type")]
    kind: InputKind,
    label: String,
    hint: Option<String>,
    default: Option<toml::Value>,
    min: Option<f64>,
    max: Option<f64>,
    step: Option<f64>,
    #[serde(default)]
    options: Vec<SelectOption>,
    required: Option<bool>,
    max_length: Option<usize>,
    /// `{ preset = "custom" }`: show the field only while that input has that value (or one of
    /// a list of values).
    shown_when: Option<toml::Spanned<toml::Table>>,
    /// Goes under the form's "More options" disclosure.
    #[serde(default)]
    advanced: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExample {
    name: String,
    title: Option<String>,
    #[serde(default)]
    input: toml::Table,
}

pub(super) fn read_manifest(
    path: &Path,
    shown: &Path,
    bin_dir: &Path,
) -> Result<Lab, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![Diagnostic::error(shown, format!("cannot read: {e}")).group(Group::Labs)]
    })?;
    let raw: RawManifest = toml::from_str(&text).map_err(|e| {
        let mut d = Diagnostic::error(
            shown,
            format!("invalid lab manifest: {}", crate::config::toml_message(&e)),
        )
        .group(Group::Labs);
        if let Some(span) = e.span() {
            d = d.at_offset(&text, span.start);
        }
        vec![d]
    })?;
    let mut problems = Vec::new();
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    if stem.as_deref() != Some(raw.id.as_str()) {
        problems.push(
            Diagnostic::error(
                shown,
                format!("the manifest's id `{}` differs from its file name", raw.id),
            )
            .at(1, 1)
            .hint("name the manifest <id>.toml")
            .group(Group::Labs),
        );
    }
    let mut inputs = Vec::new();
    let conditions: Vec<_> = raw
        .inputs
        .iter()
        .map(|i| {
            i.shown_when
                .as_ref()
                .map(|when| shown_when(&raw.inputs, &i.name, when, &text, shown))
        })
        .collect();
    for (raw_input, condition) in raw.inputs.into_iter().zip(conditions) {
        let shown_when = match condition {
            None => None,
            Some(Ok(when)) => Some(when),
            Some(Err(problem)) => {
                problems.push(problem);
                None
            }
        };
        let default = raw_input
            .default
            .map(crate::config::toml_to_json)
            .unwrap_or(match raw_input.kind {
                InputKind::Number => Value::from(0),
                InputKind::Checkbox => Value::Bool(false),
                InputKind::Json => Value::Null,
                _ => Value::String(String::new()),
            });
        let default = match (raw_input.kind, default) {
            // A JSON field's default is written as a TOML string holding JSON.
            (InputKind::Json, Value::String(s)) => {
                serde_json::from_str(&s).unwrap_or(Value::String(s))
            }
            (_, d) => d,
        };
        if raw_input.kind == InputKind::Select && raw_input.options.is_empty() {
            problems.push(
                Diagnostic::error(
                    shown,
                    format!("select input `{}` has no options", raw_input.name),
                )
                .group(Group::Labs),
            );
        }
        inputs.push(Input {
            name: raw_input.name,
            kind: raw_input.kind,
            label: raw_input.label,
            hint: raw_input.hint,
            default,
            min: raw_input.min,
            max: raw_input.max,
            step: raw_input.step,
            options: raw_input.options,
            required: raw_input.required.unwrap_or(true),
            max_length: raw_input.max_length.unwrap_or(10_000),
            shown_when,
            advanced: raw_input.advanced,
        });
    }
    let limits = runner::Limits {
        time: std::time::Duration::from_millis(raw.limits.time_ms.unwrap_or(5000)),
        output_bytes: raw.limits.output_bytes.unwrap_or(1024 * 1024),
    };
    let mut lab = Lab {
        binary: bin_dir.join(&raw.id),
        id: raw.id,
        title: raw.title,
        description: raw.description,
        limits,
        inputs,
        examples: Vec::new(),
        manifest_path: shown.to_path_buf(),
    };
    for example in raw.examples {
        let overrides: Map<String, Value> = example
            .input
            .into_iter()
            .map(|(k, v)| (k, crate::config::toml_to_json(v)))
            .collect();
        let overrides = normalize_json_inputs(&lab, overrides);
        match merge_input(&lab, &overrides) {
            Ok(input) => lab.examples.push(Example {
                name: example.name,
                title: example.title,
                input,
            }),
            Err(errors) => {
                for error in errors {
                    problems.push(
                        Diagnostic::error(
                            shown,
                            format!(
                                "example `{}`: input `{}`: {}",
                                example.name,
                                error.field,
                                error.english()
                            ),
                        )
                        .group(Group::Labs),
                    );
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(lab)
    } else {
        Err(problems)
    }
}

/// Checks one input's `shown_when` against the manifest's other inputs: one key naming a select
/// or a checkbox declared in the manifest (not the input itself), and values it can take.
fn shown_when(
    inputs: &[RawInput],
    name: &str,
    when: &toml::Spanned<toml::Table>,
    text: &str,
    shown: &Path,
) -> Result<ShownWhen, Diagnostic> {
    let fail = |message: String, hint: &str| {
        Diagnostic::error(shown, format!("input `{name}`: shown_when: {message}"))
            .at_offset(text, when.span().start)
            .hint(hint.to_string())
            .group(Group::Labs)
    };
    let table = when.get_ref();
    let mut entries = table.iter();
    let (Some((other, wanted)), None) = (entries.next(), entries.next()) else {
        return Err(fail(
            format!(
                "expected one input and its value(s), found {} entries",
                table.len()
            ),
            "write e.g. shown_when = { preset = \"custom\" }",
        ));
    };
    let Some(control) = inputs.iter().find(|i| i.name == *other && i.name != name) else {
        let names: Vec<&str> = inputs
            .iter()
            .map(|i| i.name.as_str())
            .filter(|n| *n != name)
            .collect();
        return Err(fail(
            format!("no other input is named `{other}`"),
            &format!("name one of: {}", names.join(", ")),
        ));
    };
    let values: Vec<String> = match wanted {
        toml::Value::Array(list) => list.iter().map(value_text).collect(),
        one => vec![value_text(one)],
    };
    let allowed: Vec<String> = match control.kind {
        InputKind::Select => control.options.iter().map(|o| o.value.clone()).collect(),
        InputKind::Checkbox => vec!["true".into(), "false".into()],
        _ => {
            return Err(fail(
                format!(
                    "`{other}` is a free-form input; only a select or a checkbox can show or hide another"
                ),
                "make the controlling input a select or a checkbox",
            ));
        }
    };
    if values.is_empty() {
        return Err(fail(
            format!("no value of `{other}` is given"),
            "list at least one value",
        ));
    }
    if let Some(bad) = values.iter().find(|v| !allowed.contains(v)) {
        return Err(fail(
            format!("`{other}` has no value {bad}"),
            &format!("use one of: {}", allowed.join(", ")),
        ));
    }
    Ok(ShownWhen {
        input: other.clone(),
        values,
    })
}

/// A TOML scalar as the form would write it: strings bare, booleans and numbers as text.
fn value_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a manifest of two selects and a textarea, with `when` as the textarea's shown_when.
    fn manifest_with(when: &str) -> Result<Lab, Vec<Diagnostic>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.toml");
        std::fs::write(
            &path,
            format!(
                r#"id = "demo"
title = "t"
description = "d"
[[inputs]]
name = "preset"
type = "select"
label = "l"
default = "steady"
options = [{{ value = "steady", label = "a" }}, {{ value = "custom", label = "b" }}]
[[inputs]]
name = "limit"
type = "number"
label = "l"
advanced = true
[[inputs]]
name = "timestamps"
type = "textarea"
label = "l"
required = false
shown_when = {when}
"#
            ),
        )
        .unwrap();
        read_manifest(
            &path,
            Path::new("labs/manifests/demo.toml"),
            Path::new("/bin"),
        )
    }

    #[test]
    fn shown_when_names_a_select_and_its_values() {
        let lab = manifest_with(r#"{ preset = "custom" }"#).unwrap();
        assert_eq!(
            lab.inputs[2].shown_when,
            Some(ShownWhen {
                input: "preset".into(),
                values: vec!["custom".into()]
            })
        );
        assert!(lab.inputs[1].advanced && !lab.inputs[0].advanced);
        let lab = manifest_with(r#"{ preset = ["custom", "steady"] }"#).unwrap();
        assert_eq!(lab.inputs[2].shown_when.as_ref().unwrap().values.len(), 2);
    }

    #[test]
    fn a_bad_shown_when_is_an_error_at_its_line() {
        for (when, says) in [
            (r#"{ mode = "custom" }"#, "no other input is named `mode`"),
            (r#"{ preset = "burst" }"#, "`preset` has no value burst"),
            (r#"{ limit = 5 }"#, "`limit` is a free-form input"),
            (
                r#"{ timestamps = "x" }"#,
                "no other input is named `timestamps`",
            ),
            (
                r#"{ preset = "custom", limit = 1 }"#,
                "expected one input and its value(s)",
            ),
            (r#"{ preset = [] }"#, "no value of `preset` is given"),
        ] {
            let errors = manifest_with(when).unwrap_err();
            assert_eq!(errors.len(), 1, "{when}: {errors:?}");
            let error = &errors[0];
            assert!(
                error
                    .message
                    .starts_with("input `timestamps`: shown_when: "),
                "{}",
                error.message
            );
            assert!(error.message.contains(says), "{when}: {}", error.message);
            assert_eq!(error.path, Path::new("labs/manifests/demo.toml"));
            assert_eq!((error.line, error.column), (20, 14), "{when}");
            assert!(error.hint.is_some());
        }
    }
}
