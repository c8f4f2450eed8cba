//! `aula labs list` and `aula labs run`: the site's labs from the command line.

use std::process::ExitCode;

use serde_json::{Map, Value};

use crate::cli::{LabsCommand, LabsRunArgs, LabsServeArgs, RootArg};
use crate::config::Config;
use crate::labs::{Registry, merge_input, request_json, runner};

pub(crate) fn execute(command: &LabsCommand) -> anyhow::Result<ExitCode> {
    match command {
        LabsCommand::List(root) => list(root),
        LabsCommand::Run(args) => run(args),
        LabsCommand::Serve(args) => serve(args),
    }
}

fn serve(args: &LabsServeArgs) -> anyhow::Result<ExitCode> {
    use crate::server::LabDesk;
    use crate::server::hosted::{self, HostedOptions};
    let config = match Config::load(&args.root.root) {
        Ok(config) => config,
        Err(problems) => {
            super::report(&problems);
            return Ok(ExitCode::from(1));
        }
    };
    let registry = match Registry::load(&config) {
        Ok(registry) => registry,
        Err(problems) => {
            super::report(&problems);
            return Ok(ExitCode::from(1));
        }
    };
    let locales = match crate::i18n::Locales::load(&config) {
        Ok(locales) => locales,
        Err(problems) => {
            super::report(&problems);
            return Ok(ExitCode::from(1));
        }
    };
    let sandbox = crate::labs::sandbox::layers();
    if args.check {
        println!("{}", sandbox.summary());
        println!(
            "lab launcher: {}",
            crate::labs::sandbox::launcher().display()
        );
        let mut missing = 0;
        for lab in registry.labs() {
            if lab.binary.is_file() {
                println!("lab {}: {}", lab.id, lab.binary.display());
            } else {
                missing += 1;
                println!(
                    "lab {}: not built ({} is missing)",
                    lab.id,
                    lab.binary.display()
                );
            }
        }
        return Ok(if missing == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    for origin in &args.allow_origins {
        let valid = (origin.starts_with("https://") || origin.starts_with("http://"))
            && !origin.trim_end_matches('/').contains(['?', '#', ' '])
            && !origin.ends_with('/');
        if !valid {
            anyhow::bail!(
                "--allow-origin {origin}: an origin is scheme://host[:port], without a path or trailing slash (e.g. https://course.example.org)"
            );
        }
    }
    let slots = args.slots.map_or_else(
        || std::thread::available_parallelism().map_or(2, usize::from),
        usize::from,
    );
    let options = HostedOptions {
        bind: args.bind.clone(),
        port: args.port,
        allow_origins: args.allow_origins.clone(),
        slots,
        rate: args.rate,
        burst: args.burst.max(1.0),
        client_header: args.trusted_proxy_header.clone(),
        connections_per_client: args.connections_per_client.max(1),
        drain: std::time::Duration::from_secs(args.drain_seconds),
    };
    let desk = LabDesk {
        registry: std::sync::Arc::new(registry),
        locales: std::sync::Arc::new(locales),
        default_language: config.default_language.clone(),
        languages: config.languages.clone(),
    };
    hosted::serve(options, desk)?;
    Ok(ExitCode::SUCCESS)
}

fn load(root: &RootArg) -> Result<Registry, ExitCode> {
    let config = Config::load(&root.root).map_err(|problems| {
        super::report(&problems);
        ExitCode::from(1)
    })?;
    Registry::load(&config).map_err(|problems| {
        super::report(&problems);
        ExitCode::from(1)
    })
}

fn list(root: &RootArg) -> anyhow::Result<ExitCode> {
    let registry = match load(root) {
        Ok(registry) => registry,
        Err(code) => return Ok(code),
    };
    for lab in registry.labs() {
        let built = if lab.binary.is_file() {
            ""
        } else {
            "  (not built: run `cargo build`)"
        };
        let examples: Vec<&str> = lab.examples.iter().map(|e| e.name.as_str()).collect();
        println!("{}  examples: {}{built}", lab.id, examples.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

fn run(args: &LabsRunArgs) -> anyhow::Result<ExitCode> {
    let registry = match load(&args.root) {
        Ok(registry) => registry,
        Err(code) => return Ok(code),
    };
    let Some(lab) = registry.get(&args.id) else {
        eprintln!(
            "error: unknown lab `{}` — known labs: {}",
            args.id,
            registry.ids().join(", ")
        );
        return Ok(ExitCode::from(1));
    };
    let values: Map<String, Value> = match (&args.example, &args.input) {
        (Some(name), _) => match lab.example(name) {
            Some(example) => example.input.clone(),
            None => {
                let known: Vec<&str> = lab.examples.iter().map(|e| e.name.as_str()).collect();
                eprintln!(
                    "error: lab `{}` has no example `{name}` — examples: {}",
                    lab.id,
                    known.join(", ")
                );
                return Ok(ExitCode::from(1));
            }
        },
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => map,
                Ok(_) => anyhow::bail!("{}: the input must be a JSON object", path.display()),
                Err(e) => anyhow::bail!(
                    "{}:{}:{}: invalid JSON: {e}",
                    path.display(),
                    e.line(),
                    e.column()
                ),
            }
        }
        (None, None) => Map::new(),
    };
    let input = match merge_input(lab, &values) {
        Ok(input) => input,
        Err(errors) => {
            for error in errors {
                eprintln!("error: input `{}` {}", error.field, error.english());
            }
            return Ok(ExitCode::from(1));
        }
    };
    match runner::run(&lab.binary, &request_json(&args.lang, &input), lab.limits) {
        runner::Outcome::Answer(answer) => {
            println!("{answer}");
            Ok(ExitCode::SUCCESS)
        }
        runner::Outcome::Refused { field, message } => {
            eprintln!("error: the lab refused its input: {field}: {message}");
            Ok(ExitCode::from(1))
        }
        runner::Outcome::TimedOut(limit) => {
            eprintln!(
                "error: lab `{}` ran past its time limit ({} ms) and was stopped",
                lab.id,
                limit.as_millis()
            );
            Ok(ExitCode::from(1))
        }
        runner::Outcome::Truncated(cap) => {
            eprintln!(
                "error: lab `{}` printed more than its output cap ({cap} bytes)",
                lab.id
            );
            Ok(ExitCode::from(1))
        }
        runner::Outcome::Failed(why) => {
            eprintln!("error: lab `{}` failed: {why}", lab.id);
            Ok(ExitCode::from(1))
        }
    }
}
