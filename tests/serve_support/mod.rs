//! Helpers for the preview server's tests (`tests/serve_*.rs`): a copy of
//! `tests/fixtures/serve-site` in a temporary folder with hostile test labs, the real `aula
//! serve` started on it on an ephemeral port, and clients for pages, labs and the event stream.

#![allow(
    dead_code,
    reason = "each test file uses a different part of this module"
)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failure here is a failed test"
)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

// The integration tests' shared helpers (fixture copies, the binary's path).
#[path = "../common/mod.rs"]
mod common;
use common::copy_dir;
pub(crate) use common::repo_root;

/// Test labs: (id, script, extra manifest lines). Each takes one number input `n` in 0..=10.
const TEST_LABS: &[(&str, &str, &str)] = &[
    ("sleepy", "sleep 30", "[limits]\ntime_ms = 300\n"),
    (
        "crashy",
        "cat >/dev/null; echo 'boom: the lab fell over' >&2; exit 101",
        "",
    ),
    ("garbage", "cat >/dev/null; echo 'hello, not json'", ""),
    (
        "flood",
        "yes aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "[limits]\noutput_bytes = 1000\n",
    ),
    (
        "refuser",
        "cat >/dev/null; echo '{\"error\": {\"field\": \"n\", \"message\": \"no thanks\"}}'; exit 2",
        "",
    ),
    (
        "slow",
        "cat >/dev/null; sleep 2; echo '{\"blocks\": []}'",
        "",
    ),
    (
        "quick",
        "cat >/dev/null; echo '{\"blocks\": [{\"type\": \"text\", \"text\": \"ok\"}]}'",
        "",
    ),
];

/// Hostile labs, written per site because their scripts name the site's own paths and a marker
/// that only their processes carry (`sleep MARKER`), so a test can look for survivors in /proc:
/// (id, script, extra manifest lines). `{marker}`, `{site}` and `{port}` are filled in.
const HOSTILE_LABS: &[(&str, &str, &str)] = &[
    // Holds its runner slot until the test kills it.
    (
        "hold",
        "cat >/dev/null; sleep {marker}",
        "[limits]\ntime_ms = 20000\n",
    ),
    (
        "background",
        r#"cat >/dev/null; sleep {marker} & echo '{"blocks": []}'"#,
        "",
    ),
    (
        "fifty",
        r#"cat >/dev/null; pids=""; for i in $(seq 50); do sleep {marker} & pids="$pids $!"; done; echo "{\"blocks\": [$(echo $pids | wc -w)]}""#,
        "",
    ),
    (
        "escape",
        r#"cat >/dev/null; setsid sleep {marker} & echo '{"blocks": []}'"#,
        "",
    ),
    // A new session that would outlive its lab, and a lab that outlives its time limit.
    (
        "hang-escape",
        r#"cat >/dev/null; setsid sleep {marker} & sleep {marker}"#,
        "[limits]\ntime_ms = 300\n",
    ),
    // Kills its launcher (its parent, where it can name it), then leaves a new session behind.
    // Its binary is readable by its owner only, so it keeps aula's uid, as every lab does when
    // aula is not root: no uid of its own stops its signal.
    (
        "parricide",
        r#"cat >/dev/null; setsid sleep {marker} & kill -9 $PPID; sleep {marker}"#,
        "[limits]\ntime_ms = 300\n",
    ),
    (
        "megaflood",
        "cat >/dev/null; head -c 52428800 /dev/zero",
        "",
    ),
    (
        "envecho",
        r#"cat >/dev/null; e=$( (env; cat /proc/*/environ) 2>/dev/null | tr -c 'A-Za-z0-9=_' ' ' | head -c 20000); echo "{\"blocks\": [\"$e\"]}""#,
        "",
    ),
    (
        "writer",
        r#"cat >/dev/null; w=0; for f in {site}/escaped /tmp/aula-escaped-{marker} ../escaped-{marker}; do (echo x > "$f") 2>/dev/null && w=$((w+1)); done; (echo x > inside) && w=$((w+100)); echo "{\"blocks\": [$w]}""#,
        "",
    ),
    (
        "network",
        r#"cat >/dev/null; n=0; (echo x > /dev/tcp/127.0.0.1/{port}) 2>/dev/null && n=1; echo "{\"blocks\": [$n]}""#,
        "",
    ),
    (
        "hog",
        r#"cat >/dev/null; x=$(head -c 2000000000 /dev/zero | tr '\0' a); echo '{"blocks": []}'"#,
        "",
    ),
];

/// A number no other process on the machine has on its command line.
fn fresh_marker() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{}.{}{:09}{n}",
        7000 + std::process::id() % 1000,
        std::process::id(),
        nanos
    )
}

/// The pids of live processes whose command line holds `marker`.
pub(crate) fn processes_with(marker: &str) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        // Zombies have an empty command line; they hold nothing and are not counted.
        if String::from_utf8_lossy(&cmdline).contains(marker) {
            found.push(pid);
        }
    }
    found
}

/// Waits (up to a minute) until at least `n` processes carry `marker`; returns their pids.
pub(crate) fn wait_for_processes(marker: &str, n: usize) -> Vec<u32> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let found = processes_with(marker);
        if found.len() >= n {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "no process with {marker} appeared"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// SIGKILL to each of `pids`.
pub(crate) fn kill_all(pids: &[u32]) {
    for pid in pids {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    }
}

/// The folder the lab binaries of this build are in, with `rate-limit` built if needed.
fn lab_binaries() -> PathBuf {
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_aula"));
    let dir = exe.parent().unwrap().to_path_buf();
    if !dir.join("rate-limit").is_file() || !dir.join("ansible-vars").is_file() {
        // `cargo test --test serve_x` builds only aula's targets; the labs are another package.
        let target = dir.parent().unwrap();
        let status = Command::new(env!("CARGO"))
            .current_dir(repo_root())
            .args(["build", "--quiet", "-p", "aula-labs", "--bin", "rate-limit"])
            .args(["--bin", "ansible-vars"])
            .env("CARGO_TARGET_DIR", target)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "building the rate-limit and ansible-vars labs failed"
        );
    }
    dir
}

/// The fixture site in a temporary folder, with its lab binaries in another.
pub(crate) struct Site {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) bin: tempfile::TempDir,
    /// On the command line of every process the hostile labs start.
    pub(crate) marker: String,
    /// A listener on loopback that the `network` lab tries to reach.
    pub(crate) probe: std::net::TcpListener,
}

impl Site {
    pub(crate) fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo_root().join("tests/fixtures/serve-site"), dir.path());
        for shared in ["templates", "static", "locales", "labs/manifests"] {
            copy_dir(&repo_root().join(shared), &dir.path().join(shared));
        }
        let bin = tempfile::tempdir().unwrap();
        // Labs run as a uid of their own when the tests run as root: it must reach them.
        std::fs::set_permissions(bin.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let labs = lab_binaries();
        for lab in ["rate-limit", "ansible-vars"] {
            std::os::unix::fs::symlink(labs.join(lab), bin.path().join(lab)).unwrap();
        }
        let marker = fresh_marker();
        let site = dir.path().display().to_string();
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.set_nonblocking(true).unwrap();
        let port = probe.local_addr().unwrap().port().to_string();
        let hostile = HOSTILE_LABS.iter().map(|(id, script, extra)| {
            let script = script
                .replace("{marker}", &marker)
                .replace("{site}", &site)
                .replace("{port}", &port);
            (*id, script, *extra)
        });
        let plain = TEST_LABS
            .iter()
            .map(|(id, script, extra)| (*id, script.to_string(), *extra));
        for (id, script, extra) in plain.chain(hostile) {
            let path = bin.path().join(id);
            std::fs::write(&path, format!("#!/bin/bash\n{script}\n")).unwrap();
            let mode = if id == "parricide" { 0o700 } else { 0o755 };
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            std::fs::write(
                dir.path().join(format!("labs/manifests/{id}.toml")),
                format!(
                    "id = \"{id}\"\ntitle = \"lab-test-title\"\ndescription = \"lab-test-description\"\n{extra}\n[[inputs]]\nname = \"n\"\ntype = \"number\"\nlabel = \"lab-test-n\"\ndefault = 1\nmin = 0\nmax = 10\n"
                ),
            )
            .unwrap();
        }
        Site {
            dir,
            bin,
            marker,
            probe,
        }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn write(&self, relative: &str, text: &str) {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub(crate) fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative)).unwrap()
    }

    /// `aula build` of the site as it is now into `public` (with `--base-url`, when given).
    pub(crate) fn build_into(&self, public: &Path, base_url: Option<&str>) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_aula"));
        command
            .args(["build", "--root"])
            .arg(self.path())
            .arg("--output")
            .arg(public)
            .env("AULA_LAB_BIN_DIR", self.bin.path());
        if let Some(base_url) = base_url {
            command.args(["--base-url", base_url]);
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "aula build failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Path → sha256 of a fresh `aula build` of the site as it is now.
    pub(crate) fn full_build(&self, base_url: &str) -> BTreeMap<String, String> {
        let out = tempfile::tempdir().unwrap();
        let public = out.path().join("public");
        self.build_into(&public, Some(base_url));
        let mut files = BTreeMap::new();
        for entry in walkdir::WalkDir::new(&public) {
            let entry = entry.unwrap();
            if !entry.file_type().is_file() || entry.file_name() == ".aula-output" {
                continue;
            }
            let name = entry
                .path()
                .strip_prefix(&public)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(entry.path()).unwrap();
            files.insert(name, format!("{:x}", Sha256::digest(&bytes)));
        }
        files
    }
}

/// An HTTP client that returns every status as it is and follows no redirect (30 s at most).
fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// The origin whose pages may call the hosted runner in the tests.
pub(crate) const HOSTED_ORIGIN: &str = "https://course.example";

/// `aula serve` (or `aula labs serve`) running on a [`Site`].
pub(crate) struct Server {
    pub(crate) site: Site,
    pub(crate) child: Child,
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub(crate) base: String,
    pub(crate) port: u16,
    lines: std::sync::Mutex<mpsc::Receiver<String>>,
    agent: ureq::Agent,
}

impl Server {
    pub(crate) fn start() -> Server {
        Self::start_on(Site::new())
    }

    pub(crate) fn start_on(site: Site) -> Server {
        Self::launch(site, &["serve"], &[])
    }

    /// `aula labs serve` on `site`, allowing [`HOSTED_ORIGIN`], with `args` after and `envs`.
    pub(crate) fn hosted(site: Site, args: &[&str], envs: &[(&str, &str)]) -> Server {
        let mut all = vec!["labs", "serve", "--allow-origin", HOSTED_ORIGIN];
        all.extend_from_slice(args);
        Self::launch(site, &all, envs)
    }

    /// `aula ARGS --port 0 --root SITE` with `envs` besides the test ones; the first line it
    /// prints must hold its address.
    pub(crate) fn launch(site: Site, args: &[&str], envs: &[(&str, &str)]) -> Server {
        Self::launch_binary(Path::new(env!("CARGO_BIN_EXE_aula")), site, args, envs)
    }

    /// [`Server::launch`] with another copy of the `aula` binary (`exe`).
    pub(crate) fn launch_binary(
        exe: &Path,
        site: Site,
        args: &[&str],
        envs: &[(&str, &str)],
    ) -> Server {
        let mut command = Command::new(exe);
        command
            .args(args)
            .args(["--port", "0", "--root"])
            .arg(site.path())
            .env("AULA_LAB_BIN_DIR", site.bin.path())
            .env("AULA_TEST_HOOKS", "1");
        for (k, v) in envs {
            command.env(k, v);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let first = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("aula serve printed no address");
        let start = first.find("http://").expect("no URL on the first line");
        let base = first[start..]
            .split(|c: char| c.is_whitespace() || c == '"')
            .next()
            .unwrap()
            .trim_end_matches('/')
            .to_string();
        let port = base.rsplit(':').next().unwrap().parse().unwrap();
        let agent = client();
        Server {
            site,
            child,
            base,
            port,
            lines: std::sync::Mutex::new(lines),
            agent,
        }
    }

    /// The next line `aula serve` prints, within `timeout`.
    pub(crate) fn next_line(&self, timeout: Duration) -> Option<String> {
        self.lines.lock().unwrap().recv_timeout(timeout).ok()
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(crate) fn get(&self, path: &str) -> Reply {
        Reply::from(self.agent.get(self.url(path)).call().unwrap())
    }

    /// GET over a new connection (the shared agent keeps one alive).
    pub(crate) fn get_fresh(&self, path: &str) -> Reply {
        Reply::from(client().get(self.url(path)).call().unwrap())
    }

    pub(crate) fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.agent.get(self.url(path));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        Reply::from(request.call().unwrap())
    }

    pub(crate) fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Reply {
        self.post_with(path, content_type, body, &[])
    }

    pub(crate) fn post_with(
        &self,
        path: &str,
        content_type: &str,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self
            .agent
            .post(self.url(path))
            .header("Content-Type", content_type);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        Reply::from(request.send(body).unwrap())
    }

    pub(crate) fn lab(&self, id: &str, body: &serde_json::Value) -> Reply {
        self.post(
            &format!("/_aula/labs/{id}"),
            "application/json",
            body.to_string().as_bytes(),
        )
    }

    /// Sends `request` as it is over a fresh connection and returns the whole answer.
    pub(crate) fn raw(&self, request: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    }

    /// Path → sha256 of the site the server holds in memory.
    pub(crate) fn manifest(&self) -> BTreeMap<String, String> {
        let reply = self.get("/_aula/debug/manifest");
        assert_eq!(reply.status, 200);
        serde_json::from_str(&reply.body).unwrap()
    }

    pub(crate) fn events(&self) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "GET /_aula/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept: text/event-stream\r\n\r\n",
            self.port
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push_str(&line);
        }
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: text/event-stream"),
            "{head}"
        );
        Events { reader }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP answer, read whole.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: BTreeMap<String, String>,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl From<ureq::http::Response<ureq::Body>> for Reply {
    fn from(mut response: ureq::http::Response<ureq::Body>) -> Self {
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    v.to_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        Reply {
            status,
            headers,
            body,
        }
    }
}

/// An open event stream.
pub(crate) struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// The next event (name, data) within `timeout`, skipping comments.
    pub(crate) fn next(&mut self, timeout: Duration) -> Option<(String, String)> {
        let deadline = Instant::now() + timeout;
        let mut name = String::new();
        let mut data = String::new();
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            self.reader
                .get_ref()
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(_) => return None,
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if !name.is_empty() || !data.is_empty() {
                    return Some((name, data));
                }
                continue;
            }
            if let Some(value) = line.strip_prefix("event:") {
                name = value.trim().to_string();
            } else if let Some(value) = line.strip_prefix("data:") {
                data.push_str(value.trim());
            }
        }
    }

    /// Waits for an event called `wanted`, returning its data.
    pub(crate) fn wait_for(&mut self, wanted: &str, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let (name, data) = self.next(left)?;
            if name == wanted {
                return Some(data);
            }
        }
    }

    /// Reads events until none comes for `quiet`; returns their names.
    pub(crate) fn drain(&mut self, quiet: Duration) -> Vec<String> {
        let mut names = Vec::new();
        while let Some((name, _)) = self.next(quiet) {
            names.push(name);
        }
        names
    }
}
