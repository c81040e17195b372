//! `newsprep-bench eval-hostile`: the time decode takes on each generated hostile page
//! shape (`newsprep_decode::html::hostile`) at the size limit, the median of a few
//! rounds, for BENCHMARKS.md; each should stay under a second in a release build.
//! Beside the wall time, the CPU time of the thread that decoded (Linux's
//! `/proc/thread-self/stat`, in 10 ms ticks), which a machine shared with other work
//! does not inflate.

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
    /// Only the shapes named (repeat the flag); every shape when none is.
    #[arg(long)]
    shape: Vec<String>,
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
    println!("| shape | bytes | median seconds | median CPU seconds | outcome |");
    println!("| --- | --- | --- | --- | --- |");
    for name in html::hostile::SHAPES {
        if !args.shape.is_empty() && !args.shape.iter().any(|s| s == name) {
            continue;
        }
        let page = html::hostile::page(name, size)
            .ok_or_else(|| anyhow::anyhow!("unknown shape {name}"))?;
        let mut times = Vec::new();
        let mut cpu_times = Vec::new();
        let mut outcome = String::new();
        for _ in 0..args.rounds.max(1) {
            let started = Instant::now();
            let cpu_started = thread_cpu_seconds();
            let result = decoder.decode_html_bytes(page.as_bytes());
            times.push(started.elapsed().as_secs_f64());
            cpu_times.push(thread_cpu_seconds() - cpu_started);
            outcome = match result {
                Ok(page) => format!("{} characters of text", page.decoded.text.chars().count()),
                Err(rejection) => format!("`{}`", rejection.reason.as_str()),
            };
        }
        times.sort_by(f64::total_cmp);
        cpu_times.sort_by(f64::total_cmp);
        println!(
            "| {name} | {} | {:.3} | {:.3} | {outcome} |",
            page.len(),
            times[times.len() / 2],
            cpu_times[cpu_times.len() / 2]
        );
    }
    Ok(())
}

/// Seconds this thread has run on a CPU, user and system; NaN where the kernel does
/// not say. The fields after the command's closing parenthesis start at the third, so
/// utime and stime (the 14th and 15th) are the 12th and 13th there; Linux counts them
/// in ticks of 1/100 s.
fn thread_cpu_seconds() -> f64 {
    let ticks = std::fs::read_to_string("/proc/thread-self/stat")
        .ok()
        .and_then(|s| {
            let fields: Vec<u64> = s
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .skip(11)
                .take(2)
                .map(|f| f.parse().ok())
                .collect::<Option<_>>()?;
            Some(fields.iter().sum::<u64>())
        });
    ticks.map_or(f64::NAN, |t| t as f64 / 100.0)
}
