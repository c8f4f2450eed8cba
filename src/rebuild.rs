//! Rebuilding a site after edits, for the preview server: the site's sources kept in memory,
//! piece by piece, so an edit re-reads only what it touched.
//!
//! A [`Session`] holds what a build reads (configuration, UI strings, templates, the labs
//! registry, every content file as parsed, static files), each as the result of its last load,
//! errors included. [`Session::rebuild`] takes the paths that changed, reloads only the pieces
//! they belong to (one content file is re-read, not the whole tree, and put in place of its old
//! page when the edit leaves it where it was; a template change reloads the templates; an `.ftl`
//! change the UI strings; a lab's source rebuilds that lab's binary), then renders again with
//! the [`Memory`] of the last render, which makes only the outputs the changed pieces reach
//! (`site::incremental`). The result is the same as `aula build` of the same tree; this module's
//! seeded test and the preview server's tests check that after random edits.
//!
//! This module knows nothing about HTTP or file watching: it is called with paths and returns a
//! built site or the problems that stop one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{CONFIG_FILE, Config};
use crate::content::{self, Page};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::i18n::Locales;
use crate::labs::Registry;
use crate::site::{self, BuildOptions, Built, Memory, Project};
use crate::templates::Templates;

type Loaded<T> = Result<T, Diagnostics>;

/// What the lab runner needs: the registry, the UI strings, the default and all languages.
pub(crate) type LabSupport = (Arc<Registry>, Arc<Locales>, String, Vec<String>);

/// A site's sources as last loaded, and what its pages looked like last time.
pub(crate) struct Session {
    root: PathBuf,
    options: BuildOptions,
    sources: Option<Sources>,
    memory: Memory,
}

struct Sources {
    config: Config,
    themes: Diagnostics,
    locales: Loaded<Arc<Locales>>,
    /// `None` while the UI strings do not load (templates need them).
    templates: Option<Loaded<Templates>>,
    labs: Loaded<Arc<Registry>>,
    /// Every content file (absolute path) as read, in `content::source_files` order.
    files: BTreeMap<PathBuf, Result<Page, Vec<Diagnostic>>>,
    walk_problems: Diagnostics,
    /// The assembled content, kept until a content file changes.
    content: Option<Loaded<content::Content>>,
    static_files: Loaded<Vec<(String, Vec<u8>)>>,
}

/// Which pieces an edit touched.
#[derive(Debug, Default)]
struct Touched {
    everything: bool,
    content: BTreeSet<PathBuf>,
    templates: bool,
    locales: bool,
    labs: bool,
    lab_sources: BTreeSet<String>,
    static_files: bool,
}

impl Session {
    pub(crate) fn new(root: &Path, options: BuildOptions) -> Session {
        Session {
            root: std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()),
            options,
            sources: None,
            memory: Memory::new(),
        }
    }

    /// Loads everything from disk and renders.
    pub(crate) fn build_all(&mut self) -> Result<Built, Diagnostics> {
        self.sources = None;
        self.memory = Memory::new();
        self.render()
    }

    /// Reloads what `changed` (absolute paths) touched and renders again.
    pub(crate) fn rebuild(&mut self, changed: &BTreeSet<PathBuf>) -> Result<Built, Diagnostics> {
        let touched = self.classify(changed);
        let Some(sources) = self.sources.as_mut().filter(|_| !touched.everything) else {
            return self.build_all();
        };
        let mut build_problems = Diagnostics::default();
        if !touched.lab_sources.is_empty() {
            build_problems.extend(crate::labs::build::binaries(
                &self.root,
                &sources.config,
                &touched.lab_sources,
            ));
        }
        if touched.locales {
            sources.locales = Locales::load(&sources.config).map(Arc::new);
        }
        if touched.locales || touched.templates {
            sources.templates = site::load_templates(&self.root, &sources.locales);
        }
        if touched.labs {
            sources.labs = Registry::load(&sources.config).map(Arc::new);
        }
        if touched.static_files {
            sources.static_files = site::read_static(&self.root);
        }
        if !touched.content.is_empty() {
            sources.reread_content(&touched.content);
        }
        match self.render() {
            Err(problems) => {
                build_problems.extend(problems);
                Err(build_problems.sorted())
            }
            // The site rendered with the lab's old binary; its new source does not compile.
            Ok(_) if build_problems.has_errors() => Err(build_problems),
            built => built,
        }
    }

    /// What the lab runner needs from the last good load: registry, UI strings, languages.
    pub(crate) fn lab_desk(&self) -> Option<LabSupport> {
        let sources = self.sources.as_ref()?;
        let (Ok(labs), Ok(locales)) = (&sources.labs, &sources.locales) else {
            return None;
        };
        Some((
            labs.clone(),
            locales.clone(),
            sources.config.default_language.clone(),
            sources.config.languages.clone(),
        ))
    }

    fn classify(&self, changed: &BTreeSet<PathBuf>) -> Touched {
        let mut touched = Touched::default();
        let manifests = self
            .sources
            .as_ref()
            .map(|s| s.config.lab_manifests.clone())
            .unwrap_or_else(|| self.root.join("labs").join("manifests"));
        for path in changed {
            let Ok(relative) = path.strip_prefix(&self.root) else {
                continue;
            };
            let first = relative
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .unwrap_or_default();
            match first.as_str() {
                CONFIG_FILE => touched.everything = true,
                "content" => {
                    touched.content.insert(path.clone());
                }
                "templates" => touched.templates = true,
                "locales" => touched.locales = true,
                "static" => touched.static_files = true,
                _ if path.starts_with(&manifests) => touched.labs = true,
                "labs" => {
                    if let Some(ids) = affected_labs(relative) {
                        touched.lab_sources.extend(ids);
                    }
                }
                _ => {}
            }
        }
        touched
    }

    /// Loads what is missing, then renders if every piece is whole.
    fn render(&mut self) -> Result<Built, Diagnostics> {
        if self.sources.is_none() {
            self.sources = Some(Sources::load(&self.root, &self.options)?);
        }
        let Some(sources) = self.sources.as_mut() else {
            return Err(Diagnostics::default());
        };
        if sources.content.is_none() {
            let results = sources.files.values().cloned();
            sources.content = Some(content::assemble(
                &sources.config,
                results,
                self.options.drafts,
                sources.walk_problems.clone(),
            ));
        }
        let mut problems = sources.themes.clone();
        for piece in [
            sources.locales.as_ref().err(),
            sources.templates.as_ref().and_then(|t| t.as_ref().err()),
            sources.labs.as_ref().err(),
            sources.content.as_ref().and_then(|c| c.as_ref().err()),
            sources.static_files.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        {
            problems.extend(piece.clone());
        }
        if problems.has_errors() {
            return Err(problems.sorted());
        }
        let (Ok(locales), Some(Ok(templates)), Ok(labs), Some(Ok(content)), Ok(static_files)) = (
            &sources.locales,
            sources.templates.take(),
            &sources.labs,
            sources.content.take(),
            &sources.static_files,
        ) else {
            // Unreachable: every piece was checked above. Rendering nothing is the safe answer.
            return Err(problems);
        };
        let project = Project {
            config: sources.config.clone(),
            locales: locales.clone(),
            templates,
            labs: labs.clone(),
            content,
            static_files: static_files.clone(),
        };
        let result = site::render_again(&project, &mut self.memory);
        // The pieces go back for the next rebuild.
        sources.templates = Some(Ok(project.templates));
        sources.content = Some(Ok(project.content));
        result
    }
}

impl Sources {
    fn load(root: &Path, options: &BuildOptions) -> Result<Sources, Diagnostics> {
        let config = site::load_config(root, options)?;
        let themes = site::check_themes(&config);
        let locales = Locales::load(&config).map(Arc::new);
        let templates = site::load_templates(root, &locales);
        let labs = Registry::load(&config).map(Arc::new);
        let (paths, walk_problems) = content::source_files(&config);
        let files = read_files(&config, paths);
        Ok(Sources {
            static_files: site::read_static(root),
            config,
            themes,
            locales,
            templates,
            labs,
            files,
            walk_problems,
            content: None,
        })
    }

    /// Re-reads the content files among `changed`. A changed folder (a section renamed, moved
    /// or deleted at once) is walked again; plain file edits need no walk of the whole tree.
    fn reread_content(&mut self, changed: &BTreeSet<PathBuf>) {
        let mut fresh = Vec::new();
        // Whether every change is an edit of a Markdown file read before (no file added,
        // deleted or renamed, no folder changed).
        let mut only_edits = true;
        for path in changed {
            if path.is_dir() {
                only_edits = false;
                self.files.retain(|known, _| !known.starts_with(path));
                fresh.extend(
                    walkdir::WalkDir::new(path)
                        .into_iter()
                        .filter_map(Result::ok)
                        .filter(|e| e.file_type().is_file())
                        .map(walkdir::DirEntry::into_path)
                        .filter(|p| is_markdown(p)),
                );
            } else if path.is_file() {
                only_edits &= matches!(self.files.get(path), Some(Ok(_)));
                if is_markdown(path) {
                    fresh.push(path.clone());
                }
            } else {
                // Gone: the file, or a folder with everything in it.
                only_edits = false;
                self.files.retain(|known, _| !known.starts_with(path));
            }
        }
        let fresh = read_files(&self.config, fresh);
        // Such edits, when they leave every page where it was, go into the assembled content
        // page by page; anything else assembles the content again.
        let in_place = only_edits && fresh.values().all(Result::is_ok);
        let content = match self.content.take() {
            Some(Ok(mut content)) if in_place => fresh
                .values()
                .flatten()
                .all(|page| content.replace(page.clone()))
                .then_some(Ok(content)),
            _ => None,
        };
        self.files.extend(fresh);
        self.content = content;
    }
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

fn read_files(
    config: &Config,
    paths: Vec<PathBuf>,
) -> BTreeMap<PathBuf, Result<Page, Vec<Diagnostic>>> {
    use rayon::prelude::*;
    paths
        .into_par_iter()
        .map(|path| {
            let page = content::read_file(config, &path);
            (path, page)
        })
        .collect()
}

/// The labs whose binaries a change under `labs/` may affect: `src/bin/<id>.rs` is that lab;
/// `src/<module>.rs` (or a folder) is the lab of the same name with `-` for `_`; anything
/// else shared (`lib.rs`, `protocol.rs`, `Cargo.toml`) is every lab (`*`).
fn affected_labs(relative: &Path) -> Option<Vec<String>> {
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let stem = |name: &str| name.trim_end_matches(".rs").replace('_', "-");
    match parts
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["labs", "src", "bin", file] => Some(vec![stem(file)]),
        ["labs", "src", "lib.rs" | "protocol.rs"] | ["labs", "Cargo.toml"] => {
            Some(vec!["*".into()])
        }
        ["labs", "src", module, ..] if !module.starts_with('.') => Some(vec![stem(module)]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift64*: enough randomness for choosing edits, and the same every run.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
        }

        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len())]
        }
    }

    fn copy_dir(from: &Path, to: &Path) {
        for entry in walkdir::WalkDir::new(from).into_iter().map(Result::unwrap) {
            let target = to.join(entry.path().strip_prefix(from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    /// An article with random words, title, weight, tags, date, code and links (to the
    /// fixture's page and to another generated one, which may be gone: then both renders fail).
    fn article(rng: &mut Rng, title: &str, key: Option<&str>, others: &[String]) -> String {
        let tag = rng.pick(&["limits", "alpha", "beta", "gamma"]);
        // The level orders the learning path.
        let level = rng.pick(&["beginner", "intermediate", "advanced"]);
        let words = ["window", "bucket", "burst", "edge", "token", "limit"];
        let body: Vec<&str> = (0..10 + rng.below(80)).map(|_| *rng.pick(&words)).collect();
        let key = key.map_or(String::new(), |k| format!("translation_key = \"{k}\"\n"));
        let link = match others {
            [] => String::new(),
            _ if rng.below(3) > 0 => String::new(),
            _ => format!("And [another](@/basics/{}.md).\n", rng.pick(others)),
        };
        format!(
            "+++\ntitle = \"{title}\"\ndate = 2026-10-{:02}\ntags = [\"{tag}\"]\nlevel = \"{level}\"\nweight = {}\n{key}+++\n{}\n\n## Part {}\n\nSee [windows](@/basics/windows.md).\n{link}\n```rust\nfn f() -> u32 {{ {} }}\n```\n",
            1 + rng.below(28),
            rng.below(5),
            body.join(" "),
            rng.below(9),
            rng.below(1000)
        )
    }

    /// A rebuild's outcome, comparable: every file and the warnings, or the problems.
    type Outcome = Result<(Vec<(String, Vec<u8>)>, Vec<String>), String>;

    fn outcome(result: Result<Built, Diagnostics>) -> Outcome {
        match result {
            Ok(built) => Ok((
                built
                    .output
                    .iter()
                    .map(|(path, bytes)| (path.to_string(), bytes.to_vec()))
                    .collect(),
                built
                    .warnings
                    .sorted()
                    .iter()
                    .map(|d| d.to_string())
                    .collect(),
            )),
            Err(problems) => Err(problems.sorted().iter().map(|d| format!("{d}\n")).collect()),
        }
    }

    /// The preview's incremental render after each of many random edits (content added,
    /// changed, renamed, deleted; translations; templates; UI strings; section titles and
    /// slugs; levels; static files) is byte for byte a fresh full render of the same tree, with
    /// the same warnings, or fails as it does. Some Spanish strings are missing throughout (used
    /// by bodies, summaries, tag pages and articles), so each render must warn about them though
    /// it renders few of the outputs that use them. The edits are random but fixed by the seed,
    /// so a failure replays.
    #[test]
    fn random_edits_render_as_a_full_build_does() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&repo.join("tests/fixtures/serve-site"), root);
        for shared in ["templates", "static", "locales", "labs/manifests"] {
            std::fs::create_dir_all(root.join(shared)).unwrap();
            copy_dir(&repo.join(shared), &root.join(shared));
        }
        // The lab binaries beside the test's: target/<profile>/deps/.. .
        let exe = std::env::current_exe().unwrap();
        let bins = exe.parent().and_then(Path::parent).unwrap();
        let config = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap();
        let config = format!(
            "{config}\n[labs]\nbin_dir = {:?}\n",
            bins.display().to_string()
        );
        std::fs::write(root.join(CONFIG_FILE), config).unwrap();
        let missing = [
            "heading-anchor =",
            "tag-title =",
            "level-beginner =",
            "level-intermediate =",
            "level-advanced =",
            "step =",
        ];
        let spanish_strings = root.join("locales/es/ui.ftl");
        let kept: String = std::fs::read_to_string(&spanish_strings)
            .unwrap()
            .lines()
            .filter(|line| !missing.iter().any(|key| line.starts_with(key)))
            .map(|line| format!("{line}\n"))
            .collect();
        std::fs::write(&spanish_strings, kept).unwrap();
        let options = BuildOptions {
            no_search: true,
            ..BuildOptions::default()
        };
        let full =
            || outcome(Project::load(root, &options).and_then(|project| site::render(&project)));
        let mut session = Session::new(root, options.clone());
        let first = outcome(session.build_all());
        assert_eq!(first, full(), "before any edit");
        let warnings = first.map(|(_, warnings)| warnings).unwrap_or_default();
        for key in ["heading-anchor", "tag-title", "step"] {
            assert!(
                warnings
                    .iter()
                    .any(|w| w.contains(&format!("`{key}` is missing in `es`"))),
                "{key}: {warnings:?}"
            );
        }

        let mut rng = Rng(0x5eed_1a2b_3c4d);
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            path
        };
        let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
        let mut english: Vec<String> = Vec::new();
        let mut spanish: Vec<(String, String)> = Vec::new();
        for step in 0..60 {
            let mut changed = BTreeSet::new();
            let op = if english.is_empty() { 0 } else { rng.below(10) };
            let what = match op {
                0 => {
                    let stem = format!("gen-{step}");
                    let text = article(&mut rng, &format!("Generated {step}"), None, &english);
                    changed.insert(write(&format!("content/en/basics/{stem}.md"), &text));
                    if rng.below(2) == 0 {
                        let key = format!("basics/{stem}");
                        let title = format!("Generado {step}");
                        let text = article(&mut rng, &title, Some(&key), &[]);
                        let es = format!("generado-{step}");
                        changed.insert(write(&format!("content/es/basics/{es}.md"), &text));
                        spanish.push((es, key));
                    }
                    english.push(stem.clone());
                    format!("add {stem}")
                }
                1 | 2 => {
                    let stem = rng.pick(&english).clone();
                    let title = format!("Changed {stem} {step}");
                    let text = article(&mut rng, &title, None, &english);
                    changed.insert(write(&format!("content/en/basics/{stem}.md"), &text));
                    format!("change {stem}")
                }
                3 => {
                    let i = rng.below(english.len());
                    let (old, new) = (english[i].clone(), format!("{}-r{step}", english[i]));
                    let from = root.join(format!("content/en/basics/{old}.md"));
                    let to = root.join(format!("content/en/basics/{new}.md"));
                    std::fs::rename(&from, &to).unwrap();
                    changed.extend([from, to]);
                    english[i] = new;
                    format!("rename {old}")
                }
                4 => {
                    let stem = english.remove(rng.below(english.len()));
                    let path = root.join(format!("content/en/basics/{stem}.md"));
                    std::fs::remove_file(&path).unwrap();
                    changed.insert(path);
                    format!("delete {stem}")
                }
                5 if !spanish.is_empty() => {
                    let (stem, _) = spanish.remove(rng.below(spanish.len()));
                    let path = root.join(format!("content/es/basics/{stem}.md"));
                    std::fs::remove_file(&path).unwrap();
                    changed.insert(path);
                    format!("delete translation {stem}")
                }
                5 | 6 => {
                    let name = rng.pick(&["base.html", "article.html", "section.html"]);
                    let path = format!("templates/{name}");
                    let text = read(&path);
                    let text = match text.rfind("</") {
                        Some(at) => format!("{}<!-- {step} -->{}", &text[..at], &text[at..]),
                        None => format!("{text}<!-- {step} -->"),
                    };
                    changed.insert(write(&path, &text));
                    format!("template {name}")
                }
                7 => {
                    let lang = rng.pick(&["en", "es"]);
                    let path = format!("locales/{lang}/ui.ftl");
                    let text: String = read(&path)
                        .lines()
                        .map(|line| match line.strip_prefix("nav-home = ") {
                            Some(value) => format!("nav-home = {value} {step}\n"),
                            None => format!("{line}\n"),
                        })
                        .collect();
                    changed.insert(write(&path, &text));
                    format!("strings {lang}")
                }
                8 => {
                    let path = "content/es/basics/_index.md";
                    let text = read(path);
                    let text = match text.split_once("title = \"") {
                        Some((head, rest)) => format!("{head}title = \"{step} {rest}"),
                        None => text,
                    };
                    // Half the time the section's Spanish slug comes or goes: every Spanish
                    // article moves.
                    let slug = "slug = \"fundamentos\"\n";
                    let text = match (rng.below(2), text.contains(slug)) {
                        (0, true) => text.replacen(slug, "", 1),
                        (0, false) => text.replacen("+++\n", &format!("+++\n{slug}"), 1),
                        _ => text,
                    };
                    changed.insert(write(path, &text));
                    "section title".to_string()
                }
                _ => {
                    let name = format!("static/extra-{}.txt", rng.below(3));
                    changed.insert(write(&name, &format!("step {step}\n")));
                    format!("static {name}")
                }
            };
            let (got, want) = (outcome(session.rebuild(&changed)), full());
            let warnings = |o: &Outcome| o.as_ref().map(|(_, w)| w.clone()).unwrap_or_default();
            assert_eq!(
                warnings(&got),
                warnings(&want),
                "step {step} ({what}): warnings"
            );
            assert_eq!(got, want, "step {step} ({what})");
        }
    }

    #[test]
    fn a_lab_source_change_names_its_lab() {
        let ids = |p: &str| affected_labs(Path::new(p));
        assert_eq!(
            ids("labs/src/bin/rate-limit.rs"),
            Some(vec!["rate-limit".into()])
        );
        assert_eq!(
            ids("labs/src/rate_limit.rs"),
            Some(vec!["rate-limit".into()])
        );
        assert_eq!(
            ids("labs/src/ansible_vars/ini.rs"),
            Some(vec!["ansible-vars".into()])
        );
        assert_eq!(ids("labs/src/lib.rs"), Some(vec!["*".into()]));
        assert_eq!(ids("labs/README.md"), None);
    }
}
