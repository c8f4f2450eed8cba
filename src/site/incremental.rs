//! The one render of a site: every output of the [plan](super::plan), made from the project and
//! what a [`Memory`] kept of the last render. `aula build` and `aula check` render with a memory
//! that keeps nothing ([`Memory::once`]): everything is made, and written through to the output
//! store as it comes. The preview server keeps one memory for a session ([`Memory::new`]) and
//! renders again after each edit, doing only the work the edit calls for:
//! 1. it renders the Markdown of the pages whose source changed — and of every page of a
//!    language whose UI strings changed (through the [`RenderCache`], which still skips
//!    unchanged Markdown), and of the pages with an `@/` link that now leads elsewhere; pages
//!    with lab embeds always, so a rebuilt lab binary or an edited lab template shows;
//! 2. it keeps the structure (sections, learning path, tags) unless a page was added, removed,
//!    moved, re-weighted, re-titled or re-tagged, and each page's summary unless what it reads
//!    changed;
//! 3. it gives every planned output its fingerprint (see `plan`) and renders only the files
//!    whose fingerprint is new. The others keep their bytes, and their contexts are never built.
//!    So an edit of `article.html` renders articles, one of `locales/es/` the Spanish pages.
//!
//! Still done for every page on every render, but cheaply (a lookup or a few integers hashed
//! per page): telling unchanged pages by pointer, the per-language and per-key digests, the
//! fingerprints, and putting the output store together. Unchanged bodies and summaries are
//! borrowed from the memory, not cloned: at 10,000 pages, touching each one's reference count
//! took about a tenth of a rebuild. `tests/serve_incremental.rs` compares
//! the served site with a fresh `aula build` after random and targeted edits, and this module's
//! seeded test compares a memory's renders with fresh ones over many random edits.
//!
//! This module knows nothing about files on disk, watching or HTTP.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::Value;

use crate::config::CONFIG_FILE;
use crate::content::Page;
use crate::diagnostics::{Diagnostic, Diagnostics, Group};
use crate::i18n::{self, Fallbacks};
use crate::labs::answers::Answers;
use crate::markdown::Rendered;
use crate::markdown::highlight::{Blocks, Highlighter};
use crate::output::OutputStore;
use crate::render_cache::{Body, RenderCache};

use super::body::{self, RenderedPage};
use super::contexts::make_summary;
use super::plan::{self, Facts, Inputs, PageDigests, digest, hash_json, of};
use super::{Built, Project, SourceIndex, Structure, resolves_the_same};

/// What the last render of one project made, for the next.
pub(crate) struct Memory {
    /// `None`: the memory keeps nothing (a build renders once).
    markdown: Option<RenderCache>,
    /// Made on the first render (its themes come from aula.toml, which a memory outlives not).
    highlighter: Option<Highlighter>,
    last: Option<Last>,
}

impl Memory {
    /// A memory for a session of renders (the preview server's): empty, so the next render
    /// makes everything, and keeps what each render makes.
    pub(crate) fn new() -> Memory {
        Memory {
            markdown: Some(RenderCache::default()),
            highlighter: None,
            last: None,
        }
    }

    /// A memory that keeps nothing, for one render of everything (`aula build`, `aula check`).
    /// The outputs made from other outputs (the search index) are made too.
    pub(crate) fn once() -> Memory {
        Memory {
            markdown: None,
            highlighter: None,
            last: None,
        }
    }

    fn keeps(&self) -> bool {
        self.markdown.is_some()
    }
}

/// The last successful render.
struct Last {
    /// Per language: what its pages read of the UI strings (see `plan::strings_digests`).
    strings: BTreeMap<String, u64>,
    /// A digest of the link table (see [`link_digest`]), and the table itself.
    links: u64,
    index: Option<Arc<SourceIndex>>,
    /// By URL.
    pages: FxHashMap<String, Known>,
    /// The order digests of every page, in order: when equal, so is the structure.
    layout: u64,
    structure: Structure<'static>,
    /// By output path: each file as last rendered.
    outputs: FxHashMap<String, KeptOutput>,
}

/// One output file as last rendered.
#[derive(Clone)]
struct KeptOutput {
    /// The fingerprint it was rendered with (see `plan`).
    fingerprint: u64,
    bytes: Arc<[u8]>,
    /// The UI strings its render took from the default language.
    fallbacks: Fallbacks,
}

/// One page as last rendered.
#[derive(Clone)]
struct Known {
    /// What the page is made of (given the same configuration): its source, shared with the
    /// loaded content and compared by pointer, its file, and its place as a fallback.
    source: Arc<str>,
    path: PathBuf,
    lang: String,
    fallback_from: Option<String>,
    /// What links to it resolve against (see [`link_digest`]).
    links: u64,
    body: RenderedPage,
    digests: PageDigests,
    summary: Summary,
}

/// One page's summary (the card other pages list it with), as made for a render.
#[derive(Clone)]
struct Summary {
    summary: Arc<Value>,
    /// What it was made from: see `plan::summary_inputs`.
    inputs: u64,
    digest: u64,
    /// The UI strings it took from the default language (its level, its date).
    fallbacks: Fallbacks,
}

impl Known {
    fn is(&self, page: &Page) -> bool {
        Arc::ptr_eq(&self.source, &page.source)
            // As text: `PathBuf`'s `==` compares component by component.
            && self.path.as_os_str() == page.path.as_os_str()
            && self.lang == page.lang
            && self.fallback_from == page.fallback_from
    }
}

/// Renders `project` into `output`, reusing what `memory` kept from the last render, and keeps
/// what this one made (when `memory` keeps anything). When the render fails, `memory` keeps the
/// last good render.
pub(crate) fn render(
    project: &Project,
    memory: &mut Memory,
    output: OutputStore,
) -> Result<Built, Diagnostics> {
    let highlighter = match memory.highlighter.take() {
        Some(highlighter) => highlighter,
        None => {
            let config = &project.config;
            Highlighter::new(&config.light_theme, &config.dark_theme).map_err(|e| {
                Diagnostics::from_iter([Diagnostic::error(CONFIG_FILE, e).group(Group::Config)])
            })?
        }
    };
    let made = make(project, memory, &highlighter, output);
    if memory.keeps() {
        memory.highlighter = Some(highlighter);
    }
    let mut made = made?;
    let warnings = super::fallback_warnings(project, &made.fallbacks);
    let bodies = std::mem::take(&mut made.bodies);
    let mut output = memory.remember(project, made);
    if !memory.keeps()
        && let Err(problem) = plan::derive(project, &mut output)
    {
        return Err(Diagnostics::from_iter([problem]));
    }
    Ok(Built {
        output,
        warnings,
        pages: project.content.pages.len(),
        bodies,
        search: project.config.search,
    })
}

/// What one render made, to be remembered.
struct Made {
    links: u64,
    index: Option<Arc<SourceIndex>>,
    strings: BTreeMap<String, u64>,
    layout: u64,
    /// Every page's Markdown as rendered, for `aula check` (when the memory keeps nothing; a
    /// preview's renders, which nobody checks, leave it empty).
    bodies: Vec<Arc<Rendered>>,
    /// The pages (by index) whose remembered state changed, with their new one.
    changed: Vec<(usize, Known)>,
    structure: Structure<'static>,
    /// The site's files, written into it.
    store: OutputStore,
    /// The outputs rendered now, to keep in memory.
    fresh_outputs: Vec<(String, KeptOutput)>,
    /// How many outputs memory keeps, rendered now or remembered.
    kept_outputs: usize,
    /// Every UI string the site's render took from the default language: its pages' bodies,
    /// summaries and files, remembered or made now, so the preview warns as a build does.
    fallbacks: Fallbacks,
}

fn make(
    project: &Project,
    memory: &Memory,
    highlighter: &Highlighter,
    mut store: OutputStore,
) -> Result<Made, Diagnostics> {
    let last = memory.last.as_ref();
    let keeps = memory.keeps();
    let content = &project.content;
    let pages = &content.pages;
    let strings = plan::strings_digests(project);
    let known: Vec<Option<&Known>> = match last {
        Some(last) => pages
            .par_iter()
            .map(|page| last.pages.get(&page.url).filter(|k| k.is(page)))
            .collect(),
        None => vec![None; pages.len()],
    };
    let page_links: Vec<u64> = pages
        .iter()
        .zip(&known)
        .map(|(page, known)| known.map_or_else(|| link_digest(page), |k| k.links))
        .collect();
    let links = links_digest(project, &page_links);

    // Step 1: the Markdown of the pages whose inputs changed.
    let same_links = last.filter(|l| l.links == links);
    let index = OnceLock::new();
    if let Some(kept) = same_links.and_then(|l| l.index.clone()) {
        let _ = index.set(kept);
    }
    // A body reads its language's strings (for its heading anchors) and the link table.
    let same_strings: Vec<&str> = match last {
        Some(l) => strings
            .iter()
            .filter(|(lang, digest)| l.strings.get(*lang) == Some(digest))
            .map(|(lang, _)| lang.as_str())
            .collect(),
        None => Vec::new(),
    };
    let reusable: Vec<Option<&Known>> = pages
        .iter()
        .zip(&known)
        .map(|(page, known)| known.filter(|_| same_strings.contains(&page.lang.as_str())))
        .collect();
    // Borrowed from the memory where the last render's body is kept: an edit copies none of
    // them (cloning them, ten thousand reference counts, took half of this step).
    let made_bodies = render_bodies(
        project,
        memory.markdown.as_ref(),
        highlighter,
        &reusable,
        same_links.is_some(),
        links,
        &index,
    )?;
    let bodies: Vec<&RenderedPage> = made_bodies.iter().map(AsRef::as_ref).collect();

    // Step 2: each page's summary (and, to remember, its digests), and the structure.
    let digests: Vec<PageDigests> = if keeps {
        (0..pages.len())
            .into_par_iter()
            .map(|i| match known[i] {
                Some(k) if same_body(&k.body, bodies[i]) => k.digests,
                _ => PageDigests::of(&pages[i], bodies[i]),
            })
            .collect()
    } else {
        Vec::new()
    };
    let nav = plan::nav_digests(project);
    // Those that stay the same are borrowed from the memory, as bodies are.
    let summaries: Vec<Cow<'_, Summary>> = (0..pages.len())
        .into_par_iter()
        .map(|i| {
            let make = || i18n::recording(|| make_summary(project, &pages[i], bodies[i]));
            if !keeps {
                let (summary, fallbacks) = make();
                return Cow::Owned(Summary {
                    summary: Arc::new(summary),
                    inputs: 0,
                    digest: 0,
                    fallbacks,
                });
            }
            let lang = pages[i].lang.as_str();
            let inputs = plan::summary_inputs(&digests[i], of(&nav, lang), of(&strings, lang));
            match known[i] {
                Some(k) if k.summary.inputs == inputs => Cow::Borrowed(&k.summary),
                _ => {
                    let (summary, fallbacks) = make();
                    Cow::Owned(Summary {
                        digest: hash_json(&summary),
                        summary: Arc::new(summary),
                        inputs,
                        fallbacks,
                    })
                }
            }
        })
        .collect();
    let layout = digest(digests.iter().map(|d| d.order).collect::<Vec<_>>());
    let structure = match last {
        Some(l) if l.layout == layout => l.structure.clone(),
        _ => Structure::new(project),
    };
    let structure = structure.with_summaries(summaries.iter().map(|s| &*s.summary).collect());

    // Step 3: every planned output with its fingerprint; those whose fingerprint is new,
    // rendered and written.
    let facts = keeps.then(|| {
        let hashed = summaries.iter().map(|s| s.digest).collect();
        Facts::new(project, &structure, &strings, &digests, hashed, nav)
    });
    let planned: Vec<(plan::Output<'_>, String, u64)> = plan::outputs(project, &structure)
        .into_par_iter()
        .map(|output| {
            let (path, fingerprint) = output.plan(project, facts.as_ref());
            (output, path, fingerprint)
        })
        .collect();
    // A later output with the same path replaces an earlier one: only the last is made.
    let made_here: Vec<bool> = {
        let mut last_of: FxHashMap<&str, usize> =
            FxHashMap::with_capacity_and_hasher(planned.len(), Default::default());
        for (n, (_, path, _)) in planned.iter().enumerate() {
            last_of.insert(path, n);
        }
        let mut made_here = vec![false; planned.len()];
        for n in last_of.into_values() {
            made_here[n] = true;
        }
        made_here
    };
    let inputs = Inputs {
        project,
        structure: &structure,
        bodies: &bodies,
        highlighter,
    };
    type Written = Result<Option<Arc<[u8]>>, crate::output::OutputError>;
    let rendered: Vec<Result<(Written, u64, Fallbacks, bool), Diagnostic>> = planned
        .par_iter()
        .zip(&made_here)
        .filter(|(_, made)| **made)
        .map(|((output, path, fingerprint), _)| {
            let kept = last
                .and_then(|l| l.outputs.get(path))
                .filter(|k| k.fingerprint == *fingerprint);
            let (bytes, fallbacks, fresh) = match kept {
                Some(k) => (k.bytes.clone(), k.fallbacks.clone(), false),
                None => {
                    let (bytes, fallbacks) = i18n::recording(|| output.render(&inputs));
                    (bytes?, fallbacks, true)
                }
            };
            // Written now when the output goes to disk, so files are not all held at once.
            Ok((
                store.write_through(path, bytes),
                *fingerprint,
                fallbacks,
                fresh,
            ))
        })
        .collect();
    let mut problems = Diagnostics::default();
    let mut fresh_outputs = Vec::new();
    let mut kept_outputs = 0;
    let mut fallbacks: Fallbacks = bodies
        .iter()
        .flat_map(|b| b.fallbacks.iter().cloned())
        .chain(summaries.iter().flat_map(|s| s.fallbacks.iter().cloned()))
        .collect();
    let paths = planned
        .into_iter()
        .zip(made_here)
        .filter_map(|((_, path, _), made)| made.then_some(path));
    let mut files = Vec::with_capacity(rendered.len());
    for (path, result) in paths.zip(rendered) {
        match result {
            Ok((written, fingerprint, strings, fresh)) => {
                fallbacks.extend(strings.iter().cloned());
                if keeps && let Ok(Some(bytes)) = &written {
                    kept_outputs += 1;
                    if fresh {
                        let kept = KeptOutput {
                            fingerprint,
                            bytes: bytes.clone(),
                            fallbacks: strings,
                        };
                        fresh_outputs.push((path.clone(), kept));
                    }
                }
                files.push((path, written));
            }
            Err(d) => problems.push(d),
        }
    }
    store.record_all(files);
    if problems.has_errors() {
        return Err(problems.sorted());
    }

    let changed = if keeps {
        (0..pages.len())
            .filter(|&i| {
                known[i].is_none_or(|k| {
                    !same_body(&k.body, bodies[i]) || k.summary.inputs != summaries[i].inputs
                })
            })
            .map(|i| {
                let page = &pages[i];
                let known = Known {
                    source: page.source.clone(),
                    path: page.path.clone(),
                    lang: page.lang.clone(),
                    fallback_from: page.fallback_from.clone(),
                    links: page_links[i],
                    body: bodies[i].clone(),
                    digests: digests[i],
                    summary: Summary::clone(&summaries[i]),
                };
                (i, known)
            })
            .collect()
    } else {
        Vec::new()
    };
    let bodies = if keeps {
        Vec::new()
    } else {
        bodies.iter().map(|b| b.rendered.clone()).collect()
    };
    Ok(Made {
        links,
        index: index.into_inner(),
        strings,
        layout,
        bodies,
        changed,
        // Kept without its summaries (each page's is in its `Known`).
        structure: structure.with_summaries(Vec::new()),
        store,
        fresh_outputs,
        kept_outputs,
        fallbacks,
    })
}

impl Memory {
    /// Keeps what `made` made (in place: an edit touches a few entries of ten thousand), when
    /// this memory keeps anything, and gives the site's files.
    fn remember(&mut self, project: &Project, made: Made) -> OutputStore {
        if !self.keeps() {
            return made.store;
        }
        let pages = &project.content.pages;
        let (mut known, mut outputs) = self
            .last
            .take()
            .map(|last| (last.pages, last.outputs))
            .unwrap_or_default();
        for (i, page) in made.changed {
            match known.get_mut(&pages[i].url) {
                Some(slot) => *slot = page,
                None => {
                    known.insert(pages[i].url.clone(), page);
                }
            }
        }
        // Every page is in `known` now; more entries means some pages went.
        if known.len() != pages.len() {
            let urls: HashSet<&str> = pages.iter().map(|p| p.url.as_str()).collect();
            known.retain(|url, _| urls.contains(url.as_str()));
            if let Some(markdown) = &self.markdown {
                markdown.retain(&urls);
            }
        }
        for (path, output) in made.fresh_outputs {
            match outputs.get_mut(&path) {
                Some(slot) => *slot = output,
                None => {
                    outputs.insert(path, output);
                }
            }
        }
        if outputs.len() != made.kept_outputs {
            outputs.retain(|path, _| made.store.contains(path));
        }
        self.last = Some(Last {
            strings: made.strings,
            links: made.links,
            index: made.index,
            pages: known,
            layout: made.layout,
            structure: made.structure,
            outputs,
        });
        made.store
    }
}

/// What links to `page` resolve against (`links::SourceIndex`): its key, language, URL, file
/// and whether it is a fallback.
fn link_digest(page: &Page) -> u64 {
    digest((
        (&page.translation_key, &page.lang, &page.url, &page.path),
        page.fallback_from.is_none(),
    ))
}

/// The link table: every page's [`link_digest`], the drafts, the languages.
fn links_digest(project: &Project, page_links: &[u64]) -> u64 {
    let drafts: Vec<_> = project
        .content
        .drafts
        .iter()
        .map(|p| (&p.lang, &p.path))
        .collect();
    let config = &project.config;
    digest((
        (&config.default_language, &config.languages),
        page_links,
        drafts,
    ))
}

fn same_body(a: &RenderedPage, b: &RenderedPage) -> bool {
    Arc::ptr_eq(&a.rendered, &b.rendered)
        && Arc::ptr_eq(&a.html, &b.html)
        && a.labs == b.labs
        && a.fallbacks == b.fallbacks
}

/// Each page's Markdown with its labs: the last render's where `reusable` has it (same page,
/// same strings) and its links lead where they did (`same_links`, or checked link by link),
/// else rendered (`cache`, when the memory keeps one, still skips unchanged Markdown). Pages
/// with lab embeds are always filled in again: a lab's binary, manifest or template may have
/// changed. The labs of all fences run between the Markdown and the embeds, each distinct
/// request once (see `labs::answers`).
///
/// The pages to render go to workers by translation key: a page and its translations, one after
/// the other, on the same worker. Translations usually keep their code blocks as they are, so
/// the second one finds them highlighted already (highlighting is most of a build).
fn render_bodies<'k>(
    project: &Project,
    cache: Option<&RenderCache>,
    highlighter: &Highlighter,
    reusable: &[Option<&'k Known>],
    same_links: bool,
    links: u64,
    index: &OnceLock<Arc<SourceIndex>>,
) -> Result<Vec<Cow<'k, RenderedPage>>, Diagnostics> {
    let pages = &project.content.pages;
    // Made only when a page needs it (it indexes every page), and kept while the link table
    // stays the same.
    let index =
        || index.get_or_init(|| Arc::new(SourceIndex::new(&project.config, &project.content)));
    let kept: Vec<Option<&'k RenderedPage>> = (0..pages.len())
        .into_par_iter()
        .map(|i| {
            // When pages came, went or moved, a body whose links all still lead where they
            // did is the same: most pages link to none of the pages that moved.
            reusable[i]
                .filter(|k| k.body.labs.is_empty())
                .filter(|k| same_links || resolves_the_same(index(), &pages[i], &k.body.rendered))
                .map(|k| &k.body)
        })
        .collect();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: FxHashMap<&str, usize> = FxHashMap::default();
    for (i, page) in pages.iter().enumerate() {
        if kept[i].is_some() {
            continue;
        }
        let group = *group_of
            .entry(page.translation_key.as_str())
            .or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
        groups[group].push(i);
    }
    let markdown: Vec<(usize, Body, Fallbacks)> = groups
        .par_iter()
        .flat_map_iter(|members| {
            let mut blocks = Blocks::new(highlighter);
            members
                .iter()
                .map(|&i| {
                    let (body, fallbacks) = i18n::recording(|| {
                        body::markdown(project, index(), &pages[i], cache, links, &mut blocks)
                    });
                    (i, body, fallbacks)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    // Every lab fence's run, before any page is put together: rendering runs nothing.
    let requests = markdown
        .iter()
        .flat_map(|(i, (rendered, _), _)| body::lab_requests(project, &pages[*i], rendered));
    let answers = Answers::run(&project.labs, requests);
    let rendered: Vec<(usize, Result<RenderedPage, Diagnostics>)> = markdown
        .into_par_iter()
        .map(|(i, markdown, mut fallbacks)| {
            let (page, more) =
                i18n::recording(|| body::embed_labs(project, &pages[i], markdown, &answers));
            fallbacks.extend(more);
            (i, page.map(|page| RenderedPage { fallbacks, ..page }))
        })
        .collect();
    let mut results: Vec<Option<Result<Cow<'k, RenderedPage>, Diagnostics>>> = kept
        .into_iter()
        .map(|k| k.map(|body| Ok(Cow::Borrowed(body))))
        .collect();
    for (i, result) in rendered {
        results[i] = Some(result.map(Cow::Owned));
    }
    let mut problems = Diagnostics::default();
    let mut bodies = Vec::with_capacity(results.len());
    for result in results.into_iter().flatten() {
        match result {
            Ok(body) => bodies.push(body),
            Err(errors) => problems.extend(errors),
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(bodies)
}
