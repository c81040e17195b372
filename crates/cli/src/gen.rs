//! `newsprep gen-corpus`: a seeded generator of article corpora with known copies, for
//! measuring deduplication. Each document is either a new article (paragraphs drawn
//! from a pool of real articles), an exact copy of an earlier one with only case and
//! spacing changed, or a near copy with edits: a header or footer added, sentences
//! dropped, words replaced, paragraphs swapped. The same seed gives the same corpus.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use rand::seq::{IndexedMutRandom, IndexedRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::ExitStatus;

/// Options of `newsprep gen-corpus`.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// Folder of real article texts (*.txt) whose paragraphs make the articles.
    #[arg(long, value_name = "DIR")]
    from: PathBuf,
    /// Folder to write the corpus to (created; existing files are overwritten).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Documents to write.
    #[arg(long, default_value_t = 5000)]
    docs: usize,
    /// Seed of the random generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of documents that are near copies of an earlier one.
    #[arg(long, default_value_t = 0.10)]
    near_share: f64,
    /// Share of documents that are exact copies of an earlier one.
    #[arg(long, default_value_t = 0.05)]
    exact_share: f64,
}

pub fn gen(args: GenArgs) -> ExitStatus {
    crate::tools::exit_status(run(&args))
}

fn run(args: &GenArgs) -> anyhow::Result<()> {
    let pool = paragraphs(&args.from)?;
    anyhow::ensure!(
        pool.len() >= 20,
        "{} holds too few paragraphs to draw from",
        args.from.display()
    );
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let mut docs: Vec<Vec<String>> = Vec::with_capacity(args.docs);
    let mut manifest = String::from("file\tkind\tparent\n");
    for i in 0..args.docs {
        let roll: f64 = rng.random();
        let (kind, parent, doc) = if i > 0 && roll < args.exact_share {
            let parent = rng.random_range(0..i);
            ("exact", Some(parent), exact_copy(&docs[parent], &mut rng))
        } else if i > 0 && roll < args.exact_share + args.near_share {
            let parent = rng.random_range(0..i);
            (
                "near",
                Some(parent),
                near_copy(&docs[parent], &pool, &mut rng),
            )
        } else {
            let n = rng.random_range(6..=14);
            let doc = pool.choose_multiple(&mut rng, n).cloned().collect();
            ("new", None, doc)
        };
        let name = file_name(i);
        std::fs::write(args.out.join(&name), doc.join("\n\n"))
            .with_context(|| format!("cannot write {name}"))?;
        let parent = parent.map(file_name).unwrap_or_default();
        manifest.push_str(&format!("{name}\t{kind}\t{parent}\n"));
        docs.push(doc);
    }
    let mut file = std::fs::File::create(args.out.join("corpus.tsv"))?;
    file.write_all(manifest.as_bytes())?;
    println!("wrote {} documents to {}", args.docs, args.out.display());
    Ok(())
}

fn file_name(i: usize) -> String {
    format!("doc-{i:05}.txt")
}

/// Every blank-line-separated paragraph of ten words or more in the folder's texts.
fn paragraphs(dir: &Path) -> anyhow::Result<Vec<String>> {
    let files = crate::tools::txt_files(dir)?;
    let mut pool = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        pool.extend(
            text.split("\n\n")
                .map(str::trim)
                .filter(|p| p.split_whitespace().count() >= 10)
                .map(str::to_owned),
        );
    }
    Ok(pool)
}

/// The same words with only case and spacing changed.
fn exact_copy(doc: &[String], rng: &mut ChaCha8Rng) -> Vec<String> {
    doc.iter()
        .map(|p| match rng.random_range(0..3) {
            0 => p.to_uppercase(),
            1 => p.replace(' ', "  "),
            _ => p.clone(),
        })
        .collect()
}

/// One to four edits of the kinds syndication makes.
fn near_copy(doc: &[String], pool: &[String], rng: &mut ChaCha8Rng) -> Vec<String> {
    let mut out = doc.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        match rng.random_range(0..5) {
            0 => out.insert(
                0,
                format!(
                    "Published by outlet {} — all the news",
                    rng.random_range(1..500)
                ),
            ),
            1 => out.push(pool.choose(rng).cloned().unwrap_or_default()),
            2 => drop_sentence(&mut out, rng),
            3 => replace_words(&mut out, rng),
            _ => {
                if out.len() > 2 {
                    let i = rng.random_range(0..out.len() - 1);
                    out.swap(i, i + 1);
                }
            }
        }
    }
    out
}

fn drop_sentence(doc: &mut [String], rng: &mut ChaCha8Rng) {
    let Some(paragraph) = doc.choose_mut(rng) else {
        return;
    };
    let mut sentences: Vec<&str> = paragraph.split_inclusive(". ").collect();
    if sentences.len() > 1 {
        let i = rng.random_range(0..sentences.len());
        sentences.remove(i);
        *paragraph = sentences.concat();
    }
}

fn replace_words(doc: &mut [String], rng: &mut ChaCha8Rng) {
    let Some(paragraph) = doc.choose_mut(rng) else {
        return;
    };
    let mut words: Vec<String> = paragraph.split(' ').map(str::to_owned).collect();
    for _ in 0..rng.random_range(1..=3) {
        let i = rng.random_range(0..words.len());
        words[i] = ["reportedly", "officials", "Tuesday", "several", "nearly"]
            .choose(rng)
            .map(|w| (*w).to_owned())
            .unwrap_or_default();
    }
    *paragraph = words.join(" ");
}
