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
