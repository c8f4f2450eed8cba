//! Hostile inputs, one lab at a time: each run gets a 256 MiB address-space limit (the labs need
//! under 64 MiB for their examples) and must still answer with JSON — blocks, or an input error
//! with exit code 2 — never an abort. The cases are the ways a small input could make a lab's
//! memory grow faster than the input: aliases copied at every use (a YAML document under 500
//! bytes that expanded to 9⁹ strings), templates that multiply when nested, brackets nested past what
//! Python accepts, `:children` diamonds, and the largest inputs the manifests allow. `iam-eval`
//! has its own (its linear-memory wildcard matcher is tested in src/iam_eval).

#![allow(
    clippy::unwrap_used,
    reason = "helpers of an integration test: an unexpected failure should fail the test loudly"
)]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

/// Address space for one run, in KiB (`ulimit -v`).
const MEMORY_KIB: u32 = 256 * 1024;

/// Runs `binary` under the memory limit: (exit code, the JSON it printed).
fn run_limited(binary: &str, request: &Value) -> (i32, Value) {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB} && exec \"$0\""))
        .arg(binary)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let code = output.status.code().unwrap_or(-1);
    let parsed = serde_json::from_str(&stdout).unwrap_or_else(|_| {
        panic!(
            "{binary} did not answer JSON (exit {code}): {}\nstderr: {}",
            stdout.chars().take(300).collect::<String>(),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (code, parsed)
}

/// The run ends with an input error on `field`, exit code 2.
fn assert_refused(binary: &str, request: &Value, field: &str, fragment: &str) {
    let (code, answer) = run_limited(binary, request);
    assert_eq!(code, 2, "{answer}");
    assert_eq!(answer["error"]["field"], field, "{answer}");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains(fragment), "{message}");
}

/// The run ends normally, with blocks.
fn assert_answered(binary: &str, request: &Value) -> Value {
    let (code, answer) = run_limited(binary, request);
    assert_eq!(code, 0, "{answer}");
    assert!(answer["blocks"].is_array(), "{answer}");
    answer
}

const ANSIBLE: &str = env!("CARGO_BIN_EXE_ansible-vars");

fn ansible(changes: Value) -> Value {
    let mut input = json!({"inventory": "[web]\nweb1\n", "host": "web1", "message": "hi"});
    for (key, value) in changes.as_object().unwrap() {
        input[key] = value.clone();
    }
    json!({"lang": "en", "input": input})
}

/// Nine levels of nine aliases: under 500 bytes, 9⁹ strings once expanded.
fn billion_laughs() -> String {
    let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        doc.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    doc
}

#[test]
fn ansible_vars_bounds_yaml_alias_expansion() {
    let doc = billion_laughs();
    assert!(doc.len() < 500);
    for field in ["role_defaults", "play_vars", "vars_files"] {
        assert_refused(
            ANSIBLE,
            &ansible(json!({ field: doc })),
            &format!("input.{field}"),
            "expands to more than",
        );
    }
    // Extra vars that start with `{` are read as YAML too (flow style, one line).
    let mut flow = String::from("{a0: &a0 [x, x, x, x, x, x, x, x, x]");
    for i in 1..9 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        flow.push_str(&format!(", a{i}: &a{i} [{refs}]"));
    }
    flow.push('}');
    assert_refused(
        ANSIBLE,
        &ansible(json!({ "extra_vars": flow })),
        "input.extra_vars",
        "expands to more than",
    );
}

#[test]
fn ansible_vars_bounds_templates_that_multiply() {
    let mut vars = String::from("t0: \"xxxxxxxxxx\"\n");
    for i in 1..=18 {
        let below = format!("{{{{ t{} }}}}", i - 1);
        vars.push_str(&format!("t{i}: \"{}\"\n", below.repeat(3)));
    }
    assert_refused(
        ANSIBLE,
        &ansible(json!({"play_vars": vars, "message": "{{ t18 }}"})),
        "input.message",
        "expands to more than",
    );
}

#[test]
fn ansible_vars_survives_deep_nesting_and_group_diamonds() {
    // 5,000 nested brackets in an INI value: Python refuses past 200, so it stays a string.
    let deep = format!("{}1{}", "[".repeat(5_000), "]".repeat(5_000));
    let answer = assert_answered(
        ANSIBLE,
        &ansible(json!({"inventory": format!("[web]\nweb1 deep=\"{deep}\"\n")})),
    );
    assert_eq!(answer["blocks"][1]["rows"][0][2], "str");
    // The same depth in YAML is refused with a message.
    let (code, _) = run_limited(
        ANSIBLE,
        &ansible(json!({"play_vars": format!("deep: {deep}\n")})),
    );
    assert_eq!(code, 2);
    // Forty layers of groups with two parents each: 2⁴⁰ paths, walked once.
    let mut inventory = String::from("[g0]\nweb1\n");
    for i in 1..40 {
        let p = i - 1;
        inventory.push_str(&format!(
            "[a{i}:children]\ng{p}\n[b{i}:children]\ng{p}\n[g{i}:children]\na{i}\nb{i}\n"
        ));
    }
    assert_answered(ANSIBLE, &ansible(json!({"inventory": inventory})));
}

#[test]
fn the_other_labs_answer_their_largest_inputs_within_the_limit() {
    // contract-check: 20,000 characters of unbalanced braces, and of nested arrays.
    let contract = json!({"fields": {"a": {"type": "string"}}});
    for raw in [
        "{".repeat(20_000),
        format!("```json\n{}\n```", "[".repeat(19_000)),
    ] {
        let request = json!({"lang": "en", "input": {"contract": contract, "raw_answer": raw}});
        assert_answered(env!("CARGO_BIN_EXE_contract-check"), &request);
    }
    // cost-allocation: 10,000 sub-cent line items (its limit).
    let mut csv = String::from("date,service,cost,team\n");
    for i in 0..10_000 {
        csv.push_str(&format!("2026-10-01,q,0.000000000001,t{i}\n"));
    }
    let request = json!({"lang": "en", "input": {"line_items": csv, "strategy": "even"}});
    assert_answered(env!("CARGO_BIN_EXE_cost-allocation"), &request);
    // rate-limit: 5,000 timestamps, every one distinct.
    let timestamps: Vec<String> = (0..5_000)
        .map(|i| format!("{}.{:03}", i / 7, i % 1000))
        .collect();
    let request = json!({"lang": "en", "input": {"preset": "custom", "timestamps": timestamps.join(","), "limit": 1000}});
    assert_answered(env!("CARGO_BIN_EXE_rate-limit"), &request);
    // token-budget: 50,000 characters of one repeated letter (one long BPE piece).
    let request = json!({"lang": "en", "input": {"prompt": "a".repeat(50_000)}});
    assert_answered(env!("CARGO_BIN_EXE_token-budget"), &request);
}
