fn main() -> std::process::ExitCode {
    aula_labs::protocol::run_main(aula_labs::token_budget::run)
}
