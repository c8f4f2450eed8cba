//! Tag twins (`[tags]` in aula.toml) that name a tag no article of that language has: the
//! entry is most likely a typo, and the tag pages it meant to connect stay apart. (The table's
//! own shape was validated when the configuration loaded.)

use std::collections::BTreeSet;

use crate::config::CONFIG_FILE;
use crate::diagnostics::{Diagnostic, Diagnostics, Group};
use crate::site::Project;
use crate::tag_twins::tag_slug;

pub(super) fn tag_twins(project: &Project) -> Diagnostics {
    let entries = &project.config.tag_twins.entries;
    if entries.is_empty() {
        return Diagnostics::default();
    }
    // (language, tag slug) of every published article's own tags.
    let used: BTreeSet<(&str, String)> = project
        .content
        .pages
        .iter()
        .filter(|p| p.fallback_from.is_none())
        .flat_map(|p| p.front.tags.iter().map(|t| (p.lang.as_str(), tag_slug(t))))
        .collect();
    entries
        .iter()
        .filter(|e| !used.contains(&(e.lang.as_str(), tag_slug(&e.name))))
        .map(|e| {
            Diagnostic::error(
                CONFIG_FILE,
                format!("[tags]: no {} article has the tag `{}`", e.lang, e.name),
            )
            .at(e.line, e.column)
            .hint(format!(
                "write it as the {} articles write it in `tags` (or remove the entry)",
                e.lang
            ))
            .group(Group::Config)
        })
        .collect()
}
