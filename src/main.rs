//! The `aula` command. Everything it does is in the library; see `src/lib.rs`.

fn main() -> std::process::ExitCode {
    aula::run()
}
