//! `aula serve` (being written).

use std::process::ExitCode;

pub(crate) fn execute<T: std::fmt::Debug>(_args: &T) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`aula serve` is not available yet")
}
