//! Lab fences: a ```` ```lab id ```` fence's TOML body (an example to start from, `[input]`
//! values over it) resolved against the lab's manifest into a full input, or a [`FenceError`]
//! that says where in the fence and how to fix it.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Registry, merge_input, normalize_json_inputs};

/// A ```` ```lab ```` fence resolved: the lab, the example it starts from, and the full input.
#[derive(Debug, Clone)]
pub(crate) struct ResolvedFence {
    pub(crate) lab: Arc<str>,
    pub(crate) example: Option<String>,
    pub(crate) input: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFence {
    example: Option<String>,
    #[serde(default)]
    input: toml::Table,
}

/// Why a lab fence cannot be embedded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FenceError {
    /// Where in the fence's body (0: the fence line itself).
    pub(crate) offset: usize,
    pub(crate) message: String,
    /// How to fix it.
    pub(crate) hint: String,
}

impl FenceError {
    /// An error about the fence as a whole.
    pub(crate) fn new(message: impl Into<String>, hint: impl Into<String>) -> FenceError {
        FenceError::at(0, message, hint)
    }

    /// An error at `offset` in the fence's body.
    pub(crate) fn at(
        offset: usize,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> FenceError {
        FenceError {
            offset,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// Reads a fence's TOML body.
pub(crate) fn resolve_fence(
    registry: &Registry,
    lab_id: &str,
    body: &str,
) -> Result<ResolvedFence, FenceError> {
    let Some(lab) = registry.get(lab_id) else {
        let known = registry.ids().join(", ");
        return Err(FenceError::new(
            format!("unknown lab `{lab_id}`"),
            if known.is_empty() {
                "this site has no labs in labs/manifests/".to_string()
            } else {
                format!("known labs: {known}")
            },
        ));
    };
    let raw: RawFence = toml::from_str(body).map_err(|e| {
        FenceError::at(
            e.span().map_or(0, |s| s.start),
            format!("invalid lab fence: {}", crate::config::toml_message(&e)),
            "a lab fence holds TOML: example = \"name\" and an optional [input] table",
        )
    })?;
    let mut values = match &raw.example {
        None => Map::new(),
        Some(name) => match lab.example(name) {
            Some(example) => example.input.clone(),
            None => {
                let known: Vec<&str> = lab.examples.iter().map(|e| e.name.as_str()).collect();
                let offset = body.find(name.as_str()).unwrap_or(0);
                return Err(FenceError::at(
                    offset,
                    format!("lab `{lab_id}` has no example `{name}`"),
                    format!("examples of `{lab_id}`: {}", known.join(", ")),
                ));
            }
        },
    };
    let overrides: Map<String, Value> = raw
        .input
        .into_iter()
        .map(|(k, v)| (k, crate::config::toml_to_json(v)))
        .collect();
    values.extend(normalize_json_inputs(lab, overrides));
    let input = merge_input(lab, &values).map_err(|errors| {
        let first = &errors[0];
        let offset = body.find(&first.field).unwrap_or(0);
        let all: Vec<String> = errors
            .iter()
            .map(|e| format!("`{}` {}", e.field, e.english()))
            .collect();
        FenceError::at(
            offset,
            format!("lab `{lab_id}`: {}", all.join("; ")),
            format!("see labs/manifests/{lab_id}.toml for its inputs"),
        )
    })?;
    Ok(ResolvedFence {
        lab: Arc::from(lab_id),
        example: raw.example,
        input,
    })
}
