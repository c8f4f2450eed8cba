//! The lab runner through `aula serve`, one test per rule of DESIGN.md §5.

mod serve_support;

use std::time::{Duration, Instant};

use serde_json::json;
use serve_support::Server;

#[test]
fn the_labs_list_answers_so_pages_know_labs_can_run() {
    let server = Server::start();
    let reply = server.get("/_aula/labs");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let ids = reply.json();
    assert!(
        ids.as_array().unwrap().contains(&json!("rate-limit")),
        "{ids}"
    );
}

#[test]
fn a_registered_lab_answers_with_its_blocks() {
    let server = Server::start();
    let reply = server.lab(
        "rate-limit",
        &json!({"lang": "es", "input": {"preset": "boundary-burst"}}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let answer = reply.json();
    assert!(
        answer["blocks"].as_array().is_some_and(|b| !b.is_empty()),
        "{answer}"
    );
    assert!(reply.header("content-security-policy").is_some());
}

#[test]
fn invalid_input_is_422_per_field_in_the_requests_language_before_running() {
    let server = Server::start();
    let spanish = server.lab("rate-limit", &json!({"lang": "es", "input": {"limit": 0}}));
    assert_eq!(spanish.status, 422, "{}", spanish.body);
    let errors = spanish.json()["errors"].clone();
    assert_eq!(errors[0]["field"], "limit");
    assert_eq!(errors[0]["message"], "Debe ser al menos 1.");
    let english = server.lab(
        "rate-limit",
        &json!({"lang": "en", "input": {"limit": 0, "nope": 1}}),
    );
    let fields: Vec<String> = english.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["nope", "limit"]);
    // The sleepy lab would take 30 s; a bad input never starts it.
    let started = Instant::now();
    let reply = server.lab("sleepy", &json!({"input": {"n": 99}}));
    assert_eq!(reply.status, 422);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_labs_own_refusal_is_422_with_its_field() {
    let server = Server::start();
    let reply = server.lab("refuser", &json!({"lang": "en", "input": {}}));
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.json(),
        json!({"errors": [{"field": "n", "message": "no thanks"}]})
    );
}

#[test]
fn the_time_limit_kills_the_lab_and_answers_504() {
    let server = Server::start();
    let started = Instant::now();
    let reply = server.lab("sleepy", &json!({"lang": "es", "input": {}}));
    assert_eq!(reply.status, 504);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        reply.json()["error"],
        "El laboratorio tardó demasiado y se detuvo."
    );
}

#[test]
fn a_crash_is_502_with_a_clear_message() {
    let server = Server::start();
    let reply = server.lab("crashy", &json!({"lang": "en", "input": {}}));
    assert_eq!(reply.status, 502);
    let message = reply.json()["error"].as_str().unwrap().to_string();
    assert!(message.starts_with("The lab could not run: "), "{message}");
    assert!(
        message.contains("code 101") && message.contains("fell over"),
        "{message}"
    );
}

#[test]
fn a_non_json_answer_is_502() {
    let server = Server::start();
    let reply = server.lab("garbage", &json!({"input": {}}));
    assert_eq!(reply.status, 502);
    assert!(reply.json()["error"].as_str().unwrap().contains("JSON"));
}

#[test]
fn output_beyond_the_cap_is_cut_and_502_truncated() {
    let server = Server::start();
    let reply = server.lab("flood", &json!({"lang": "en", "input": {}}));
    assert_eq!(reply.status, 502);
    let message = reply.json()["error"].as_str().unwrap().to_string();
    assert!(
        message.contains("truncated") && message.contains("1000"),
        "{message}"
    );
}

#[test]
fn unknown_labs_are_404() {
    let server = Server::start();
    for id in ["nope", "..%2f..%2fbin%2fsh", "rate-limit%00", "sh"] {
        let reply = server.lab(id, &json!({"input": {}}));
        assert_eq!(reply.status, 404, "{id}");
    }
}

#[test]
fn only_post_runs_a_lab() {
    let server = Server::start();
    let reply = server.get("/_aula/labs/rate-limit");
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("POST"));
}

#[test]
fn only_json_is_accepted_415() {
    let server = Server::start();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ] {
        let reply = server.post("/_aula/labs/quick", content_type, b"{\"input\": {}}");
        assert_eq!(reply.status, 415, "{content_type}");
    }
    let ok = server.post(
        "/_aula/labs/quick",
        "application/json; charset=utf-8",
        b"{\"input\": {}}",
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
}

#[test]
fn a_body_over_64_kib_is_413() {
    let server = Server::start();
    let big = format!(
        "{{\"input\": {{}}, \"pad\": \"{}\"}}",
        "x".repeat(64 * 1024)
    );
    let reply = server.post("/_aula/labs/quick", "application/json", big.as_bytes());
    assert_eq!(reply.status, 413);
    // Exactly at the limit is fine.
    let pad = 64 * 1024 - "{\"input\": {}, \"pad\": \"\"}".len();
    let fits = format!("{{\"input\": {{}}, \"pad\": \"{}\"}}", "x".repeat(pad));
    assert_eq!(fits.len(), 64 * 1024);
    let reply = server.post("/_aula/labs/quick", "application/json", fits.as_bytes());
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn a_body_that_is_not_a_json_object_is_400() {
    let server = Server::start();
    for body in ["not json", "[1, 2]", "{\"input\": 5}"] {
        let reply = server.post("/_aula/labs/quick", "application/json", body.as_bytes());
        assert_eq!(reply.status, 400, "{body}");
    }
}

#[test]
fn a_full_runner_answers_429_with_retry_after() {
    // One slot, held by a lab that runs until this test kills it: the next request finds the
    // runner full whatever the machine's speed.
    let server = Server::launch(
        serve_support::Site::new(),
        &["serve", "--lab-slots", "1"],
        &[],
    );
    let marker = server.site.marker.clone();
    std::thread::scope(|scope| {
        let holder = scope.spawn(|| server.lab("hold", &json!({"input": {}})));
        let running = serve_support::wait_for_processes(&marker, 1);
        let busy = server.lab("quick", &json!({"lang": "en", "input": {}}));
        assert_eq!(busy.status, 429, "{}", busy.body);
        assert_eq!(busy.header("retry-after"), Some("1"));
        assert!(busy.json()["error"].as_str().unwrap().contains("busy"));
        serve_support::kill_all(&running);
        // Killed by a signal: the lab failed, and its slot is free again.
        assert_eq!(holder.join().unwrap().status, 502);
    });
    let reply = server.lab("quick", &json!({"input": {}}));
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn a_foreign_origin_cannot_run_labs_csrf() {
    let server = Server::start();
    for origin in ["https://evil.example", "null", "http://localhost:1"] {
        let reply = server.post_with(
            "/_aula/labs/quick",
            "application/json",
            b"{\"input\": {}}",
            &[("Origin", origin)],
        );
        assert_eq!(reply.status, 403, "{origin}");
    }
    let same = server.post_with(
        "/_aula/labs/quick",
        "application/json",
        b"{\"input\": {}}",
        &[("Origin", &server.base)],
    );
    assert_eq!(same.status, 200);
}

#[test]
fn a_foreign_host_cannot_run_labs_dns_rebinding() {
    let server = Server::start();
    let body = "{\"input\": {}}";
    let answer = server.raw(&format!(
        "POST /_aula/labs/quick HTTP/1.1\r\nHost: attacker.example:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        server.port,
        body.len()
    ));
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
}

#[test]
fn the_lab_runs_with_an_empty_environment_in_a_fresh_folder() {
    let site = serve_support::Site::new();
    let script = site.bin.path().join("quick");
    std::fs::write(
        &script,
        "#!/bin/sh\ncat >/dev/null\nn=$(env | grep -vc '^PWD=\\|^SHLVL=\\|^_=')\nf=$(ls -A | wc -l)\necho \"{\\\"blocks\\\": [$n, $f]}\"\n",
    )
    .unwrap();
    let server = Server::start_on(site);
    let reply = server.lab("quick", &json!({"input": {}}));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json(), json!({"blocks": [0, 0]}));
}
