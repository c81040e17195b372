//! `newsprep-bench eval-hostile`: the time decode takes on each generated hostile page
//! shape (`newsprep_decode::html::hostile`) at the size limit, the median of a few
//! rounds, for BENCHMARKS.md; each should stay under a second in a release build.

use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use newsprep_core::config::DecodeConfig;
use newsprep_decode::{html, Decoder};

use crate::tools::exit_status;

#[derive(Debug, Args)]
pub struct EvalHostileArgs {
    /// Page size in bytes; the default is `[decode] max_bytes`'s default, 16 MiB.
    #[arg(long)]
    size: Option<usize>,
    /// Rounds per shape; the median is reported.
    #[arg(long, default_value_t = 3)]
    rounds: u16,
}

pub fn eval(args: EvalHostileArgs) -> ExitCode {
    exit_status(run(args))
}

fn run(args: EvalHostileArgs) -> anyhow::Result<()> {
    let config = DecodeConfig::default();
    let decoder = Decoder::new(&config);
    let size = args.size.unwrap_or(config.max_bytes as usize);
    println!("| shape | bytes | median seconds | outcome |");
    println!("| --- | --- | --- | --- |");
    for name in html::hostile::SHAPES {
        let page = html::hostile::page(name, size)
            .ok_or_else(|| anyhow::anyhow!("unknown shape {name}"))?;
        let mut times = Vec::new();
        let mut outcome = String::new();
        for _ in 0..args.rounds.max(1) {
            let started = Instant::now();
            let result = decoder.decode_html_bytes(page.as_bytes());
            times.push(started.elapsed().as_secs_f64());
            outcome = match result {
                Ok(page) => format!("{} characters of text", page.decoded.text.chars().count()),
                Err(rejection) => format!("`{}`", rejection.reason.as_str()),
            };
        }
        times.sort_by(f64::total_cmp);
        println!(
            "| {name} | {} | {:.3} | {outcome} |",
            page.len(),
            times[times.len() / 2]
        );
    }
    Ok(())
}
