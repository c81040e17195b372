//! The `newsprep` binary: parses the command line, sets up logging, and maps every
//! outcome to an exit code a scheduler can act on.

mod progress;
mod report;
mod run;
mod status;

pub use status::ExitStatus;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Resident memory follows what the run holds: see `mimalloc` in the workspace manifest.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns a folder of raw scraped news documents into a clean Parquet dataset.
#[derive(Debug, Parser)]
#[command(name = "newsprep", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the pipeline: read the input directory, write Parquet tables and a manifest.
    Run(RunArgs),
    /// Join the outputs of `run --shard K/N` under DIR/shards/ into one dataset in DIR,
    /// deduplicating across shards.
    Merge(JobArgs),
    /// Summarise an output folder: counts, words, top entities, sources and months.
    Report(report::ReportArgs),
}

/// Options of `newsprep run`. Flags override the values in the config file.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    job: JobArgs,
    /// Process only inputs that are new or changed since the last run into the output
    /// folder, reuse the rest from there, and drop the documents of deleted inputs.
    /// The result is the one a full run would write. Without an earlier output (or
    /// after a change of settings) every input is processed.
    #[arg(long)]
    incremental: bool,
    /// Process only part K of N of the inputs (K from 0 to N-1, chosen by a hash of
    /// each input's path) into DIR/shards/K-of-N/; `newsprep merge` joins the parts.
    #[arg(long, value_name = "K/N", value_parser = newsprep_core::input::Shard::parse)]
    shard: Option<newsprep_core::input::Shard>,
}

/// Options shared by `newsprep run` and `newsprep merge`.
#[derive(Debug, Args)]
pub struct JobArgs {
    /// Pipeline configuration file. Without it, ./pipeline.toml is used when present,
    /// else the built-in defaults.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Directory read recursively for text dumps (*.txt, *.text), HTML pages
    /// (*.html, *.htm, *.xhtml) and WARC files (*.warc), plain, .gz or .zst
    /// [config: input_dir, default: raw]
    #[arg(long, value_name = "DIR")]
    input: Option<PathBuf>,
    /// Read the input files named in FILE, one path per line (relative to FILE's
    /// folder, or absolute), instead of walking --input: a Common Crawl warc.paths
    /// list, say. Lines starting with # are skipped.
    #[arg(long, value_name = "FILE", conflicts_with = "input")]
    input_list: Option<PathBuf>,
    /// Directory the Parquet tables and manifest.json are written to
    /// [config: output_dir, default: processed]
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Worker threads for per-document work [default: one per CPU core]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Write the lines boilerplate removal dropped to the removed_text column
    /// [config: boilerplate.keep_removed]
    #[arg(long)]
    keep_removed: bool,
    /// Show no progress bars and log only warnings and errors.
    #[arg(long, short)]
    quiet: bool,
    /// Log more detail (debug level).
    #[arg(long, short, conflicts_with = "quiet")]
    verbose: bool,
    /// Log lines as text, or as one JSON object per line for log collectors; the last
    /// line of a successful run is a summary with the manifest's counts.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    // clap itself exits with 2 on a usage error and 0 for --help and --version.
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Merge(args) => run::merge(args),
        Command::Report(args) => report::report(args),
    };
    status.into()
}
