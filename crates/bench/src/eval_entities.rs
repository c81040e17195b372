//! `newsprep-bench eval-entities`: scores entity tagging against hand-written gold mentions
//! of the seed articles (precision, recall and F1 per label, mentions compared as
//! (file, text, label) multisets), and measures tagging speed on a folder of texts,
//! optionally dumping the mentions for comparison with another tagger.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use newsprep_boilerplate::Boilerplate;
use newsprep_core::config::Config;
use newsprep_core::document::{Document, Label};
use newsprep_core::stage::observe_all;
use newsprep_decode::Decoder;
use newsprep_entities::Entities;

/// Options of `newsprep-bench eval-entities`.
#[derive(Debug, Args)]
pub struct EvalEntitiesArgs {
    /// Gold mentions: TSV with file, text, label, count (lines starting with # skipped).
    #[arg(long, value_name = "FILE")]
    gold: PathBuf,
    /// Folder holding the files the gold file names (page dumps; boilerplate is removed).
    #[arg(long, value_name = "DIR")]
    input: PathBuf,
    /// Folder of clean article texts (*.txt) to measure tagging speed on.
    #[arg(long, value_name = "DIR")]
    texts: Option<PathBuf>,
    /// Write the mentions found in --texts as JSON lines, for comparing taggers.
    #[arg(long, value_name = "FILE")]
    dump: Option<PathBuf>,
    /// Tag with the rules alone (`[entities] model = false`), for comparison.
    #[arg(long)]
    rules_only: bool,
}

type Key = (String, String, String);

pub fn eval(args: EvalEntitiesArgs) -> ExitCode {
    crate::tools::exit_status(run(&args))
}

fn run(args: &EvalEntitiesArgs) -> anyhow::Result<()> {
    let mut config = Config::default();
    config.entities.model = !args.rules_only;
    let entities = Entities::new(&config.entities)?;
    println!(
        "tagger: {}",
        if args.rules_only {
            "rules alone"
        } else {
            "rules and the trained model"
        }
    );
    let gold = read_gold(&args.gold)?;
    let found = tag_pages(args, &config, &entities, &gold)?;

    println!(
        "{:<8} {:>5} {:>5} {:>5}  {:>9} {:>6} {:>6}",
        "label", "gold", "found", "right", "precision", "recall", "F1"
    );
    for label in [Label::Person, Label::Loc, Label::Org, Label::Norp] {
        let of = |m: &BTreeMap<Key, u64>| -> BTreeMap<Key, u64> {
            m.iter()
                .filter(|(k, _)| k.2 == label.as_str())
                .map(|(k, v)| (k.clone(), *v))
                .collect()
        };
        let (g, f) = (of(&gold), of(&found));
        let right: u64 = g
            .iter()
            .map(|(k, n)| (*n).min(f.get(k).copied().unwrap_or(0)))
            .sum();
        let (gold_n, found_n): (u64, u64) = (g.values().sum(), f.values().sum());
        let (p, r, f1) = newsprep_entities::ner::train::prf(found_n, gold_n, right);
        println!(
            "{:<8} {gold_n:>5} {found_n:>5} {right:>5}  {p:>9.3} {r:>6.3} {f1:>6.3}",
            label.as_str()
        );
    }

    if let Some(dir) = &args.texts {
        speed(dir, &entities, args.dump.as_ref())?;
    }
    Ok(())
}

fn read_gold(path: &PathBuf) -> anyhow::Result<BTreeMap<Key, u64>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut gold = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.starts_with("file\t") || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        anyhow::ensure!(
            fields.len() == 4,
            "{}, line {}: expected file, text, label, count",
            path.display(),
            i + 1
        );
        let count: u64 = fields[3]
            .parse()
            .with_context(|| format!("{}, line {}: count", path.display(), i + 1))?;
        gold.insert(
            (
                fields[0].to_owned(),
                fields[1].to_owned(),
                fields[2].to_owned(),
            ),
            count,
        );
    }
    Ok(gold)
}

/// The mentions found in the gold file's pages, after decode and boilerplate removal
/// as the pipeline runs them.
fn tag_pages(
    args: &EvalEntitiesArgs,
    config: &Config,
    entities: &Entities,
    gold: &BTreeMap<Key, u64>,
) -> anyhow::Result<BTreeMap<Key, u64>> {
    let files: std::collections::BTreeSet<&String> = gold.keys().map(|k| &k.0).collect();
    let decoder = Decoder::new(&config.decode);
    let mut docs = Vec::new();
    for file in files {
        let path = args.input.join(file);
        let text = crate::tools::decoded_text(&decoder, &path)?;
        docs.push((
            file.clone(),
            Document {
                text,
                ..Document::default()
            },
        ));
    }
    let mut boilerplate = Boilerplate::new(&config.boilerplate);
    observe_all(&mut boilerplate, docs.iter().map(|(_, d)| d)).map_err(|e| anyhow::anyhow!(e))?;

    let mut found = BTreeMap::new();
    for (file, doc) in &docs {
        let article = boilerplate.extract(&doc.text).text;
        for m in entities.tag(&article) {
            let label = m.label.map_or("", |l| l.as_str()).to_owned();
            *found.entry((file.clone(), m.text, label)).or_default() += 1;
        }
    }
    Ok(found)
}

/// Tags every text of `dir` on one thread and prints words per second.
fn speed(dir: &std::path::Path, entities: &Entities, dump: Option<&PathBuf>) -> anyhow::Result<()> {
    let files = crate::tools::txt_files(dir)?;
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            let id = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            std::fs::read_to_string(p).map(|t| (id, t))
        })
        .collect::<Result<_, _>>()?;
    let words: usize = texts
        .iter()
        .map(|(_, t)| t.split_whitespace().count())
        .sum();
    let started = Instant::now();
    let tagged: Vec<_> = texts.iter().map(|(_, t)| entities.tag(t)).collect();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "speed: {} texts, {} words in {:.3} s on one thread ({:.0} words/s)",
        texts.len(),
        words,
        seconds,
        words as f64 / seconds.max(1e-9)
    );
    if let Some(path) = dump {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        for ((id, _), mentions) in texts.iter().zip(&tagged) {
            let list: Vec<serde_json::Value> = mentions
                .iter()
                .map(|m| {
                    serde_json::json!([m.start, m.end, m.label.map_or("", |l| l.as_str()), m.text])
                })
                .collect();
            writeln!(out, "{}", serde_json::json!({"id": id, "mentions": list}))?;
        }
    }
    Ok(())
}
