//! Live reload and the error overlay: edits while `aula serve` runs reach open pages as
//! Server-Sent Events; a broken edit keeps the last good site and reports `file:line:col`.

mod serve_support;

use std::time::Duration;

use serve_support::Server;

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn saving_an_article_sends_reload_and_serves_the_new_text() {
    let server = Server::start();
    let mut events = server.events();
    let path = "content/en/basics/windows.md";
    let text = server
        .site
        .read(path)
        .replace("lets a burst through", "lets a BURST through");
    server.site.write(path, &text);
    events.wait_for("reload", WAIT).expect("no reload event");
    let page = server.get("/en/basics/windows/");
    assert!(page.body.contains("lets a BURST through"), "{}", page.body);
    // One line per rebuild, naming the file and the time taken.
    let line = (0..10)
        .filter_map(|_| server.next_line(WAIT))
        .find(|l| l.starts_with("rebuilt"))
        .expect("no rebuild line");
    assert!(line.contains("ms") && line.contains("windows.md"), "{line}");
}

#[test]
fn an_editors_atomic_save_is_seen() {
    let server = Server::start();
    let mut events = server.events();
    let path = server.site.path().join("content/en/basics/windows.md");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Fixed windows", "Fixed windows, saved atomically");
    // What many editors do: write a temporary file beside it, then rename it over the original.
    let temporary = path.with_extension("md.tmp~");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, &path).unwrap();
    events.wait_for("reload", WAIT).expect("no reload event");
    events.drain(Duration::from_millis(300));
    assert!(
        server
            .get("/en/basics/windows/")
            .body
            .contains("saved atomically")
    );
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_shows_the_overlay_until_fixed() {
    let server = Server::start();
    let mut events = server.events();
    let path = "content/en/basics/windows.md";
    let good = server.site.read(path);
    // Bad front matter: a date that is not a date, on line 4.
    server.site.write(
        path,
        &good.replace("date = 2026-11-20", "date = \"someday\""),
    );
    let data = events.wait_for("error", WAIT).expect("no error event");
    let problems: serde_json::Value = serde_json::from_str(&data).unwrap();
    let first = &problems["problems"][0];
    assert_eq!(first["path"], path, "{data}");
    assert!(first["line"].as_u64().unwrap() >= 1, "{data}");
    assert!(
        first["message"].as_str().unwrap().contains("date"),
        "{data}"
    );
    // The last good site is still served.
    let page = server.get("/en/basics/windows/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Fixed windows"));
    // A page opened now gets the overlay at once.
    let mut late = server.events();
    assert!(late.wait_for("error", WAIT).is_some());
    // An article naming an unknown lab is an error at its line too.
    server.site.write(
        path,
        &good.replace("```lab rate-limit", "```lab no-such-lab"),
    );
    let data = events
        .wait_for("error", WAIT)
        .expect("no error event for the lab");
    assert!(data.contains("no-such-lab"), "{data}");
    assert!(data.contains("\"line\":12"), "{data}");
    // Fixing it clears the overlay and reloads.
    server.site.write(path, &good);
    events.wait_for("ok", WAIT).expect("no ok event");
    events
        .wait_for("reload", WAIT)
        .expect("no reload after the fix");
}

#[test]
fn a_template_error_is_shown_at_its_file() {
    let server = Server::start();
    let mut events = server.events();
    let good = server.site.read("templates/page.html");
    server
        .site
        .write("templates/page.html", &format!("{good}\n{{% if %}}\n"));
    let data = events.wait_for("error", WAIT).expect("no error event");
    assert!(data.contains("templates/page.html"), "{data}");
    server.site.write("templates/page.html", &good);
    events.wait_for("ok", WAIT).expect("no ok event");
}
