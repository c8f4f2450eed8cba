//! `aula labs serve`, the hosted runner, over real HTTP: the preview's lab API paths, CORS for
//! the allowed origins only, the per-client token bucket, bounded concurrency, /healthz,
//! /metrics, one JSON log line per run and the drain on SIGTERM.

mod serve_support;

use std::time::Duration;

use serde_json::{Value, json};
use serve_support::{HOSTED_ORIGIN as ORIGIN, Server, Site};

fn hosted(extra: &[&str]) -> Server {
    Server::hosted(Site::new(), extra, &[])
}

/// The next `{"event": "run"}` line the runner logs.
fn next_run_log(server: &Server) -> Value {
    loop {
        let line = server
            .next_line(Duration::from_secs(30))
            .expect("no log line");
        if let Ok(value) = serde_json::from_str::<Value>(&line)
            && value["event"] == "run"
        {
            return value;
        }
    }
}

#[test]
fn it_serves_the_same_lab_api_as_the_preview_and_no_site_files() {
    let server = hosted(&["--rate", "0"]);
    let list = server.get("/_aula/labs");
    assert_eq!(list.status, 200);
    assert!(
        list.json()
            .as_array()
            .unwrap()
            .contains(&json!("rate-limit"))
    );
    let reply = server.lab(
        "rate-limit",
        &json!({"lang": "es", "input": {"preset": "boundary-burst"}}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let log = next_run_log(&server);
    assert_eq!(log["lab"], "rate-limit");
    assert_eq!(log["status"], 200);
    assert!(log["ms"].as_f64().is_some());
    // Validation is the preview's: 422 per field in the request's language.
    let invalid = server.lab("rate-limit", &json!({"lang": "es", "input": {"limit": 0}}));
    assert_eq!(invalid.status, 422);
    assert_eq!(
        invalid.json()["errors"][0]["message"],
        "Debe ser al menos 1."
    );
    for path in ["/", "/en/", "/index.html", "/_aula/live.js"] {
        assert_eq!(server.get(path).status, 404, "{path}");
    }
}

#[test]
fn cors_is_for_the_allowed_origins_only() {
    let server = hosted(&["--rate", "0"]);
    let body = br#"{"input": {}}"#;
    let allowed = server.post_with(
        "/_aula/labs/quick",
        "application/json",
        body,
        &[("Origin", ORIGIN)],
    );
    assert_eq!(allowed.status, 200, "{}", allowed.body);
    assert_eq!(allowed.header("access-control-allow-origin"), Some(ORIGIN));
    for origin in [
        "https://evil.example",
        "null",
        "https://course.example.evil.example",
    ] {
        let refused = server.post_with(
            "/_aula/labs/quick",
            "application/json",
            body,
            &[("Origin", origin)],
        );
        assert_eq!(refused.status, 403, "{origin}");
        assert_eq!(refused.header("access-control-allow-origin"), None);
    }
    let preflight = server.raw(&format!(
        "OPTIONS /_aula/labs/quick HTTP/1.1\r\nHost: x\r\nOrigin: {ORIGIN}\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\nConnection: close\r\n\r\n"
    ));
    let lower = preflight.to_ascii_lowercase();
    assert!(preflight.starts_with("HTTP/1.1 204"), "{preflight}");
    assert!(
        lower.contains(&format!("access-control-allow-origin: {ORIGIN}")),
        "{preflight}"
    );
    assert!(
        lower.contains("access-control-allow-methods: get, post"),
        "{preflight}"
    );
    assert!(
        lower.contains("access-control-allow-headers: content-type"),
        "{preflight}"
    );
    let foreign = server.raw(
        "OPTIONS /_aula/labs/quick HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\nConnection: close\r\n\r\n",
    );
    assert!(foreign.starts_with("HTTP/1.1 403"), "{foreign}");
    assert!(
        !foreign.to_ascii_lowercase().contains("access-control"),
        "{foreign}"
    );
}

#[test]
fn a_client_past_its_bucket_gets_429_with_retry_after() {
    // Two runs saved up, and the next token a thousand seconds away.
    let server = hosted(&["--rate", "0.001", "--burst", "2"]);
    for _ in 0..2 {
        assert_eq!(server.lab("quick", &json!({"input": {}})).status, 200);
    }
    let limited = server.lab("quick", &json!({"input": {}}));
    assert_eq!(limited.status, 429, "{}", limited.body);
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((900..=1000).contains(&wait), "{wait}");
    // The bucket is the client's: reading the registry is not a run.
    assert_eq!(server.get("/_aula/labs").status, 200);
    let metrics = server.get("/metrics").body;
    assert!(
        metrics.contains("aula_lab_rejections_total{reason=\"rate_limited\"} 1"),
        "{metrics}"
    );
}

#[test]
fn a_trusted_proxy_header_names_the_client() {
    let server = hosted(&[
        "--rate",
        "0.001",
        "--burst",
        "1",
        "--trusted-proxy-header",
        "X-Forwarded-For",
    ]);
    let from = |address: &str| {
        server
            .post_with(
                "/_aula/labs/quick",
                "application/json",
                br#"{"input": {}}"#,
                &[("X-Forwarded-For", address)],
            )
            .status
    };
    assert_eq!(from("203.0.113.7"), 200);
    assert_eq!(from("203.0.113.7"), 429);
    // The proxy appends the real client last; what the client wrote before it does not count.
    assert_eq!(from("203.0.113.7, 198.51.100.9"), 200);
}

#[test]
fn a_full_runner_answers_429_health_and_metrics_tell_the_story() {
    let server = hosted(&["--rate", "0", "--slots", "1"]);
    let marker = server.site.marker.clone();
    std::thread::scope(|scope| {
        let holder = scope.spawn(|| server.lab("hold", &json!({"input": {}})));
        let running = serve_support::wait_for_processes(&marker, 1);
        let busy = server.lab("quick", &json!({"input": {}}));
        assert_eq!(busy.status, 429);
        assert_eq!(busy.header("retry-after"), Some("1"));
        let health = server.get("/healthz");
        assert_eq!(health.status, 200);
        assert_eq!(health.json(), json!({"status": "ok"}));
        assert!(
            server
                .get("/metrics")
                .body
                .contains("aula_lab_runs_in_flight 1")
        );
        serve_support::kill_all(&running);
        assert_eq!(holder.join().unwrap().status, 502);
    });
    assert_eq!(server.lab("quick", &json!({"input": {}})).status, 200);
    let metrics = server.get("/metrics");
    assert_eq!(metrics.status, 200);
    let text = metrics.body;
    for line in [
        "aula_lab_runs_total{lab=\"quick\",status=\"200\"} 1",
        "aula_lab_runs_total{lab=\"hold\",status=\"502\"} 1",
        "aula_lab_rejections_total{reason=\"busy\"} 1",
        "aula_lab_run_duration_seconds_count{lab=\"quick\"} 1",
        "aula_lab_run_duration_seconds_bucket{lab=\"quick\",le=\"+Inf\"} 1",
        "# TYPE aula_lab_run_duration_seconds histogram",
        "aula_lab_runs_in_flight 0",
    ] {
        assert!(text.contains(line), "missing {line} in:\n{text}");
    }
}

#[test]
fn sigterm_drains_the_runs_in_flight() {
    let mut server = hosted(&["--rate", "0"]);
    let marker = server.site.marker.clone();
    let pid = server.child.id();
    let holder = {
        let url = server.url("/_aula/labs/hold");
        std::thread::spawn(move || {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into();
            agent
                .post(url)
                .header("Content-Type", "application/json")
                .send(br#"{"input": {}}"#.as_slice())
                .map(|r| r.status().as_u16())
        })
    };
    let running = serve_support::wait_for_processes(&marker, 1);
    let term = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let line = |wanted: &str| loop {
        let line = server.next_line(Duration::from_secs(30)).expect("no line");
        if line.contains(&format!("\"event\":\"{wanted}\"")) {
            break serde_json::from_str::<Value>(&line).unwrap();
        }
    };
    let draining = line("draining");
    assert_eq!(draining["in_flight"], 1);
    // The drain waits for the run: the server is still there until its lab ends.
    assert!(!holder.is_finished());
    serve_support::kill_all(&running);
    let run = line("run");
    assert_eq!(run["lab"], "hold");
    let stopped = line("stopped");
    assert_eq!(holder.join().unwrap().unwrap(), 502);
    assert_eq!(stopped["abandoned"], 0);
    assert!(server.child.wait().unwrap().success());
}

/// The `Content-Security-Policy` of a built page's `<meta>` element.
fn meta_csp(html: &str) -> String {
    let start = html
        .find(r#"<meta http-equiv="Content-Security-Policy" content=""#)
        .expect("no CSP meta element");
    let rest = &html[start..];
    let value = &rest[rest.find("content=\"").unwrap() + 9..];
    value[..value.find('"').unwrap()].to_string()
}

#[test]
fn a_static_site_with_an_endpoint_names_the_runner_in_its_csp_and_the_runner_answers_it() {
    let server = hosted(&["--rate", "0"]);
    let out = tempfile::tempdir().unwrap();
    // Without an endpoint: the pages connect to their own origin only.
    let plain = out.path().join("plain");
    server.site.build_into(&plain, None);
    let page = "en/basics/windows/index.html";
    let csp = meta_csp(&std::fs::read_to_string(plain.join(page)).unwrap());
    assert!(csp.contains("connect-src 'self';"), "{csp}");
    // With one (the runner this test started), its origin is added to connect-src — nothing
    // else changes — and the page's lab calls it.
    let toml = server.site.read("aula.toml");
    server.site.write(
        "aula.toml",
        &format!("{toml}\n[labs]\nendpoint = \"{}\"\n", server.base),
    );
    let hosted_build = out.path().join("hosted");
    server.site.build_into(&hosted_build, None);
    let html = std::fs::read_to_string(hosted_build.join(page)).unwrap();
    let with_endpoint = meta_csp(&html);
    assert_eq!(
        with_endpoint,
        csp.replace(
            "connect-src 'self';",
            &format!("connect-src 'self' {};", server.base)
        )
    );
    assert!(
        !with_endpoint.contains("wasm-unsafe-eval"),
        "{with_endpoint}"
    );
    let endpoint = format!("{}/_aula/labs/rate-limit", server.base);
    assert!(
        html.contains(&format!("\"endpoint\":\"{endpoint}\"")),
        "{html}"
    );
    // What a browser on the site's origin does with that page's Run button: a preflight (JSON
    // is not a simple request), then the POST, both answered for that origin.
    let preflight = server.raw(&format!(
        "OPTIONS /_aula/labs/rate-limit HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nOrigin: {ORIGIN}\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\nConnection: close\r\n\r\n",
        server.port
    ));
    assert!(preflight.starts_with("HTTP/1.1 204"), "{preflight}");
    let preflight = preflight.to_ascii_lowercase();
    for header in [
        format!("access-control-allow-origin: {ORIGIN}"),
        "access-control-allow-methods: get, post".to_string(),
        "access-control-allow-headers: content-type".to_string(),
    ] {
        assert!(preflight.contains(&header), "{header} not in {preflight}");
    }
    let run = server.post_with(
        "/_aula/labs/rate-limit",
        "application/json",
        json!({"lang": "en", "input": {"preset": "boundary-burst"}})
            .to_string()
            .as_bytes(),
        &[("Origin", ORIGIN)],
    );
    assert_eq!(run.status, 200, "{}", run.body);
    assert_eq!(run.header("access-control-allow-origin"), Some(ORIGIN));
    assert!(run.json()["blocks"].is_array(), "{}", run.body);
}
