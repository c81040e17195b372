//! `newsprep-bench eval-mojibake`: decode's mojibake repair on the suite in
//! `tests/fixtures/mojibake/` (correct text that must stay, broken text that must be
//! fixed, by kind of accident), and its speed on real article texts, clean and garbled.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use newsprep_decode::mojibake;

use crate::tools::{exit_status, txt_files};

#[derive(Debug, Args)]
pub struct EvalMojibakeArgs {
    /// Correct strings, one per line (`#` comments).
    #[arg(long, default_value = "tests/fixtures/mojibake/correct.txt")]
    correct: PathBuf,
    /// Broken strings: broken TAB correct TAB kind, `\xNN` for C1 controls.
    #[arg(long, default_value = "tests/fixtures/mojibake/broken.tsv")]
    broken: PathBuf,
    /// A folder of real article texts (`*.txt`) to time the repair on.
    #[arg(long)]
    texts: Option<PathBuf>,
}

pub fn eval(args: EvalMojibakeArgs) -> ExitCode {
    exit_status(run(args))
}

fn run(args: EvalMojibakeArgs) -> anyhow::Result<()> {
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    };
    let correct = read(&args.correct)?;
    let correct: Vec<&str> = correct.lines().filter(|l| !l.starts_with('#')).collect();
    let changed: Vec<String> = correct
        .iter()
        .filter_map(|line| {
            let (fixed, _) = mojibake::repair(line);
            (fixed != *line).then(|| format!("  changed: {line} -> {fixed}"))
        })
        .collect();
    println!(
        "correct strings changed: {} of {}",
        changed.len(),
        correct.len()
    );
    for line in &changed {
        println!("{line}");
    }

    let broken = read(&args.broken)?;
    let mut by_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut missed = Vec::new();
    for line in broken.lines().filter(|l| !l.starts_with('#')) {
        let mut fields = line.split('\t');
        let (Some(bad), Some(good), Some(kind)) = (fields.next(), fields.next(), fields.next())
        else {
            anyhow::bail!(
                "{}: not broken TAB correct TAB kind: {line}",
                args.broken.display()
            );
        };
        let bad = mojibake::unescape_c1(bad);
        let (fixed, _) = mojibake::repair(&bad);
        let entry = by_kind.entry(kind).or_default();
        entry.1 += 1;
        if fixed == good {
            entry.0 += 1;
        } else {
            missed.push(format!("  missed [{kind}]: {bad} -> {fixed}"));
        }
    }
    let fixed: usize = by_kind.values().map(|v| v.0).sum();
    let total: usize = by_kind.values().map(|v| v.1).sum();
    let kinds: Vec<String> = by_kind
        .iter()
        .map(|(k, v)| format!("{k} {}/{}", v.0, v.1))
        .collect();
    println!(
        "broken strings fixed: {fixed} of {total} ({})",
        kinds.join(", ")
    );
    for line in &missed {
        println!("{line}");
    }

    if let Some(dir) = args.texts {
        let texts: Vec<String> = txt_files(&dir)?
            .iter()
            .map(std::fs::read_to_string)
            .collect::<Result<_, _>>()
            .with_context(|| format!("cannot read the texts in {}", dir.display()))?;
        let garbled: Vec<String> = texts
            .iter()
            .map(|t| {
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(t.as_bytes())
                    .0
                    .into_owned()
            })
            .collect();
        let restored = garbled
            .iter()
            .zip(&texts)
            .filter(|(g, t)| mojibake::repair(g).0 == t.as_str())
            .count();
        let unchanged = texts
            .iter()
            .filter(|t| mojibake::repair(t).0 == t.as_str())
            .count();
        println!(
            "real texts: {unchanged} of {} clean ones unchanged; {restored} of {} garbled as windows-1252 repaired byte for byte",
            texts.len(),
            garbled.len()
        );
        for (name, input) in [("clean", &texts), ("garbled as windows-1252", &garbled)] {
            let bytes: usize = input.iter().map(String::len).sum();
            let mut best = f64::INFINITY;
            let mut repairs = 0;
            for _ in 0..3 {
                let started = Instant::now();
                repairs = input.iter().map(|t| mojibake::repair(t).1).sum::<u64>();
                best = best.min(started.elapsed().as_secs_f64());
            }
            println!(
                "speed on {} {name} article texts ({:.1} MB): {:.0} MB/s on one thread, {repairs} characters repaired",
                input.len(),
                bytes as f64 / 1e6,
                bytes as f64 / best / 1e6
            );
        }
    }
    Ok(())
}
