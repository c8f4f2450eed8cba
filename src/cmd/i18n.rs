//! `aula i18n` (being written).

use std::process::ExitCode;

pub(crate) fn execute<T: std::fmt::Debug>(_args: &T) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`aula i18n` is not available yet")
}
