//! Runs the real `rate-limit` binary: every manifest example against its expected answers in
//! both languages, bad input, and the Spanish output.

#![allow(
    clippy::unwrap_used,
    reason = "helpers outside #[test] fns; a test should fail loudly"
)]

mod common;

use serde_json::{Value, json};

/// The examples of `manifests/rate-limit.toml`, each as its full input (defaults merged with the
/// example's own input), as aula sends it.
fn examples() -> Vec<(&'static str, Value)> {
    let base = json!({
        "preset": "boundary-burst", "timestamps": "", "limit": 100, "window": 60,
        "anomaly_score": 0, "trust": "medium"
    });
    let with = |changes: Value| {
        let mut input = base.clone();
        for (key, value) in changes.as_object().into_iter().flatten() {
            input[key] = value.clone();
        }
        input
    };
    vec![
        ("boundary-burst", with(json!({}))),
        ("steady-traffic", with(json!({"preset": "steady"}))),
        ("coordinated-agents", with(json!({"preset": "coordinated"}))),
        (
            "throttled-agent",
            with(json!({"preset": "steady", "anomaly_score": 50, "trust": "low"})),
        ),
        (
            "custom-timeline",
            with(json!({
                "preset": "custom", "limit": 5, "window": 10,
                "timestamps": "0, 1, 2, 3, 4, 9.5, 9.9, 10.1, 10.2, 10.3, 12, 15, 19.9, 20, 21"
            })),
        ),
        (
            "first-request-burst",
            with(json!({
                "preset": "custom", "limit": 5, "window": 10,
                "timestamps": "3, 12.8, 12.9, 12.9, 12.9, 13.1, 13.1, 13.1, 13.1, 13.1"
            })),
        ),
    ]
}

fn run_lab(request: &str) -> (i32, String) {
    common::run_raw(env!("CARGO_BIN_EXE_rate-limit"), request)
}

#[test]
fn every_example_prints_its_expected_answer() {
    common::assert_examples_print_their_expected_answers(
        env!("CARGO_BIN_EXE_rate-limit"),
        "rate-limit",
        &examples(),
    );
}

#[test]
fn the_boundary_burst_passes_the_fixed_window_and_half_passes_the_sliding_log() {
    let (_, stdout) = run_lab(r#"{"lang": "en", "input": {"preset": "boundary-burst"}}"#);
    let answer: Value = serde_json::from_str(&stdout).unwrap();
    let table = answer["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["caption"] == "Decisions per algorithm")
        .unwrap();
    assert_eq!(
        table["rows"][0],
        json!(["Fixed window (clock-aligned)", "200", "0", "200"])
    );
    // The window that the first request opens (59.8 s → 119.8 s) blocks the second burst.
    assert_eq!(
        table["rows"][1],
        json!(["Fixed window (from first request)", "100", "100", "100"])
    );
    assert_eq!(
        table["rows"][2],
        json!(["Sliding log", "100", "100", "100"])
    );
}

#[test]
fn bad_input_exits_with_2_and_names_the_field() {
    let cases = [
        (json!({"limit": "many"}), "input.limit"),
        (json!({"limit": 0}), "input.limit"),
        (json!({"window": 100000}), "input.window"),
        (json!({"anomaly_score": 101}), "input.anomaly_score"),
        (json!({"trust": "blind"}), "input.trust"),
        (json!({"preset": "random"}), "input.preset"),
        (
            json!({"preset": "custom", "timestamps": "1, two"}),
            "input.timestamps",
        ),
    ];
    for (input, field) in cases {
        let (code, stdout) = run_lab(&json!({"lang": "en", "input": input}).to_string());
        assert_eq!(code, 2, "{input}");
        let answer: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(answer["error"]["field"], field, "{input}");
    }
    let (code, stdout) = run_lab("not json");
    assert_eq!(code, 2);
    assert!(stdout.contains("\"error\""));
}

#[test]
fn spanish_output_is_spanish_with_spanish_numbers() {
    let (code, stdout) = run_lab(r#"{"lang": "es", "input": {"preset": "coordinated"}}"#);
    assert_eq!(code, 0);
    assert!(stdout.contains("Control por agente"));
    assert!(stdout.contains("Ventana fija (desde la primera solicitud)"));
    assert!(stdout.contains("8.000"));
    assert!(!stdout.contains("Per-agent"));
    let (code, stdout) = run_lab(r#"{"lang": "es", "input": {"trust": 3}}"#);
    assert_eq!(code, 2);
    assert!(stdout.contains("se esperaba un texto"));
}

#[test]
fn a_burst_around_the_first_request_windows_boundary_passes_it() {
    // The request at 3 s opens [3, 13): four more fit before 13 s, and the one at 13.1 s opens
    // the next window, so 9 requests pass within 0.3 s. The clock-aligned window [10, 20) holds
    // the same nine to 5.
    let (_, stdout) = run_lab(
        &json!({"lang": "en", "input": examples().into_iter().find(|(n, _)| *n == "first-request-burst").unwrap().1})
            .to_string(),
    );
    let answer: Value = serde_json::from_str(&stdout).unwrap();
    let table = answer["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["caption"] == "Decisions per algorithm")
        .unwrap();
    assert_eq!(
        table["rows"][0],
        json!(["Fixed window (clock-aligned)", "6", "4", "5"])
    );
    assert_eq!(
        table["rows"][1],
        json!(["Fixed window (from first request)", "10", "0", "9"])
    );
}
