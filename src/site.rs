//! The build pipeline, top to bottom: load the project, render every page, assemble the site.
//!
//! [`Project::load`] reads everything a build needs from disk (config, UI strings, templates, lab
//! manifests, content, static files). [`render`] is then a function of the project alone: Markdown
//! (with lab embeds and per-language links), page contexts, templates, and the site-wide files
//! (sitemap, feeds, robots.txt, 404, the language chooser at `/`). The result is an
//! [`OutputStore`]; writing it to disk or serving it from memory is someone else's job.
//!
//! All problems of one build are collected and returned together.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::config::{CONFIG_FILE, Config};
use crate::content::{Content, Page, PageKind};
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex};
use crate::i18n::Locales;
use crate::labs::{Registry, runner::Outcome};
use crate::markdown::highlight::{Blocks, Highlighter};
use crate::markdown::{self, LinkResolver, Rendered};
use crate::output::OutputStore;
use crate::render_cache::{BodyKey, RenderCache};
use crate::templates::Templates;

/// How to build.
#[derive(Debug, Clone, Default)]
pub(crate) struct BuildOptions {
    pub(crate) drafts: bool,
    /// Overrides `base_url` from aula.toml (e.g. for a preview server's own address).
    pub(crate) base_url: Option<String>,
    /// Overrides `[search] enabled` from aula.toml: no search index, no search box.
    pub(crate) no_search: bool,
}

/// Everything a build reads from disk, loaded and validated.
pub(crate) struct Project {
    pub(crate) config: Config,
    pub(crate) locales: Arc<Locales>,
    pub(crate) templates: Templates,
    pub(crate) labs: Arc<Registry>,
    pub(crate) content: Content,
    /// Files from `static/`, copied as they are: (site path, bytes).
    pub(crate) static_files: Vec<(String, Vec<u8>)>,
}

impl Project {
    /// Loads the site at `root`. Every step runs even when an earlier one failed, so one build
    /// reports all problems.
    pub(crate) fn load(root: &Path, options: &BuildOptions) -> Result<Project, Diagnostics> {
        let mut config = Config::load(root)?;
        if let Some(base_url) = &options.base_url {
            config.base_url = base_url.trim_end_matches('/').to_string();
        }
        config.search &= !options.no_search;
        let mut problems = check_themes(&config);
        let locales = Locales::load(&config).map(Arc::new);
        let templates = match &locales {
            Ok(locales) => Templates::load(root, locales.clone()).map(Some),
            Err(_) => Ok(None),
        };
        let labs = Registry::load(&config).map(Arc::new);
        let content = crate::content::load(&config, options.drafts);
        let static_files = read_static(root);
        let locales = keep(locales, &mut problems);
        let templates = keep(templates, &mut problems).flatten();
        let labs = keep(labs, &mut problems);
        let content = keep(content, &mut problems);
        let static_files = keep(static_files, &mut problems);
        match (locales, templates, labs, content, static_files) {
            (Some(locales), Some(templates), Some(labs), Some(content), Some(static_files))
                if !problems.has_errors() =>
            {
                Ok(Project {
                    config,
                    locales,
                    templates,
                    labs,
                    content,
                    static_files,
                })
            }
            _ => Err(problems),
        }
    }
}

/// The highlighting themes aula.toml names must exist.
pub(crate) fn check_themes(config: &Config) -> Diagnostics {
    let mut problems = Diagnostics::default();
    for (key, theme) in [
        ("light_theme", &config.light_theme),
        ("dark_theme", &config.dark_theme),
    ] {
        if !markdown::highlight::theme_names().contains(&theme.as_str()) {
            let (line, column) = config.key_position(key);
            problems.push(
                Diagnostic::error(CONFIG_FILE, format!("unknown highlighting theme `{theme}`"))
                    .at(line, column)
                    .hint(format!(
                        "pick one of: {}",
                        markdown::highlight::theme_names().join(", ")
                    ))
                    .group("config"),
            );
        }
    }
    problems
}

fn keep<T>(result: Result<T, Diagnostics>, problems: &mut Diagnostics) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(errors) => {
            problems.extend(errors);
            None
        }
    }
}

pub(crate) fn read_static(root: &Path) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let (files, problems) = crate::source_tree::read(root, "static");
    if problems.has_errors() {
        Err(problems)
    } else {
        Ok(files)
    }
}

/// A successful build: the site and the warnings met on the way.
pub(crate) struct Built {
    pub(crate) output: OutputStore,
    pub(crate) warnings: Diagnostics,
    pub(crate) pages: usize,
    /// Every internal link of every page, by page index in `content.pages` (for `aula check`;
    /// the preview server's renders leave it empty).
    pub(crate) links: Vec<Vec<markdown::LinkRef>>,
    /// Whether the site has a search index (the preview server builds it after publishing).
    pub(crate) search: bool,
}

/// One output file as rendered (shared, so the preview server keeps it without a copy), or why
/// it could not be.
pub(crate) type RenderedFile = Result<Arc<[u8]>, Diagnostic>;

/// A page's Markdown, rendered, with its lab embeds filled in.
#[derive(Clone)]
pub(crate) struct RenderedPage {
    pub(crate) rendered: Arc<Rendered>,
    pub(crate) html: Arc<str>,
    /// The labs it embeds.
    pub(crate) labs: Vec<String>,
}

/// Renders the whole site from a loaded project, in memory (`aula check`, tests).
pub(crate) fn render(project: &Project) -> Result<Built, Diagnostics> {
    render_into(project, OutputStore::default())
}

/// Renders the whole site into `output` (e.g. a store that writes into a staging folder), its
/// search index included. (The preview server renders through `incremental::render`, which
/// reuses what the last render made, and builds the search index itself, after publishing.)
pub(crate) fn render_into(
    project: &Project,
    mut output: OutputStore,
) -> Result<Built, Diagnostics> {
    let mut problems = Diagnostics::default();
    let content = &project.content;
    let resolver_index = SourceIndex::new(&project.config, content);

    // Step 1: Markdown and labs, page by page, in parallel. A page and its translations go to
    // the same worker, one after the other: translations usually keep their code blocks as they
    // are, so the second one finds them highlighted already (highlighting is most of a build).
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    for (i, page) in content.pages.iter().enumerate() {
        let group = *group_of
            .entry(page.translation_key.as_str())
            .or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
        groups[group].push(i);
    }
    let mut results: Vec<Option<Result<RenderedPage, Diagnostics>>> =
        std::iter::repeat_with(|| None)
            .take(content.pages.len())
            .collect();
    let highlighter = Highlighter::new(&project.config.light_theme, &project.config.dark_theme)
        .map_err(|e| Diagnostics::from_iter([Diagnostic::error(CONFIG_FILE, e).group("config")]))?;
    let rendered_groups: Vec<Vec<(usize, Result<RenderedPage, Diagnostics>)>> = groups
        .par_iter()
        .map(|members| {
            let mut blocks = Blocks::new(&highlighter);
            members
                .iter()
                .map(|&i| {
                    let page = &content.pages[i];
                    let body = render_body(project, &resolver_index, page, None, 0, &mut blocks);
                    (i, body)
                })
                .collect()
        })
        .collect();
    for (i, result) in rendered_groups.into_iter().flatten() {
        results[i] = Some(result);
    }
    let results = results.into_iter().flatten();
    let mut bodies = Vec::with_capacity(content.pages.len());
    for result in results {
        match result {
            Ok(body) => bodies.push(Some(body)),
            Err(errors) => {
                problems.extend(errors);
                bodies.push(None);
            }
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    let bodies: Vec<RenderedPage> = bodies.into_iter().flatten().collect();

    // Step 2: the site's structure — sections, the learning path, tags.
    let mut structure = Structure::new(project);
    // Listings repeat summaries (the home page lists every article): make each one once.
    structure.summaries = content
        .pages
        .par_iter()
        .zip(&bodies)
        .map(|(page, body)| Arc::new(make_summary(project, page, body)))
        .collect();

    // Step 3: every page through its template, in parallel.
    type Written = Result<Option<Arc<[u8]>>, crate::output::OutputError>;
    let rendered: Vec<(String, Result<Written, Diagnostic>)> = (0..content.pages.len())
        .into_par_iter()
        .map(|i| {
            let (path, html) = render_content_page(project, &structure, &bodies, i);
            // Written now when the output goes to disk, so pages are not all held at once.
            let written = html.map(|html| output.write_through(&path, html));
            (path, written)
        })
        .collect();
    for (path, result) in rendered {
        match result {
            Ok(written) => output.record(path, written),
            Err(d) => problems.push(d),
        }
    }

    // Step 4: pages that are not articles: tags, the language chooser, 404; then feeds and the rest.
    for (path, result) in site_pages(project, &structure) {
        match result {
            Ok(html) => output.insert_shared(path, html),
            Err(d) => problems.push(d),
        }
    }
    crate::translations::add_status_pages(project, &mut output, &mut problems);
    if problems.has_errors() {
        return Err(problems.sorted());
    }
    output.insert("sitemap.xml", sitemap(project));
    for lang in &project.config.languages {
        output.insert(feed_path(lang), feed(project, &structure, lang));
    }
    output.insert("robots.txt", robots_txt(&project.config));
    output.insert("highlight.css", highlighter.stylesheet());
    for (name, bytes) in &project.static_files {
        output.insert(name.clone(), bytes.clone());
    }
    // Last: the search index is built from the finished pages. It indexes every page each time
    // (≈ 15 s for 10,000 pages), so the preview server (which renders through `incremental`)
    // builds it itself, after the pages are served.
    if project.config.search
        && let Err(e) = crate::search::add_index(&mut output)
    {
        problems.push(e);
        return Err(problems);
    }
    let warnings = fallback_warnings(project);
    Ok(Built {
        pages: content.pages.len(),
        output,
        warnings,
        links: bodies.iter().map(|b| b.rendered.links.clone()).collect(),
        search: project.config.search,
    })
}

/// One page of the content through its template.
pub(crate) fn render_content_page(
    project: &Project,
    structure: &Structure,
    bodies: &[RenderedPage],
    i: usize,
) -> (String, RenderedFile) {
    let page = &project.content.pages[i];
    let context = page_context(project, structure, bodies, i);
    let path = output_path(&page.url);
    let html = render_page(project, template_for(page), context, Some(&bodies[i].html));
    let html = html.map_err(|d| {
        d.hint(format!(
            "while rendering {} ({})",
            page.url,
            page.path.display()
        ))
    });
    (path, html)
}

/// A warning for each UI string that was missing in a language and taken from the default one,
/// since the last call.
pub(crate) fn fallback_warnings(project: &Project) -> Diagnostics {
    let mut warnings = Diagnostics::default();
    for (lang, key) in project.locales.take_fallbacks() {
        warnings.push(
            Diagnostic::warning(
                format!("locales/{lang}"),
                format!(
                    "UI string `{key}` is missing in `{lang}`; the {} text is used",
                    project.config.default_language
                ),
            )
            .hint(format!("add `{key} = …` to a file in locales/{lang}/"))
            .group("fluent"),
        );
    }
    warnings
}

/// `/es/finops/` → `es/finops/index.html`.
pub(crate) fn output_path(url: &str) -> String {
    format!("{}index.html", url.trim_start_matches('/'))
}

pub(crate) fn template_for(page: &Page) -> &'static str {
    match page.kind {
        PageKind::Home => "home.html",
        PageKind::Section => "section.html",
        PageKind::Article => "article.html",
        PageKind::Standalone => "page.html",
    }
}

/// Finds pages by the source path an author links to (`@/finops/x.md`). It owns its strings, so
/// the preview server can keep it while the pages it indexes stay where they are.
pub(crate) struct SourceIndex {
    /// (language, path under content/<lang>/) → translation key
    by_source: HashMap<(String, String), String>,
    /// (translation key, language) → URL
    urls: HashMap<(String, String), String>,
    drafts: HashSet<(String, String)>,
    /// The site's languages, default first.
    languages: Vec<String>,
}

use std::collections::HashSet;

impl SourceIndex {
    pub(crate) fn new(config: &Config, content: &Content) -> Self {
        let mut by_source = HashMap::new();
        let mut urls = HashMap::new();
        for page in &content.pages {
            urls.insert(
                (page.translation_key.clone(), page.lang.clone()),
                page.url.clone(),
            );
            if page.fallback_from.is_none()
                && let Some(relative) = relative_source(config, page)
            {
                by_source.insert((page.lang.clone(), relative), page.translation_key.clone());
            }
        }
        let drafts = content
            .drafts
            .iter()
            .filter_map(|p| relative_source(config, p).map(|r| (p.lang.clone(), r)))
            .collect();
        let mut languages = vec![config.default_language.clone()];
        languages.extend(
            config
                .languages
                .iter()
                .filter(|l| **l != config.default_language)
                .cloned(),
        );
        Self {
            by_source,
            urls,
            drafts,
            languages,
        }
    }

    fn resolve(&self, source_lang: &str, page_lang: &str, target: &str) -> Result<String, String> {
        let path = target.trim_start_matches("@/");
        let (path, fragment) = match path.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (path, None),
        };
        // A link to an article not written in this language leads to the original's page in
        // this language (a fallback page, which always exists).
        let key = std::iter::once(source_lang)
            .chain(self.languages.iter().map(String::as_str))
            .find_map(|lang| self.by_source.get(&(lang.to_string(), path.to_string())))
            .ok_or_else(|| {
                if self
                    .drafts
                    .contains(&(source_lang.to_string(), path.to_string()))
                {
                    format!("`{target}` is a draft, which this build leaves out")
                } else {
                    format!("no page `content/{source_lang}/{path}` for the link `{target}`")
                }
            })?;
        let url = self
            .urls
            .get(&(key.clone(), page_lang.to_string()))
            .ok_or_else(|| format!("no `{page_lang}` page for `{target}`"))?;
        Ok(match fragment {
            Some(f) => format!("{url}#{f}"),
            None => url.to_string(),
        })
    }
}

/// `content/es/finops/x.md` → `finops/x.md`
fn relative_source(config: &Config, page: &Page) -> Option<String> {
    let prefix = Path::new("content").join(&page.lang);
    let _ = config;
    page.path
        .strip_prefix(&prefix)
        .ok()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
}

struct PageLinks<'a> {
    index: &'a SourceIndex,
    source_lang: &'a str,
    page_lang: &'a str,
}

impl LinkResolver for PageLinks<'_> {
    fn resolve(&self, target: &str) -> Result<String, String> {
        self.index.resolve(self.source_lang, self.page_lang, target)
    }
}

/// Whether `rendered`, `page`'s Markdown as rendered against another link table, has every
/// `@/` link resolve to the same URL with `index` (as [`render_body`] resolves them). Those
/// links are all that Markdown reads of other pages, so then rendering it again with `index`
/// would give the same HTML.
pub(crate) fn resolves_the_same(index: &SourceIndex, page: &Page, rendered: &Rendered) -> bool {
    let source_lang = page.fallback_from.as_deref().unwrap_or(&page.lang);
    rendered
        .links
        .iter()
        .filter(|link| link.written.starts_with("@/"))
        .all(|link| {
            index
                .resolve(source_lang, &page.lang, &link.written)
                .is_ok_and(|url| url == link.url)
        })
}

pub(crate) fn render_body(
    project: &Project,
    index: &SourceIndex,
    page: &Page,
    cache: Option<&RenderCache>,
    link_fingerprint: u64,
    blocks: &mut Blocks<'_>,
) -> Result<RenderedPage, Diagnostics> {
    let source_lang = page.fallback_from.as_deref().unwrap_or(&page.lang);
    let links = PageLinks {
        index,
        source_lang,
        page_lang: &page.lang,
    };
    let anchor_label = project
        .locales
        .t(&page.lang, "heading-anchor", &[])
        .unwrap_or_default();
    let (rendered, markdown_html) = match cache {
        Some(cache) => {
            let key = BodyKey {
                source: page.source.clone(),
                body_offset: page.body_offset,
                source_lang: source_lang.to_string(),
                page_lang: page.lang.clone(),
                anchor_label: anchor_label.clone(),
                links: link_fingerprint,
            };
            cache.body(&page.url, key, || {
                markdown::render(page.body(), &links, &anchor_label, blocks)
            })
        }
        None => {
            let rendered = markdown::render(page.body(), &links, &anchor_label, blocks);
            let html: Arc<str> = rendered.html.as_str().into();
            (Arc::new(rendered), html)
        }
    };
    let mut problems = Diagnostics::default();
    // Built only when there is something to place: it scans the whole file.
    let line_index = std::cell::OnceCell::new();
    let place = |offset: usize| {
        line_index
            .get_or_init(|| LineIndex::new(&page.source))
            .line_column(page.body_offset + offset)
    };
    // A fallback page repeats its original's problems; report them once, at the original.
    let report = page.fallback_from.is_none();
    for problem in &rendered.problems {
        let (line, column) = place(problem.offset);
        let mut d = Diagnostic::error(&page.path, &problem.message)
            .at(line, column)
            .group("links");
        if let Some(hint) = &problem.hint {
            d = d.hint(hint);
        }
        if report {
            problems.push(d);
        }
    }
    let mut html: Option<String> = None;
    let mut labs = Vec::new();
    for (n, fence) in rendered.labs.iter().enumerate() {
        let (line, column) = place(fence.offset);
        match embed_lab(project, page, fence, n) {
            Ok(embed) => {
                let with_embed = html.as_deref().unwrap_or(&rendered.html).replacen(
                    &fence.placeholder,
                    &embed,
                    1,
                );
                html = Some(with_embed);
                labs.push(fence.lab.clone());
            }
            Err((offset_in_body, message, hint)) => {
                // Errors inside the fence body are placed on their own line below the fence line.
                let (line, column) = if offset_in_body > 0 {
                    let fence_body_start = page.body()[fence.offset..]
                        .find('\n')
                        .map_or(fence.offset, |i| fence.offset + i + 1);
                    place(fence_body_start + offset_in_body)
                } else {
                    (line, column)
                };
                if report {
                    problems.push(
                        Diagnostic::error(&page.path, message)
                            .at(line, column)
                            .hint(hint)
                            .group("labs"),
                    );
                }
            }
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    // Without labs the page's HTML is the (possibly cached) Markdown's own, shared, so the
    // render cache can see it is unchanged without comparing it byte by byte.
    let html: Arc<str> = match html {
        Some(html) => html.into(),
        None => markdown_html,
    };
    Ok(RenderedPage {
        rendered,
        html,
        labs,
    })
}

/// The HTML of one lab embed: the manifest's form in the page's language and the real answer.
fn embed_lab(
    project: &Project,
    page: &Page,
    fence: &markdown::LabFence,
    n: usize,
) -> Result<String, (usize, String, String)> {
    let resolved = crate::labs::resolve_fence(&project.labs, &fence.lab, &fence.body)?;
    let Some(lab) = project.labs.get(&resolved.lab) else {
        return Err((0, format!("unknown lab `{}`", fence.lab), String::new()));
    };
    let answer = match project.labs.run_cached(lab, &page.lang, &resolved.input) {
        Outcome::Answer(answer) => answer,
        Outcome::Refused { field, message } => {
            return Err((
                0,
                format!("lab `{}` refused its input: {field}: {message}", lab.id),
                "change the fence's [input]".into(),
            ));
        }
        Outcome::TimedOut(limit) => {
            return Err((
                0,
                format!(
                    "lab `{}` ran past its time limit of {} ms",
                    lab.id,
                    limit.as_millis()
                ),
                "make the input smaller or raise [limits] time_ms in its manifest".into(),
            ));
        }
        Outcome::Truncated(cap) => {
            return Err((
                0,
                format!(
                    "lab `{}` printed more than its output cap of {cap} bytes",
                    lab.id
                ),
                "raise [limits] output_bytes in its manifest".into(),
            ));
        }
        Outcome::Failed(why) => {
            return Err((
                0,
                format!("lab `{}` cannot run: {why}", lab.id),
                "build the labs with `cargo build --release` (they are found next to the aula binary, in $AULA_LAB_BIN_DIR, or in [labs] bin_dir)".into(),
            ));
        }
    };
    let context = crate::embed::lab_context(project, page, lab, &resolved, &answer, n);
    project
        .templates
        .render("partials/lab.html", &context)
        .map_err(|d| (0, d.to_string(), "fix the lab template".into()))
}

/// Sections, the learning path and tags, per language, by page index in `content.pages`.
#[derive(Clone)]
pub(crate) struct Structure {
    /// (lang, section) → article indexes, in path order.
    pub(crate) section_articles: BTreeMap<(String, String), Vec<usize>>,
    /// lang → article indexes in learning-path order (sections in config order, then weight).
    pub(crate) path: BTreeMap<String, Vec<usize>>,
    /// (lang, tag slug) → (tag name, article indexes).
    pub(crate) tags: BTreeMap<(String, String), (String, Vec<usize>)>,
    /// Each page's summary for listings (see [`make_summary`]); filled in by the caller.
    pub(crate) summaries: Vec<Arc<Value>>,
}

impl Structure {
    /// Reads the pages' kinds, sections, languages, weights, titles and tags; nothing else.
    pub(crate) fn new(project: &Project) -> Structure {
        let pages = &project.content.pages;
        let mut section_articles: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
        let mut tags: BTreeMap<(String, String), (String, Vec<usize>)> = BTreeMap::new();
        // Articles share a few tags: slugify each name once.
        let mut slugs: HashMap<&str, String> = HashMap::new();
        for (i, page) in pages.iter().enumerate() {
            if page.kind != PageKind::Article {
                continue;
            }
            if let Some(section) = &page.section {
                section_articles
                    .entry((page.lang.clone(), section.clone()))
                    .or_default()
                    .push(i);
            }
            if page.fallback_from.is_none() {
                for tag in &page.front.tags {
                    let slug = slugs
                        .entry(tag)
                        .or_insert_with(|| slug::slugify(tag))
                        .clone();
                    let entry = tags
                        .entry((page.lang.clone(), slug))
                        .or_insert_with(|| (tag.clone(), Vec::new()));
                    entry.1.push(i);
                }
            }
        }
        for articles in section_articles.values_mut() {
            articles.sort_by(|&a, &b| {
                (pages[a].front.weight, &pages[a].front.title)
                    .cmp(&(pages[b].front.weight, &pages[b].front.title))
            });
        }
        let mut path = BTreeMap::new();
        for lang in &project.config.languages {
            let order: Vec<usize> = project
                .config
                .sections
                .iter()
                .flat_map(|s| {
                    section_articles
                        .get(&(lang.clone(), s.clone()))
                        .cloned()
                        .unwrap_or_default()
                })
                .collect();
            path.insert(lang.clone(), order);
        }
        Structure {
            section_articles,
            path,
            tags,
            summaries: Vec::new(),
        }
    }
}

/// 200 words a minute, at least one minute.
fn reading_minutes(words: usize) -> u64 {
    (words as u64).div_ceil(200).max(1)
}

fn t(project: &Project, lang: &str, key: &str) -> String {
    project
        .locales
        .t(lang, key, &[])
        .unwrap_or_else(|| key.to_string())
}

/// What every template gets: language, switcher, alternates, navigation.
pub(crate) fn common_context(project: &Project, page: &Page, title: &str) -> Value {
    let config = &project.config;
    let content = &project.content;
    let languages: Vec<Value> = config
        .languages
        .iter()
        .map(|lang| {
            let url = content
                .translation(&page.translation_key, lang)
                .map_or_else(|| format!("/{lang}/"), |p| p.url.clone());
            json!({
                "code": lang,
                "name": t(project, lang, "language-name"),
                "url": url,
                "current": lang == &page.lang,
            })
        })
        .collect();
    let alternates: Vec<Value> = config
        .languages
        .iter()
        .filter_map(|lang| content.translation(&page.translation_key, lang))
        .filter(|p| p.fallback_from.is_none())
        .map(|p| json!({"lang": p.lang, "url": config.absolute_url(&p.url)}))
        .collect();
    let canonical = match &page.fallback_from {
        Some(original_lang) => content
            .translation(&page.translation_key, original_lang)
            .map_or_else(|| page.url.clone(), |p| p.url.clone()),
        None => page.url.clone(),
    };
    json!({
        "lang": page.lang,
        "title": title,
        "site": {"title": config.title, "base_url": config.base_url},
        "url": page.url,
        "canonical": config.absolute_url(&canonical),
        "alternates": alternates,
        "x_default": config.absolute_url("/"),
        "languages": languages,
        "home_url": format!("/{}/", page.lang),
        "sections": nav_sections(project, &page.lang, page.section.as_deref()),
        "feed_url": format!("/{}/atom.xml", page.lang),
        "search": cfg!(feature = "search") && project.config.search,
    })
}

fn nav_sections(project: &Project, lang: &str, current: Option<&str>) -> Vec<Value> {
    project
        .config
        .sections
        .iter()
        .filter_map(|s| project.content.translation(&format!("section-{s}"), lang).map(|p| (s, p)))
        .map(|(s, p)| json!({"key": s, "title": p.front.title, "url": p.url, "current": current == Some(s.as_str())}))
        .collect()
}

/// Page `i`'s summary, made by [`Structure::new`]'s caller.
fn summary(structure: &Structure, i: usize) -> Value {
    structure
        .summaries
        .get(i)
        .map_or(Value::Null, |summary| Value::clone(summary))
}

/// A short description of a page for listings. Reads the page, its body's length and labs, the
/// title of its section's page in its language, and UI strings.
pub(crate) fn make_summary(project: &Project, page: &Page, body: &RenderedPage) -> Value {
    let section_title = page
        .section
        .as_ref()
        .and_then(|s| {
            project
                .content
                .translation(&format!("section-{s}"), &page.lang)
        })
        .map(|p| p.front.title.clone());
    json!({
        "title": page.front.title,
        "url": page.url,
        "description": page.front.description,
        "key": page.translation_key,
        "level": page.front.level,
        "level_label": page.front.level.map(|l| t(project, &page.lang, &format!("level-{}", serde_json::to_value(l).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()))),
        "reading_minutes": reading_minutes(body.rendered.words),
        "section": page.section,
        "section_title": section_title,
        "labs": body.labs,
        "date": page.front.date.map(|d| d.to_string()),
        "date_display": page.front.date.map(|d| project.locales.format_date(&page.lang, d)),
        "fallback": page.fallback_from.is_some(),
    })
}

/// Page `i`'s template context (without its body, which [`render_page`] adds). What it reads is
/// listed again, as fingerprints, by `incremental::page_fingerprint`: keep the two in step.
fn page_context(
    project: &Project,
    structure: &Structure,
    bodies: &[RenderedPage],
    i: usize,
) -> Value {
    let page = &project.content.pages[i];
    let lang = page.lang.as_str();
    let mut context = common_context(project, page, &page.front.title);
    let mut page_value = summary(structure, i);
    let extra = json!({
        "kind": match page.kind { PageKind::Home => "home", PageKind::Section => "section", PageKind::Article => "article", PageKind::Standalone => "page" },
        "toc": bodies[i].rendered.toc,
        "words": bodies[i].rendered.words,
        "slug": page.slug,
        "tags": page.front.tags.iter().map(|tag| json!({"name": tag, "url": format!("/{lang}/tags/{}/", slug::slugify(tag))})).collect::<Vec<_>>(),
        "updated": page.front.updated.map(|d| d.to_string()),
        "updated_display": page.front.updated.map(|d| project.locales.format_date(lang, d)),
        "fallback": fallback_notice(project, page),
        "stale": stale_notice(project, page),
        "source": page.path.to_string_lossy(),
    });
    merge(&mut page_value, extra);
    let section_page = page
        .section
        .as_ref()
        .and_then(|s| project.content.translation(&format!("section-{s}"), lang));
    let mut breadcrumbs =
        vec![json!({"title": t(project, lang, "nav-home"), "url": format!("/{lang}/")})];
    if let (PageKind::Article, Some(section)) = (page.kind, section_page) {
        breadcrumbs.push(json!({"title": section.front.title, "url": section.url}));
    }
    merge(
        &mut context,
        json!({"page": page_value, "breadcrumbs": breadcrumbs}),
    );
    match page.kind {
        PageKind::Article => {
            let path = structure.path.get(lang).cloned().unwrap_or_default();
            let position = path.iter().position(|&j| j == i);
            let neighbour = |j: Option<usize>| j.map(|j| summary(structure, j));
            let (prev, next) = match position {
                Some(p) => (
                    neighbour(p.checked_sub(1).map(|q| path[q])),
                    neighbour(path.get(p + 1).copied()),
                ),
                None => (None, None),
            };
            merge(
                &mut context,
                json!({
                    "prev": prev, "next": next,
                    "step": position.map(|p| p + 1), "steps": path.len(),
                }),
            );
        }
        PageKind::Section => {
            let articles: Vec<Value> = page
                .section
                .as_ref()
                .and_then(|s| {
                    structure
                        .section_articles
                        .get(&(lang.to_string(), s.clone()))
                })
                .map(|list| list.iter().map(|&j| summary(structure, j)).collect())
                .unwrap_or_default();
            merge(&mut context, json!({"articles": articles}));
        }
        PageKind::Home => {
            let path: Vec<Value> = structure
                .path
                .get(lang)
                .map(|list| {
                    list.iter()
                        .enumerate()
                        .map(|(n, &j)| {
                            let mut s = summary(structure, j);
                            merge(&mut s, json!({"step": n + 1}));
                            s
                        })
                        .collect()
                })
                .unwrap_or_default();
            let sections: Vec<Value> = nav_sections(project, lang, None)
                .into_iter()
                .map(|mut s| {
                    let key = s["key"].as_str().unwrap_or_default().to_string();
                    let articles: Vec<Value> = structure
                        .section_articles
                        .get(&(lang.to_string(), key))
                        .map(|list| list.iter().map(|&j| summary(structure, j)).collect())
                        .unwrap_or_default();
                    merge(&mut s, json!({"articles": articles}));
                    s
                })
                .collect();
            let total: u64 = structure
                .path
                .get(lang)
                .map(|l| {
                    l.iter()
                        .map(|&j| reading_minutes(bodies[j].rendered.words))
                        .sum()
                })
                .unwrap_or(0);
            merge(
                &mut context,
                json!({"path": path, "home_sections": sections, "total_minutes": total}),
            );
        }
        PageKind::Standalone => {}
    }
    context
}

fn fallback_notice(project: &Project, page: &Page) -> Value {
    let Some(original_lang) = &page.fallback_from else {
        return Value::Null;
    };
    let original = project
        .content
        .translation(&page.translation_key, original_lang);
    json!({
        "lang": original_lang,
        "language_name": t(project, original_lang, "language-name"),
        "url": original.map(|p| p.url.clone()),
    })
}

/// A translation whose original changed since it was made (its recorded hash differs).
pub(crate) fn stale_original<'a>(project: &'a Project, page: &Page) -> Option<&'a Page> {
    let recorded = page.front.source_hash.as_ref()?;
    let original_lang = page
        .front
        .source_lang
        .as_deref()
        .unwrap_or(&project.config.default_language);
    if original_lang == page.lang || page.fallback_from.is_some() {
        return None;
    }
    let original = project
        .content
        .translation(&page.translation_key, original_lang)?;
    if original.fallback_from.is_some() || &original.body_hash() == recorded {
        return None;
    }
    Some(original)
}

fn stale_notice(project: &Project, page: &Page) -> Value {
    match stale_original(project, page) {
        Some(original) => json!({
            "lang": original.lang,
            "language_name": t(project, &original.lang, "language-name"),
            "url": original.url,
            "updated_display": original.front.updated.or(original.front.date).map(|d| project.locales.format_date(&page.lang, d)),
        }),
        None => Value::Null,
    }
}

pub(crate) fn merge(target: &mut Value, extra: Value) {
    if let (Value::Object(target), Value::Object(extra)) = (target, extra) {
        target.extend(extra);
    }
}

/// Tag pages, the tag index per language, the root language chooser and the 404 page.
fn site_pages(project: &Project, structure: &Structure) -> Vec<(String, RenderedFile)> {
    let mut out = Vec::new();
    for lang in &project.config.languages {
        for ((tag_lang, slug), (name, articles)) in &structure.tags {
            if tag_lang == lang {
                out.push(tag_page(project, structure, lang, slug, name, articles));
            }
        }
        out.push(tags_page(project, structure, lang));
    }
    for chooser in Chooser::ALL {
        out.push(chooser_page(project, chooser));
    }
    out
}

/// A stand-in for a page that has no source file (tag pages and the like), for
/// [`common_context`]: it has a URL, a language and a translation key, and nothing else.
pub(crate) fn page_without_source(lang: &str, url: String, translation_key: String) -> Page {
    Page {
        path: PathBuf::from("templates"),
        lang: lang.to_string(),
        kind: PageKind::Standalone,
        section: None,
        front: Default::default(),
        source: Arc::from(""),
        body_offset: 0,
        slug: String::new(),
        url,
        translation_key,
        fallback_from: None,
    }
}

/// The translation key of the tag page of `slug` (no source page has it, but one could claim it).
pub(crate) fn tag_key(slug: &str) -> String {
    format!("tag:{slug}")
}

/// The translation key of the tag index.
pub(crate) const TAGS_KEY: &str = "tags";

pub(crate) const TAG_TEMPLATE: &str = "tag.html";
pub(crate) const TAGS_TEMPLATE: &str = "tags.html";

pub(crate) fn tag_url(lang: &str, slug: &str) -> String {
    format!("/{lang}/tags/{slug}/")
}

pub(crate) fn tags_url(lang: &str) -> String {
    format!("/{lang}/tags/")
}

/// `/<lang>/tags/<slug>/`: the articles with one tag.
pub(crate) fn tag_page(
    project: &Project,
    structure: &Structure,
    lang: &str,
    slug: &str,
    name: &str,
    articles: &[usize],
) -> (String, RenderedFile) {
    let url = tag_url(lang, slug);
    let page = page_without_source(lang, url.clone(), tag_key(slug));
    let title = format!("{}: {name}", t(project, lang, "tag-title"));
    let mut context = common_context(project, &page, &title);
    let list: Vec<Value> = articles.iter().map(|&j| summary(structure, j)).collect();
    merge(
        &mut context,
        json!({"tag": {"name": name, "slug": slug}, "articles": list, "breadcrumbs": [
            {"title": t(project, lang, "nav-home"), "url": format!("/{lang}/")},
            {"title": t(project, lang, "tags-title"), "url": format!("/{lang}/tags/")},
        ]}),
    );
    let path = output_path(&url);
    let html = render_page(project, TAG_TEMPLATE, context, None);
    (path, html)
}

/// `/<lang>/tags/`: every tag of a language, with its number of articles.
pub(crate) fn tags_page(
    project: &Project,
    structure: &Structure,
    lang: &str,
) -> (String, RenderedFile) {
    let index: Vec<Value> = tag_index(structure, lang)
        .map(
            |(slug, name, count)| json!({"name": name, "url": tag_url(lang, slug), "count": count}),
        )
        .collect();
    let url = tags_url(lang);
    let page = page_without_source(lang, url.clone(), TAGS_KEY.into());
    let mut context = common_context(project, &page, &t(project, lang, "tags-title"));
    merge(
        &mut context,
        json!({"tags": index, "breadcrumbs": [{"title": t(project, lang, "nav-home"), "url": format!("/{lang}/")}]}),
    );
    let path = output_path(&url);
    let html = render_page(project, TAGS_TEMPLATE, context, None);
    (path, html)
}

/// A language's tags: (slug, name, number of articles), by slug.
pub(crate) fn tag_index<'a>(
    structure: &'a Structure,
    lang: &'a str,
) -> impl Iterator<Item = (&'a str, &'a str, usize)> + 'a {
    structure
        .tags
        .iter()
        .filter(move |((tag_lang, _), _)| tag_lang == lang)
        .map(|((_, slug), (name, articles))| (slug.as_str(), name.as_str(), articles.len()))
}

/// The two pages in the default language that offer every language's home.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Chooser {
    /// The language chooser at `/`.
    Root,
    /// `/404.html`.
    NotFound,
}

/// The translation key the chooser pages are rendered with (their language switcher leads to
/// each language's home).
pub(crate) const HOME_KEY: &str = "home";

impl Chooser {
    pub(crate) const ALL: [Chooser; 2] = [Chooser::Root, Chooser::NotFound];

    pub(crate) fn output_path(self) -> &'static str {
        match self {
            Chooser::Root => "index.html",
            Chooser::NotFound => "404.html",
        }
    }

    pub(crate) fn template(self) -> &'static str {
        match self {
            Chooser::Root => "root.html",
            Chooser::NotFound => "404.html",
        }
    }
}

/// The language chooser at `/` or the 404 page, in the default language with every language's
/// home offered.
pub(crate) fn chooser_page(project: &Project, chooser: Chooser) -> (String, RenderedFile) {
    let config = &project.config;
    let url = match chooser {
        Chooser::Root => "/",
        Chooser::NotFound => "/404.html",
    };
    let choices: Vec<Value> = config
        .languages
        .iter()
        .map(|lang| {
            let home = project.content.translation(HOME_KEY, lang);
            json!({
                "code": lang,
                "name": t(project, lang, "language-name"),
                "url": format!("/{lang}/"),
                "title": home.map(|h| h.front.title.clone()),
                "description": home.and_then(|h| h.front.description.clone()),
                "choose": t(project, lang, "choose-language"),
            })
        })
        .collect();
    let page = page_without_source(&config.default_language, url.to_string(), HOME_KEY.into());
    let mut context = common_context(project, &page, &config.title);
    merge(
        &mut context,
        json!({"choices": choices, "canonical": config.absolute_url(url)}),
    );
    let html = render_page(project, chooser.template(), context, None);
    (chooser.output_path().to_string(), html)
}

/// One page through its template, with the page's body (if it has one) put into the context as
/// `page.content`.
fn render_page(
    project: &Project,
    template: &str,
    mut context: Value,
    body: Option<&Arc<str>>,
) -> RenderedFile {
    if let (Some(body), Some(page)) = (body, context.get_mut("page"))
        && let Value::Object(page) = page
    {
        page.insert("content".into(), Value::String(body.to_string()));
    }
    project
        .templates
        .render(template, &context)
        .map(|html| Arc::from(html.into_bytes()))
}

/// sitemap.xml: every page but fallbacks, with its date and its translations.
pub(crate) fn sitemap(project: &Project) -> String {
    crate::feeds::sitemap(&project.config, &project.content)
}

/// Where a language's Atom feed goes.
pub(crate) fn feed_path(lang: &str) -> String {
    format!("{lang}/atom.xml")
}

/// A language's Atom feed: the articles of its learning path, but fallbacks.
pub(crate) fn feed(project: &Project, structure: &Structure, lang: &str) -> String {
    let config = &project.config;
    let articles: Vec<&Page> = structure
        .path
        .get(lang)
        .into_iter()
        .flatten()
        .map(|&i| &project.content.pages[i])
        .filter(|p| p.fallback_from.is_none())
        .collect();
    let title = format!("{} ({})", config.title, t(project, lang, "language-name"));
    crate::feeds::atom(config, lang, &title, &articles)
}

pub(crate) fn robots_txt(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\nSitemap: {}\n",
        config.absolute_url("/sitemap.xml")
    )
}
