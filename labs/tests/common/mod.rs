//! What every lab's integration test does the same way: run the real binary with one request on
//! stdin, and read an example's expected answer from `labs/expected/`.

#![allow(dead_code, reason = "each lab's test uses the part it needs")]

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Runs `binary` with `request` on stdin: (exit code, stdout).
pub(crate) fn run_raw(binary: &str, request: &str) -> (i32, String) {
    let mut child = Command::new(binary)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

/// Runs `binary` with a JSON request: (exit code, the JSON it printed).
pub(crate) fn run(binary: &str, request: &Value) -> (i32, Value) {
    let (code, stdout) = run_raw(binary, &request.to_string());
    (code, serde_json::from_str(&stdout).unwrap())
}

/// The path of an example's expected answer.
pub(crate) fn expected_path(lab: &str, example: &str, lang: &str) -> String {
    format!(
        "{}/expected/{lab}/{example}.{lang}.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// An example's expected answer, as the exact text the binary prints.
pub(crate) fn expected_text(lab: &str, example: &str, lang: &str) -> String {
    std::fs::read_to_string(expected_path(lab, example, lang)).unwrap()
}

/// An example's expected answer, parsed.
pub(crate) fn expected(lab: &str, example: &str, lang: &str) -> Value {
    serde_json::from_str(&expected_text(lab, example, lang)).unwrap()
}

/// Every example, in English and in Spanish, prints exactly its expected answer.
pub(crate) fn assert_examples_print_their_expected_answers(
    binary: &str,
    lab: &str,
    examples: &[(&str, Value)],
) {
    for (name, input) in examples {
        for lang in ["en", "es"] {
            let request = serde_json::json!({"lang": lang, "input": input}).to_string();
            let (code, stdout) = run_raw(binary, &request);
            assert_eq!(code, 0, "{name} {lang}");
            assert_eq!(
                stdout,
                expected_text(lab, name, lang),
                "{name} {lang} differs from {}",
                expected_path(lab, name, lang)
            );
        }
    }
}
