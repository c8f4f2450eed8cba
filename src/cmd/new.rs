//! `aula new` (being written).

use std::process::ExitCode;

pub(crate) fn execute<T: std::fmt::Debug>(_args: &T) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`aula new` is not available yet")
}
