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

/// How long a path must be quiet before its changes are reported. The debouncer times each path
/// on its own and checks every quarter of this, so a save reaches the caller 10–13 ms after its
/// last event: a tenth of the 100 ms a save may take to show in the browser.
///
/// 10 ms still swallows editors' saves. The events of one save on one path (vim and Emacs move
/// the original aside and create it anew; others write a temporary file and rename it over the
/// original; plain editors truncate and write) come microseconds apart, or a scheduler slice
/// (a few ms) on a loaded machine. The slow part of a save, `fsync`, produces no events, and the
/// content is complete before it. Should a save still be split (a process stalled for longer),
/// the price is one extra rebuild, not a wrong site: the last batch always rebuilds from the
/// files as they finally are.
const QUIET: Duration = Duration::from_millis(10);

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
