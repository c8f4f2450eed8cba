//! Problems found in a user's files, with their places.
//!
//! Every error or warning about an author's file is a [`Diagnostic`]: the file, a 1-based line and
//! column counted from the top of that file, what is wrong, and (where we know one) how to fix it.
//! Steps of the pipeline collect them into [`Diagnostics`] instead of stopping at the first, so a
//! build reports every problem at once. [`LineIndex`] turns byte offsets (which parsers give) into
//! lines and columns. Printing happens in one place, [`Diagnostic`]'s `Display`, which `build`,
//! `check` and the preview server all use.
//!
//! This module knows nothing about Markdown, templates or any engine: callers translate their
//! engine's error positions into offsets or lines before they get here.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is. Errors fail `build`; warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    Error,
    Warning,
}

/// One problem at one place in one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Diagnostic {
    pub(crate) severity: Severity,
    /// The file, relative to the site root where possible.
    pub(crate) path: PathBuf,
    /// 1-based; 0 when the problem is about the whole file.
    pub(crate) line: usize,
    /// 1-based, counted in characters; 0 when unknown.
    pub(crate) column: usize,
    pub(crate) message: String,
    /// How to fix it, when we can say.
    pub(crate) hint: Option<String>,
    /// What part of the site it is about, for `aula check`'s report.
    pub(crate) group: Group,
}

/// What part of a site a problem is about. `aula check` reports problems group by group, in the
/// order of [`Group::ALL`]; its JSON names each group by [`Group::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Group {
    Config,
    /// A page's front matter; `aula check` reports a loader's [`Group::Content`] problems here.
    FrontMatter,
    Verified,
    Links,
    Translations,
    Fluent,
    Templates,
    Labs,
    /// The content tree as the loader reads it: the group of a diagnostic nobody placed.
    Content,
}

impl Group {
    /// Every group, in the order of `aula check`'s report.
    pub(crate) const ALL: [Group; 9] = [
        Group::Config,
        Group::FrontMatter,
        Group::Verified,
        Group::Links,
        Group::Translations,
        Group::Fluent,
        Group::Templates,
        Group::Labs,
        Group::Content,
    ];

    /// The group's name in `aula check`'s report and JSON.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Group::Config => "config",
            Group::FrontMatter => "front matter",
            Group::Verified => "verified",
            Group::Links => "links",
            Group::Translations => "translations",
            Group::Fluent => "fluent",
            Group::Templates => "templates",
            Group::Labs => "labs",
            Group::Content => "content",
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Group {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl Diagnostic {
    pub(crate) fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            path: path.into(),
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
            group: Group::Content,
        }
    }

    pub(crate) fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(path, message)
        }
    }

    pub(crate) fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// Places the diagnostic at a byte offset of `source`, the full text of the file.
    pub(crate) fn at_offset(self, source: &str, offset: usize) -> Self {
        let (line, column) = LineIndex::new(source).line_column(offset);
        self.at(line, column)
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub(crate) fn group(mut self, group: Group) -> Self {
        self.group = group;
        self
    }

    pub(crate) fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:col: error: what is wrong — how to fix it`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {label}: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " — {hint}")?;
        }
        Ok(())
    }
}

/// A list of diagnostics collected across a step, kept in a stable order.
#[derive(Debug, Default, Clone)]
pub(crate) struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub(crate) fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Sorts by file, then place, and drops exact duplicates (one warning per key, not per page).
    pub(crate) fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.message).cmp(&(&b.path, b.line, b.column, &b.message))
        });
        self.0.dedup();
        self
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// Byte offsets → 1-based line and column (in characters), via a table of line starts.
pub(crate) struct LineIndex<'a> {
    source: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            source,
            line_starts,
        }
    }

    pub(crate) fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(exact) => exact,
            Err(next) => next - 1,
        };
        let start = self.line_starts[line];
        let column = self
            .source
            .get(start..offset)
            .map_or(offset - start, |text| text.chars().count());
        (line + 1, column + 1)
    }
}

/// The path to show for a file: relative to the site root when it is inside it.
pub(crate) fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns_counted_in_characters() {
        let index = LineIndex::new("ab\nñandú x\n");
        assert_eq!(index.line_column(0), (1, 1));
        assert_eq!(index.line_column(3), (2, 1));
        // "ñandú " is 6 characters but 8 bytes: the column counts characters.
        assert_eq!(index.line_column(3 + 8), (2, 7));
    }

    #[test]
    fn a_diagnostic_prints_path_line_column_message_and_hint() {
        let d = Diagnostic::error("content/en/a.md", "missing `title`")
            .at(2, 1)
            .hint("add `title = \"…\"` to the front matter");
        assert_eq!(
            d.to_string(),
            "content/en/a.md:2:1: error: missing `title` — add `title = \"…\"` to the front matter"
        );
    }
}
