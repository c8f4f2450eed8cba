//! aula: multilingual Markdown articles → a static learning site with runnable labs.
//!
//! The crate is a binary first; this library exists so the command (`src/main.rs`) and the fuzz
//! targets (`fuzz/`) share one build. Everything is `pub(crate)`; [`run`] is the program and
//! [`fuzzing`] the small surface the fuzzers drive. The pipeline is in `site`, commands in `cmd`.
//! Exit codes: 0 success, 1 problems in the site (printed as `path:line:col: …`), 2 wrong usage.

// No unwrap or expect on anything that comes from a user's files or a request; integration
// tests (their own crates) may unwrap, a failed unwrap there is a failed test.
#![warn(clippy::unwrap_used, clippy::expect_used)]

mod check;
mod cli;
mod cmd;
mod config;
mod content;
mod diagnostics;
mod embed;
mod feeds;
mod i18n;
mod labs;
mod markdown;
mod output;
mod rebuild;
mod render_cache;
mod search;
mod server;
mod site;
mod skeleton;
mod source_tree;
mod tag_twins;
mod templates;
mod translations;
mod watch;

use std::process::ExitCode;

use clap::Parser;

/// The lab launcher's entry point for its own small binary (`src/bin/aula-lab-sandbox.rs`):
/// the same launcher as `aula __lab-sandbox`, with nothing else linked in. Started only by
/// aula's runner, with the same arguments either way.
pub fn lab_sandbox() -> ExitCode {
    let mut args = std::env::args_os().skip(1).peekable();
    if args
        .peek()
        .is_some_and(|first| first == labs::sandbox::LAUNCHER)
    {
        args.next();
    }
    let rest: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
    labs::sandbox::launch(&rest)
}

/// Parses the command line and runs the command.
pub fn run() -> ExitCode {
    // The lab launcher (started only by aula itself) skips everything else: it must be quick.
    let mut args = std::env::args_os().skip(1);
    if args
        .next()
        .is_some_and(|first| first == labs::sandbox::LAUNCHER)
    {
        let rest: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
        return labs::sandbox::launch(&rest);
    }
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Build(args) => cmd::build::execute(&args),
        cli::Command::Serve(args) => cmd::serve::execute(&args),
        cli::Command::Check(args) => cmd::check::execute(&args),
        cli::Command::Labs(command) => cmd::labs::execute(&command),
        cli::Command::New(command) => cmd::new::execute(&command),
        cli::Command::I18n(command) => cmd::i18n::execute(&command),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(1)
        }
    }
}

/// Entry points for `cargo fuzz` (see fuzz/README.md). Not an API.
#[doc(hidden)]
pub mod fuzzing {
    /// Splits and validates front matter, then renders the body as Markdown with a resolver
    /// that accepts or refuses links by their shape. Must never panic, whatever `source` is.
    pub fn front_matter_and_markdown(source: &str) {
        struct Links;
        impl crate::markdown::LinkResolver for Links {
            fn resolve(&self, target: &str) -> Result<String, crate::markdown::LinkError> {
                if target.len().is_multiple_of(2) {
                    Ok(format!("/en/{}/", target.trim_start_matches("@/")))
                } else {
                    Err(crate::markdown::LinkError::Draft {
                        target: target.to_string(),
                    })
                }
            }
        }
        let body = match crate::content::front_matter::split(source) {
            Ok(split) => {
                let _ = crate::content::front_matter::parse(source, &split);
                &source[split.body_offset..]
            }
            Err(diagnostic) => {
                let _ = diagnostic.to_string();
                source
            }
        };
        let Ok(highlighter) =
            crate::markdown::highlight::Highlighter::new("InspiredGitHub", "base16-ocean.dark")
        else {
            return;
        };
        let mut blocks = crate::markdown::highlight::Blocks::new(&highlighter);
        let rendered = crate::markdown::render(body, &Links, "anchor", &mut blocks);
        // Offsets the renderer reports must be places in the body.
        for problem in &rendered.problems {
            assert!(problem.offset <= body.len());
            let _ = crate::diagnostics::LineIndex::new(body).line_column(problem.offset);
        }
        for fence in &rendered.labs {
            assert!(rendered.html.contains(&fence.placeholder));
        }
    }
}
