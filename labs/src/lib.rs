//! The labs of the bundled aula course.
//!
//! Each lab is a pure function from a typed input to a list of output [`protocol::Block`]s, in a
//! module of its own with unit tests; `src/bin/<id>.rs` is a three-line `main` that hands the
//! function to [`protocol::run_main`]. The manifests in `manifests/` describe each lab's form to
//! aula; this crate never reads them (aula validates input against them before a lab runs, and
//! the labs validate again, because a lab binary can also be run by hand).

// No unwrap or expect on anything that comes from a user's files or a request; integration
// tests (their own crates) may unwrap, a failed unwrap there is a failed test.
#![warn(clippy::unwrap_used, clippy::expect_used)]

pub mod ansible_vars;
pub mod contract_check;
pub mod cost_allocation;
pub mod iam_eval;
pub mod protocol;
pub mod rate_limit;
pub mod token_budget;
