//! `aula-lab-sandbox`: the lab launcher alone (see `src/labs/sandbox/launcher.rs`), a binary a
//! fraction of `aula`'s size, so that starting it for every run costs less. The runner uses it
//! when it sits beside `aula`, and `aula __lab-sandbox` otherwise.

fn main() -> std::process::ExitCode {
    aula::lab_sandbox()
}
