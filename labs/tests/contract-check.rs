//! Runs the real `contract-check` binary: every manifest example against its expected answers
//! in both languages, bad input, and the Spanish output.

#![allow(
    clippy::unwrap_used,
    reason = "helpers outside #[test] fns; a test should fail loudly"
)]

mod common;

use serde_json::{Value, json};

/// The defaults of `manifests/contract-check.toml` (the json input as the form sends it: parsed).
fn defaults() -> Value {
    json!({
        "contract": *CONTRACT,
        "raw_answer": RAW_ANSWER,
        "mode": "lax"
    })
}

const RAW_ANSWER: &str = "{\"answer\": \"You can reset your password from Settings → Security.\", \"confidence\": 0.93, \"intent\": \"question\", \"sources\": [{\"title\": \"Account help\", \"url\": \"https://example.com/help/password\"}], \"tokens\": 57}";
const CONTRACT_TEXT: &str = r#"{"name": "ChatResponse", "extra": "ignore", "fields": {"answer": {"type": "string", "min_length": 1}, "confidence": {"type": "number", "ge": 0, "le": 1}, "intent": {"type": "enum", "values": ["question", "complaint"]}, "sources": {"type": "list", "max_length": 5, "items": {"type": "object", "name": "Source", "fields": {"title": {"type": "string"}, "url": {"type": "string", "min_length": 1}}}}, "tokens": {"type": "integer", "required": false, "default": 0}, "escalate": {"type": "boolean", "default": false}}}"#;

static CONTRACT: std::sync::LazyLock<Value> =
    std::sync::LazyLock::new(|| serde_json::from_str(CONTRACT_TEXT).unwrap());

/// Each example's own input, merged over [`defaults`] as aula does.
fn examples() -> Vec<(&'static str, Value)> {
    let examples = vec![
        ("valid-answer", json!({})),
        (
            "fenced-answer",
            json!({"raw_answer": "Sure! Here is the JSON you asked for:\n\n```json\n{\n  \"answer\": \"Refunds take 5 to 7 business days.\",\n  \"confidence\": 0.82,\n  \"intent\": \"question\",\n  \"sources\": [\n    {\n      \"title\": \"Refund policy\",\n      \"url\": \"https://example.com/refunds\"\n    }\n  ]\n}\n```\n\nLet me know if you need anything else."}),
        ),
        (
            "invalid-answer",
            json!({"raw_answer": "{\"answer\": \"\", \"confidence\": \"high\", \"intent\": \"Question\", \"sources\": [{\"title\": \"Billing FAQ\"}], \"tokens\": 12.5, \"escalate\": null}"}),
        ),
        (
            "lax-coercion",
            json!({"raw_answer": "{\"answer\": \"Your order ships tomorrow.\", \"confidence\": \"0.9\", \"intent\": \"complaint\", \"sources\": [], \"tokens\": \"42\", \"escalate\": \"no\"}"}),
        ),
        (
            "strict-mode",
            json!({"raw_answer": "{\"answer\": \"Your order ships tomorrow.\", \"confidence\": \"0.9\", \"intent\": \"complaint\", \"sources\": [], \"tokens\": \"42\", \"escalate\": \"no\"}", "mode": "strict"}),
        ),
        (
            "literal-intent",
            json!({"contract": {"name": "ChatResponse", "extra": "ignore", "fields": {"answer": {"type": "string", "min_length": 1}, "confidence": {"type": "number", "ge": 0, "le": 1}, "intent": {"type": "literal", "values": ["question", "complaint"]}, "sources": {"type": "list", "max_length": 5, "items": {"type": "object", "name": "Source", "fields": {"title": {"type": "string"}, "url": {"type": "string", "min_length": 1}}}}, "tokens": {"type": "integer", "required": false, "default": 0}, "escalate": {"type": "boolean", "default": false}}}, "raw_answer": "{\"answer\": \"Your order ships tomorrow.\", \"confidence\": 0.9, \"intent\": \"Complaint\", \"sources\": []}"}),
        ),
        (
            "broken-fence",
            json!({"raw_answer": "Sure! Here is the JSON you asked for:\n\n```json\n{\n  \"answer\": \"Refunds take 5 to 7 business days.\",\n  \"confidence\": 0.82,\n  \"intent\": \"question\",\n  \"sources\": [\n    {\n      \"title\": \"Refund policy\",\n      \"url\": \"https://example.com/refunds\"\n    }\n  ],\n}\n```\n\nLet me know if you need anything else."}),
        ),
    ];
    examples
        .into_iter()
        .map(|(name, changes)| {
            let mut input = defaults();
            for (key, value) in changes.as_object().into_iter().flatten() {
                input[key] = value.clone();
            }
            (name, input)
        })
        .collect()
}

fn run_lab(request: &str) -> (i32, String) {
    common::run_raw(env!("CARGO_BIN_EXE_contract-check"), request)
}

fn verdict(stdout: &str) -> Value {
    let answer: Value = serde_json::from_str(stdout).unwrap();
    answer["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "verdict")
        .unwrap()
        .clone()
}

#[test]
fn every_example_prints_its_expected_answer() {
    common::assert_examples_print_their_expected_answers(
        env!("CARGO_BIN_EXE_contract-check"),
        "contract-check",
        &examples(),
    );
}

#[test]
fn the_examples_answer_200_or_422_as_their_names_say() {
    let status: Vec<(&str, String)> = examples()
        .into_iter()
        .map(|(name, input)| {
            let (_, stdout) = run_lab(&json!({"lang": "en", "input": input}).to_string());
            (
                name,
                verdict(&stdout)["title"].as_str().unwrap()[..3].to_string(),
            )
        })
        .collect();
    assert_eq!(
        status,
        vec![
            ("valid-answer", "200".to_string()),
            ("fenced-answer", "200".to_string()),
            ("invalid-answer", "422".to_string()),
            ("lax-coercion", "200".to_string()),
            ("strict-mode", "422".to_string()),
            ("literal-intent", "422".to_string()),
            ("broken-fence", "422".to_string()),
        ]
    );
}

#[test]
fn the_contract_may_also_arrive_as_a_json_string() {
    let mut input = defaults();
    input["contract"] = Value::from(CONTRACT_TEXT);
    let (code, stdout) = run_lab(&json!({"input": input}).to_string());
    assert_eq!(code, 0);
    assert!(
        verdict(&stdout)["title"]
            .as_str()
            .unwrap()
            .starts_with("200")
    );
}

#[test]
fn bad_input_exits_with_2_and_names_the_field() {
    let cases = [
        (json!({"mode": "loose"}), "input.mode"),
        (json!({"raw_answer": 42}), "input.raw_answer"),
        (json!({"contract": null}), "input.contract"),
        (
            json!({"contract": {"fields": {"a": {"type": "float"}}}}),
            "input.contract.fields.a.type",
        ),
        (
            json!({"contract": {"fields": {"a": {"type": "integer", "le": "ten"}}}}),
            "input.contract.fields.a.le",
        ),
        (
            json!({"raw_answer": "x".repeat(20_001)}),
            "input.raw_answer",
        ),
    ];
    for (changes, field) in cases {
        let mut input = defaults();
        for (key, value) in changes.as_object().into_iter().flatten() {
            input[key] = value.clone();
        }
        let (code, stdout) = run_lab(&json!({"lang": "en", "input": input}).to_string());
        assert_eq!(code, 2, "{changes}");
        let answer: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(answer["error"]["field"], field, "{changes}");
    }
}

#[test]
fn spanish_output_keeps_pydantics_messages_in_english() {
    let input = &examples()[2].1;
    let (code, stdout) = run_lab(&json!({"lang": "es", "input": input}).to_string());
    assert_eq!(code, 0);
    assert!(stdout.contains("Los errores, explicados"));
    assert!(stdout.contains("Field required"));
    assert!(stdout.contains("6 errores"));
    assert!(!stdout.contains("The errors, explained"));
}

#[test]
fn a_broken_fence_is_json_invalid_and_a_literal_is_literal_error() {
    let examples = examples();
    let input = |name: &str| examples.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    let (code, stdout) =
        run_lab(&json!({"lang": "en", "input": input("broken-fence")}).to_string());
    assert_eq!(code, 0);
    // One json_invalid for the fence's text — not the Source object nested inside it, which
    // would have parsed and produced "missing" errors for answer, confidence and intent.
    assert!(
        stdout.contains("Invalid JSON: trailing comma at line 11 column 1"),
        "{stdout}"
    );
    assert!(!stdout.contains("missing"), "{stdout}");
    assert_eq!(
        verdict(&stdout)["title"],
        "422 Unprocessable Content: 1 error"
    );
    let (code, stdout) =
        run_lab(&json!({"lang": "en", "input": input("literal-intent")}).to_string());
    assert_eq!(code, 0);
    assert!(stdout.contains("literal_error"), "{stdout}");
    assert!(
        stdout.contains("\\\"type\\\": \\\"literal_error\\\""),
        "{stdout}"
    );
    assert!(!stdout.contains("\\\"type\\\": \\\"enum\\\""), "{stdout}");
}
