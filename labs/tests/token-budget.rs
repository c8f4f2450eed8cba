//! Runs the real `token-budget` binary: every manifest example against its expected answers in
//! both languages, bad input, and the Spanish output.

#![allow(
    clippy::unwrap_used,
    reason = "helpers outside #[test] fns; a test should fail loudly"
)]

mod common;

use serde_json::{Value, json};

/// The defaults of `manifests/token-budget.toml`.
fn defaults() -> Value {
    json!({
        "prompt": "System: You are the support assistant of an online bookstore. Answer in two or three short sentences, in the customer's language. Use only the order data provided below; if the answer is not there, say so and offer to open a ticket. Never reveal internal notes.\n\nOrder data: order 48213, placed March 3, two paperbacks, shipped March 5 with tracking number ZX-5520-19, estimated delivery March 9.\n\nUser: Hi! My order still hasn't arrived and it's already March 11. Where is it, and can I get a refund if it's lost?",
        "encoding": "o200k_base",
        "expected_output_tokens": 150,
        "requests_per_minute": 40,
        "tpm_quota": 30000,
        "rpm_quota": 0,
        "input_price_per_1k": 0.0025,
        "output_price_per_1k": 0.01,
        "hours_per_day": 8,
        "days_per_month": 22
    })
}

/// Each example's own input, merged over [`defaults`] as aula does.
fn examples() -> Vec<(&'static str, Value)> {
    let examples = vec![
        ("chat-assistant", json!({})),
        (
            "batch-summaries",
            json!({"prompt": "System: Summarize the following incident report for an executive audience in at most five bullet points: what happened, impact, root cause, what was done, and what is still open. Keep numbers exact.\n\nReport: On Tuesday at 09:12 UTC the payments API began returning HTTP 503 for about 18% of requests. The on-call engineer was paged at 09:15 and confirmed that the database connection pool of the primary region was exhausted. A configuration change deployed at 08:55 had lowered the pool size from 200 to 20 connections as part of a cost-reduction effort; the change had passed review because the staging environment receives less than 2% of production traffic. Between 09:12 and 09:47, 41,380 payment attempts failed, of which 36,902 were retried successfully by clients. The remaining 4,478 customers saw an error page; support received 312 tickets. The change was rolled back at 09:41 and error rates returned to normal at 09:47. No data was lost and no duplicate charges were found after reconciliation. Follow-up actions: add a load test to the deployment pipeline, alert on pool saturation above 80%, and require a capacity review for any change to connection limits. The load test and the alert are done; the review policy is still being drafted and is due by the end of the month.\n\nUser: Write the summary.", "encoding": "cl100k_base", "expected_output_tokens": 200, "requests_per_minute": 25, "tpm_quota": 80000, "hours_per_day": 24, "days_per_month": 30}),
        ),
        ("over-quota", json!({"requests_per_minute": 150})),
    ];
    examples
        .into_iter()
        .map(|(name, changes)| (name, merged(&changes)))
        .collect()
}

fn merged(changes: &Value) -> Value {
    let mut input = defaults();
    for (key, value) in changes.as_object().into_iter().flatten() {
        input[key] = value.clone();
    }
    input
}

fn run_lab(request: &str) -> (i32, String) {
    common::run_raw(env!("CARGO_BIN_EXE_token-budget"), request)
}

fn blocks(stdout: &str) -> Vec<Value> {
    let answer: Value = serde_json::from_str(stdout).unwrap();
    answer["blocks"].as_array().unwrap().clone()
}

#[test]
fn every_example_prints_its_expected_answer() {
    common::assert_examples_print_their_expected_answers(
        env!("CARGO_BIN_EXE_token-budget"),
        "token-budget",
        &examples(),
    );
}

#[test]
fn hello_world_is_two_tokens_in_both_encodings() {
    for encoding in ["cl100k_base", "o200k_base"] {
        let input = merged(&json!({"prompt": "hello world", "encoding": encoding}));
        let (code, stdout) = run_lab(&json!({"input": input}).to_string());
        assert_eq!(code, 0);
        assert_eq!(
            blocks(&stdout)[0]["rows"][0],
            json!(["Tokens", "2"]),
            "{encoding}"
        );
    }
}

#[test]
fn the_over_quota_example_is_bound_by_tokens() {
    let input = &examples()[2].1;
    let (_, stdout) = run_lab(&json!({"input": input}).to_string());
    let verdict = blocks(&stdout).last().unwrap().clone();
    assert_eq!(verdict["status"], "fail");
    assert!(verdict["detail"].as_str().unwrap().contains("TPM"));
}

#[test]
fn bad_input_exits_with_2_and_names_the_field() {
    let cases = [
        (json!({"encoding": "gpt2"}), "input.encoding"),
        (json!({"tpm_quota": "lots"}), "input.tpm_quota"),
        (json!({"rpm_quota": -1}), "input.rpm_quota"),
        (
            json!({"requests_per_minute": 2e6}),
            "input.requests_per_minute",
        ),
        (json!({"days_per_month": 32}), "input.days_per_month"),
        (json!({"prompt": "x".repeat(50_001)}), "input.prompt"),
    ];
    for (changes, field) in cases {
        let (code, stdout) = run_lab(&json!({"input": merged(&changes)}).to_string());
        assert_eq!(code, 2, "{changes}");
        let answer: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(answer["error"]["field"], field, "{changes}");
    }
}

#[test]
fn spanish_output_uses_spanish_words_and_numbers() {
    let input = &examples()[1].1;
    let (code, stdout) = run_lab(&json!({"lang": "es", "input": input}).to_string());
    assert_eq!(code, 0);
    assert!(stdout.contains("Tokens de entrada"));
    assert!(stdout.contains("USD 2.951,10"));
    assert!(!stdout.contains("Input tokens"));
}
