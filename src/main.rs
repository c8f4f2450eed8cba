//! aula: multilingual Markdown articles → a static learning site with runnable labs.
//!
//! `main` parses the command line and hands each command its options; the pipeline is in
//! [`site`], commands in [`cmd`]. Exit codes: 0 success, 1 problems in the site (printed as
//! `path:line:col: …`), 2 wrong usage.

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
mod site;
mod templates;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
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
