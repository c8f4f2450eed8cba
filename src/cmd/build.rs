//! `aula build`: the pipeline into a folder, atomically.

use std::process::ExitCode;
use std::time::Instant;

use crate::cli::BuildArgs;
use crate::output::{check_output_folder, write_atomically};
use crate::site::{BuildOptions, build};

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
    let built = match build(root, &options) {
        Ok(built) => built,
        Err(problems) => {
            super::report(&problems.sorted());
            eprintln!("build failed; {} left as it was", output.display());
            return Ok(ExitCode::from(1));
        }
    };
    super::report(&built.warnings.clone().sorted());
    for warning in built.warnings.iter() {
        let _ = warning;
    }
    write_atomically(&built.output, &output)?;
    println!(
        "built {} pages ({} files) into {} in {:.2?}",
        built.pages,
        built.output.len(),
        output.display(),
        started.elapsed()
    );
    Ok(ExitCode::SUCCESS)
}
