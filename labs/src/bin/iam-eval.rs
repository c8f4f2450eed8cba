fn main() -> std::process::ExitCode {
    aula_labs::protocol::run_main(aula_labs::iam_eval::run)
}
