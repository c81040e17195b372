//! `newsprep-bench eval-html`: decodes a folder of HTML pages (`ID.html` or `ID.html.gz`) as
//! the pipeline does, scores each article against `GOLD/ID.txt` with the benchmark's
//! shingle metric (see `eval-boilerplate`), and reports the speed of the whole
//! extraction next to that of parsing alone, the slowest page, and how often the page's
//! title and date were found (the date against the one in the page's URL, from a
//! manifest of `id<TAB>url` lines).

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use newsprep_boilerplate::Boilerplate;
use newsprep_core::config::Config;
use newsprep_core::document::{DocId, Document, Format};
use newsprep_core::stage::observe_all;
use newsprep_core::CorpusStage;
use newsprep_decode::{html, Decoder};

use crate::eval::{matching, shingles, Scores};

/// Options of `newsprep-bench eval-html`.
#[derive(Debug, Args)]
pub struct EvalHtmlArgs {
    /// Folder of pages, ID.html or ID.html.gz each.
    #[arg(long, value_name = "DIR")]
    html: PathBuf,
    /// Folder of gold article texts, ID.txt each.
    #[arg(long, value_name = "DIR")]
    gold: PathBuf,
    /// Tab-separated id and URL per line (a header line is skipped), to check dates.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// File listing page ids (one per line) to report separately, e.g. non-English pages.
    #[arg(long, value_name = "FILE")]
    exclude_ids: Option<PathBuf>,
    /// Pipeline configuration whose [decode] settings are evaluated.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Write each extracted article to DIR/ID.txt for inspection.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Timed rounds over all pages; the median round is reported.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..))]
    rounds: u16,
}

pub fn eval(args: EvalHtmlArgs) -> ExitCode {
    crate::tools::exit_status(run(&args))
}

/// One page of the benchmark.
struct Page {
    id: String,
    bytes: Vec<u8>,
    gold: String,
}

fn run(args: &EvalHtmlArgs) -> anyhow::Result<()> {
    let config = match &args.config {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    let excluded = crate::eval::id_list(args.exclude_ids.as_deref())?;
    let urls = urls(args.manifest.as_deref())?;
    let pages = read_pages(&args.html, &args.gold)?;
    let bytes: usize = pages.iter().map(|p| p.bytes.len()).sum();
    let decoder = Decoder::new(&config.decode);

    // Parsing alone, on the decoded strings, then the whole decode of each page.
    let texts: Vec<String> = pages
        .iter()
        .map(|p| String::from_utf8_lossy(&p.bytes).into_owned())
        .collect();
    let parse = median(args.rounds, || {
        for text in &texts {
            std::hint::black_box(parse_only(text));
        }
    });
    let mut slowest = (0.0, String::new());
    let mut results = Vec::new();
    let whole = median(args.rounds, || {
        results.clear();
        for page in &pages {
            let started = Instant::now();
            results.push(decoder.decode_html_bytes(&page.bytes).ok());
            let seconds = started.elapsed().as_secs_f64();
            if seconds > slowest.0 {
                slowest = (seconds, page.id.clone());
            }
        }
    });

    if let Some(out) = &args.out {
        std::fs::create_dir_all(out)?;
        for (page, result) in pages.iter().zip(&results) {
            let text = result.as_ref().map_or("", |r| r.decoded.text.as_str());
            std::fs::write(out.join(format!("{}.txt", page.id)), text)?;
        }
    }

    // The pipeline's view: the boilerplate stage over the decoded pages as a corpus,
    // which drops what recurs across pages and what a page repeats.
    let docs: Vec<Document> = results
        .iter()
        .enumerate()
        .map(|(i, r)| Document {
            doc_id: DocId(i as u64),
            format: Format::Html,
            text: r
                .as_ref()
                .map(|r| r.decoded.text.clone())
                .unwrap_or_default(),
            ..Document::default()
        })
        .collect();
    let mut stage = Boilerplate::new(&config.boilerplate);
    observe_all(&mut stage, docs.iter()).map_err(|e| anyhow::anyhow!(e))?;
    let corpus_texts: Vec<String> = docs
        .into_iter()
        .map(|mut doc| {
            if doc.text.is_empty() || stage.apply(&mut doc).is_err() {
                String::new()
            } else {
                doc.text
            }
        })
        .collect();
    let mut corpus = Scores::default();
    for (page, text) in pages.iter().zip(&corpus_texts) {
        corpus.push(
            matching(&shingles(&page.gold, 4), &shingles(text, 4)),
            matching(&shingles(&page.gold, 1), &shingles(text, 1)),
        );
    }

    let mut all = Scores::default();
    let mut kept = Scores::default();
    let (mut titled, mut dated, mut with_url_date) = (0, 0, 0);
    let mut undated = Vec::new();
    for (page, result) in pages.iter().zip(&results) {
        let text = result.as_ref().map_or("", |r| r.decoded.text.as_str());
        let four = matching(&shingles(&page.gold, 4), &shingles(text, 4));
        let words = matching(&shingles(&page.gold, 1), &shingles(text, 1));
        all.push(four, words);
        if !excluded.contains(&page.id) {
            kept.push(four, words);
        }
        let meta = result.as_ref().map(|r| &r.meta);
        if meta.is_some_and(|m| m.title.is_some()) {
            titled += 1;
        }
        if let Some(day) = urls.get(&page.id).and_then(|u| html::meta::date_in_url(u)) {
            with_url_date += 1;
            let published = meta.and_then(|m| m.published);
            // Within a day either way: the URL has the local date, the page a UTC time.
            if published.is_some_and(|p| (p - day).abs() <= 2 * 86_400_000_000) {
                dated += 1;
            } else {
                undated.push(page.id.as_str());
            }
        }
    }

    let n = pages.len() as f64;
    let mb = bytes as f64 / 1e6;
    println!(
        "pages: {}  {:.1} MB  median of {} rounds on one thread: whole decode {:.3} s ({:.0} pages/s, {:.1} MB/s), parsing alone {:.3} s ({:.0} pages/s): parsing is {:.0}% of the time",
        pages.len(),
        mb,
        args.rounds,
        whole,
        n / whole.max(1e-9),
        mb / whole.max(1e-9),
        parse,
        n / parse.max(1e-9),
        100.0 * parse / whole.max(1e-9)
    );
    println!("slowest page: {} ({:.1} ms)", slowest.1, slowest.0 * 1000.0);
    all.print("all pages, DOM extraction");
    corpus.print("all pages, + boilerplate stage");
    if !excluded.is_empty() {
        kept.print(&format!("without the {} listed ids", excluded.len()));
    }
    println!(
        "title found: {titled} of {} pages ({:.1}%)",
        pages.len(),
        100.0 * titled as f64 / n
    );
    if with_url_date > 0 {
        println!(
            "published within a day of the URL's date: {dated} of {with_url_date} pages with a date in their URL ({:.1}%)",
            100.0 * dated as f64 / with_url_date as f64
        );
        println!("  missed: {}", undated.join(" "));
    }
    Ok(())
}

/// Parses a page as [`html::extract`] does (traps closed, attributes and depth bounded first) and nothing more,
/// returning its node count: the floor under extraction's time.
fn parse_only(page: &str) -> usize {
    scraper::Html::parse_document(&html::prepare(page).0)
        .tree
        .nodes()
        .count()
}

/// The median wall time of `rounds` calls of `f`, in seconds.
fn median(rounds: u16, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..rounds)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn read_pages(dir: &Path, gold: &Path) -> anyhow::Result<Vec<Page>> {
    let mut pages = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (id, gz) = if let Some(id) = name.strip_suffix(".html.gz") {
            (id.to_owned(), true)
        } else if let Some(id) = name.strip_suffix(".html") {
            (id.to_owned(), false)
        } else {
            continue;
        };
        let raw =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let bytes = if gz {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(raw.as_slice())
                .read_to_end(&mut out)
                .with_context(|| format!("cannot decompress {}", path.display()))?;
            out
        } else {
            raw
        };
        let gold = std::fs::read_to_string(gold.join(format!("{id}.txt")))
            .with_context(|| format!("no gold text for page {id}"))?;
        pages.push(Page { id, bytes, gold });
    }
    Ok(pages)
}

fn urls(manifest: Option<&Path>) -> anyhow::Result<HashMap<String, String>> {
    let Some(path) = manifest else {
        return Ok(HashMap::new());
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut parts = l.split('\t');
            Some((parts.next()?.to_owned(), parts.next()?.to_owned()))
        })
        .collect())
}
