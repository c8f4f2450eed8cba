//! Building lab binaries from their sources, for the preview server: when a lab's Rust source
//! changes, `cargo build` makes its binary again where aula runs it from. The only place aula
//! starts cargo; running a lab is `runner`'s job.

use std::collections::BTreeSet;
use std::path::Path;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Group};

/// `cargo build -p aula-labs --bin <id>` for each affected lab, into the folder aula takes lab
/// binaries from (when that folder is a cargo profile folder, `…/target/debug` or `…/release`).
pub(crate) fn binaries(root: &Path, config: &Config, ids: &BTreeSet<String>) -> Diagnostics {
    let mut problems = Diagnostics::default();
    if !root.join("labs").join("Cargo.toml").is_file() {
        return problems;
    }
    let bin_dir = super::lab_bin_dir(config);
    let profile = bin_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let (Some(target_dir), Some(profile)) = (bin_dir.parent(), profile) else {
        return problems;
    };
    if profile != "debug" && profile != "release" {
        return problems;
    }
    let mut command =
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .current_dir(root)
        .args(["build", "--quiet", "-p", "aula-labs"])
        .env("CARGO_TARGET_DIR", target_dir);
    if profile == "release" {
        command.arg("--release");
    }
    let known: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    if !known.contains("*") {
        for id in ids {
            // A module without a binary of its name (a helper) rebuilds every lab.
            if root.join("labs/src/bin").join(format!("{id}.rs")).is_file() {
                command.args(["--bin", id]);
            }
        }
    }
    match command.output() {
        Ok(output) if output.status.success() => {}
        Ok(output) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let first = stderr
                .lines()
                .find(|l| l.starts_with("error"))
                .unwrap_or("cargo build failed");
            problems.push(
                Diagnostic::error("labs", format!("building the labs failed: {first}"))
                    .hint("run `cargo build -p aula-labs` to see every error")
                    .group(Group::Labs),
            );
        }
        Err(e) => problems.push(
            Diagnostic::error("labs", format!("cannot run cargo to build the labs: {e}"))
                .group(Group::Labs),
        ),
    }
    problems
}
