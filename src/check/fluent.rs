//! UI strings: keys missing or obsolete per language, placeholders that differ, keys that
//! templates or lab manifests use but the default language lacks.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Diagnostic, Diagnostics, Group, LineIndex};
use crate::site::Project;

/// Keys missing or obsolete per language, placeholders that differ from the default language's,
/// and keys that templates or lab manifests use but the default language does not define.
/// (Syntax errors and duplicate messages are the loader's, reported before this runs.)
pub(crate) fn fluent(project: &Project) -> Diagnostics {
    let mut problems = Diagnostics::default();
    let default = project.config.default_language.as_str();
    let empty = BTreeMap::new();
    let defined = project.locales.messages(default).unwrap_or(&empty);
    for lang in project.config.languages.iter().filter(|l| *l != default) {
        let messages = project.locales.messages(lang).unwrap_or(&empty);
        for (key, info) in defined {
            match messages.get(key) {
                None => problems.push(
                    Diagnostic::error(
                        &info.path,
                        format!("UI string `{key}` is missing in `{lang}`"),
                    )
                    .at(info.line, info.column)
                    .hint(format!(
                        "add `{key} = …` to a file in locales/{lang}/ (build shows the {default} text meanwhile)"
                    ))
                    .group(Group::Fluent),
                ),
                Some(translated) if translated.variables != info.variables => {
                    let list = |vars: &BTreeSet<String>| {
                        if vars.is_empty() {
                            "no placeholders".to_string()
                        } else {
                            vars.iter()
                                .map(|v| format!("{{ ${v} }}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    };
                    problems.push(
                        Diagnostic::error(
                            &translated.path,
                            format!(
                                "UI string `{key}` uses {} here but {} in {default} ({}:{})",
                                list(&translated.variables),
                                list(&info.variables),
                                info.path.display(),
                                info.line
                            ),
                        )
                        .at(translated.line, translated.column)
                        .hint("placeholder names are not translated: use the same `$names` in every language")
                        .group(Group::Fluent),
                    );
                }
                Some(_) => {}
            }
        }
        for (key, info) in messages {
            if !defined.contains_key(key) {
                problems.push(
                    Diagnostic::error(
                        &info.path,
                        format!(
                            "UI string `{key}` is obsolete: the default language ({default}) does not define it"
                        ),
                    )
                    .at(info.line, info.column)
                    .hint(format!("remove it, or add it to locales/{default}/ first"))
                    .group(Group::Fluent),
                );
            }
        }
    }
    let undefined = |key: &str| !defined.contains_key(key);
    for crate::templates::LiteralKey {
        path,
        line,
        column,
        key,
    } in crate::templates::literal_keys(&project.config.root)
    {
        if undefined(&key) {
            problems.push(
                Diagnostic::error(
                    path,
                    format!("UI string `{key}` is used here but not defined in locales/{default}/"),
                )
                .at(line, column)
                .hint(format!("add `{key} = …` to a file in locales/{default}/"))
                .group(Group::Fluent),
            );
        }
    }
    for lab in project.labs.labs() {
        let manifest = std::fs::read_to_string(project.config.root.join(&lab.manifest_path))
            .unwrap_or_default();
        for key in lab.fluent_keys() {
            if undefined(key) {
                let (line, column) = quoted_position(&manifest, key, None);
                problems.push(
                    Diagnostic::error(
                        &lab.manifest_path,
                        format!(
                            "UI string `{key}` is used by lab `{}` but not defined in locales/{default}/",
                            lab.id
                        ),
                    )
                    .at(line, column)
                    .hint(format!("add `{key} = …` to locales/{default}/lab-{}.ftl", lab.id))
                    .group(Group::Fluent),
                );
            }
        }
    }
    problems
}

/// Line and column of `"text"` in a TOML file, the first after `after` when given; 1:1 if absent.
pub(super) fn quoted_position(source: &str, text: &str, after: Option<&str>) -> (usize, usize) {
    let from = after.and_then(|a| source.find(a)).unwrap_or(0);
    let needle = format!("\"{text}\"");
    source[from..]
        .find(&needle)
        .map_or((1, 1), |i| LineIndex::new(source).line_column(from + i))
}
