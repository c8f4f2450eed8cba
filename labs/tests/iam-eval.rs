//! Runs the real `iam-eval` binary on every example of its manifest (the first four inputs repeated
//! here, every example also read from the manifest itself and merged over its defaults) and
//! compares with `expected/iam-eval/`, then checks bad input.

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

/// Every example of `manifests/iam-eval.toml`, merged over the manifest's defaults the way aula
/// merges them (a JSON input's TOML string holds JSON).
fn manifest_examples() -> Vec<(String, Value)> {
    let path = format!("{}/manifests/iam-eval.toml", env!("CARGO_MANIFEST_DIR"));
    let manifest: toml::Table = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let json_of = |value: &toml::Value, kind: &str| -> Value {
        let value = serde_json::to_value(value).unwrap();
        match (kind, value) {
            ("json", Value::String(text)) => serde_json::from_str(&text).unwrap(),
            (_, value) => value,
        }
    };
    let mut defaults = serde_json::Map::new();
    let mut kinds = std::collections::BTreeMap::new();
    for input in manifest["inputs"].as_array().unwrap() {
        let name = input["name"].as_str().unwrap().to_string();
        let kind = input["type"].as_str().unwrap().to_string();
        defaults.insert(name.clone(), json_of(&input["default"], &kind));
        kinds.insert(name, kind);
    }
    manifest["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|example| {
            let mut input = defaults.clone();
            for (key, value) in example["input"].as_table().unwrap() {
                input.insert(key.clone(), json_of(value, &kinds[key]));
            }
            (
                example["name"].as_str().unwrap().to_string(),
                Value::Object(input),
            )
        })
        .collect()
}

#[test]
fn every_manifest_example_matches_its_expected_answer() {
    let examples = manifest_examples();
    assert_eq!(examples.len(), 11);
    let named: Vec<(&str, Value)> = examples
        .iter()
        .map(|(name, input)| (name.as_str(), input.clone()))
        .collect();
    common::assert_examples_print_their_expected_answers(
        env!("CARGO_BIN_EXE_iam-eval"),
        "iam-eval",
        &named,
    );
}

/// Each ceiling example ends where the article says it does: (example, verdict, the decision
/// path's deciding step and its result).
#[test]
fn each_ceiling_example_decides_at_its_step() {
    let expected = [
        (
            "condition-source-ip",
            "Denied: implicit deny",
            "5. Identity-based policies",
            "DENY (implicit)",
        ),
        (
            "boundary-ceiling",
            "Denied: implicit deny",
            "6. Permissions boundary",
            "DENY (implicit)",
        ),
        (
            "resource-policy-user",
            "Allowed",
            "4. Resource-based policy",
            "ALLOW",
        ),
        (
            "resource-policy-role",
            "Denied: implicit deny",
            "6. Permissions boundary",
            "DENY (implicit)",
        ),
        (
            "session-policy",
            "Denied: implicit deny",
            "7. Session policies",
            "DENY (implicit)",
        ),
        (
            "scp-levels",
            "Denied: implicit deny",
            "3. SCPs (caller's account)",
            "DENY (implicit)",
        ),
        (
            "rcp-deny",
            "Denied: explicit deny",
            "1. Explicit deny anywhere",
            "DENY (explicit)",
        ),
    ];
    let examples = manifest_examples();
    for (name, title, step, result) in expected {
        let input = &examples.iter().find(|(n, _)| n == name).unwrap().1;
        let (code, answer) = run(&json!({"lang": "en", "input": input}));
        assert_eq!(code, 0, "{name}");
        assert_eq!(answer["blocks"][0]["title"], title, "{name}");
        let path = answer["blocks"][1]["rows"].as_array().unwrap();
        let deciding = path
            .iter()
            .find(|row| row[0] == step)
            .unwrap_or_else(|| panic!("{name}: no row {step}"));
        assert_eq!(deciding[3], result, "{name}");
        // Every step after the deciding one is shown as not reached.
        let after = path.iter().skip_while(|row| row[0] != step).skip(1);
        for row in after {
            assert_eq!(row[3], "not reached", "{name}: {row}");
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
    assert_eq!(answer["blocks"][1]["columns"][0], "Paso");
    assert_eq!(answer["blocks"][2]["columns"][1], "Política");
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
