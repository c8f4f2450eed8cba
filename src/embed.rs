//! The template context of one lab embed (`templates/partials/lab.html`): the manifest's form in
//! the page's language, the input it starts from, the lab's real answer, and the data the page's
//! script needs to run it again.
//!
//! Everything here is data; the markup is the template's. JSON meant for a
//! `<script type="application/json">` element is escaped so that no `<`, `>` or `&` can end the
//! element early, whatever a lab or a manifest says.

use serde_json::{Map, Value, json};

use crate::config::Config;
use crate::content::Page;
use crate::i18n::Locales;
use crate::labs::answers::{Answers, Request};
use crate::labs::runner::Outcome;
use crate::labs::{FieldError, InputKind, Lab, ResolvedFence};

/// UI strings the page's script needs, by the name the script uses.
const SCRIPT_STRINGS: &[(&str, &str)] = &[
    ("run", "lab-ui-run"),
    ("reset", "lab-ui-reset"),
    ("running", "lab-ui-running"),
    ("done", "lab-ui-done"),
    ("timeout", "lab-ui-timeout"),
    ("failed", "lab-ui-failed"),
    ("busy", "lab-ui-busy"),
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
    ("more_output", "lab-ui-more-output"),
    ("stale", "lab-ui-stale"),
    ("edited", "lab-ui-edited"),
    ("unreachable", "lab-ui-unreachable"),
    ("hosted_unreachable", "lab-ui-hosted-unreachable"),
    ("hosted_busy", "lab-ui-hosted-busy"),
    ("chart-explore", "lab-chart-explore"),
    ("chart-log", "lab-chart-log"),
];

/// One lab fence of a page, resolved, with its answer: what [`lab_context`] shows.
pub(crate) struct Embed<'a> {
    pub(crate) lab: &'a Lab,
    pub(crate) fence: &'a ResolvedFence,
    pub(crate) answer: &'a Value,
    /// The fence's place among the page's lab fences, for unique element ids.
    pub(crate) n: usize,
    /// An earlier fence of the page embeds the same lab, and its data carries every example's
    /// recorded answer: this one leaves them out (static/lab.js finds them there).
    pub(crate) examples_above: bool,
}

/// The context of `embed` on `page`. Every example's recorded answer comes from `answers`
/// (computed before rendering, see [`crate::labs::answers`]); an example whose run failed has
/// none, and the page's script runs it when it is picked.
pub(crate) fn lab_context(
    locales: &Locales,
    config: &Config,
    answers: &Answers,
    page: &Page,
    embed: Embed<'_>,
) -> Value {
    let Embed {
        lab,
        fence,
        answer,
        n,
        examples_above,
    } = embed;
    let lang = page.lang.as_str();
    let t = |key: &str| locales.t_or_key(lang, key);
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
                "rows": textarea_rows(input.kind, &value),
                "advanced": input.advanced,
                "when_input": input.shown_when.as_ref().map(|w| w.input.as_str()),
                "when_values": input.shown_when.as_ref().map(|w| w.values.join("|")),
                "when_now": input.shown_when.as_ref().is_none_or(|w| {
                    w.values.contains(&value_text(fence.input.get(&w.input)))
                }),
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
    // The example the fence shows, when its input is exactly that example's.
    let current = lab
        .examples
        .iter()
        .find(|e| e.input == fence.input)
        .map(|e| e.name.clone());
    // Every example with its recorded answer, so the picker switches without the network: once
    // per page and lab (the first fence carries them), and never twice in one fence (the
    // fence's own example is `answer`).
    let examples: Vec<Value> = lab
        .examples
        .iter()
        .map(|e| {
            let recorded = if examples_above || e.input == fence.input {
                None
            } else {
                match answers.get(&Request::new(&lab.id, lang, &e.input)) {
                    Some(Outcome::Answer(a)) => Some(a.clone()),
                    _ => None,
                }
            };
            json!({
                "name": e.name,
                "title": e.title.as_deref().map(t).unwrap_or_else(|| e.name.clone()),
                "input": e.input,
                "answer": recorded,
            })
        })
        .collect();
    let hosted = config.lab_endpoint.as_deref();
    let data = json!({
        "id": lab.id,
        "lang": lang,
        "endpoint": match hosted {
            Some(origin) => format!("{origin}/_aula/labs/{}", lab.id),
            None => format!("/_aula/labs/{}", lab.id),
        },
        "hosted": hosted.is_some(),
        "input": fence.input,
        "kinds": lab.inputs.iter().map(|i| (i.name.clone(), json!(i.kind))).collect::<Map<String, Value>>(),
        "strings": strings,
        // A later fence showing an example finds its answer with the first fence's examples.
        "answer": if examples_above && current.is_some() { &Value::Null } else { answer },
        "current": current,
        "examples": examples,
    });
    let blocks = answer
        .get("blocks")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    // A chart's data table is written once, here, a row per x (see blocks::series_table).
    let blocks = blocks
        .into_iter()
        .map(|mut block| {
            if block.get("type").and_then(Value::as_str) == Some("series") {
                let table = crate::labs::blocks::series_table(&block);
                if let Some(fields) = block.as_object_mut() {
                    fields.insert("table".into(), table);
                }
            }
            block
        })
        .collect();
    let (lead, rest) = lead_and_rest(blocks);
    json!({
        "lang": lang,
        "lab": {
            "id": lab.id,
            "dom_id": dom_id,
            "title": t(&lab.title),
            "description": t(&lab.description),
            "endpoint": format!("/_aula/labs/{}", lab.id),
        },
        "advanced_count": lab.inputs.iter().filter(|i| i.advanced).count(),
        "inputs": inputs,
        "example": example.map(|e| json!({"name": e.name, "title": e.title.as_deref().map(t)})),
        "examples": lab.examples.iter().map(|e| json!({
            "name": e.name,
            "title": e.title.as_deref().map(t).unwrap_or_else(|| e.name.clone()),
            "current": current.as_deref() == Some(e.name.as_str()),
        })).collect::<Vec<_>>(),
        "lead": lead,
        "rest": rest,
        "help_url": config.lab_help.get(lang),
        "data_json": script_json(&data),
    })
}

/// Result first: every verdict, then the first chart (or, without one, the first table, text or
/// code block) lead; the other blocks follow in their order. static/lab.js splits the same way.
fn lead_and_rest(blocks: Vec<Value>) -> (Vec<Value>, Vec<Value>) {
    let kind = |b: &Value| {
        b.get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let pick = ["series", "table", "text", "code"]
        .iter()
        .find_map(|wanted| blocks.iter().position(|b| kind(b) == *wanted));
    let mut lead: Vec<Value> = blocks
        .iter()
        .filter(|b| kind(b) == "verdict")
        .cloned()
        .collect();
    let mut rest = Vec::new();
    for (i, block) in blocks.into_iter().enumerate() {
        if Some(i) == pick {
            lead.push(block);
        } else if kind(&block) != "verdict" {
            rest.push(block);
        }
    }
    (lead, rest)
}

/// A textarea as tall as its value (3 to 10 lines), so a short input leaves a short form.
fn textarea_rows(kind: InputKind, value: &Value) -> usize {
    let lines = match (kind, value) {
        (InputKind::Json, v) => serde_json::to_string_pretty(v)
            .unwrap_or_default()
            .lines()
            .count(),
        (InputKind::Textarea, Value::String(s)) => s.lines().count(),
        _ => 0,
    };
    (lines + 1).clamp(3, 10)
}

/// A field's value as the form holds it, for `shown_when`: strings bare, the rest as JSON text.
fn value_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
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
