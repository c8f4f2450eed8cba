//! `aula i18n mark <translation>`: records in a translation's front matter which version of its
//! original it reflects (`source_hash`, and `source_lang` when the original is not in the default
//! language), changing nothing else in the file.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::I18nCommand;
use crate::content::front_matter;
use crate::translations::{find_page, record_for};

pub(crate) fn execute(command: &I18nCommand) -> anyhow::Result<ExitCode> {
    match command {
        I18nCommand::Mark {
            root,
            translation,
            from,
        } => mark(&root.root, translation, from.as_deref()),
    }
}

fn mark(root: &Path, translation: &Path, from: Option<&str>) -> anyhow::Result<ExitCode> {
    let Some((config, content)) = super::load_content(root) else {
        return Ok(ExitCode::from(1));
    };
    let page = find_page(&config, &content, translation).map_err(anyhow::Error::msg)?;
    let record = record_for(&config, &content, page, from).map_err(anyhow::Error::msg)?;
    let file = config.root.join(&page.path);
    let edited = front_matter::set_fields(&page.source, &record.fields())
        .map_err(|d| anyhow::anyhow!("{}{d}", page.path.display()))?;
    if edited == *page.source {
        println!(
            "{} already records {} ({})",
            page.path.display(),
            record.source_hash,
            record.original.path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    super::write_in_place(&file, &edited)?;
    println!(
        "marked {}: source_hash = \"{}\" ({}){}",
        page.path.display(),
        record.source_hash,
        record.original.path.display(),
        record
            .source_lang
            .as_ref()
            .map(|l| format!(", source_lang = \"{l}\""))
            .unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}
