//! The command line: what each command accepts. The one module that knows clap; commands get
//! plain option structs.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "aula",
    version,
    about = "Build multilingual learning sites with runnable labs"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the site into a folder (written atomically).
    Build(BuildArgs),
    /// Build into memory, serve it, rebuild on changes and run labs.
    Serve(ServeArgs),
    /// Check links, translations, UI strings, labs' examples and front matter.
    Check(CheckArgs),
    /// List or run labs.
    #[command(subcommand)]
    Labs(LabsCommand),
    /// Create a site, an article or a translation from a skeleton.
    #[command(subcommand)]
    New(NewCommand),
    /// Translation bookkeeping.
    #[command(subcommand)]
    I18n(I18nCommand),
}

#[derive(Debug, clap::Args)]
pub(crate) struct RootArg {
    /// The site's folder (the one with aula.toml).
    #[arg(long, default_value = ".")]
    pub(crate) root: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// Where to write the site.
    #[arg(long, default_value = "public")]
    pub(crate) output: PathBuf,
    /// Override base_url from aula.toml.
    #[arg(long)]
    pub(crate) base_url: Option<String>,
    /// Include pages marked `draft = true`.
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Leave out the search index (and the search box): a faster build, e.g. while drafting.
    #[arg(long)]
    pub(crate) no_search: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// The address to listen on. Labs run programs: keep it on loopback unless you mean it.
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) bind: String,
    #[arg(long, default_value_t = 1111)]
    pub(crate) port: u16,
    /// Open the site in a browser.
    #[arg(long)]
    pub(crate) open: bool,
    /// How many labs may run at once (one more request gets 429 with Retry-After).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub(crate) lab_slots: u16,
    /// Include pages marked `draft = true`.
    #[arg(long)]
    pub(crate) drafts: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: Format,
    /// Fail on warnings too (missing, stale or unrecorded translations).
    #[arg(long)]
    pub(crate) strict: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum LabsCommand {
    /// List the site's labs and their examples.
    List(RootArg),
    /// Run a lab once and print its answer.
    Run(LabsRunArgs),
    /// Serve only the lab API, for a published site's pages (`[labs] endpoint`).
    Serve(LabsServeArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct LabsServeArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// The address to listen on (0.0.0.0 in a container).
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) bind: String,
    #[arg(long, default_value_t = 8787)]
    pub(crate) port: u16,
    /// An origin whose pages may call the runner (`https://course.example.org`); repeat for more.
    /// Browsers on other origins get 403 and no CORS headers.
    #[arg(
        long = "allow-origin",
        value_name = "URL",
        required_unless_present = "check"
    )]
    pub(crate) allow_origins: Vec<String>,
    /// Labs that may run at once (default: the number of CPUs); one more gets 429.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub(crate) slots: Option<u16>,
    /// Runs per second one client earns (0: no rate limit).
    #[arg(long, default_value_t = 2.0)]
    pub(crate) rate: f64,
    /// Runs one client may save up and spend at once.
    #[arg(long, default_value_t = 20.0)]
    pub(crate) burst: f64,
    /// Take the client's address from this header's last entry (e.g. X-Forwarded-For). Only
    /// behind a proxy that sets it: anyone can send it.
    #[arg(long, value_name = "HEADER")]
    pub(crate) trusted_proxy_header: Option<String>,
    /// Open connections one client may hold.
    #[arg(long, default_value_t = 32)]
    pub(crate) connections_per_client: usize,
    /// Seconds a SIGTERM waits for runs in flight.
    #[arg(long, default_value_t = 30)]
    pub(crate) drain_seconds: u64,
    /// Print the sandbox's layers and the labs, then exit (1 when a lab is not built).
    #[arg(long)]
    pub(crate) check: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct LabsRunArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// The lab's id.
    pub(crate) id: String,
    /// Run one of the lab's examples (the default input otherwise).
    #[arg(long, conflicts_with = "input")]
    pub(crate) example: Option<String>,
    /// A JSON file with input values (merged over the defaults).
    #[arg(long)]
    pub(crate) input: Option<PathBuf>,
    /// The language of the answer.
    #[arg(long, default_value = "en")]
    pub(crate) lang: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum NewCommand {
    /// A working bilingual site skeleton.
    Site {
        /// The folder to create.
        dir: PathBuf,
    },
    /// An article in a section and language.
    Article {
        #[command(flatten)]
        root: RootArg,
        #[arg(long)]
        section: String,
        #[arg(long)]
        lang: String,
        /// The article's title.
        title: String,
    },
    /// A translation of an article, with the record of its original filled in.
    Translation {
        #[command(flatten)]
        root: RootArg,
        /// The original's source file (content/en/…/x.md).
        original: PathBuf,
        #[arg(long)]
        lang: String,
        /// The translation's slug (a file name in the target language).
        #[arg(long)]
        slug: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum I18nCommand {
    /// Record that a translation has caught up with its original.
    Mark {
        #[command(flatten)]
        root: RootArg,
        /// The translation's source file.
        translation: PathBuf,
        /// The original's language, when it is not the default language (recorded as
        /// `source_lang`); by default the one the file already records.
        #[arg(long)]
        from: Option<String>,
    },
}
