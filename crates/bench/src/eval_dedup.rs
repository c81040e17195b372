//! `newsprep-bench eval-dedup`: runs the dedup stage over a folder of texts and scores the
//! duplicate pairs it finds against the truth, the Jaccard similarity of every pair of
//! documents computed by brute force.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use newsprep_core::config::Config;
use newsprep_core::document::{DocId, Document};
use newsprep_core::stage::observe_all;
use newsprep_decode::Decoder;
use newsprep_dedup::{text, Dedup};
use rayon::prelude::*;
use rustc_hash::FxHashSet;

/// Options of `newsprep-bench eval-dedup`.
#[derive(Debug, Args)]
pub struct EvalDedupArgs {
    /// Folder of documents (*.txt), e.g. from `newsprep-bench gen-corpus`.
    #[arg(long, value_name = "DIR")]
    input: PathBuf,
    /// Pipeline configuration whose [dedup] settings are evaluated.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Similarity from which pairs count towards the second recall figure.
    #[arg(long, default_value_t = 0.85)]
    strong: f64,
}

pub fn eval(args: EvalDedupArgs) -> ExitCode {
    crate::tools::exit_status(run(&args))
}

fn run(args: &EvalDedupArgs) -> anyhow::Result<()> {
    let config = match &args.config {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    config.validate()?;
    let decoder = Decoder::new(&config.decode);
    let files = crate::tools::txt_files(&args.input)?;
    let mut docs = Vec::with_capacity(files.len());
    for path in &files {
        let rel = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = crate::tools::decoded_text(&decoder, path)?;
        docs.push(Document {
            doc_id: DocId::for_path(&rel),
            source_path: rel,
            text,
            ..Document::default()
        });
    }

    // The stage as the runner drives it, on one thread.
    let started = Instant::now();
    let mut stage = Dedup::new(&config.dedup);
    observe_all(&mut stage, docs.iter()).map_err(|e| anyhow::anyhow!(e))?;
    let seconds = started.elapsed().as_secs_f64();
    let found: FxHashSet<(u64, u64)> = stage.found_pairs().into_iter().collect();
    println!(
        "documents: {}  dedup: {:.3} s on one thread ({:.0} documents/s)",
        docs.len(),
        seconds,
        docs.len() as f64 / seconds.max(1e-9)
    );

    // The truth: every pair, in parallel.
    let shingles: Vec<Vec<u64>> = docs
        .par_iter()
        .map(|d| {
            text::text_shingles(
                &text::collapse_repeated_paragraphs(&d.text),
                config.dedup.shingle_size,
            )
        })
        .collect();
    let ids: Vec<u64> = docs.iter().map(|d| d.doc_id.0).collect();
    let truth: Vec<(u64, u64, f64)> = (0..docs.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            let (shingles, ids) = (&shingles, &ids);
            (i + 1..shingles.len()).filter_map(move |j| {
                let (a, b) = (&shingles[i], &shingles[j]);
                // Jaccard cannot exceed the ratio of the set sizes: skip what cannot reach.
                let bound = a.len().min(b.len()) as f64 / a.len().max(b.len()).max(1) as f64;
                if bound < config.dedup.threshold {
                    return None;
                }
                let similarity = text::jaccard(a, b);
                (similarity >= config.dedup.threshold)
                    .then(|| (ids[i].min(ids[j]), ids[i].max(ids[j]), similarity))
            })
        })
        .collect();

    let true_pairs: FxHashSet<(u64, u64)> = truth.iter().map(|&(a, b, _)| (a, b)).collect();
    let hits = found.iter().filter(|p| true_pairs.contains(p)).count();
    let strong: Vec<&(u64, u64, f64)> = truth.iter().filter(|t| t.2 >= args.strong).collect();
    let strong_hits = strong
        .iter()
        .filter(|t| found.contains(&(t.0, t.1)))
        .count();
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    println!(
        "threshold {}: pairs found {}  true pairs {}  precision {:.4}  recall {:.4}",
        config.dedup.threshold,
        found.len(),
        true_pairs.len(),
        ratio(hits, found.len()),
        ratio(hits, true_pairs.len())
    );
    println!(
        "pairs with true Jaccard >= {}: {}  recall {:.4}",
        args.strong,
        strong.len(),
        ratio(strong_hits, strong.len())
    );
    Ok(())
}
