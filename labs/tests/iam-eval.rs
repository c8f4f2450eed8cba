//! Runs the real `iam-eval` binary on every example of its manifest (inputs repeated here, merged
//! with the defaults) and compares with `expected/iam-eval/`, then checks bad input.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of an integration test: an unexpected failure should fail the test loudly"
)]

mod common;

use serde_json::{Value, json};

fn run(request: &Value) -> (i32, Value) {
    common::run(env!("CARGO_BIN_EXE_iam-eval"), request)
}

fn expected(example: &str, lang: &str) -> Value {
    common::expected("iam-eval", example, lang)
}

const REPORT: &str = "arn:aws:s3:::acme-quarterly-reports/2026/q3.pdf";

/// The manifest's default: the `ReportsReadOnly` policy of the cloud-iam article.
fn default_policies() -> Value {
    json!([{"name": "ReportsReadOnly", "document": {"Version": "2012-10-17", "Statement": [
        {"Sid": "ListTheBucket", "Effect": "Allow", "Action": "s3:ListBucket",
         "Resource": "arn:aws:s3:::acme-quarterly-reports"},
        {"Sid": "ReadPublishedReports", "Effect": "Allow", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::acme-quarterly-reports/*"},
        {"Sid": "KeepOutOfDrafts", "Effect": "Deny", "Action": "s3:*",
         "Resource": "arn:aws:s3:::acme-quarterly-reports/drafts/*"}
    ]}}])
}

/// The manifest's examples, each merged over the defaults.
fn examples() -> Vec<(&'static str, Value)> {
    vec![
        (
            "allowed",
            json!({"policies": default_policies(), "action": "s3:GetObject", "resource": REPORT}),
        ),
        (
            "explicit-deny",
            json!({"policies": default_policies(), "action": "s3:GetObject",
                   "resource": "arn:aws:s3:::acme-quarterly-reports/drafts/q4.pdf"}),
        ),
        (
            "implicit-deny",
            json!({"policies": default_policies(), "action": "s3:PutObject", "resource": REPORT}),
        ),
        (
            "not-action",
            json!({"action": "iam:CreateUser", "resource": "arn:aws:iam::111122223333:user/reports-bot",
                   "policies": [{"name": "AlmostPowerUser", "document": {"Version": "2012-10-17",
                       "Statement": {"Sid": "EverythingButIam", "Effect": "Allow",
                                     "NotAction": "iam:*", "Resource": "*"}}}]}),
        ),
    ]
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
fn verdicts_say_what_decided() {
    let titles: Vec<String> = examples()
        .into_iter()
        .map(|(_, input)| {
            let (_, answer) = run(&json!({"lang": "en", "input": input}));
            answer["blocks"][0]["title"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(
        titles,
        [
            "Allowed",
            "Denied: explicit deny",
            "Denied: implicit deny",
            "Denied: implicit deny"
        ]
    );
}

#[test]
fn spanish_output_is_spanish() {
    let (_, input) = examples().remove(1);
    let (code, answer) = run(&json!({"lang": "es", "input": input}));
    assert_eq!(code, 0);
    assert_eq!(
        answer["blocks"][0]["title"],
        "Denegado: denegación explícita"
    );
    assert_eq!(answer["blocks"][1]["columns"][0], "Política");
}

#[test]
fn a_malformed_statement_is_named_by_its_path() {
    let policies = json!([{"name": "p", "document": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Permit", "Action": "s3:*", "Resource": "*"}
    ]}}]);
    let request = json!({"lang": "en", "input": {"policies": policies, "action": "s3:GetObject", "resource": "*"}});
    let (code, answer) = run(&request);
    assert_eq!(code, 2);
    assert_eq!(
        answer["error"]["field"],
        "input.policies[0].document.Statement[1].Effect"
    );
}

#[test]
fn bad_inputs_exit_with_2_and_name_the_field() {
    let cases = [
        (
            json!({"policies": "[not json", "action": "s3:GetObject", "resource": "*"}),
            "input.policies",
        ),
        (
            json!({"policies": {"name": "p"}, "action": "s3:GetObject", "resource": "*"}),
            "input.policies",
        ),
        (
            json!({"policies": default_policies(), "action": "GetObject", "resource": "*"}),
            "input.action",
        ),
        (
            json!({"policies": default_policies(), "action": "s3:Get*", "resource": "*"}),
            "input.action",
        ),
        (
            json!({"policies": default_policies(), "action": "s3:GetObject", "resource": "bucket"}),
            "input.resource",
        ),
        (
            json!({"policies": [{"name": "p", "document": {"Statement": {"Effect": "Allow", "Action": "s3:*"}}}],
                "action": "s3:GetObject", "resource": "*"}),
            "input.policies[0].document.Statement.Resource",
        ),
    ];
    for (input, field) in cases {
        let (code, answer) = run(&json!({"lang": "es", "input": input}));
        assert_eq!(code, 2, "{field}");
        assert_eq!(answer["error"]["field"], field);
        assert!(answer["error"]["message"].as_str().unwrap().len() > 5);
    }
}
