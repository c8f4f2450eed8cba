//! Shared helpers for the integration tests: fixture sites copied into temporary folders, the
//! real `aula` binary run on them, and the built files read back.
//!
//! Fixtures under `tests/fixtures/<case>/` hold only what the case is about (usually `aula.toml`
//! and `content/`); [`Site::fixture`] adds the repository's `templates/`, `static/`, `locales/` and
//! lab manifests unless the fixture brings its own.

#![allow(
    dead_code,
    reason = "each test file uses a different part of this module"
)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed unwrap is a failed test, with its location"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn aula() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aula"))
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A site in a temporary folder.
pub(crate) struct Site {
    pub(crate) dir: tempfile::TempDir,
}

impl Site {
    /// `tests/fixtures/<name>` plus whatever of the repository's templates, static files, UI
    /// strings and lab manifests the fixture does not bring itself.
    pub(crate) fn fixture(name: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo_root().join("tests/fixtures").join(name), dir.path());
        for shared in ["templates", "static", "locales", "labs/manifests"] {
            if !dir.path().join(shared).exists() {
                copy_dir(&repo_root().join(shared), &dir.path().join(shared));
            }
        }
        Site { dir }
    }

    /// The repository's templates, static files and UI strings first, then `tests/fixtures/<name>`
    /// on top: for fixtures that add a few files to those folders (an extra `.ftl`, a template).
    pub(crate) fn fixture_over(name: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        for shared in ["templates", "static", "locales"] {
            copy_dir(&repo_root().join(shared), &dir.path().join(shared));
        }
        copy_dir(&repo_root().join("tests/fixtures").join(name), dir.path());
        Site { dir }
    }

    /// A site made by `aula new site` in an empty temporary folder.
    pub(crate) fn new_site() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let output = aula()
            .args(["new", "site"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        Site { dir }
    }

    /// `aula check --root <site>` with `extra` arguments.
    pub(crate) fn check(&self, extra: &[&str]) -> Output {
        self.aula(&["check"], extra)
    }

    /// `aula <command…> --root <site> <extra…>`, run in the site's folder.
    pub(crate) fn aula(&self, command: &[&str], extra: &[&str]) -> Output {
        aula()
            .args(command)
            .arg("--root")
            .arg(self.path())
            .args(extra)
            .current_dir(self.path())
            .output()
            .unwrap()
    }

    /// The text of a source file of the site.
    pub(crate) fn source(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative)).unwrap()
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn write(&self, relative: &str, text: &str) {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub(crate) fn remove(&self, relative: &str) {
        std::fs::remove_file(self.path().join(relative)).unwrap();
    }

    /// `aula build --root <site> --output <site>/public` and its outcome.
    pub(crate) fn build(&self, extra: &[&str]) -> Output {
        aula()
            .arg("build")
            .arg("--root")
            .arg(self.path())
            .args(extra)
            .output()
            .unwrap()
    }

    /// Builds and fails the test with aula's messages if the build fails.
    pub(crate) fn build_ok(&self) -> Output {
        let output = self.build(&[]);
        assert!(
            output.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    pub(crate) fn read(&self, built: &str) -> String {
        let path = self.path().join("public").join(built);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub(crate) fn exists(&self, built: &str) -> bool {
        self.path().join("public").join(built).exists()
    }
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Asserts that `output` has every one of `lines` as a whole line, and shows all of it if not.
pub(crate) fn assert_lines(output: &str, lines: &[&str]) {
    for line in lines {
        assert!(
            output.lines().any(|l| l == *line),
            "missing line:\n{line}\n--- in ---\n{output}"
        );
    }
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
