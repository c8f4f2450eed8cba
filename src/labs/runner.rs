//! Running one lab binary once, with the limits DESIGN.md §5 sets — the only code in aula that
//! starts a lab.
//!
//! The binary is started by absolute path (no shell), with an empty environment, in a fresh
//! temporary working directory, behind the walls [`super::sandbox`] raises (namespaces,
//! rlimits, Landlock, its own uid), in a process group of its own. The request goes to its
//! stdin; its stdout is read up to a cap (the rest is cut and the run is marked truncated); when
//! the time limit passes, the sandbox ends the run ([`sandbox::stop`]). Whatever the lab started is gone when the
//! run ends. What comes back is classified here — answer, refused input, crash, non-JSON,
//! timeout — so the build, the preview server and `aula labs serve` report the same failure the
//! same way.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::sandbox;

/// What a run may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub(crate) time: Duration,
    pub(crate) output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            time: Duration::from_secs(5),
            output_bytes: 1024 * 1024,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// `{"blocks": [...]}` — the lab's answer.
    Answer(Value),
    /// Exit code 2 with `{"error": {"field", "message"}}` — the lab refused its input.
    Refused { field: String, message: String },
    /// Killed after the time limit.
    TimedOut(Duration),
    /// Printed more than the cap; the output was cut.
    Truncated(usize),
    /// Exited abnormally or printed something that is not the protocol's JSON.
    Failed(String),
}

/// Runs `binary` with `request` on stdin.
pub(crate) fn run(binary: &Path, request: &[u8], limits: Limits) -> Outcome {
    let workdir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => return Outcome::Failed(format!("cannot create a working directory: {e}")),
    };
    let (mut command, _lease) = match sandbox::command(binary, workdir.path(), limits.time) {
        Ok(started) => started,
        Err(e) => return Outcome::Failed(format!("cannot prepare the sandbox: {e}")),
    };
    command
        .env_clear()
        .current_dir(workdir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A process group of its own: the sandbox's last resort kills it whole.
        .process_group(0);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return Outcome::Failed(format!("cannot start {}: {e}", binary.display())),
    };
    let started = Instant::now();

    if let Some(mut stdin) = child.stdin.take() {
        let request = request.to_vec();
        // Written from a thread: a lab that never reads its stdin must not block us.
        std::thread::spawn(move || {
            let _ = stdin.write_all(&request);
        });
    }
    let (sender, receiver) = mpsc::channel();
    let cap = limits.output_bytes;
    let stdout = child.stdout.take();
    let stdout_sender = sender.clone();
    std::thread::spawn(move || {
        let mut buffer = Vec::new();
        let mut truncated = false;
        if let Some(stdout) = stdout {
            let mut limited = stdout.take(cap as u64 + 1);
            let _ = limited.read_to_end(&mut buffer);
            if buffer.len() > cap {
                buffer.truncate(cap);
                truncated = true;
            }
        }
        let _ = stdout_sender.send(Stream::Stdout(buffer, truncated));
    });
    let stderr = child.stderr.take();
    std::thread::spawn(move || {
        let mut buffer = Vec::new();
        if let Some(stderr) = stderr {
            let _ = stderr.take(64 * 1024).read_to_end(&mut buffer);
        }
        let _ = sender.send(Stream::Stderr(buffer));
    });

    let mut stdout = None;
    let mut stderr = Vec::new();
    let deadline = started + limits.time;
    while stdout.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        match receiver.recv_timeout(left) {
            Ok(Stream::Stdout(bytes, truncated)) => stdout = Some((bytes, truncated)),
            Ok(Stream::Stderr(bytes)) => stderr = bytes,
            Err(_) => {
                sandbox::stop(&mut child);
                return Outcome::TimedOut(limits.time);
            }
        }
    }
    let Some((stdout, truncated)) = stdout else {
        return Outcome::Failed("no output".into());
    };
    if truncated {
        sandbox::stop(&mut child);
        return Outcome::Truncated(limits.output_bytes);
    }
    // stdout closed: the lab is finishing (its launcher, which holds stdout too, is exiting).
    // Wait for its exit within what is left of the limit, looking again soon at first: the exit
    // is usually a few microseconds away, and a flat millisecond's sleep was most of a quick
    // run's wait.
    let mut pause = Duration::from_micros(20);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                sandbox::stop(&mut child);
                return Outcome::TimedOut(limits.time);
            }
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(1));
            }
            Err(e) => return Outcome::Failed(format!("cannot wait for the lab: {e}")),
        }
    };
    if stderr.is_empty()
        && let Ok(Stream::Stderr(bytes)) = receiver.recv_timeout(Duration::from_millis(50))
    {
        stderr = bytes;
    }
    classify(status.code(), &stdout, &stderr)
}

enum Stream {
    Stdout(Vec<u8>, bool),
    Stderr(Vec<u8>),
}

fn classify(code: Option<i32>, stdout: &[u8], stderr: &[u8]) -> Outcome {
    let parsed: Option<Value> = serde_json::from_slice(stdout).ok();
    match (code, parsed) {
        (Some(0), Some(answer)) if answer.get("blocks").is_some_and(Value::is_array) => {
            Outcome::Answer(answer)
        }
        (Some(2), Some(answer)) if answer.get("error").is_some() => {
            let text = |key: &str| {
                answer["error"][key]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            };
            Outcome::Refused {
                field: text("field"),
                message: text("message"),
            }
        }
        (Some(0), _) => Outcome::Failed("the lab's answer is not the protocol's JSON".into()),
        (code, _) => {
            let stderr = String::from_utf8_lossy(stderr);
            let last = stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            let how = match code {
                Some(code) => format!("the lab exited with code {code}"),
                None => "the lab was killed by a signal".to_string(),
            };
            if last.is_empty() {
                Outcome::Failed(how)
            } else {
                Outcome::Failed(format!("{how}: {}", last.trim()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn script(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn an_answer_is_returned() {
        let dir = tempfile::tempdir().unwrap();
        let lab = script(dir.path(), "ok", "cat >/dev/null; echo '{\"blocks\": []}'");
        assert_eq!(
            run(&lab, b"{}", Limits::default()),
            Outcome::Answer(serde_json::json!({"blocks": []}))
        );
    }

    #[test]
    fn the_environment_is_empty_and_the_directory_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let lab = script(
            dir.path(),
            "env",
            "n=$(env | grep -vc '^PWD=\\|^SHLVL=\\|^_=') ; f=$(ls -A | wc -l); echo \"{\\\"blocks\\\": [$n, $f]}\"",
        );
        // SAFETY-free: a variable set in this process must not reach the lab.
        assert_eq!(
            run(&lab, b"", Limits::default()),
            Outcome::Answer(serde_json::json!({"blocks": [0, 0]}))
        );
    }

    #[test]
    fn a_refusal_carries_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let lab = script(
            dir.path(),
            "no",
            "echo '{\"error\": {\"field\": \"input.x\", \"message\": \"bad\"}}'; exit 2",
        );
        assert_eq!(
            run(&lab, b"", Limits::default()),
            Outcome::Refused {
                field: "input.x".into(),
                message: "bad".into()
            }
        );
    }

    #[test]
    fn a_slow_lab_and_its_children_are_killed() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("child-survived");
        let lab = script(
            dir.path(),
            "slow",
            &format!("(sleep 2; touch {}) & sleep 30", marker.display()),
        );
        let limits = Limits {
            time: Duration::from_millis(300),
            ..Limits::default()
        };
        let started = Instant::now();
        assert_eq!(run(&lab, b"", limits), Outcome::TimedOut(limits.time));
        assert!(started.elapsed() < Duration::from_secs(2));
        std::thread::sleep(Duration::from_millis(2200));
        assert!(!marker.exists(), "the lab's child outlived the time limit");
    }

    #[test]
    fn output_beyond_the_cap_is_cut() {
        let dir = tempfile::tempdir().unwrap();
        let lab = script(dir.path(), "loud", "yes aaaaaaaa");
        let limits = Limits {
            output_bytes: 1000,
            ..Limits::default()
        };
        assert_eq!(run(&lab, b"", limits), Outcome::Truncated(1000));
    }

    #[test]
    fn crashes_and_garbage_are_failures_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let crash = script(
            dir.path(),
            "crash",
            "echo 'thread main panicked' >&2; exit 101",
        );
        let garbage = script(dir.path(), "garbage", "echo hello");
        match run(&crash, b"", Limits::default()) {
            Outcome::Failed(why) => assert!(
                why.contains("code 101") && why.contains("panicked"),
                "{why}"
            ),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            run(&garbage, b"", Limits::default()),
            Outcome::Failed(_)
        ));
    }
}
