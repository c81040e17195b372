//! The `newsprep` binary: parses the command line, sets up logging, and maps every
//! outcome to an exit code a scheduler can act on.

mod eval;
mod eval_dedup;
mod eval_entities;
mod eval_html;
mod gen;
mod guard;
mod output;
mod progress;
mod report;
mod run;
mod tools;

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
    /// Score boilerplate removal against gold article texts (benchmark metric).
    EvalBoilerplate(eval::EvalArgs),
    /// Score HTML article extraction against gold article texts, with its speed.
    EvalHtml(eval_html::EvalHtmlArgs),
    /// Score deduplication on a folder: pairs found against brute-force Jaccard.
    EvalDedup(eval_dedup::EvalDedupArgs),
    /// Score entity tagging against gold mentions of the seeds, and its speed.
    EvalEntities(eval_entities::EvalEntitiesArgs),
    /// Write a seeded corpus of articles with known exact and near copies.
    GenCorpus(gen::GenArgs),
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
    /// Directory read recursively for text dumps (*.txt, *.text) and HTML pages
    /// (*.html, *.htm, *.xhtml), plain, .gz or .zst
    /// [config: input_dir, default: raw]
    #[arg(long, value_name = "DIR")]
    input: Option<PathBuf>,
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

/// How the process ends; each variant is one documented exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The run finished, possibly with some documents quarantined.
    Success,
    /// The run itself failed: output could not be written, for instance.
    Failure,
    /// The command line or the configuration is wrong; nothing was run.
    UsageError,
    /// Another run holds the output folder's lock; nothing was run.
    Locked,
    /// Stopped by SIGINT (Ctrl-C); the previous output is untouched.
    Interrupted,
    /// Stopped by SIGTERM; the previous output is untouched.
    Terminated,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(match status {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::UsageError => 2,
            ExitStatus::Locked => 3,
            ExitStatus::Interrupted => 130,
            ExitStatus::Terminated => 143,
        })
    }
}

fn main() -> ExitCode {
    // clap itself exits with 2 on a usage error and 0 for --help and --version.
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Merge(args) => run::merge(args),
        Command::Report(args) => report::report(args),
        Command::EvalBoilerplate(args) => eval::eval(args),
        Command::EvalHtml(args) => eval_html::eval(args),
        Command::EvalDedup(args) => eval_dedup::eval(args),
        Command::EvalEntities(args) => eval_entities::eval(args),
        Command::GenCorpus(args) => gen::gen(args),
    };
    status.into()
}
