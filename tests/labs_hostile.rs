//! Hostile labs against both runners over real HTTP (DESIGN.md §10): every run ends with the
//! expected status, nothing a lab started survives its answer (checked in /proc right after it,
//! by the marker only the lab's processes carry), nothing is written outside the run's folder,
//! no secret of the server's environment reaches an answer, no lab reaches the network, and a
//! memory hog ends its run, not the server.

mod serve_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use serve_support::{HOSTED_ORIGIN, Server, Site, processes_with};

const SECRET: &str = "s3cr3t-value-the-labs-must-not-see";

fn hosted() -> Server {
    Server::hosted(
        Site::new(),
        &["--rate", "0"],
        &[("AULA_TEST_SECRET", SECRET)],
    )
}

/// The hosted runner as it runs where the kernel gives no namespaces: the launcher is a
/// subreaper (forced by the test-only switch the sandbox honours and reports).
fn hosted_without_namespaces() -> Server {
    Server::hosted(
        Site::new(),
        &["--rate", "0"],
        &[
            ("AULA_TEST_SECRET", SECRET),
            ("AULA_TEST_SANDBOX_SUBREAPER", "1"),
        ],
    )
}

fn preview() -> Server {
    Server::launch(Site::new(), &["serve"], &[("AULA_TEST_SECRET", SECRET)])
}

/// Runs `id` and checks no process of the site's marker is left once the answer is in.
fn run_leaving_nothing(server: &Server, id: &str) -> serve_support::Reply {
    let reply = server.lab(id, &json!({"input": {}}));
    let left = processes_with(&server.site.marker);
    assert!(
        left.is_empty(),
        "{id}: {} processes survived: {left:?}",
        left.len()
    );
    reply
}

fn children_are_killed(server: &Server) {
    for id in ["background", "escape"] {
        let reply = run_leaving_nothing(server, id);
        assert_eq!(reply.status, 200, "{id}: {}", reply.body);
    }
    let reply = run_leaving_nothing(server, "fifty");
    assert_eq!(reply.status, 200, "{}", reply.body);
    // The lab did start its fifty children before answering.
    assert_eq!(reply.json()["blocks"], json!([50]));
    // Cut at its time limit, with a `setsid` child that left the lab's process group.
    let reply = run_leaving_nothing(server, "hang-escape");
    assert_eq!(reply.status, 504, "{}", reply.body);
    // A lab with aula's own uid that tries to kill its launcher first: the launcher survives
    // it (out of reach in a PID namespace; out of the lab's Landlock signal scope without one)
    // and ends the run at its time limit, the new session with it.
    let reply = run_leaving_nothing(server, "parricide");
    assert!(matches!(reply.status, 502 | 504), "{}", reply.body);
}

#[test]
fn the_hosted_runner_leaves_no_process_behind() {
    children_are_killed(&hosted());
}

#[test]
fn without_namespaces_the_subreaper_leaves_no_process_behind() {
    let server = hosted_without_namespaces();
    // The fallback is what runs, and the runner says so.
    let metrics = server.get("/metrics").body;
    for (layer, on) in [("pidns", 0), ("netns", 0), ("landlock", 1), ("rlimits", 1)] {
        let line = format!("aula_lab_sandbox_layer{{layer=\"{layer}\"}} {on}");
        assert!(metrics.contains(&line), "{line} not in {metrics}");
    }
    children_are_killed(&server);
    // Without a network namespace, Landlock still denies TCP.
    let reply = run_leaving_nothing(&server, "network");
    assert_eq!(reply.json()["blocks"], json!([0]), "{}", reply.body);
    assert!(server.site.probe.accept().is_err());
    // And the lab sees no other process's environment.
    let reply = run_leaving_nothing(&server, "envecho");
    assert!(!reply.body.contains(SECRET), "{}", reply.body);
    // The lab's own Landlock stage keeps its writes in its folder.
    let reply = run_leaving_nothing(&server, "writer");
    assert_eq!(reply.json()["blocks"], json!([100]), "{}", reply.body);
    assert!(!server.site.path().join("escaped").exists());
}

#[test]
fn the_preview_leaves_no_process_behind() {
    children_are_killed(&preview());
}

#[test]
fn hostile_labs_get_their_status_and_the_server_lives_on() {
    let server = hosted();
    for (id, status) in [
        ("sleepy", 504),
        ("megaflood", 502),
        ("crashy", 502),
        ("garbage", 502),
        ("hog", 0),
    ] {
        let reply = run_leaving_nothing(&server, id);
        if id == "hog" {
            // Out of address space (502) or out of time (504): either way the run, not the
            // server, ends.
            assert!(matches!(reply.status, 502 | 504), "hog: {}", reply.body);
        } else {
            assert_eq!(reply.status, status, "{id}: {}", reply.body);
        }
    }
    let megaflood = server.lab("megaflood", &json!({"lang": "en", "input": {}}));
    assert!(
        megaflood.body.len() < 4096,
        "{} bytes",
        megaflood.body.len()
    );
    assert!(
        megaflood.json()["error"]
            .as_str()
            .unwrap()
            .contains("truncated")
    );
    let reply = server.lab("quick", &json!({"input": {}}));
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn labs_write_only_inside_their_folder() {
    let server = hosted();
    let reply = run_leaving_nothing(&server, "writer");
    assert_eq!(reply.status, 200, "{}", reply.body);
    // 100: the file in its own folder; +1 for each of the three outside that got written.
    assert_eq!(reply.json()["blocks"], json!([100]));
    let marker = &server.site.marker;
    assert!(!server.site.path().join("escaped").exists());
    assert!(!std::path::Path::new(&format!("/tmp/aula-escaped-{marker}")).exists());
}

#[test]
fn no_secret_reaches_an_answer() {
    for server in [hosted(), preview()] {
        let reply = run_leaving_nothing(&server, "envecho");
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(!reply.body.contains(SECRET), "{}", reply.body);
        assert!(!reply.body.contains("AULA_TEST_SECRET"), "{}", reply.body);
    }
}

#[test]
fn labs_cannot_reach_the_network() {
    let server = hosted();
    let reply = run_leaving_nothing(&server, "network");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["blocks"], json!([0]));
    // And nothing knocked on the listener the lab aimed at.
    assert!(server.site.probe.accept().is_err());
}

#[test]
fn a_yaml_alias_bomb_ends_its_run_not_the_server() {
    // Nine levels of nine aliases: 9^9 strings once expanded, in a few hundred bytes.
    let mut yaml = String::from("a0: &a0 [\"lol\"]\n");
    for level in 1..=9 {
        let previous = format!("*a{}", level - 1);
        let row = [previous.as_str(); 9].join(", ");
        yaml.push_str(&format!("a{level}: &a{level} [{row}]\n"));
    }
    let server = hosted();
    let reply = server.lab(
        "ansible-vars",
        &json!({"lang": "en", "input": {"role_defaults": yaml}}),
    );
    // Refused by the lab's alias bound (422), or cut by the sandbox's address-space or time
    // limit (502, 504) where that bound is not in the lab yet: never the server's end.
    assert!(
        matches!(reply.status, 422 | 502 | 504),
        "{}: {}",
        reply.status,
        reply.body
    );
    assert_eq!(server.get("/healthz").status, 200);
    assert_eq!(server.lab("quick", &json!({"input": {}})).status, 200);
}

/// The launcher `exe` (a copy of aula) says it uses: the `lab launcher:` line of
/// `aula labs serve --check`.
fn launcher_named_by_check(exe: &Path) -> PathBuf {
    let site = Site::new();
    let output = Command::new(exe)
        .args(["labs", "serve", "--check", "--root"])
        .arg(site.path())
        .env("AULA_LAB_BIN_DIR", site.bin.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("lab launcher: "))
        .unwrap_or_else(|| panic!("no launcher line in {stdout}"));
    PathBuf::from(line)
}

/// The binary of the process that launched a run, seen in /proc while the run is held open:
/// the first ancestor of the `hold` lab's `sleep` whose binary is an aula one.
fn launcher_seen_in_a_run(server: &Server) -> PathBuf {
    let parent = |pid: u32| -> u32 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let after = stat.rsplit_once(')').unwrap().1;
        after.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    std::thread::scope(|scope| {
        let holder = scope.spawn(|| server.lab("hold", &json!({"input": {}})));
        let running = serve_support::wait_for_processes(&server.site.marker, 1);
        let mut pid = running[0];
        let launcher = loop {
            pid = parent(pid);
            assert!(pid > 1, "no aula process above the lab");
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap();
            if exe
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("aula")
            {
                break exe;
            }
        };
        serve_support::kill_all(&running);
        assert_eq!(holder.join().unwrap().status, 502);
        launcher
    })
}

#[test]
fn runs_start_from_the_small_launcher_or_from_aula_itself_with_the_same_walls() {
    // In a build, `aula-lab-sandbox` sits beside aula (a [[bin]] of the same package), and
    // every run goes through it.
    let aula = Path::new(env!("CARGO_BIN_EXE_aula"));
    let small = aula.with_file_name("aula-lab-sandbox");
    assert!(small.is_file(), "{} was not built", small.display());
    assert_eq!(launcher_named_by_check(aula), small);
    assert_eq!(launcher_seen_in_a_run(&hosted()), small);

    // A copy of aula alone in a folder (an install without the small binary): runs go through
    // `aula __lab-sandbox`, and the walls hold just the same.
    let alone = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let copy = alone.path().join("aula");
    if std::fs::hard_link(aula, &copy).is_err() {
        std::fs::copy(aula, &copy).unwrap();
    }
    assert_eq!(launcher_named_by_check(&copy), copy);
    let server = Server::launch_binary(
        &copy,
        Site::new(),
        &[
            "labs",
            "serve",
            "--allow-origin",
            HOSTED_ORIGIN,
            "--rate",
            "0",
        ],
        &[("AULA_TEST_SECRET", SECRET)],
    );
    assert_eq!(launcher_seen_in_a_run(&server), copy);
    let metrics = server.get("/metrics").body;
    for layer in ["pidns", "netns", "landlock", "rlimits"] {
        let line = format!("aula_lab_sandbox_layer{{layer=\"{layer}\"}} 1");
        assert!(metrics.contains(&line), "{line} not in {metrics}");
    }
    children_are_killed(&server);
    let reply = run_leaving_nothing(&server, "envecho");
    assert!(!reply.body.contains(SECRET), "{}", reply.body);
    let reply = run_leaving_nothing(&server, "network");
    assert_eq!(reply.json()["blocks"], json!([0]), "{}", reply.body);
    let reply = run_leaving_nothing(&server, "writer");
    assert_eq!(reply.json()["blocks"], json!([100]), "{}", reply.body);
}
