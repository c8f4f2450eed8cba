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

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn aula() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aula"))
}

pub fn copy_dir(from: &Path, to: &Path) {
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
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// `tests/fixtures/<name>` plus whatever of the repository's templates, static files, UI
    /// strings and lab manifests the fixture does not bring itself.
    pub fn fixture(name: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo_root().join("tests/fixtures").join(name), dir.path());
        for shared in ["templates", "static", "locales", "labs/manifests"] {
            if !dir.path().join(shared).exists() {
                copy_dir(&repo_root().join(shared), &dir.path().join(shared));
            }
        }
        Site { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn remove(&self, relative: &str) {
        std::fs::remove_file(self.path().join(relative)).unwrap();
    }

    /// `aula build --root <site> --output <site>/public` and its outcome.
    pub fn build(&self, extra: &[&str]) -> Output {
        aula()
            .arg("build")
            .arg("--root")
            .arg(self.path())
            .args(extra)
            .output()
            .unwrap()
    }

    /// Builds and fails the test with aula's messages if the build fails.
    pub fn build_ok(&self) -> Output {
        let output = self.build(&[]);
        assert!(
            output.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    pub fn read(&self, built: &str) -> String {
        let path = self.path().join("public").join(built);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub fn exists(&self, built: &str) -> bool {
        self.path().join("public").join(built).exists()
    }
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
