//! `newsprep-bench eval-boilerplate`: runs decode and boilerplate removal over a folder of
//! page dumps and scores the articles against gold texts with the metric of the
//! article-extraction benchmark (scrapinghub/article-extraction-benchmark): word
//! 4-shingles as multisets, precision and recall per page normalised by the page's
//! shingle total, averaged over pages, F1 of the two means. Pages with nothing
//! extracted are left out of the precision mean, as there.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use newsprep_boilerplate::Boilerplate;
use newsprep_core::config::Config;
use newsprep_core::document::Document;
use newsprep_core::stage::observe_all;
use newsprep_decode::Decoder;

/// Options of `newsprep-bench eval-boilerplate`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Folder of page dumps, ID.txt each.
    #[arg(long, value_name = "DIR")]
    raw: PathBuf,
    /// Folder of gold article texts, ID.txt each.
    #[arg(long, value_name = "DIR")]
    gold: PathBuf,
    /// File listing page ids (one per line) to report separately, e.g. non-English pages.
    #[arg(long, value_name = "FILE")]
    exclude_ids: Option<PathBuf>,
    /// Pipeline configuration whose [boilerplate] settings are evaluated.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Write each extracted article to DIR/ID.txt for inspection.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Timed rounds over all pages; the median round is reported.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..))]
    rounds: u16,
}

pub fn eval(args: EvalArgs) -> ExitCode {
    crate::tools::exit_status(run(&args))
}

fn run(args: &EvalArgs) -> anyhow::Result<()> {
    let config = match &args.config {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    let excluded = id_list(args.exclude_ids.as_deref())?;

    let decoder = Decoder::new(&config.decode);
    let mut pages = Vec::new();
    for path in crate::tools::txt_files(&args.raw)? {
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = crate::tools::decoded_text(&decoder, &path)?;
        let gold = std::fs::read_to_string(args.gold.join(format!("{id}.txt")))
            .with_context(|| format!("no gold text for page {id}"))?;
        pages.push((id, text, gold));
    }

    let docs: Vec<Document> = pages
        .iter()
        .map(|(_, text, _)| Document {
            text: text.clone(),
            ..Document::default()
        })
        .collect();
    let started = Instant::now();
    let mut stage = Boilerplate::new(&config.boilerplate);
    let setup = started.elapsed().as_secs_f64();
    let mut rounds: Vec<f64> = Vec::new();
    let mut extracted: Vec<String> = Vec::new();
    for _ in 0..args.rounds {
        let started = Instant::now();
        extracted = extract_all(&mut stage, &docs)?;
        rounds.push(started.elapsed().as_secs_f64());
    }
    rounds.sort_by(f64::total_cmp);
    let seconds = rounds[rounds.len() / 2];

    if let Some(out) = &args.out {
        std::fs::create_dir_all(out)?;
        for ((id, _, _), text) in pages.iter().zip(&extracted) {
            std::fs::write(out.join(format!("{id}.txt")), text)?;
        }
    }

    let mut all = Scores::default();
    let mut kept = Scores::default();
    for ((id, _, gold), text) in pages.iter().zip(&extracted) {
        let four = matching(&shingles(gold, 4), &shingles(text, 4));
        let words = matching(&shingles(gold, 1), &shingles(text, 1));
        all.push(four, words);
        if !excluded.contains(id) {
            kept.push(four, words);
        }
    }
    println!(
        "pages: {}  stage setup {:.0} ms once, then median of {} rounds: {:.3} s on one thread ({:.0} pages/s, corpus statistics and extraction)",
        pages.len(),
        setup * 1000.0,
        rounds.len(),
        seconds,
        pages.len() as f64 / seconds.max(1e-9)
    );
    all.print("all pages");
    if !excluded.is_empty() {
        kept.print(&format!("without the {} listed ids", excluded.len()));
    }
    Ok(())
}

/// The page ids listed one per line in `path`; none without a file.
pub(crate) fn id_list(path: Option<&std::path::Path>) -> anyhow::Result<HashSet<String>> {
    let Some(path) = path else {
        return Ok(HashSet::new());
    };
    Ok(std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect())
}

/// Runs the stage as the pipeline does: observe every page, decide, then extract.
fn extract_all(stage: &mut Boilerplate, docs: &[Document]) -> anyhow::Result<Vec<String>> {
    observe_all(stage, docs.iter()).map_err(|e| anyhow::anyhow!(e))?;
    Ok(docs
        .iter()
        .map(|doc| stage.extract(&doc.text).text)
        .collect())
}

/// Word tokens as the benchmark's `\w+` finds them.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
}

/// n-shingles with their counts; a text shorter than `n` words is one shingle.
pub(crate) fn shingles(text: &str, n: usize) -> HashMap<Vec<&str>, usize> {
    let words: Vec<&str> = tokens(text).collect();
    let mut counts = HashMap::new();
    for i in 0..words.len().saturating_sub(n - 1).max(1) {
        let end = (i + n).min(words.len());
        if i < end {
            *counts.entry(words[i..end].to_vec()).or_default() += 1;
        }
    }
    counts
}

/// True positives, false positives and false negatives, normalised to sum to 1.
pub(crate) fn matching(
    gold: &HashMap<Vec<&str>, usize>,
    pred: &HashMap<Vec<&str>, usize>,
) -> [f64; 3] {
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    for key in gold
        .keys()
        .chain(pred.keys().filter(|k| !gold.contains_key(*k)))
    {
        let g = *gold.get(key).unwrap_or(&0) as f64;
        let p = *pred.get(key).unwrap_or(&0) as f64;
        tp += g.min(p);
        fp += (p - g).max(0.0);
        fn_ += (g - p).max(0.0);
    }
    let sum = tp + fp + fn_;
    if sum > 0.0 {
        [tp / sum, fp / sum, fn_ / sum]
    } else {
        [0.0; 3]
    }
}

#[derive(Default)]
pub(crate) struct Scores {
    shingles: Vec<[f64; 3]>,
    words: Vec<[f64; 3]>,
}

impl Scores {
    pub(crate) fn push(&mut self, shingles: [f64; 3], words: [f64; 3]) {
        self.shingles.push(shingles);
        self.words.push(words);
    }

    pub(crate) fn print(&self, label: &str) {
        let (p, r, f) = prf(&self.shingles);
        let (bp, br, bf) = prf(&self.words);
        println!(
            "{label:<28} pages {:>3}  shingle4 P {p:.3} R {r:.3} F1 {f:.3}   bag-of-words P {bp:.3} R {br:.3} F1 {bf:.3}",
            self.shingles.len()
        );
    }
}

/// Mean precision (pages with something extracted), mean recall, F1 of the means.
fn prf(pages: &[[f64; 3]]) -> (f64, f64, f64) {
    let precision: Vec<f64> = pages
        .iter()
        .filter(|[tp, fp, _]| tp + fp > 0.0)
        .map(|&[tp, fp, fn_]| score(tp, fp, fn_, fp))
        .collect();
    let recall: Vec<f64> = pages
        .iter()
        .filter(|[tp, _, fn_]| tp + fn_ > 0.0)
        .map(|&[tp, fp, fn_]| score(tp, fp, fn_, fn_))
        .collect();
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let (p, r) = (mean(&precision), mean(&recall));
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// tp / (tp + miss), with the benchmark's edge cases: 1 when nothing was wrong at all,
/// 0 when nothing was right.
fn score(tp: f64, fp: f64, fn_: f64, miss: f64) -> f64 {
    if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else if tp == 0.0 && miss == 0.0 {
        0.0
    } else {
        tp / (tp + miss)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shingles_are_counted_as_multisets() {
        let s = shingles("a b c d a b c d", 4);
        assert_eq!(s.values().sum::<usize>(), 5);
        assert_eq!(s[&vec!["a", "b", "c", "d"]], 2);
        assert_eq!(shingles("only two", 4).len(), 1);
        assert!(shingles("", 4).is_empty());
    }

    #[test]
    fn matching_normalises_per_page() {
        let gold = shingles("one two three four five six", 4);
        let pred = shingles("one two three four five", 4);
        let [tp, fp, fn_] = matching(&gold, &pred);
        assert!((tp - 2.0 / 3.0).abs() < 1e-9 && fp == 0.0 && (fn_ - 1.0 / 3.0).abs() < 1e-9);
        let (p, r, _) = prf(&[[tp, fp, fn_]]);
        assert_eq!(p, 1.0);
        assert!((r - 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn tokens_follow_word_characters() {
        let t: Vec<_> = tokens("“Jalal-Abad”, 1,000 people_x!").collect();
        assert_eq!(t, ["Jalal", "Abad", "1", "000", "people_x"]);
    }
}
