//! Loading a site: everything a build reads from disk (config, UI strings, templates, lab
//! manifests, content, static files), loaded and validated, every problem of every piece
//! reported at once. The preview server's reloads (`rebuild`) load piece by piece with the same
//! functions.

use std::path::Path;
use std::sync::Arc;

use crate::config::{CONFIG_FILE, Config};
use crate::content::Content;
use crate::diagnostics::{Diagnostic, Diagnostics, Group};
use crate::i18n::Locales;
use crate::labs::Registry;
use crate::markdown;
use crate::templates::Templates;

use super::BuildOptions;

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
        let config = load_config(root, options)?;
        let mut problems = check_themes(&config);
        let locales = Locales::load(&config).map(Arc::new);
        let templates = load_templates(root, &locales).transpose();
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

/// aula.toml, with what the command line overrides.
pub(crate) fn load_config(root: &Path, options: &BuildOptions) -> Result<Config, Diagnostics> {
    let mut config = Config::load(root)?;
    if let Some(base_url) = &options.base_url {
        config.base_url = base_url.trim_end_matches('/').to_string();
    }
    config.search &= !options.no_search;
    Ok(config)
}

/// The templates, once the UI strings they use are loaded (`None` while those do not load).
pub(crate) fn load_templates(
    root: &Path,
    locales: &Result<Arc<Locales>, Diagnostics>,
) -> Option<Result<Templates, Diagnostics>> {
    locales
        .as_ref()
        .ok()
        .map(|locales| Templates::load(root, locales.clone()))
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
                    .group(Group::Config),
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
