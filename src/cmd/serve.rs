//! `aula serve`: build into memory, serve, watch, rebuild, tell the pages.
//!
//! This file only wires the parts together: a [`Session`] builds and rebuilds the site, the
//! [`server`] serves what it built, and [`watch`] reports which files changed. It prints the
//! address first (tests read it from the first line), then one line per rebuild: what changed
//! and how long it took.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use crate::cli::ServeArgs;
use crate::diagnostics::Diagnostics;
use crate::output::OutputStore;
use crate::rebuild::Session;
use crate::server::{self, LabDesk, Problem, Shared};
use crate::site::{BuildOptions, Built};
use crate::watch;

pub(crate) fn execute(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let root = std::path::absolute(&args.root.root)?;
    let shared = Shared::new(usize::from(args.lab_slots));
    let options = server::Options {
        bind: args.bind.clone(),
        port: args.port,
        test_hooks: std::env::var_os("AULA_TEST_HOOKS").is_some_and(|v| v == "1"),
    };
    let address = server::start(&options, shared.clone())?;
    let url = format!("http://{address}/");
    // Links in the preview (canonical, feeds) point at the preview itself.
    let mut session = Session::new(
        &root,
        BuildOptions {
            drafts: args.drafts,
            base_url: Some(format!("http://{address}")),
            no_search: false,
        },
    );
    // Watching starts before the first build, so an edit made while it runs is not missed.
    let (sender, receiver) = mpsc::channel::<BTreeSet<PathBuf>>();
    let _watch = watch::watch(
        &root,
        move |paths| {
            let _ = sender.send(paths);
        },
        |error| eprintln!("warning: watching files: {error}"),
    )?;
    let indexer = start_indexer(shared.clone());
    let started = Instant::now();
    let first = session.build_all();
    // The address is printed once the first site is being served (tests wait for it).
    match first {
        Ok(built) => {
            let summary = format!(
                "built {} pages ({} files) in {} ms",
                built.pages,
                built.output.len(),
                started.elapsed().as_millis()
            );
            publish(&shared, &session, &indexer, built);
            println!("serving {url}  (Ctrl-C to stop)");
            println!("{summary}");
            eprintln!("{}", crate::labs::sandbox::layers().summary());
        }
        Err(problems) => {
            fail(&shared, &problems);
            println!("serving {url}  (Ctrl-C to stop)");
        }
    }

    if args.open {
        open_browser(&url);
    }
    while let Ok(mut changed) = receiver.recv() {
        // Changes that arrived while the last rebuild ran go into one rebuild.
        while let Ok(more) = receiver.recv_timeout(Duration::from_millis(1)) {
            changed.extend(more);
        }
        let started = Instant::now();
        let result = session.rebuild(&changed);
        let took = started.elapsed();
        let what = describe(&root, &changed);
        match result {
            Ok(built) => {
                println!("rebuilt in {} ms: {what}", took.as_millis());
                publish(&shared, &session, &indexer, built);
            }
            Err(problems) => {
                println!(
                    "rebuild failed in {} ms: {what}; still serving the last good site",
                    took.as_millis()
                );
                fail(&shared, &problems);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Serves a new build at once, with the previous search index, and has the indexer bring the
/// index up to date behind it (indexing every page takes far longer than rebuilding one).
fn publish(
    shared: &Shared,
    session: &Session,
    indexer: &mpsc::Sender<(u64, Arc<OutputStore>)>,
    built: Built,
) {
    super::report(&built.warnings.clone().sorted());
    let Some((registry, locales, default_language, languages)) = session.lab_desk() else {
        return;
    };
    let search = built.search;
    let pages = Arc::new(built.output);
    let number = shared.publish(
        pages.clone(),
        search,
        LabDesk {
            registry,
            locales,
            default_language,
            languages,
        },
    );
    if search {
        let _ = indexer.send((number, pages));
    }
}

/// A thread that keeps the search index of the latest published pages and serves it: each
/// build's changed pages replace their records ([`crate::search::SearchIndex`]), then only the
/// index files of the words they changed are written again (all of them when pages came or
/// went), so search follows an edit within a second of the save.
#[cfg(feature = "search")]
fn start_indexer(shared: Arc<Shared>) -> mpsc::Sender<(u64, Arc<OutputStore>)> {
    let (sender, receiver) = mpsc::channel::<(u64, Arc<OutputStore>)>();
    let spawned = std::thread::Builder::new()
        .name("aula-search-index".into())
        .spawn(move || {
            let mut index = crate::search::SearchIndex::default();
            let mut previous: Option<Arc<OutputStore>> = None;
            while let Ok(mut latest) = receiver.recv() {
                // Only the newest site is worth indexing.
                while let Ok(newer) = receiver.try_recv() {
                    latest = newer;
                }
                let (number, pages) = latest;
                let started = Instant::now();
                let read = index.update(previous.as_deref(), &pages);
                let (files, rewritten) = index.files();
                shared.complete(number, files);
                println!(
                    "search index updated in {} ms ({read} pages read, {rewritten} files written)",
                    started.elapsed().as_millis()
                );
                previous = Some(pages);
            }
        });
    if let Err(e) = spawned {
        eprintln!("warning: no search index while serving: {e}");
    }
    sender
}

/// Without the `search` feature nothing is indexed.
#[cfg(not(feature = "search"))]
fn start_indexer(_shared: Arc<Shared>) -> mpsc::Sender<(u64, Arc<OutputStore>)> {
    mpsc::channel().0
}

fn fail(shared: &Shared, problems: &Diagnostics) {
    super::report(problems);
    let problems = problems
        .iter()
        .filter(|d| d.is_error())
        .map(|d| Problem {
            path: d.path.display().to_string(),
            line: d.line,
            column: d.column,
            message: match &d.hint {
                Some(hint) => format!("{} — {hint}", d.message),
                None => d.message.clone(),
            },
        })
        .collect();
    shared.show_problems(problems);
}

/// `content/en/a.md, templates/base.html` (at most a few, then a count).
fn describe(root: &Path, changed: &BTreeSet<PathBuf>) -> String {
    let mut names: Vec<String> = changed
        .iter()
        .take(3)
        .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
        .collect();
    if changed.len() > 3 {
        names.push(format!("and {} more", changed.len() - 3));
    }
    names.join(", ")
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    // No shell: the URL is one argument. A machine without a browser just doesn't open one.
    let _ = std::process::Command::new(opener).arg(url).spawn();
}
