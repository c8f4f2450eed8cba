//! One file per command, each with `execute(args) -> anyhow::Result<ExitCode>`: parse nothing,
//! print the outcome, return the exit code. The work itself lives in the library modules.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod i18n;
pub(crate) mod labs;
pub(crate) mod new;
pub(crate) mod serve;

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
