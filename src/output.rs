//! Where a built site goes: an [`OutputStore`], in memory (what the preview server serves) or
//! written as it comes into a [`Staging`] folder that `aula build` swaps in at the end.
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
///
/// A store either keeps its files in memory (the preview server, `aula check`) or, made with
/// [`Staging::store`], writes each one into a staging folder as it comes and keeps only its path
/// (`aula build`, so ten thousand rendered pages are never all in memory at once). In memory,
/// files are shared, so the preview server can put an unchanged page into the next build's
/// store without copying it.
#[derive(Debug, Clone, Default)]
pub(crate) struct OutputStore {
    /// `None`: written to `folder`.
    files: BTreeMap<String, Option<Arc<[u8]>>>,
    folder: Option<PathBuf>,
    /// The first file that could not be written (reported by [`Staging::finish`]).
    failed: Option<(PathBuf, String)>,
}

impl PartialEq for OutputStore {
    fn eq(&self, other: &OutputStore) -> bool {
        self.files == other.files && self.folder == other.folder
    }
}

impl OutputStore {
    #[cfg(test)]
    pub(crate) fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.insert_shared(path, Arc::from(bytes.into()));
    }

    pub(crate) fn insert_shared(&mut self, path: impl Into<String>, bytes: Arc<[u8]>) {
        let path = path.into();
        let written = self.write_through(&path, bytes);
        self.record(path, written);
    }

    /// For workers rendering in parallel: a store that writes to a folder writes `bytes` now
    /// and gives back `None`; an in-memory one gives the bytes back. Either way, record the
    /// result with [`OutputStore::record`].
    pub(crate) fn write_through(
        &self,
        path: &str,
        bytes: Arc<[u8]>,
    ) -> Result<Option<Arc<[u8]>>, OutputError> {
        let Some(folder) = &self.folder else {
            return Ok(Some(bytes));
        };
        write_file(folder, path, &bytes)?;
        Ok(None)
    }

    /// Records a file given to [`OutputStore::write_through`].
    pub(crate) fn record(&mut self, path: String, written: Result<Option<Arc<[u8]>>, OutputError>) {
        if let Some(kept) = self.keep(written) {
            self.files.insert(path, kept);
        }
    }

    /// Records many files given to [`OutputStore::write_through`] (a later one with the same
    /// path replaces an earlier one). Into an empty store, mostly in path order, at the cost of
    /// a sort that finds them in order: inserting them one by one costs ten times more.
    pub(crate) fn record_all(
        &mut self,
        files: impl IntoIterator<Item = (String, Result<Option<Arc<[u8]>>, OutputError>)>,
    ) {
        let files: Vec<(String, Option<Arc<[u8]>>)> = files
            .into_iter()
            .filter_map(|(path, written)| Some((path, self.keep(written)?)))
            .collect();
        if self.files.is_empty() {
            self.files = files.into_iter().collect();
        } else {
            self.files.extend(files);
        }
    }

    /// What the store keeps of a file given to [`OutputStore::write_through`]: `None` when it failed
    /// (then the first failure is remembered).
    fn keep(
        &mut self,
        written: Result<Option<Arc<[u8]>>, OutputError>,
    ) -> Option<Option<Arc<[u8]>>> {
        let failed = match written {
            Ok(kept) => return Some(kept),
            Err(OutputError::Io(file, e)) => (file, e.to_string()),
            Err(OutputError::Refused(file, why)) => (file, why.to_string()),
        };
        self.failed.get_or_insert(failed);
        None
    }

    /// A file kept in memory; `None` for one written to the staging folder.
    pub(crate) fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path)?.as_deref()
    }

    /// A file's bytes, from memory or read back from the staging folder.
    pub(crate) fn read(&self, path: &str) -> Option<std::borrow::Cow<'_, [u8]>> {
        match (self.files.get(path)?, &self.folder) {
            (Some(bytes), _) => Some(std::borrow::Cow::Borrowed(&bytes[..])),
            (None, Some(folder)) => std::fs::read(folder.join(path)).ok().map(Into::into),
            (None, None) => None,
        }
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

    /// The files kept in memory.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files
            .iter()
            .filter_map(|(k, v)| Some((k.as_str(), v.as_deref()?)))
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

/// A temporary folder beside the output folder that a build is written into, then swapped in
/// whole by [`Staging::finish`]. Dropped without finishing, it is removed and the previous
/// output stays as it was.
pub(crate) struct Staging {
    folder: tempfile::TempDir,
    output: PathBuf,
}

impl Staging {
    /// A staging folder for `output` (already checked by [`check_output_folder`]).
    pub(crate) fn new(output: &Path) -> Result<Staging, OutputError> {
        let (parent, name) = parent_and_name(output);
        std::fs::create_dir_all(parent).map_err(|e| OutputError::Io(parent.to_path_buf(), e))?;
        let folder = tempfile::Builder::new()
            .prefix(&format!(".{name}.aula-new-"))
            .tempdir_in(parent)
            .map_err(|e| OutputError::Io(parent.to_path_buf(), e))?;
        Ok(Staging {
            folder,
            output: output.to_path_buf(),
        })
    }

    /// An empty store that writes its files into this staging folder.
    pub(crate) fn store(&self) -> OutputStore {
        OutputStore {
            folder: Some(self.folder.path().to_path_buf()),
            ..OutputStore::default()
        }
    }

    /// Writes what `store` still holds in memory (on every core: writing ten thousand pages is
    /// mostly the file system's work, and it overlaps well), then swaps the folder in for the
    /// output folder. A file that `store` could not write fails the whole build.
    pub(crate) fn finish(self, store: &OutputStore) -> Result<(), OutputError> {
        if let Some((file, error)) = &store.failed {
            return Err(OutputError::Io(
                file.clone(),
                std::io::Error::other(error.clone()),
            ));
        }
        let staging = self.folder.path();
        let files: Vec<(&str, &[u8])> = store.iter().collect();
        files
            .par_iter()
            .try_for_each(|(path, bytes)| write_file(staging, path, bytes))?;
        std::fs::write(staging.join(MARKER), b"written by aula build\n")
            .map_err(|e| OutputError::Io(staging.to_path_buf(), e))?;
        let output = &self.output;
        let (parent, name) = parent_and_name(output);
        let staged = self.folder.keep();
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
}

/// The folder an output folder is in, and its name (staging and old folders go beside it).
fn parent_and_name(output: &Path) -> (&Path, String) {
    let parent = output.parent().unwrap_or(Path::new("."));
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    (parent, name)
}

/// Writes `bytes` to `path` under `folder`, making the folders on the way.
fn write_file(folder: &Path, path: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let target = folder.join(path);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| OutputError::Io(parent.to_path_buf(), e))?;
    }
    std::fs::write(&target, bytes).map_err(|e| OutputError::Io(target, e))
}

/// Writes an in-memory `store` to `output` (already checked by [`check_output_folder`]) all at
/// once.
#[cfg(test)]
fn write_atomically(store: &OutputStore, output: &Path) -> Result<(), OutputError> {
    Staging::new(output)?.finish(store)
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
