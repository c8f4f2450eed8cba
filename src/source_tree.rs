//! Reading one of the site's folders (`templates/`, `static/`) whole: every file under it, by its
//! path relative to the folder with `/` separators, in a stable order. A file or folder that
//! cannot be read becomes a diagnostic naming it; the caller decides what the bytes mean.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics, display_path};

/// Every file under `<root>/<folder>` as (relative name, bytes), and the problems met. A missing
/// folder is an empty list: whether that is an error is the caller's call.
pub(crate) fn read(root: &Path, folder: &str) -> (Vec<(String, Vec<u8>)>, Diagnostics) {
    let dir = root.join(folder);
    let mut files = Vec::new();
    let mut problems = Diagnostics::default();
    if !dir.is_dir() {
        return (files, problems);
    }
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(Diagnostic::error(folder, format!("cannot read: {e}")));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .strip_prefix(&dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        match std::fs::read(entry.path()) {
            Ok(bytes) => files.push((name, bytes)),
            Err(e) => problems.push(Diagnostic::error(
                display_path(root, entry.path()),
                format!("cannot read: {e}"),
            )),
        }
    }
    (files, problems)
}
