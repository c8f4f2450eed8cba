//! Watching a site's sources — the one module that knows notify.
//!
//! [`watch`] follows `content/`, `templates/`, `locales/`, `labs/`, `static/` and `aula.toml`
//! under a root and calls back with the set of paths that changed, once things have been quiet
//! for a short while. The debouncer folds an editor's save dance (write a temporary file, rename
//! it over the original, touch the backup) into the paths that really changed; renames report
//! both names; deletions report the deleted path. Reads (access events) are not changes and are
//! dropped. What a change means — which pages to rebuild — is the caller's business: this module
//! knows nothing about sites, builds or HTTP.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

/// How long the file system must be quiet before a batch of changes is reported. Short, so a
/// save shows in the browser at once; long enough to swallow an editor's atomic save.
const QUIET: Duration = Duration::from_millis(40);

/// The folders and files under a site root that are watched.
pub(crate) const WATCHED: &[&str] = &[
    "content",
    "templates",
    "locales",
    "labs",
    "static",
    "aula.toml",
];

/// Keeps the watch running; dropping it stops it.
pub(crate) struct Watch {
    _debouncer: Box<dyn std::any::Any + Send>,
}

/// Calls `on_change` with the paths (absolute, under `root`) changed in each quiet-separated
/// batch. `on_error` gets the watcher's own failures (a folder that vanished, a full inotify
/// table), which do not stop the watch.
pub(crate) fn watch(
    root: &Path,
    mut on_change: impl FnMut(BTreeSet<PathBuf>) + Send + 'static,
    mut on_error: impl FnMut(String) + Send + 'static,
) -> anyhow::Result<Watch> {
    let root = std::path::absolute(root)?;
    let ignored = root.join("labs").join("target");
    let watched_root = root.clone();
    let mut debouncer = new_debouncer(QUIET, None, move |result: DebounceEventResult| {
        match result {
            Ok(events) => {
                let paths: BTreeSet<PathBuf> = events
                    .into_iter()
                    .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
                    .flat_map(|e| e.event.paths)
                    // Build products of the labs would otherwise rebuild the labs forever.
                    .filter(|p| !p.starts_with(&ignored))
                    // The root is watched for aula.toml only; `public/` and caches live there too.
                    .filter(|p| is_source(&watched_root, p))
                    .collect();
                if !paths.is_empty() {
                    on_change(paths);
                }
            }
            Err(errors) => {
                for error in errors {
                    on_error(error.to_string());
                }
            }
        }
    })?;
    // aula.toml is watched through the root (not recursively), so replacing it by rename is seen.
    debouncer.watch(&root, RecursiveMode::NonRecursive)?;
    for name in WATCHED {
        let path = root.join(name);
        if path.is_dir() {
            debouncer.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    Ok(Watch {
        _debouncer: Box::new(debouncer),
    })
}

/// Whether `path` is one of the site's sources (under a watched folder, or aula.toml).
fn is_source(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root)
        .ok()
        .and_then(|relative| relative.components().next())
        .is_some_and(|first| WATCHED.iter().any(|name| first.as_os_str() == *name))
}
