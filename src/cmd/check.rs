//! `aula check`: runs [`crate::check::check_site`] and prints the problems grouped (links,
//! translations, Fluent, labs, front matter, …) with a summary line, or as JSON for tools.
//! Exit code 0 when there are no errors (warnings — missing or stale translations — are listed
//! but do not fail unless `--strict`), 1 otherwise.

use std::io::Write;
use std::process::ExitCode;

use serde_json::json;

use crate::check::check_site;
use crate::cli::{CheckArgs, Format};
use crate::diagnostics::{Diagnostic, Diagnostics, Group};

pub(crate) fn execute(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let problems = check_site(&args.root.root);
    let errors = problems.iter().filter(|d| d.is_error()).count();
    let warnings = problems.len() - errors;
    let mut out = std::io::stdout().lock();
    let printed = match args.format {
        Format::Text => print_text(&mut out, &problems, errors, warnings),
        Format::Json => {
            let report = json!({
                "errors": errors,
                "warnings": warnings,
                "problems": problems.iter().collect::<Vec<_>>(),
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&report)?)
        }
    };
    // `aula check | head` closes the pipe early; that is the reader's choice, not an error.
    match printed {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    let failed = errors > 0 || (args.strict && warnings > 0);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_text(
    out: &mut impl Write,
    problems: &Diagnostics,
    errors: usize,
    warnings: usize,
) -> std::io::Result<()> {
    for group in Group::ALL {
        let in_group: Vec<&Diagnostic> = problems.iter().filter(|d| d.group == group).collect();
        if in_group.is_empty() {
            continue;
        }
        writeln!(out, "── {group} ({}) ──", in_group.len())?;
        for d in in_group {
            writeln!(out, "{d}")?;
        }
        writeln!(out)?;
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if problems.is_empty() {
        writeln!(out, "aula check: no problems found")
    } else {
        writeln!(
            out,
            "aula check: {}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    }
}
