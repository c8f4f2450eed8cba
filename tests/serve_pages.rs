//! `aula serve` over real HTTP: pages, headers, paths that try to leave the site, and requests
//! from places that are not the server itself.

mod serve_support;

use serve_support::Server;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

#[test]
fn pages_are_served_with_csp_nosniff_and_the_live_script_before_body_end() {
    let server = Server::start();
    let page = server.get("/en/basics/windows/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("content-security-policy"), Some(CSP));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert!(
        page.body
            .contains("<script src=\"/_aula/live.js\"></script></body>"),
        "{}",
        page.body
    );
    assert_eq!(page.body.matches("/_aula/live.js").count(), 1);
    // The lab's recorded answer is embedded, as in the static build.
    assert!(page.body.contains("data-lab=\"rate-limit\""));
    let live = server.get("/_aula/live.js");
    assert_eq!(live.status, 200);
    assert_eq!(
        live.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(live.body.contains("EventSource"));
    assert!(!live.body.contains("innerHTML"));
    assert_eq!(live.header("content-security-policy"), Some(CSP));
}

#[test]
fn files_have_their_content_types() {
    let server = Server::start();
    for (path, expected) in [
        ("/highlight.css", "text/css; charset=utf-8"),
        ("/aula.js", "text/javascript; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/en/atom.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), Some(expected), "{path}");
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
    // Only HTML gets the live-reload script.
    assert!(!server.get("/sitemap.xml").body.contains("live.js"));
}

#[test]
fn the_static_build_never_contains_the_live_script() {
    let server = Server::start();
    let built = server.site.full_build(&server.base);
    assert!(built.contains_key("en/basics/windows/index.html"));
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_aula"))
        .args(["build", "--root"])
        .arg(server.site.path())
        .arg("--output")
        .arg(out.path().join("public"))
        .env("AULA_LAB_BIN_DIR", server.site.bin.path())
        .status()
        .unwrap();
    assert!(status.success());
    for entry in walkdir::WalkDir::new(out.path()) {
        let entry = entry.unwrap();
        // Pages must not load the preview's script; lab.js may name it (it looks for the tag to
        // know it runs under `aula serve`), so only HTML is searched for the tag itself.
        let is_html = entry.path().extension().is_some_and(|e| e == "html");
        if entry.file_type().is_file() && is_html {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            assert!(
                !text.contains("<script src=\"/_aula/live.js\""),
                "{}",
                entry.path().display()
            );
        }
    }
}

#[test]
fn unknown_paths_get_the_sites_404_page() {
    let server = Server::start();
    let reply = server.get("/en/no-such-page/");
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(reply.body.contains("<html"), "{}", reply.body);
    assert_eq!(reply.header("content-security-policy"), Some(CSP));
}

#[test]
fn a_folder_without_its_slash_redirects_to_it() {
    let server = Server::start();
    let reply = server.get("/en/basics");
    assert_eq!(reply.status, 301);
    assert_eq!(reply.header("location"), Some("/en/basics/"));
}

#[test]
fn the_root_redirects_by_accept_language_and_otherwise_offers_the_languages() {
    let server = Server::start();
    let spanish = server.get_with("/", &[("Accept-Language", "es-MX,es;q=0.9,en;q=0.5")]);
    assert_eq!(spanish.status, 302);
    assert_eq!(spanish.header("location"), Some("/es/"));
    let weighted = server.get_with("/", &[("Accept-Language", "fr, en;q=0.4, es;q=0.8")]);
    assert_eq!(weighted.header("location"), Some("/es/"));
    let unknown = server.get_with("/", &[("Accept-Language", "fr")]);
    assert_eq!(unknown.status, 200);
    assert!(unknown.body.contains("/es/") && unknown.body.contains("/en/"));
}

#[test]
fn traversal_in_any_spelling_is_404() {
    let server = Server::start();
    for path in [
        "/../aula.toml",
        "/en/../../aula.toml",
        "/%2e%2e/aula.toml",
        "/%2E%2E%2Faula.toml",
        "/en/%2e%2e/%2e%2e/aula.toml",
        "/..%5caula.toml",
        "/en\\..\\aula.toml",
        "/index.html%00.css",
        "//etc/passwd",
    ] {
        // Raw, so no client tidies the path up first.
        let answer = server.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            server.port
        ));
        assert!(
            answer.starts_with("HTTP/1.1 404"),
            "{path}: {}",
            answer.lines().next().unwrap_or("")
        );
        assert!(!answer.contains("base_url"), "{path} leaked aula.toml");
    }
}

#[test]
fn a_foreign_host_is_refused_dns_rebinding() {
    let server = Server::start();
    for host in [
        "evil.example",
        "evil.example:{port}",
        "127.0.0.1.nip.io:{port}",
        "127.0.0.1:1",
    ] {
        let host = host.replace("{port}", &server.port.to_string());
        let answer = server.raw(&format!(
            "GET /en/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ));
        assert!(answer.starts_with("HTTP/1.1 403"), "{host}: {answer}");
        assert!(answer.contains("Content-Security-Policy"), "{answer}");
    }
    let ours = server.raw(&format!(
        "GET /en/ HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n",
        server.port
    ));
    assert!(ours.starts_with("HTTP/1.1 200"), "{ours}");
}

#[test]
fn a_foreign_origin_is_refused() {
    let server = Server::start();
    let reply = server.get_with("/en/", &[("Origin", "https://evil.example")]);
    assert_eq!(reply.status, 403);
    let same = server.get_with("/en/", &[("Origin", &server.base)]);
    assert_eq!(same.status, 200);
}

#[test]
fn pages_refuse_other_methods() {
    let server = Server::start();
    let reply = server.post("/en/", "text/plain", b"x");
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("GET, HEAD"));
}

#[test]
fn malformed_requests_do_not_hurt_the_server() {
    let server = Server::start();
    for garbage in [
        "NONSENSE\r\n\r\n",
        "GET\r\n\r\n",
        "GET /en/ HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET /en/ HTTP/1.1\r\n\r\n",
        "\0\0\0\0\r\n\r\n",
    ] {
        let _ = server.raw(garbage);
    }
    assert_eq!(server.get("/en/").status, 200);
}
