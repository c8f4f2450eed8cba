//! Runs the real `ansible-vars` binary on every example of its manifest (inputs repeated here,
//! merged with the defaults) and compares with `expected/ansible-vars/`, then checks bad input.
//! `tests/differential/test_ansible_vars.py` compares the same answers with real ansible-core.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of an integration test: an unexpected failure should fail the test loudly"
)]

mod common;

use serde_json::{Value, json};

fn run(request: &Value) -> (i32, Value) {
    common::run(env!("CARGO_BIN_EXE_ansible-vars"), request)
}

fn expected(example: &str, lang: &str) -> Value {
    common::expected("ansible-vars", example, lang)
}

const INVENTORY: &str = "[web]
web1 ansible_host=10.0.10.11
web2 ansible_host=10.0.10.12 status_port=9090

[db]
db1 ansible_host=10.0.20.21

[prod:children]
web
db

[all:vars]
status_port=8080

[prod:vars]
status_port=8000
site_timezone=UTC

[web:vars]
status_port=8081
";

/// The manifest's defaults.
fn defaults() -> Value {
    json!({
        "role_defaults": "status_port: 80\nstatus_title: \"Status page\"\nsite_timezone: \"Etc/UTC\"\n",
        "inventory": INVENTORY,
        "host": "web1",
        "play_vars": "status_title: \"Service status\"\n",
        "vars_files": "site_timezone: \"America/Bogota\"\nsupport_email: \"ops@example.org\"\n",
        "extra_vars": "status_port=7000",
        "message": "{{ status_title }} on port {{ status_port }}, timezone {{ site_timezone }}",
    })
}

fn with(changes: Value) -> Value {
    let mut input = defaults();
    for (k, v) in changes.as_object().unwrap() {
        input[k] = v.clone();
    }
    input
}

fn examples() -> Vec<(&'static str, Value)> {
    vec![
        ("extra-vars-win", defaults()),
        (
            "host-beats-group",
            with(json!({"host": "web2", "extra_vars": ""})),
        ),
        (
            "undefined-variable",
            with(
                json!({"vars_files": "", "message": "{{ status_title }}: questions to {{ support_email }}"}),
            ),
        ),
        (
            "non-boolean-conditional",
            with(
                json!({"extra_vars": "status_port=7000 maintenance=false", "when": "maintenance"}),
            ),
        ),
        (
            "bool-filter-conditional",
            with(
                json!({"extra_vars": "status_port=7000 maintenance=false", "when": "maintenance | bool"}),
            ),
        ),
        (
            "broken-conditionals-allowed",
            with(json!({
                "extra_vars": "status_port=7000 maintenance=false",
                "when": "maintenance",
                "allow_broken_conditionals": true
            })),
        ),
    ]
}

/// The table row of one variable: [name, value, type, winner, overridden].
fn row(answer: &Value, name: &str) -> Vec<String> {
    let table = answer["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "table")
        .unwrap();
    let row = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[0] == name)
        .unwrap();
    row.as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_example_matches_its_expected_answer() {
    for (name, input) in examples() {
        for lang in ["en", "es"] {
            let (code, answer) = run(&json!({"lang": lang, "input": input}));
            assert_eq!(code, 0, "{name} {lang}");
            assert_eq!(answer, expected(name, lang), "{name} {lang}");
        }
    }
}

#[test]
fn the_examples_teach_what_their_names_say() {
    let (_, answer) = run(&json!({"lang": "en", "input": defaults()}));
    assert_eq!(
        row(&answer, "status_port")[1..4],
        ["\"7000\"", "str", "extra vars (-e)"]
    );
    assert_eq!(
        answer["blocks"][0]["detail"],
        "Service status on port 7000, timezone America/Bogota"
    );

    let (_, answer) = run(&json!({"lang": "en", "input": examples()[1].1}));
    assert_eq!(
        row(&answer, "status_port")[1..4],
        ["9090", "int", "inventory host vars"]
    );

    let (_, answer) = run(&json!({"lang": "en", "input": examples()[2].1}));
    assert_eq!(answer["blocks"][0]["status"], "fail");
    assert!(
        answer["blocks"][1]["code"]
            .as_str()
            .unwrap()
            .contains("'support_email' is undefined")
    );
}

#[test]
fn the_conditional_examples_fail_skip_and_run() {
    // -e maintenance=false is the string "false": an error since ansible-core 2.19, true before.
    let (_, answer) = run(&json!({"lang": "en", "input": examples()[3].1}));
    assert_eq!(answer["blocks"][0]["status"], "fail");
    assert!(
        answer["blocks"][1]["code"]
            .as_str()
            .unwrap()
            .contains("Conditionals must have a boolean result")
    );
    let (_, answer) = run(&json!({"lang": "en", "input": examples()[4].1}));
    assert_eq!(answer["blocks"][1]["code"], "skipping: [web1]");
    let (_, answer) = run(&json!({"lang": "en", "input": examples()[5].1}));
    assert_eq!(answer["blocks"][0]["status"], "warn");
    assert_eq!(
        answer["blocks"][3]["detail"],
        "Service status on port 7000, timezone America/Bogota"
    );
}

#[test]
fn spanish_output_is_spanish() {
    let (code, answer) = run(&json!({"lang": "es", "input": examples()[1].1}));
    assert_eq!(code, 0);
    assert_eq!(answer["blocks"][0]["title"], "Mensaje renderizado");
    assert_eq!(answer["blocks"][1]["columns"][3], "Fuente ganadora");
    assert_eq!(
        row(&answer, "status_port")[3],
        "vars del host en el inventario"
    );
}

#[test]
fn bad_inputs_exit_with_2_and_name_the_field() {
    let cases = [
        (
            with(json!({"role_defaults": "a: [1, 2\n"})),
            "input.role_defaults",
            "line",
        ),
        (
            with(json!({"play_vars": "- just\n- a list\n"})),
            "input.play_vars",
            "mapping",
        ),
        (
            with(json!({"inventory": "[web]\nweb1\n[nope:vars]\nx=1\n"})),
            "input.inventory",
            "line 3",
        ),
        (
            with(json!({"inventory": "[web]\nweb1 port\n"})),
            "input.inventory",
            "line 2",
        ),
        (with(json!({"host": "web9"})), "input.host", "web1"),
        (
            with(json!({"extra_vars": "[1, 2]"})),
            "input.extra_vars",
            "dictionary",
        ),
        (
            with(json!({"message": "{% if x %}"})),
            "input.message",
            "{%",
        ),
        (with(json!({"message": 42})), "input.message", "expected"),
    ];
    for (input, field, fragment) in cases {
        let (code, answer) = run(&json!({"lang": "en", "input": input}));
        assert_eq!(code, 2, "{field}");
        assert_eq!(answer["error"]["field"], field);
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(fragment), "{field}: {message}");
    }
}
