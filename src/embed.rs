//! The template context of one lab embed (`templates/partials/lab.html`): the manifest's form in
//! the page's language, the input it starts from, the lab's real answer, and the data the page's
//! script needs to run it again.
//!
//! Everything here is data; the markup is the template's. JSON meant for a
//! `<script type="application/json">` element is escaped so that no `<`, `>` or `&` can end the
//! element early, whatever a lab or a manifest says.

use serde_json::{Map, Value, json};

use crate::content::Page;
use crate::labs::{FieldError, InputKind, Lab, ResolvedFence};
use crate::site::Project;

/// UI strings the page's script needs, by the name the script uses.
const SCRIPT_STRINGS: &[(&str, &str)] = &[
    ("run", "lab-ui-run"),
    ("reset", "lab-ui-reset"),
    ("running", "lab-ui-running"),
    ("done", "lab-ui-done"),
    ("timeout", "lab-ui-timeout"),
    ("failed", "lab-ui-failed"),
    ("busy", "lab-ui-busy"),
    ("offline", "lab-ui-offline"),
    ("offline_short", "lab-ui-offline-short"),
    ("invalid", "lab-ui-invalid"),
    ("json", "lab-error-json"),
    ("recorded", "lab-ui-recorded"),
    ("live", "lab-ui-live"),
    ("series", "lab-ui-series"),
    ("chart-data", "lab-ui-chart-data"),
    ("chart-label", "lab-chart-label"),
    ("verdict-pass", "lab-verdict-pass"),
    ("verdict-fail", "lab-verdict-fail"),
    ("verdict-warn", "lab-verdict-warn"),
    ("verdict-info", "lab-verdict-info"),
];

pub(crate) fn lab_context(
    project: &Project,
    page: &Page,
    lab: &Lab,
    fence: &ResolvedFence,
    answer: &Value,
    n: usize,
) -> Value {
    let lang = page.lang.as_str();
    let t = |key: &str| {
        project
            .locales
            .t(lang, key, &[])
            .unwrap_or_else(|| key.to_string())
    };
    let dom_id = format!("lab-{n}-{}", lab.id);
    let inputs: Vec<Value> = lab
        .inputs
        .iter()
        .map(|input| {
            let value = fence.input.get(&input.name).cloned().unwrap_or(Value::Null);
            json!({
                "name": input.name,
                "id": format!("{dom_id}-{}", input.name),
                "kind": input.kind,
                "label": t(&input.label),
                "hint": input.hint.as_deref().map(t),
                "value": form_value(input.kind, &value),
                "checked": value.as_bool().unwrap_or(false),
                "min": input.min,
                "max": input.max,
                "step": input.step,
                "required": input.required,
                "max_length": input.max_length,
                "options": input.options.iter().map(|o| json!({
                    "value": o.value,
                    "label": t(&o.label),
                    "selected": value.as_str() == Some(o.value.as_str()),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let example = fence.example.as_deref().and_then(|name| lab.example(name));
    let mut strings = Map::new();
    for (name, key) in SCRIPT_STRINGS {
        strings.insert((*name).to_string(), Value::String(t(key)));
    }
    for code in FIELD_ERROR_CODES {
        strings.insert((*code).to_string(), Value::String(t(code)));
    }
    let data = json!({
        "id": lab.id,
        "lang": lang,
        "endpoint": format!("/_aula/labs/{}", lab.id),
        "input": fence.input,
        "kinds": lab.inputs.iter().map(|i| (i.name.clone(), json!(i.kind))).collect::<Map<String, Value>>(),
        "strings": strings,
        "answer": answer,
    });
    json!({
        "lang": lang,
        "lab": {
            "id": lab.id,
            "dom_id": dom_id,
            "title": t(&lab.title),
            "description": t(&lab.description),
            "endpoint": format!("/_aula/labs/{}", lab.id),
        },
        "inputs": inputs,
        "example": example.map(|e| json!({"name": e.name, "title": e.title.as_deref().map(t)})),
        "blocks": answer.get("blocks").cloned().unwrap_or(Value::Array(Vec::new())),
        "data_json": script_json(&data),
    })
}

/// The Fluent keys of input validation messages (see [`FieldError`]).
pub(crate) const FIELD_ERROR_CODES: &[&str] = &[
    "lab-error-required",
    "lab-error-number",
    "lab-error-min",
    "lab-error-max",
    "lab-error-text",
    "lab-error-too-long",
    "lab-error-option",
    "lab-error-checkbox",
    "lab-error-unknown",
];

/// A field error in the reader's language.
pub(crate) fn field_message(
    locales: &crate::i18n::Locales,
    lang: &str,
    error: &FieldError,
) -> String {
    let args: Vec<(&str, crate::i18n::Arg)> = error
        .limit
        .map(|l| vec![("limit", crate::i18n::Arg::Number(l))])
        .unwrap_or_default();
    locales
        .t(lang, error.code, &args)
        .unwrap_or_else(|| error.english())
}

/// How a value appears in its form field.
fn form_value(kind: InputKind, value: &Value) -> Value {
    match (kind, value) {
        (InputKind::Json, v) => Value::String(serde_json::to_string_pretty(v).unwrap_or_default()),
        (_, Value::Null) => Value::String(String::new()),
        (_, v) => v.clone(),
    }
}

/// JSON that is safe inside `<script type="application/json">`.
pub(crate) fn script_json(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_its_element() {
        let text = script_json(&json!({"x": "</script><b>&"}));
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["x"], "</script><b>&");
    }
}
