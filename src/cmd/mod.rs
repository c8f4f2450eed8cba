//! One file per command, each with `execute(args) -> anyhow::Result<ExitCode>`: parse nothing,
//! print the outcome, return the exit code. The work itself lives in the library modules.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod i18n;
pub(crate) mod labs;
pub(crate) mod new;
pub(crate) mod serve;

use std::path::Path;

use anyhow::{Context, bail};

use crate::config::Config;
use crate::content;
use crate::diagnostics::Diagnostics;

/// Prints diagnostics to stderr, one per line, and a summary line.
pub(crate) fn report(diagnostics: &Diagnostics) {
    for d in diagnostics.iter() {
        eprintln!("{d}");
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if errors > 0 {
        eprintln!(
            "{errors} error{}{}",
            if errors == 1 { "" } else { "s" },
            if warnings > 0 {
                format!(
                    ", {warnings} warning{}",
                    if warnings == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            }
        );
    }
}

/// The site's config and content (drafts included), or `None` after printing why not.
pub(crate) fn load_content(root: &Path) -> Option<(Config, content::Content)> {
    let config = Config::load(root).map_err(|p| report(&p)).ok()?;
    let content = content::load(&config, true)
        .map_err(|p| report(&p.sorted()))
        .ok()?;
    Some((config, content))
}

/// Replaces `file` with `text` through a temporary file in the same folder, so an interrupted
/// write never leaves half an article.
pub(crate) fn write_in_place(file: &Path, text: &str) -> anyhow::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    std::io::Write::write_all(&mut temp, text.as_bytes())
        .with_context(|| format!("cannot write {}", file.display()))?;
    if let Ok(metadata) = std::fs::metadata(file) {
        let _ = temp.as_file().set_permissions(metadata.permissions());
    }
    temp.persist(file)
        .with_context(|| format!("cannot replace {}", file.display()))?;
    Ok(())
}

/// Creates `file` with `text`, refusing to overwrite anything.
pub(crate) fn write_new(file: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut handle = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
    {
        Ok(handle) => handle,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!(
                "{} already exists; aula new never overwrites a file",
                file.display()
            )
        }
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", file.display())),
    };
    std::io::Write::write_all(&mut handle, text.as_bytes())
        .with_context(|| format!("cannot write {}", file.display()))
}
