//! Lab answers, computed before any page is rendered. A render collects every lab fence of every
//! page, resolved to a lab and a full input ([`Request`]); [`Answers::run`] runs each distinct
//! request once (through the registry's cache of answers, so an unchanged binary and request run
//! no process) and gives back a map that rendering only reads. Rendering a page starts nothing.
//!
//! A request is a lab, a language and an input, so a page may ask for any input's answer: its
//! fence's own, or — for static pages that switch between recorded examples — every example of a
//! lab it embeds (`Request::new(lab, lang, &example.input)` for each of the lab's examples).
//!
//! Beneath the map, [`AnswerCache`] keeps answers by binary and request, in memory and in
//! `.aula-cache/labs/`, so a rebuild runs a lab again only when its binary or request changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::Registry;
use super::runner::Outcome;

/// One run of a lab: which lab, in which language, with which input.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    lab: String,
    lang: String,
    input: Map<String, Value>,
    /// The input as JSON text: what tells two requests apart.
    key: String,
}

impl PartialEq for Request {
    fn eq(&self, other: &Request) -> bool {
        (&self.lab, &self.lang, &self.key) == (&other.lab, &other.lang, &other.key)
    }
}

impl Eq for Request {}

impl std::hash::Hash for Request {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (&self.lab, &self.lang, &self.key).hash(state);
    }
}

impl Request {
    pub(crate) fn new(lab: &str, lang: &str, input: &Map<String, Value>) -> Request {
        Request {
            lab: lab.to_string(),
            lang: lang.to_string(),
            key: Value::Object(input.clone()).to_string(),
            input: input.clone(),
        }
    }
}

/// The outcome of every request a render asked for.
#[derive(Debug, Default)]
pub(crate) struct Answers {
    outcomes: HashMap<Request, Outcome>,
}

impl Answers {
    /// Runs every distinct request in `requests` once, in parallel, each through the cache.
    pub(crate) fn run(registry: &Registry, requests: impl IntoIterator<Item = Request>) -> Answers {
        let mut distinct: Vec<Request> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for request in requests {
            if seen.insert(request.clone()) {
                distinct.push(request);
            }
        }
        let outcomes = distinct
            .into_par_iter()
            .map(|request| {
                let outcome = match registry.get(&request.lab) {
                    Some(lab) => registry.run_cached(lab, &request.lang, &request.input),
                    None => Outcome::Failed(format!("there is no lab `{}`", request.lab)),
                };
                (request, outcome)
            })
            .collect();
        Answers { outcomes }
    }

    /// The outcome of `request`; `None` when it was not asked for.
    pub(crate) fn get(&self, request: &Request) -> Option<&Outcome> {
        self.outcomes.get(request)
    }
}

/// Answers by (binary hash + request), in memory and on disk, so rebuilds don't rerun labs.
#[derive(Debug, Default)]
pub(super) struct AnswerCache {
    dir: Option<PathBuf>,
    memory: Mutex<HashMap<String, Value>>,
    binaries: Mutex<HashMap<PathBuf, (std::time::SystemTime, String)>>,
}

impl AnswerCache {
    pub(super) fn new(dir: PathBuf) -> Self {
        Self {
            dir: Some(dir),
            ..Self::default()
        }
    }

    /// The binary's content hash, recomputed when its modification time changes.
    pub(super) fn binary_hash(&self, binary: &Path) -> Option<String> {
        let modified = std::fs::metadata(binary).and_then(|m| m.modified()).ok()?;
        let mut binaries = self.binaries.lock().ok()?;
        if let Some((time, hash)) = binaries.get(binary)
            && *time == modified
        {
            return Some(hash.clone());
        }
        let bytes = std::fs::read(binary).ok()?;
        let hash = format!("{:x}", Sha256::digest(&bytes));
        binaries.insert(binary.to_path_buf(), (modified, hash.clone()));
        Some(hash)
    }

    pub(super) fn get(&self, key: &str) -> Option<Value> {
        if let Some(hit) = self.memory.lock().ok()?.get(key) {
            return Some(hit.clone());
        }
        let text = std::fs::read(self.dir.as_ref()?.join(format!("{key}.json"))).ok()?;
        let value: Value = serde_json::from_slice(&text).ok()?;
        self.memory
            .lock()
            .ok()?
            .insert(key.to_string(), value.clone());
        Some(value)
    }

    pub(super) fn put(&self, key: &str, answer: &Value) {
        if let Ok(mut memory) = self.memory.lock() {
            memory.insert(key.to_string(), answer.clone());
        }
        if let Some(dir) = &self.dir
            && std::fs::create_dir_all(dir).is_ok()
        {
            // A cache that cannot be written only costs time on the next build.
            let _ = std::fs::write(dir.join(format!("{key}.json")), answer.to_string());
        }
    }
}
