//! `aula labs list` and `aula labs run`: the site's labs from the command line.

use std::process::ExitCode;

use serde_json::{Map, Value};

use crate::cli::{LabsCommand, LabsRunArgs, RootArg};
use crate::config::Config;
use crate::labs::{Registry, merge_input, request_json, runner};

pub(crate) fn execute(command: &LabsCommand) -> anyhow::Result<ExitCode> {
    match command {
        LabsCommand::List(root) => list(root),
        LabsCommand::Run(args) => run(args),
    }
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
