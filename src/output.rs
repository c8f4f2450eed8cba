//! Where a built site goes: an in-memory [`OutputStore`] (what the preview server serves), and
//! [`write_atomically`], which puts a store on disk for `aula build`.
//!
//! Writing is all or nothing: the site is written to a temporary folder beside the output
//! folder, then swapped in with renames, so a failed build — or a crash halfway — leaves the
//! previous output untouched. Output folders that would destroy the project are refused: `/`,
//! the project root or any folder above it, and the source folders or anything inside them.
//! A folder that exists, is not empty and was not written by aula is refused too.

use std::collections::BTreeMap;

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A marker file in every output folder aula writes, so it never replaces a folder it did not make.
const MARKER: &str = ".aula-output";

/// The source folders of a site: an output folder may not be, or be inside, any of them.
pub(crate) const SOURCE_FOLDERS: &[&str] =
    &["content", "templates", "locales", "labs", "static", "src"];

/// The files of a built site, by path relative to the site root (`es/finops/index.html`).
/// Files are shared, so the preview server can put an unchanged page into the next build's
/// store without copying it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct OutputStore {
    files: BTreeMap<String, Arc<[u8]>>,
}

impl OutputStore {
    pub(crate) fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), Arc::from(bytes.into()));
    }

    pub(crate) fn insert_shared(&mut self, path: impl Into<String>, bytes: Arc<[u8]>) {
        self.files.insert(path.into(), bytes);
    }

    /// Keeps only the files whose path passes `keep`.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.files.retain(|path, _| keep(path));
    }

    pub(crate) fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|bytes| &bytes[..])
    }

    pub(crate) fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub(crate) fn len(&self) -> usize {
        self.files.len()
    }

    pub(crate) fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(k, v)| (k.as_str(), &v[..]))
    }
}

/// Why an output folder was refused or could not be written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OutputError {
    #[error("refusing to write the site into {0}: {1}")]
    Refused(PathBuf, &'static str),
    #[error("cannot write {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// Checks that `output` may be replaced by a build of the site at `root`.
pub(crate) fn check_output_folder(root: &Path, output: &Path) -> Result<PathBuf, OutputError> {
    let absolute = |p: &Path| {
        std::path::absolute(p)
            .map(|p| normalize(&p))
            .map_err(|e| OutputError::Io(p.to_path_buf(), e))
    };
    let root = absolute(root)?;
    let output = absolute(output)?;
    if output.parent().is_none() {
        return Err(OutputError::Refused(output, "it is the file system's root"));
    }
    if root.starts_with(&output) {
        return Err(OutputError::Refused(
            output,
            "it is the project root or a folder that contains it",
        ));
    }
    for folder in SOURCE_FOLDERS {
        if output.starts_with(root.join(folder)) {
            return Err(OutputError::Refused(
                output,
                "it is a source folder of the site; use e.g. --output public",
            ));
        }
    }
    if output.is_file() {
        return Err(OutputError::Refused(output, "it is a file"));
    }
    if output.is_dir() && !output.join(MARKER).exists() {
        let empty = std::fs::read_dir(&output)
            .map(|mut entries| entries.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(OutputError::Refused(
                output,
                "it is a non-empty folder that aula did not write; pick another --output or empty it",
            ));
        }
    }
    Ok(output)
}

/// Lexically resolves `.` and `..` (the output folder may not exist yet, so no canonicalize).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Writes `store` to `output` (already checked by [`check_output_folder`]) all at once.
pub(crate) fn write_atomically(store: &OutputStore, output: &Path) -> Result<(), OutputError> {
    let parent = output.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| OutputError::Io(parent.to_path_buf(), e))?;
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.aula-new-"))
        .tempdir_in(parent)
        .map_err(|e| OutputError::Io(parent.to_path_buf(), e))?;
    // Folders first (one pass, in order), then the files on every core: writing ten thousand
    // pages is mostly the file system's work, and it overlaps well.
    let mut folders: Vec<PathBuf> = store
        .paths()
        .filter_map(|path| Path::new(path).parent().map(|dir| staging.path().join(dir)))
        .collect();
    folders.dedup();
    for dir in &folders {
        std::fs::create_dir_all(dir).map_err(|e| OutputError::Io(dir.clone(), e))?;
    }
    let files: Vec<(&str, &[u8])> = store.iter().collect();
    files.par_iter().try_for_each(|(path, bytes)| {
        let target = staging.path().join(path);
        std::fs::write(&target, bytes).map_err(|e| OutputError::Io(target.clone(), e))
    })?;
    std::fs::write(staging.path().join(MARKER), b"written by aula build\n")
        .map_err(|e| OutputError::Io(staging.path().to_path_buf(), e))?;
    let staged = staging.keep();
    let old = parent.join(format!(".{name}.aula-old-{}", std::process::id()));
    let had_old = output.exists();
    if had_old {
        std::fs::rename(output, &old).map_err(|e| OutputError::Io(output.to_path_buf(), e))?;
    }
    if let Err(e) = std::fs::rename(&staged, output) {
        // Put the previous site back: better the old site than none.
        if had_old {
            let _ = std::fs::rename(&old, output);
        }
        let _ = std::fs::remove_dir_all(&staged);
        return Err(OutputError::Io(output.to_path_buf(), e));
    }
    if had_old {
        std::fs::remove_dir_all(&old).map_err(|e| OutputError::Io(old.clone(), e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangerous_output_folders_are_refused() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        std::fs::create_dir_all(root.join("content/en")).unwrap();
        for bad in [
            root.to_path_buf(),
            root.join("content"),
            root.join("content/en/x"),
            root.join(".."),
            PathBuf::from("/"),
        ] {
            assert!(
                check_output_folder(root, &bad).is_err(),
                "{}",
                bad.display()
            );
        }
        assert!(check_output_folder(root, &root.join("public")).is_ok());
    }

    #[test]
    fn a_foreign_non_empty_folder_is_refused() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("docs");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        assert!(check_output_folder(site.path(), &out).is_err());
    }

    #[test]
    fn writing_replaces_the_previous_output_whole() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        let mut first = OutputStore::default();
        first.insert("old.html", "old");
        write_atomically(&first, &check_output_folder(site.path(), &out).unwrap()).unwrap();
        let mut second = OutputStore::default();
        second.insert("en/index.html", "new");
        write_atomically(&second, &check_output_folder(site.path(), &out).unwrap()).unwrap();
        assert!(!out.join("old.html").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("en/index.html")).unwrap(),
            "new"
        );
        let leftovers: Vec<_> = std::fs::read_dir(site.path())
            .unwrap()
            .filter_map(Result::ok)
            .collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left behind");
    }
}
