//! The template context of one lab embed (`templates/partials/lab.html`): the manifest's form in
//! the page's language, the input it starts from, the lab's real answer, and the data the page's
//! script needs to run it again.
//!
//! Everything here is data; the markup is the template's. JSON meant for a
//! `<script type="application/json">` element is escaped so that no `<`, `>` or `&` can end the
//! element early, whatever a lab or a manifest says.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::Config;
use crate::content::Page;
use crate::i18n::Locales;
use crate::labs::answers::{Answers, Request};
use crate::labs::runner::Outcome;
use crate::labs::{Example, FieldError, InputKind, Lab, ResolvedFence};

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
    let inputs: Vec<Field<'_>> = lab
        .inputs
        .iter()
        .map(|input| {
            let value = fence.input.get(&input.name).cloned().unwrap_or(Value::Null);
            Field {
                name: &input.name,
                id: format!("{dom_id}-{}", input.name),
                kind: input.kind,
                label: t(&input.label),
                hint: input.hint.as_deref().map(t),
                value: form_value(input.kind, &value),
                checked: value.as_bool().unwrap_or(false),
                min: input.min,
                max: input.max,
                step: input.step,
                required: input.required,
                max_length: input.max_length,
                rows: textarea_rows(input.kind, &value),
                advanced: input.advanced,
                when_input: input.shown_when.as_ref().map(|w| w.input.as_str()),
                when_values: input.shown_when.as_ref().map(|w| w.values.join("|")),
                when_now: input
                    .shown_when
                    .as_ref()
                    .is_none_or(|w| w.values.contains(&value_text(fence.input.get(&w.input)))),
                options: input
                    .options
                    .iter()
                    .map(|o| FieldOption {
                        value: &o.value,
                        label: t(&o.label),
                        selected: value.as_str() == Some(o.value.as_str()),
                    })
                    .collect(),
            }
        })
        .collect();
    let example = fence.example.as_deref().and_then(|name| lab.example(name));
    let mut strings = BTreeMap::new();
    for (name, key) in SCRIPT_STRINGS {
        strings.insert(*name, t(key));
    }
    for code in FIELD_ERROR_CODES {
        strings.insert(*code, t(code));
    }
    // The example the fence shows, when its input is exactly that example's.
    let current = lab
        .examples
        .iter()
        .find(|e| e.input == fence.input)
        .map(|e| e.name.as_str());
    let example_title = |e: &Example| e.title.as_deref().map(t).unwrap_or_else(|| e.name.clone());
    // Every example with its recorded answer, so the picker switches without the network: once
    // per page and lab (the first fence carries them), and never twice in one fence (the
    // fence's own example is `answer`).
    let recorded: Vec<RecordedExample<'_>> = lab
        .examples
        .iter()
        .map(|e| {
            let answer = if examples_above || e.input == fence.input {
                None
            } else {
                match answers.get(&Request::new(&lab.id, lang, &e.input)) {
                    Some(Outcome::Answer(a)) => Some(a),
                    _ => None,
                }
            };
            RecordedExample {
                name: &e.name,
                title: example_title(e),
                input: &e.input,
                answer,
            }
        })
        .collect();
    let hosted = config.lab_endpoint.as_deref();
    let data = ScriptData {
        id: &lab.id,
        lang,
        endpoint: match hosted {
            Some(origin) => format!("{origin}/_aula/labs/{}", lab.id),
            None => format!("/_aula/labs/{}", lab.id),
        },
        hosted: hosted.is_some(),
        input: &fence.input,
        kinds: lab
            .inputs
            .iter()
            .map(|i| (i.name.as_str(), i.kind))
            .collect(),
        strings,
        // A later fence showing an example finds its answer with the first fence's examples.
        answer: if examples_above && current.is_some() {
            &Value::Null
        } else {
            answer
        },
        current,
        examples: recorded,
    };
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
    let context = LabContext {
        lang,
        lab: LabSummary {
            id: &lab.id,
            dom_id,
            title: t(&lab.title),
            description: t(&lab.description),
            endpoint: format!("/_aula/labs/{}", lab.id),
        },
        advanced_count: lab.inputs.iter().filter(|i| i.advanced).count(),
        inputs,
        example: example.map(|e| ExampleName {
            name: &e.name,
            title: e.title.as_deref().map(t),
        }),
        examples: lab
            .examples
            .iter()
            .map(|e| ExamplePick {
                name: &e.name,
                title: example_title(e),
                current: current == Some(e.name.as_str()),
            })
            .collect(),
        lead,
        rest,
        help_url: config.lab_help.get(lang).map(String::as_str),
        // Through a JSON value, whose keys are sorted: the page's script reads them by name,
        // and pages stay byte for byte what they were.
        data_json: script_json(&serde_json::to_value(&data).unwrap_or_default()),
    };
    serde_json::to_value(&context).unwrap_or_default()
}

/// What `partials/lab.html` gets for one embed.
#[derive(Serialize)]
struct LabContext<'a> {
    lang: &'a str,
    lab: LabSummary<'a>,
    /// How many inputs go under "More options".
    advanced_count: usize,
    inputs: Vec<Field<'a>>,
    /// The example the fence names, if it names one.
    example: Option<ExampleName<'a>>,
    /// The example picker.
    examples: Vec<ExamplePick<'a>>,
    /// The answer's blocks shown first (see [`lead_and_rest`]), and the others. Blocks are the
    /// lab's own JSON, checked by `labs::blocks`.
    lead: Vec<Value>,
    rest: Vec<Value>,
    /// `[labs] help` for the page's language.
    help_url: Option<&'a str>,
    /// [`ScriptData`], ready for a `<script type="application/json">` element.
    data_json: String,
}

#[derive(Serialize)]
struct LabSummary<'a> {
    id: &'a str,
    /// The embed's element id, unique in the page.
    dom_id: String,
    title: String,
    description: String,
    endpoint: String,
}

/// One form field, in the page's language, holding the fence's input.
#[derive(Serialize)]
struct Field<'a> {
    name: &'a str,
    id: String,
    kind: InputKind,
    label: String,
    hint: Option<String>,
    /// What the control holds: text, or a JSON input pretty-printed.
    value: Value,
    checked: bool,
    min: Option<f64>,
    max: Option<f64>,
    step: Option<f64>,
    required: bool,
    max_length: usize,
    rows: usize,
    advanced: bool,
    /// `shown_when`: the controlling input, its values joined by `|`, and whether the field
    /// shows for the fence's input.
    when_input: Option<&'a str>,
    when_values: Option<String>,
    when_now: bool,
    options: Vec<FieldOption<'a>>,
}

#[derive(Serialize)]
struct FieldOption<'a> {
    value: &'a str,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct ExampleName<'a> {
    name: &'a str,
    title: Option<String>,
}

#[derive(Serialize)]
struct ExamplePick<'a> {
    name: &'a str,
    title: String,
    current: bool,
}

/// What the page's script reads (`static/lab.js`): where to run the lab, the input it starts
/// from, the strings it shows, and every example's recorded answer.
#[derive(Serialize)]
struct ScriptData<'a> {
    id: &'a str,
    lang: &'a str,
    endpoint: String,
    /// Whether `endpoint` is a hosted runner's (`[labs] endpoint`).
    hosted: bool,
    input: &'a Map<String, Value>,
    kinds: BTreeMap<&'a str, InputKind>,
    strings: BTreeMap<&'a str, String>,
    answer: &'a Value,
    /// The example whose input the fence shows, if any.
    current: Option<&'a str>,
    examples: Vec<RecordedExample<'a>>,
}

#[derive(Serialize)]
struct RecordedExample<'a> {
    name: &'a str,
    title: String,
    input: &'a Map<String, Value>,
    /// `None` when its run failed: the script runs it when it is picked.
    answer: Option<&'a Value>,
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
        let text = script_json(&serde_json::json!({"x": "</script><b>&"}));
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["x"], "</script><b>&");
    }
}
