//! The site's content: every Markdown file under `content/`, parsed, placed and linked.
//!
//! Layout: `content/<lang>/_index.md` (home), `content/<lang>/<section>/_index.md` (a section's
//! page), `content/<lang>/<section>/<file>.md` (articles) and `content/<lang>/<file>.md` (pages
//! outside sections, such as "about"). This module walks that tree, splits and validates front
//! matter, gives each page its slug and URL (`/<lang>/<section>/<slug>/`, where `<section>` is
//! the `slug` of the section's `_index.md` in that language, or else its folder name), links
//! translations (by path, or by a shared `translation_key`), and adds a fallback page in every
//! language an original has no translation for, so the reader of that language still gets a page.
//! A home page or section page that no file has is made up in every language (see
//! [`Page::is_generated`]), so no link to a home or a section leads to a 404. Reading a file
//! is here; putting the pages read together (placing, made-up and fallback pages, clashes) is
//! `assemble.rs`.
//!
//! It knows nothing about Markdown rendering, templates or output: a [`Page`] holds its source
//! text and where its body starts; turning that into HTML is the next step's job.

mod assemble;
pub(crate) mod front_matter;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
pub(crate) use assemble::assemble;
pub(crate) use front_matter::FrontMatter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum PageKind {
    Home,
    Section,
    Article,
    /// A page outside any section, such as "about".
    Standalone,
}

/// One page of the site in one language.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    /// The source file, relative to the site root (for a fallback page: the original's file).
    pub(crate) path: PathBuf,
    pub(crate) lang: String,
    pub(crate) kind: PageKind,
    pub(crate) section: Option<String>,
    pub(crate) front: FrontMatter,
    /// The whole source file; positions in diagnostics count from its top.
    pub(crate) source: Arc<str>,
    pub(crate) body_offset: usize,
    pub(crate) slug: String,
    /// The site path, `/es/finops/practica-finops/`.
    pub(crate) url: String,
    /// Pages with the same key are translations of each other.
    pub(crate) translation_key: String,
    /// For a page shown in a language it was not written in: the original's language.
    pub(crate) fallback_from: Option<String>,
}

impl Page {
    /// A page that no file gives text to: empty source, default front matter, no section or
    /// slug. The made-up home and section pages start from one (see `assemble`), and so do the
    /// stand-ins the site makes for its own pages (tags, the translation status, 404), which
    /// need only a URL, a language and a translation key.
    pub(crate) fn without_source(
        path: PathBuf,
        lang: &str,
        kind: PageKind,
        url: String,
        translation_key: String,
    ) -> Page {
        Page {
            path,
            lang: lang.to_string(),
            kind,
            section: None,
            front: FrontMatter::default(),
            source: Arc::from(""),
            body_offset: 0,
            slug: String::new(),
            url,
            translation_key,
            fallback_from: None,
        }
    }

    pub(crate) fn body(&self) -> &str {
        self.source.get(self.body_offset..).unwrap_or("")
    }

    /// A home or section page that no file has (see `assemble`): its title is a stand-in, which
    /// the site replaces with a UI string when the language has one. (A page read from a file
    /// always has a source: at least its front matter, with a title.)
    pub(crate) fn is_generated(&self) -> bool {
        self.source.is_empty() && matches!(self.kind, PageKind::Home | PageKind::Section)
    }

    /// A short, stable hash of the body: what a translation records of its original.
    pub(crate) fn body_hash(&self) -> String {
        body_hash(self.body())
    }
}

pub(crate) fn body_hash(body: &str) -> String {
    let digest = Sha256::digest(body.trim().as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// All pages of a site, with the indexes the later steps need.
#[derive(Debug, Clone, Default)]
pub(crate) struct Content {
    /// Sorted by URL, so every later step is deterministic.
    pub(crate) pages: Vec<Page>,
    /// Drafts left out of this build (for `aula check`'s "draft linked from a published page").
    pub(crate) drafts: Vec<Page>,
    /// (translation key, language) → index in `pages`: templates ask for translations of every
    /// page many times, and a scan each time made builds quadratic in the number of pages.
    translations: HashMap<(String, String), usize>,
}

impl Content {
    pub(crate) fn new(pages: Vec<Page>, drafts: Vec<Page>) -> Content {
        let mut translations = HashMap::with_capacity(pages.len());
        for (i, page) in pages.iter().enumerate() {
            // The first page wins, as a scan in page order would find it.
            translations
                .entry((page.translation_key.clone(), page.lang.clone()))
                .or_insert(i);
        }
        Content {
            pages,
            drafts,
            translations,
        }
    }

    /// The page with `key` in `lang`, if any (a fallback page counts).
    pub(crate) fn translation(&self, key: &str, lang: &str) -> Option<&Page> {
        self.translations
            .get(&(key.to_string(), lang.to_string()))
            .and_then(|&i| self.pages.get(i))
    }

    /// Puts `page`, read again from its file, where the page read from that file before is, and
    /// refreshes the fallback copies made of it — what [`assemble`] would give, without going
    /// through every page. Only for an edit that leaves the page's place in the site as it was:
    /// same file, URL, language, translation key, kind and section, published before and after
    /// (then no other page's URL, key, fallback or order of pages changes). Returns whether it
    /// could; when not, nothing was changed and the content must be assembled again.
    pub(crate) fn replace(&mut self, mut page: Page) -> bool {
        // A page read alone has its section's folder name in its URL; put the section's slug in
        // this language there, as assembling does (a section page whose slug changed then has
        // another URL than before, and is refused: its articles move too).
        if let Some(section) = &page.section {
            let segment = match page.kind {
                PageKind::Section => page.front.slug.as_deref(),
                _ => self
                    .translation(&format!("section-{section}"), &page.lang)
                    .filter(|p| p.fallback_from.is_none())
                    .and_then(|p| section_segment_of(&p.url)),
            };
            let segment = segment.unwrap_or(section).to_string();
            page.url = page_url(&page.lang, page.kind, Some(&segment), &page.slug);
        }
        let Some(&i) = self
            .translations
            .get(&(page.translation_key.clone(), page.lang.clone()))
        else {
            return false;
        };
        let old = &self.pages[i];
        let same_place = old.path == page.path
            && old.url == page.url
            && old.kind == page.kind
            && old.section == page.section
            && old.fallback_from.is_none()
            && !page.front.draft;
        if !same_place {
            return false;
        }
        // The copies of this page are the pages of its key whose fallback is from its language
        // (a key has one original, and one page per language).
        let copies: Vec<usize> = self
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.translation_key == page.translation_key
                    && p.fallback_from.as_deref() == Some(page.lang.as_str())
            })
            .map(|(j, _)| j)
            .collect();
        for j in copies {
            let copy = &mut self.pages[j];
            let (url, lang) = (
                std::mem::take(&mut copy.url),
                std::mem::take(&mut copy.lang),
            );
            *copy = Page {
                url,
                lang,
                fallback_from: Some(page.lang.clone()),
                ..page.clone()
            };
        }
        self.pages[i] = page;
        true
    }
}

/// Reads every page under `<root>/content`.
pub(crate) fn load(config: &Config, include_drafts: bool) -> Result<Content, Diagnostics> {
    let (files, problems) = source_files(config);
    let results: Vec<Result<Page, Vec<Diagnostic>>> = files
        .par_iter()
        .map(|path| read_file(config, path))
        .collect();
    assemble(config, results, include_drafts, problems)
}

/// Every Markdown file under `<root>/content`, in a stable order, and the folders that could
/// not be read.
pub(crate) fn source_files(config: &Config) -> (Vec<PathBuf>, Diagnostics) {
    let root = &config.root;
    let content_dir = root.join("content");
    let mut problems = Diagnostics::default();
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&content_dir).sort_by_file_name() {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                if entry.path().extension().is_some_and(|e| e == "md") {
                    files.push(entry.into_path());
                }
            }
            Ok(_) => {}
            Err(e) => problems.push(Diagnostic::error(
                e.path()
                    .map_or_else(|| PathBuf::from("content"), |p| display_path(root, p)),
                format!("cannot read: {e}"),
            )),
        }
    }
    (files, problems)
}

/// Reads and parses one content file (an absolute path under `<root>/content`).
pub(crate) fn read_file(config: &Config, path: &Path) -> Result<Page, Vec<Diagnostic>> {
    let shown = display_path(&config.root, path);
    read_page(config, path, &shown).map_err(|errors| {
        errors
            .into_iter()
            .map(|mut d| {
                if d.path.as_os_str().is_empty() {
                    d.path = shown.clone();
                }
                d
            })
            .collect()
    })
}

fn read_page(config: &Config, path: &Path, shown: &Path) -> Result<Page, Vec<Diagnostic>> {
    let relative = path
        .strip_prefix(config.root.join("content"))
        .unwrap_or(path);
    let parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let place_error =
        |message: String, hint: String| vec![Diagnostic::error(shown, message).hint(hint)];
    let (lang, section, file) = match parts.as_slice() {
        [lang, file] => (lang, None, file),
        [lang, section, file] => (lang, Some(section.clone()), file),
        _ => {
            return Err(place_error(
                "content files live at content/<lang>/<section>/<file>.md".into(),
                "move the file up to its section folder".into(),
            ));
        }
    };
    if !config.languages.contains(lang) {
        return Err(place_error(
            format!("unknown language folder `{lang}`"),
            format!(
                "use one of {} or add `{lang}` to `languages` in aula.toml",
                config.languages.join(", ")
            ),
        ));
    }
    if let Some(section) = &section
        && !config.sections.contains(section)
    {
        return Err(place_error(
            format!("unknown section `{section}`"),
            format!(
                "add \"{section}\" to `sections` in aula.toml, or move the file to one of: {}",
                config.sections.join(", ")
            ),
        ));
    }
    let stem = file.trim_end_matches(".md").to_string();
    let kind = match (&section, stem.as_str()) {
        (None, "_index") => PageKind::Home,
        (Some(_), "_index") => PageKind::Section,
        (Some(_), _) => PageKind::Article,
        (None, _) => PageKind::Standalone,
    };
    let source: Arc<str> = std::fs::read_to_string(path)
        .map_err(|e| {
            place_error(
                format!("cannot read: {e}"),
                "check the file's permissions and encoding (UTF-8)".into(),
            )
        })?
        .into();
    let split = front_matter::split(&source).map_err(|d| vec![d])?;
    let body_offset = split.body_offset;
    let front = front_matter::parse(&source, &split)?;
    let slug = match (&front.slug, kind) {
        (Some(slug), _) => slug.clone(),
        (None, PageKind::Home | PageKind::Section) => String::new(),
        (None, _) => slug::slugify(&stem),
    };
    // The section's folder for now; `assemble` puts the section's slug in this language there.
    let url = page_url(lang, kind, section.as_deref(), &slug);
    let translation_key = front
        .translation_key
        .clone()
        .unwrap_or_else(|| match (kind, &section) {
            (PageKind::Home, _) => "home".into(),
            (PageKind::Section, Some(s)) => format!("section-{s}"),
            (_, Some(s)) => format!("{s}/{stem}"),
            (_, None) => stem.clone(),
        });
    Ok(Page {
        path: shown.to_path_buf(),
        lang: lang.clone(),
        kind,
        section,
        front,
        source,
        body_offset,
        slug,
        url,
        translation_key,
        fallback_from: None,
    })
}

/// A page's site path: `/<lang>/` (home), `/<lang>/<segment>/` (section),
/// `/<lang>/<segment>/<slug>/` (article), `/<lang>/<slug>/` (a page outside sections).
fn page_url(lang: &str, kind: PageKind, segment: Option<&str>, slug: &str) -> String {
    match (kind, segment) {
        (PageKind::Home, _) => format!("/{lang}/"),
        (PageKind::Section, Some(s)) => format!("/{lang}/{s}/"),
        (PageKind::Article, Some(s)) => format!("/{lang}/{s}/{slug}/"),
        _ => format!("/{lang}/{slug}/"),
    }
}

/// `/es/seguridad-de-agentes/` → `seguridad-de-agentes`.
fn section_segment_of(url: &str) -> Option<&str> {
    url.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> (tempfile::TempDir, Config) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join("content").join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let config = Config::parse(
            dir.path(),
            "title='t'\nbase_url='https://x.org'\ndefault_language='en'\nlanguages=['en', 'es']\nsections=['basics']\n",
        )
        .unwrap();
        (dir, config)
    }

    fn pages(content: &Content) -> Vec<String> {
        content.pages.iter().map(|p| format!("{p:?}")).collect()
    }

    /// Edits `file` to `text`, then puts it in place; returns whether it could, and whether the
    /// result is what loading everything again gives.
    fn replace(config: &Config, content: &mut Content, file: &str, text: &str) -> (bool, bool) {
        let path = config.root.join("content").join(file);
        std::fs::write(&path, text).unwrap();
        let replaced = content.replace(read_file(config, &path).unwrap());
        let fresh = load(config, false).unwrap();
        (replaced, pages(content) == pages(&fresh))
    }

    #[test]
    fn an_edit_in_place_gives_what_assembling_again_gives_fallback_copies_included() {
        let (_dir, config) = site(&[
            ("en/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
            ("es/_index.md", "+++\ntitle = \"Inicio\"\n+++\n"),
            (
                "en/basics/a.md",
                "+++\ntitle = \"A\"\nweight = 1\n+++\nBody.\n",
            ),
            (
                "en/basics/b.md",
                "+++\ntitle = \"B\"\nweight = 2\n+++\nBody.\n",
            ),
        ]);
        let mut content = load(&config, false).unwrap();
        // `a` has a Spanish fallback copy, which must follow the edit.
        let edited = "+++\ntitle = \"A, renamed\"\nweight = 3\ntags = [\"x\"]\n+++\nMore.\n";
        assert_eq!(
            replace(&config, &mut content, "en/basics/a.md", edited),
            (true, true)
        );
        let copy = content.translation("basics/a", "es").unwrap();
        assert_eq!(copy.front.title, "A, renamed");
        assert_eq!(copy.fallback_from.as_deref(), Some("en"));
    }

    #[test]
    fn a_section_slug_places_the_section_and_its_articles_and_edits_in_place_keep_it() {
        let (_dir, config) = site(&[
            ("en/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
            ("en/basics/a.md", "+++\ntitle = \"A\"\n+++\n"),
            ("en/basics/b.md", "+++\ntitle = \"B\"\n+++\n"),
            (
                "es/basics/_index.md",
                "+++\ntitle = \"Fundamentos\"\nslug = \"fundamentos\"\n+++\n",
            ),
            (
                "es/basics/a.md",
                "+++\ntitle = \"A\"\nslug = \"a-es\"\n+++\n",
            ),
        ]);
        let mut content = load(&config, false).unwrap();
        let url = |key: &str, lang: &str| content.translation(key, lang).unwrap().url.clone();
        assert_eq!(url("section-basics", "es"), "/es/fundamentos/");
        assert_eq!(url("basics/a", "es"), "/es/fundamentos/a-es/");
        // A fallback copy goes under the Spanish segment too; English keeps the folder.
        assert_eq!(url("basics/b", "es"), "/es/fundamentos/b/");
        assert_eq!(url("section-basics", "en"), "/en/basics/");
        assert_eq!(url("basics/b", "en"), "/en/basics/b/");
        // An article edited alone keeps its section's segment.
        let edited = "+++\ntitle = \"A, otra vez\"\nslug = \"a-es\"\n+++\nMás.\n";
        assert_eq!(
            replace(&config, &mut content, "es/basics/a.md", edited),
            (true, true)
        );
        // A new section slug moves every article: refused, to be assembled again.
        let moved = "+++\ntitle = \"Fundamentos\"\nslug = \"bases\"\n+++\n";
        let (replaced, _) = replace(&config, &mut content, "es/basics/_index.md", moved);
        assert!(!replaced);
        let fresh = load(&config, false).unwrap();
        let page = fresh.translation("basics/b", "es").unwrap();
        assert_eq!(page.url, "/es/bases/b/");
    }

    #[test]
    fn sections_and_homes_without_files_are_made_in_every_language() {
        let (_dir, config) = site(&[("en/basics/a.md", "+++\ntitle = \"A\"\n+++\n")]);
        let content = load(&config, false).unwrap();
        for lang in ["en", "es"] {
            for key in ["home", "section-basics"] {
                let page = content.translation(key, lang).unwrap();
                assert!(page.is_generated(), "{key} {lang}");
                assert_eq!(page.fallback_from, None, "{key} {lang}");
            }
        }
        assert_eq!(content.translation("home", "es").unwrap().url, "/es/");
        assert_eq!(content.translation("home", "es").unwrap().front.title, "t");
        assert!(
            !content
                .translation("basics/a", "en")
                .unwrap()
                .is_generated()
        );
    }

    #[test]
    fn a_page_where_aula_puts_its_own_pages_is_an_error() {
        let (_dir, config) = site(&[
            ("en/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
            (
                "es/basics/_index.md",
                "+++\ntitle = \"Etiquetas\"\nslug = \"tags\"\n+++\n",
            ),
        ]);
        let errors = load(&config, false).unwrap_err();
        let message = errors.iter().next().unwrap().to_string();
        assert!(
            message.contains("content/es/basics/_index.md:1:1: error:"),
            "{message}"
        );
        assert!(message.contains("/es/tags/"), "{message}");
    }

    #[test]
    fn an_edit_that_moves_a_page_is_refused_and_changes_nothing() {
        let (_dir, config) = site(&[
            ("en/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
            ("en/basics/a.md", "+++\ntitle = \"A\"\n+++\n"),
        ]);
        let mut content = load(&config, false).unwrap();
        let before = pages(&content);
        for moved in [
            "+++\ntitle = \"A\"\nslug = \"other\"\n+++\n",
            "+++\ntitle = \"A\"\ntranslation_key = \"k\"\n+++\n",
            "+++\ntitle = \"A\"\ndraft = true\n+++\n",
        ] {
            let (replaced, _) = replace(&config, &mut content, "en/basics/a.md", moved);
            assert!(!replaced, "{moved}");
            assert_eq!(pages(&content), before, "{moved}");
        }
    }
}
