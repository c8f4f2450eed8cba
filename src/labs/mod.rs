//! Labs as aula sees them: manifests, the registry of runnable binaries, input validation and
//! the embed fences in articles.
//!
//! A lab is a manifest (`labs/manifests/<id>.toml`: its inputs, examples and limits) and a binary
//! of the same name in the lab binary folder. [`Registry::load`] reads every manifest and checks
//! it (one manifest is `manifest`'s job); [`validate_input`] checks a request's input against a
//! manifest before anything runs (the preview server's 422s and the build's fence errors both
//! come from it); [`resolve_fence`] turns a ```` ```lab id ```` fence's TOML body into a full
//! input (`fence`); [`blocks`] checks the answer blocks a lab prints. Running a binary is
//! [`runner`]'s job, behind [`sandbox`]'s walls; running every fence's lab before pages are
//! rendered, through a cache of answers, is [`answers`]'; building lab binaries with cargo is
//! [`build`]'s. Every process aula starts for a lab is started under this module. It does not
//! know about HTTP or templates.

pub(crate) mod answers;
pub(crate) mod blocks;
pub(crate) mod build;
mod fence;
mod manifest;
pub(crate) mod runner;
pub(crate) mod sandbox;

use answers::AnswerCache;
pub(crate) use fence::{FenceError, ResolvedFence, resolve_fence};
use manifest::read_manifest;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::diagnostics::{Diagnostics, display_path};

/// The kinds of form field a lab can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum InputKind {
    Text,
    Textarea,
    Number,
    Select,
    Checkbox,
    Json,
}

#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SelectOption {
    pub(crate) value: String,
    /// A Fluent key.
    pub(crate) label: String,
}

/// One field of a lab's form.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct Input {
    pub(crate) name: String,
    pub(crate) kind: InputKind,
    /// Fluent keys.
    pub(crate) label: String,
    pub(crate) hint: Option<String>,
    pub(crate) default: Value,
    pub(crate) min: Option<f64>,
    pub(crate) max: Option<f64>,
    pub(crate) step: Option<f64>,
    pub(crate) options: Vec<SelectOption>,
    pub(crate) required: bool,
    pub(crate) max_length: usize,
    /// Shown only while another input has one of these values (see [`ShownWhen`]).
    pub(crate) shown_when: Option<ShownWhen>,
    /// Listed under the form's "More options" disclosure rather than with the inputs that matter.
    pub(crate) advanced: bool,
}

/// A field that only applies to some values of another field: `shown_when = { preset = "custom" }`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct ShownWhen {
    /// The controlling input (a select or a checkbox, declared in the same manifest).
    pub(crate) input: String,
    /// Its values (option values, or "true"/"false" for a checkbox) that show the field.
    pub(crate) values: Vec<String>,
}

/// A named example: an input (defaults merged with the example's values) with a recorded answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Example {
    pub(crate) name: String,
    pub(crate) title: Option<String>,
    pub(crate) input: Map<String, Value>,
}

/// A validated manifest plus where its binary is.
#[derive(Debug, Clone)]
pub(crate) struct Lab {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) limits: runner::Limits,
    pub(crate) inputs: Vec<Input>,
    pub(crate) examples: Vec<Example>,
    pub(crate) manifest_path: PathBuf,
    /// Absolute path of the binary (it may not exist yet: labs are built by cargo).
    pub(crate) binary: PathBuf,
}

impl Lab {
    pub(crate) fn example(&self, name: &str) -> Option<&Example> {
        self.examples.iter().find(|e| e.name == name)
    }

    /// The defaults of every input.
    pub(crate) fn defaults(&self) -> Map<String, Value> {
        self.inputs
            .iter()
            .map(|i| (i.name.clone(), i.default.clone()))
            .collect()
    }

    /// Every Fluent key the manifest refers to.
    pub(crate) fn fluent_keys(&self) -> Vec<&str> {
        let mut keys = vec![self.title.as_str(), self.description.as_str()];
        for input in &self.inputs {
            keys.push(&input.label);
            keys.extend(input.hint.as_deref());
            keys.extend(input.options.iter().map(|o| o.label.as_str()));
        }
        keys.extend(self.examples.iter().filter_map(|e| e.title.as_deref()));
        keys
    }
}

/// All labs of a site, by id, with a cache of answers.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    labs: BTreeMap<String, Lab>,
    cache: AnswerCache,
}

impl Registry {
    /// Reads every manifest in the configured folder. A site without labs is fine.
    pub(crate) fn load(config: &Config) -> Result<Registry, Diagnostics> {
        let bin_dir = lab_bin_dir(config);
        let mut labs = BTreeMap::new();
        let mut problems = Diagnostics::default();
        let Ok(entries) = std::fs::read_dir(&config.lab_manifests) else {
            return Ok(Registry::default());
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let shown = display_path(&config.root, &path);
            match read_manifest(&path, &shown, &bin_dir) {
                Ok(lab) => {
                    labs.insert(lab.id.clone(), lab);
                }
                Err(errors) => problems.extend(errors),
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        Ok(Registry {
            labs,
            cache: AnswerCache::new(config.root.join(".aula-cache").join("labs")),
        })
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Lab> {
        self.labs.get(id)
    }

    pub(crate) fn labs(&self) -> impl Iterator<Item = &Lab> {
        self.labs.values()
    }

    pub(crate) fn ids(&self) -> Vec<&str> {
        self.labs.keys().map(String::as_str).collect()
    }

    /// Runs `lab` for `input` in `lang`, reusing an earlier answer for the same binary and request.
    pub(crate) fn run_cached(
        &self,
        lab: &Lab,
        lang: &str,
        input: &Map<String, Value>,
    ) -> runner::Outcome {
        let request = request_json(lang, input);
        let Some(binary_hash) = self.cache.binary_hash(&lab.binary) else {
            return runner::Outcome::Failed(format!(
                "the lab binary {} does not exist",
                lab.binary.display()
            ));
        };
        let key = {
            let mut hasher = Sha256::new();
            hasher.update(binary_hash.as_bytes());
            hasher.update(&request);
            format!("{:x}", hasher.finalize())
        };
        if let Some(answer) = self.cache.get(&key) {
            return runner::Outcome::Answer(answer);
        }
        let outcome = checked(&lab.id, runner::run(&lab.binary, &request, lab.limits));
        if let runner::Outcome::Answer(answer) = &outcome {
            self.cache.put(&key, answer);
        }
        outcome
    }
}

/// An answer whose blocks break the protocol (a chart's view, see [`blocks`]) becomes a failure
/// that names the lab and the field, so the page never draws it.
pub(crate) fn checked(lab: &str, outcome: runner::Outcome) -> runner::Outcome {
    match outcome {
        runner::Outcome::Answer(answer) => {
            let problems = blocks::problems(lab, &answer);
            if problems.is_empty() {
                runner::Outcome::Answer(answer)
            } else {
                runner::Outcome::Failed(problems.join("; "))
            }
        }
        other => other,
    }
}

/// The JSON a lab reads: `{"lang": …, "input": …}`.
pub(crate) fn request_json(lang: &str, input: &Map<String, Value>) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({ "lang": lang, "input": input })).unwrap_or_default()
}

/// Where lab binaries are: `[labs] bin_dir`, `$AULA_LAB_BIN_DIR`, or next to the running aula.
pub(crate) fn lab_bin_dir(config: &Config) -> PathBuf {
    if let Some(dir) = &config.lab_bin_dir {
        return absolute(dir);
    }
    if let Some(dir) = std::env::var_os("AULA_LAB_BIN_DIR") {
        return absolute(Path::new(&dir));
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."))
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// JSON inputs given as TOML strings in manifests and fences are parsed into JSON values.
pub(super) fn normalize_json_inputs(
    lab: &Lab,
    mut values: Map<String, Value>,
) -> Map<String, Value> {
    for input in &lab.inputs {
        if input.kind == InputKind::Json
            && let Some(Value::String(text)) = values.get(&input.name)
            && let Ok(parsed) = serde_json::from_str::<Value>(text)
        {
            values.insert(input.name.clone(), parsed);
        }
    }
    values
}

/// Why one input field is refused. The message is chosen by the caller's language from `code`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct FieldError {
    pub(crate) field: String,
    /// A Fluent key (`lab-error-…`) naming the problem.
    pub(crate) code: &'static str,
    /// The number or length the message mentions, if any.
    pub(crate) limit: Option<f64>,
}

impl FieldError {
    fn new(field: &str, code: &'static str, limit: Option<f64>) -> Self {
        Self {
            field: field.to_string(),
            code,
            limit,
        }
    }

    /// The message in English, for build errors (which are in English like all of aula's output).
    pub(crate) fn english(&self) -> String {
        let limit = self.limit.map(|l| l.to_string()).unwrap_or_default();
        match self.code {
            "lab-error-required" => "a value is required".into(),
            "lab-error-number" => "must be a number".into(),
            "lab-error-min" => format!("must be at least {limit}"),
            "lab-error-max" => format!("must be at most {limit}"),
            "lab-error-text" => "must be text".into(),
            "lab-error-too-long" => format!("must be at most {limit} characters"),
            "lab-error-option" => "must be one of the listed options".into(),
            "lab-error-checkbox" => "must be true or false".into(),
            "lab-error-unknown" => "is not an input of this lab".into(),
            other => other.to_string(),
        }
    }
}

/// Defaults merged with `values`, validated against the manifest.
pub(crate) fn merge_input(
    lab: &Lab,
    values: &Map<String, Value>,
) -> Result<Map<String, Value>, Vec<FieldError>> {
    let mut input = lab.defaults();
    for (k, v) in values {
        input.insert(k.clone(), v.clone());
    }
    validate_input(lab, &input).map(|()| input)
}

/// Checks every field of `input` against the manifest: known names, types, bounds, options.
pub(crate) fn validate_input(lab: &Lab, input: &Map<String, Value>) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    for name in input.keys() {
        if !lab.inputs.iter().any(|i| &i.name == name) {
            errors.push(FieldError::new(name, "lab-error-unknown", None));
        }
    }
    for field in &lab.inputs {
        let name = field.name.as_str();
        let value = input.get(name).unwrap_or(&Value::Null);
        if value.is_null() {
            if field.required && field.kind != InputKind::Json {
                errors.push(FieldError::new(name, "lab-error-required", None));
            }
            continue;
        }
        match field.kind {
            InputKind::Number => match value.as_f64() {
                None => errors.push(FieldError::new(name, "lab-error-number", None)),
                Some(n) if field.min.is_some_and(|min| n < min) => {
                    errors.push(FieldError::new(name, "lab-error-min", field.min));
                }
                Some(n) if field.max.is_some_and(|max| n > max) => {
                    errors.push(FieldError::new(name, "lab-error-max", field.max));
                }
                Some(_) => {}
            },
            InputKind::Text | InputKind::Textarea => {
                match value.as_str() {
                    None => errors.push(FieldError::new(name, "lab-error-text", None)),
                    Some(s) if s.chars().count() > field.max_length => errors.push(
                        FieldError::new(name, "lab-error-too-long", Some(field.max_length as f64)),
                    ),
                    Some(s) if s.trim().is_empty() && field.required => {
                        errors.push(FieldError::new(name, "lab-error-required", None));
                    }
                    Some(_) => {}
                }
            }
            InputKind::Select => {
                if !value
                    .as_str()
                    .is_some_and(|s| field.options.iter().any(|o| o.value == s))
                {
                    errors.push(FieldError::new(name, "lab-error-option", None));
                }
            }
            InputKind::Checkbox => {
                if !value.is_boolean() {
                    errors.push(FieldError::new(name, "lab-error-checkbox", None));
                }
            }
            InputKind::Json => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab() -> Lab {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.toml");
        std::fs::write(
            &path,
            r#"id = "demo"
title = "lab-demo-title"
description = "lab-demo-description"
[[inputs]]
name = "limit"
type = "number"
label = "lab-demo-limit"
default = 10
min = 1
max = 100
[[inputs]]
name = "mode"
type = "select"
label = "lab-demo-mode"
default = "a"
options = [{ value = "a", label = "lab-demo-a" }, { value = "b", label = "lab-demo-b" }]
[[inputs]]
name = "policy"
type = "json"
label = "lab-demo-policy"
default = '{"x": 1}'
[[examples]]
name = "big"
input = { limit = 90, mode = "b" }
"#,
        )
        .unwrap();
        read_manifest(
            &path,
            Path::new("labs/manifests/demo.toml"),
            Path::new("/bin"),
        )
        .unwrap()
    }

    fn registry() -> Registry {
        let lab = lab();
        Registry {
            labs: BTreeMap::from([(lab.id.clone(), lab)]),
            cache: AnswerCache::default(),
        }
    }

    #[test]
    fn examples_are_merged_over_defaults_and_json_defaults_parsed() {
        let lab = lab();
        let big = lab.example("big").unwrap();
        assert_eq!(big.input["limit"], 90);
        assert_eq!(big.input["policy"], serde_json::json!({"x": 1}));
        assert_eq!(lab.binary, Path::new("/bin/demo"));
    }

    #[test]
    fn validation_names_every_bad_field() {
        let lab = lab();
        let input: Map<String, Value> =
            serde_json::from_str(r#"{"limit": 500, "mode": "z", "extra": 1}"#).unwrap();
        let errors = validate_input(&lab, &input).unwrap_err();
        let codes: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            codes,
            [
                ("extra", "lab-error-unknown"),
                ("limit", "lab-error-max"),
                ("mode", "lab-error-option")
            ]
        );
    }

    #[test]
    fn a_fence_picks_an_example_and_overrides() {
        let fence = resolve_fence(
            &registry(),
            "demo",
            "example = \"big\"\n[input]\nlimit = 5\n",
        )
        .unwrap();
        assert_eq!(fence.input["limit"], 5);
        assert_eq!(fence.input["mode"], "b");
    }

    #[test]
    fn unknown_labs_and_examples_are_errors_with_suggestions() {
        let error = resolve_fence(&registry(), "nope", "").unwrap_err();
        assert_eq!(error.message, "unknown lab `nope`");
        assert_eq!(error.hint, "known labs: demo");
        let error = resolve_fence(&registry(), "demo", "example = \"small\"").unwrap_err();
        assert_eq!(error.message, "lab `demo` has no example `small`");
        assert_eq!(error.offset, 11);
    }
}
