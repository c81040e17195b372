//! The `newsprep-bench` binary: the measuring commands behind `make eval*` and
//! `make bench*` (scoring against gold data, generating corpora), kept out of the
//! `newsprep` binary users run, so its help lists only what a pipeline needs.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use newsprep_bench::{
    eval, eval_dedup, eval_entities, eval_hostile, eval_html, eval_mojibake, gen,
};

/// Measures newsprep's stages against gold data and generates benchmark corpora.
#[derive(Debug, Parser)]
#[command(
    name = "newsprep-bench",
    version,
    about = "Measures newsprep's stages against gold data and generates benchmark corpora.",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Score boilerplate removal against gold article texts (benchmark metric).
    EvalBoilerplate(eval::EvalArgs),
    /// Score HTML article extraction against gold article texts, with its speed.
    EvalHtml(eval_html::EvalHtmlArgs),
    /// Score deduplication on a folder: pairs found against brute-force Jaccard.
    EvalDedup(eval_dedup::EvalDedupArgs),
    /// Score entity tagging against gold mentions of the seeds, and its speed.
    EvalEntities(eval_entities::EvalEntitiesArgs),
    /// Mojibake repair on the suite of correct and broken strings, and its speed.
    EvalMojibake(eval_mojibake::EvalMojibakeArgs),
    /// Decode time of each generated hostile page shape at the size limit.
    EvalHostile(eval_hostile::EvalHostileArgs),
    /// Write a seeded corpus of articles with known exact and near copies.
    GenCorpus(gen::GenArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::EvalBoilerplate(args) => eval::eval(args),
        Command::EvalHtml(args) => eval_html::eval(args),
        Command::EvalDedup(args) => eval_dedup::eval(args),
        Command::EvalEntities(args) => eval_entities::eval(args),
        Command::EvalMojibake(args) => eval_mojibake::eval(args),
        Command::EvalHostile(args) => eval_hostile::eval(args),
        Command::GenCorpus(args) => gen::gen(args),
    }
}
