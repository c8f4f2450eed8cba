//! `aula build`: the pipeline into a folder, atomically.

use std::process::ExitCode;
use std::time::Instant;

use crate::cli::BuildArgs;
use crate::output::{Staging, check_output_folder};
use crate::site::{BuildOptions, Project, render_into};

pub(crate) fn execute(args: &BuildArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let root = &args.root.root;
    let output = if args.output.is_absolute() {
        args.output.clone()
    } else {
        root.join(&args.output)
    };
    // Refuse a dangerous output folder before spending time on the build.
    let output = check_output_folder(root, &output)?;
    let options = BuildOptions {
        drafts: args.drafts,
        base_url: args.base_url.clone(),
        no_search: args.no_search,
    };
    // Pages are written into a staging folder as they are rendered; a failed build drops it
    // (removing it) and leaves the previous output as it was.
    let built = Project::load(root, &options).and_then(|project| {
        let staging = Staging::new(&output).map_err(|e| {
            crate::diagnostics::Diagnostics::from_iter([crate::diagnostics::Diagnostic::error(
                output.display().to_string(),
                e.to_string(),
            )])
        })?;
        let built = render_into(&project, staging.store())?;
        Ok((built, staging))
    });
    let (built, staging) = match built {
        Ok(built) => built,
        Err(problems) => {
            super::report(&problems.sorted());
            eprintln!("build failed; {} left as it was", output.display());
            return Ok(ExitCode::from(1));
        }
    };
    super::report(&built.warnings.clone().sorted());
    staging.finish(&built.output)?;
    println!(
        "built {} pages ({} files) into {} in {:.2?}",
        built.pages,
        built.output.len(),
        output.display(),
        started.elapsed()
    );
    Ok(ExitCode::SUCCESS)
}
