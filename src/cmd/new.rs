//! `aula new site|article|translation`: files from a skeleton. None of them overwrites a file:
//! each checks every path it would write before writing the first.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::cli::NewCommand;
use crate::config::Config;
use crate::content::{PageKind, front_matter};
use crate::translations::find_page;

pub(crate) fn execute(command: &NewCommand) -> anyhow::Result<ExitCode> {
    match command {
        NewCommand::Site { dir } => site(dir),
        NewCommand::Article {
            root,
            section,
            lang,
            title,
        } => article(&root.root, section, lang, title),
        NewCommand::Translation {
            root,
            original,
            lang,
            slug,
        } => translation(&root.root, original, lang, slug.as_deref()),
    }
}

/// Today in UTC: jiff is built without the system time zone database, and a date one day off
/// near midnight is harmless in a skeleton the author edits anyway.
fn today() -> jiff::civil::Date {
    jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
}

fn site(dir: &Path) -> anyhow::Result<ExitCode> {
    let title = dir
        .canonicalize()
        .unwrap_or_else(|_| dir.to_path_buf())
        .file_name()
        .map_or_else(|| "aula".to_string(), |n| n.to_string_lossy().into_owned());
    let files = crate::skeleton::files(&title, today());
    if let Some((existing, _)) = files.iter().find(|(path, _)| dir.join(path).exists()) {
        bail!(
            "{} already exists; aula new site never overwrites a file (choose an empty or new folder)",
            dir.join(existing).display()
        );
    }
    for (path, bytes) in &files {
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&file, bytes).with_context(|| format!("cannot write {}", file.display()))?;
    }
    println!(
        "created a bilingual site in {} ({} files)\nnext: aula serve --root {0}   (or: aula build --root {0} && aula check --root {0})",
        dir.display(),
        files.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn article(root: &Path, section: &str, lang: &str, title: &str) -> anyhow::Result<ExitCode> {
    let config = match Config::load(root) {
        Ok(config) => config,
        Err(problems) => {
            super::report(&problems);
            return Ok(ExitCode::from(1));
        }
    };
    if !config.languages.iter().any(|l| l == lang) {
        bail!(
            "unknown language `{lang}`: this site's languages are {} (`languages` in aula.toml)",
            config.languages.join(", ")
        );
    }
    if !config.sections.iter().any(|s| s == section) {
        bail!(
            "unknown section `{section}`: this site's sections are {} (add it to `sections` in aula.toml first)",
            config.sections.join(", ")
        );
    }
    let slug = slug::slugify(title);
    if slug.is_empty() || title.trim().is_empty() {
        bail!("the title `{title}` gives no file name; use letters or digits");
    }
    let relative = format!("content/{lang}/{section}/{slug}.md");
    let text = format!(
        "+++\ntitle = {}\ndescription = \"\"\ndate = {}\n+++\n\n<!-- Write the article here. Link to other pages by their source file: [text](@/{section}/other.md). -->\n",
        toml::Value::from(title),
        today()
    );
    super::write_new(&config.root.join(&relative), &text)?;
    println!("created {relative}");
    Ok(ExitCode::SUCCESS)
}

fn translation(
    root: &Path,
    original: &Path,
    lang: &str,
    slug: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let Some((config, content)) = super::load_content(root) else {
        return Ok(ExitCode::from(1));
    };
    let page = find_page(&config, &content, original).map_err(anyhow::Error::msg)?;
    if !config.languages.iter().any(|l| l == lang) {
        bail!(
            "unknown language `{lang}`: this site's languages are {}",
            config.languages.join(", ")
        );
    }
    if lang == page.lang {
        bail!("{} is already in `{lang}`", page.path.display());
    }
    if let Some(existing) = content.pages.iter().chain(&content.drafts).find(|p| {
        p.fallback_from.is_none() && p.lang == lang && p.translation_key == page.translation_key
    }) {
        bail!(
            "{} already has a `{lang}` translation: {}",
            page.path.display(),
            existing.path.display()
        );
    }
    let relative = page
        .path
        .strip_prefix(Path::new("content").join(&page.lang))
        .with_context(|| format!("{} is not under content/{}", page.path.display(), page.lang))?;
    let file_name = match slug {
        None => relative
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        Some(_) if matches!(page.kind, PageKind::Home | PageKind::Section) => {
            bail!(
                "a home or section page keeps its file name `_index.md` in every language; leave out --slug"
            )
        }
        Some(slug) => {
            if slug.is_empty()
                || !slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                bail!(
                    "--slug `{slug}`: use lowercase letters, digits and `-` (e.g. unete-a-la-comunidad)"
                );
            }
            format!("{slug}.md")
        }
    };
    let target = Path::new("content")
        .join(lang)
        .join(relative.with_file_name(&file_name));
    if config.root.join(&target).exists() {
        bail!(
            "{} already exists; aula new never overwrites a file",
            target.display()
        );
    }
    // A file name of its own breaks the link by path: the original needs the key explicitly.
    // The derived key is the one the path gave, so links and URLs of the original stay as they are.
    let renamed =
        relative.file_name().map(|n| n.to_string_lossy()) != Some(file_name.as_str().into());
    let add_key = renamed && page.front.translation_key.is_none();
    let mut front = vec![format!(
        "title = {}",
        toml::Value::from(page.front.title.as_str())
    )];
    if let Some(description) = &page.front.description {
        front.push(format!(
            "description = {}",
            toml::Value::from(description.as_str())
        ));
    }
    if let Some(date) = page.front.date {
        front.push(format!("date = {date}"));
    }
    if !page.front.tags.is_empty() {
        let tags: Vec<toml::Value> = page
            .front
            .tags
            .iter()
            .map(|t| toml::Value::from(t.as_str()))
            .collect();
        front.push(format!("tags = {}", toml::Value::Array(tags)));
    }
    if page.front.weight != 0 {
        front.push(format!("weight = {}", page.front.weight));
    }
    if let Some(level) = page.front.level.and_then(|l| serde_json::to_value(l).ok())
        && let Some(level) = level.as_str()
    {
        front.push(format!("level = {}", toml::Value::from(level)));
    }
    if page.front.translation_key.is_some() || add_key {
        front.push(format!(
            "translation_key = {}",
            toml::Value::from(page.translation_key.as_str())
        ));
    }
    if page.lang != config.default_language {
        front.push(format!(
            "source_lang = {}",
            toml::Value::from(page.lang.as_str())
        ));
    }
    front.push(format!("source_hash = \"{}\"", page.body_hash()));
    let text = format!("+++\n{}\n+++\n{}", front.join("\n"), page.body());
    if add_key {
        let edited = front_matter::set_fields(
            &page.source,
            &[("translation_key", page.translation_key.as_str())],
        )
        .map_err(|d| anyhow::anyhow!("{}{d}", page.path.display()))?;
        super::write_new(&config.root.join(&target), &text)?;
        super::write_in_place(&config.root.join(&page.path), &edited)?;
        println!(
            "added translation_key = \"{}\" to {}",
            page.translation_key,
            page.path.display()
        );
    } else {
        super::write_new(&config.root.join(&target), &text)?;
    }
    println!(
        "created {} from {}: translate the body, then keep it in step with `aula check` and `aula i18n mark`",
        target.display(),
        page.path.display()
    );
    Ok(ExitCode::SUCCESS)
}
