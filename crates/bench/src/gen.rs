//! `newsprep-bench gen-corpus`: seeded generators of corpora with known copies.
//!
//! `--kind articles` (for measuring dedup): each document is a new article (paragraphs
//! drawn from a pool of real articles), an exact copy of an earlier one with only case
//! and spacing changed, or a near copy with edits: a header or footer added, sentences
//! dropped, words replaced, paragraphs swapped.
//!
//! `--kind pages` (for measuring the whole pipeline): real page dumps whose article
//! lines are replaced by paragraphs drawn from the pool, so every page is new but keeps
//! a real page's chrome; then copies as above, files in windows-1252, windows-1251,
//! UTF-16 and gzip, and a few bad files, until the corpus reaches `--bytes`.
//!
//! `--kind html` (for measuring the whole pipeline on HTML): real HTML pages
//! (`*.html`, `*.html.gz`) whose paragraphs (`<p>` contents) are replaced by paragraphs
//! drawn from all the pages' paragraphs, so every page is new but keeps a real page's
//! markup and chrome; then exact copies and near copies (one paragraph replaced), a
//! tenth of the files gzipped, until the corpus reaches `--bytes`.
//!
//! `--kind warc` (for measuring WARC input against the same pages as files): the pages
//! `--kind html` makes, written twice: as `html/NNNNNN.html` files, and as WARC files
//! `warc/crawl-NNNNN.warc.gz` of 100 responses each, every response after its request
//! record and every record a gzip member of its own, as Common Crawl writes them.
//!
//! The same seed gives the same corpus.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use rand::seq::{IndexedMutRandom, IndexedRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Options of `newsprep-bench gen-corpus`; the integration tests parse them too
/// ([`GenArgs::parse_from`]) and call [`generate`], so that their inputs are made by
/// the very code and defaults the command uses.
#[derive(Debug, Parser)]
#[command(name = "gen-corpus")]
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
    /// What to generate: clean articles, or page dumps with encodings and bad files.
    #[arg(long, value_enum, default_value_t = Kind::Articles)]
    kind: Kind,
    /// For pages: stop once the corpus holds this many bytes (instead of --docs).
    #[arg(long)]
    bytes: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Kind {
    Articles,
    Pages,
    Html,
    Warc,
}

pub fn gen(args: GenArgs) -> ExitCode {
    crate::tools::exit_status(generate(&args))
}

/// Writes the corpus `args` describe into `args.out`.
pub fn generate(args: &GenArgs) -> anyhow::Result<()> {
    match args.kind {
        Kind::Pages => return pages(args),
        Kind::Html => return html_pages(args, None),
        Kind::Warc => return warc_pages(args),
        Kind::Articles => {}
    }
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

/// Lines of at least this many words in a page dump are article text, replaced by pool
/// paragraphs; shorter lines are the page's chrome and stay.
const ARTICLE_LINE_WORDS: usize = 15;

fn pages(args: &GenArgs) -> anyhow::Result<()> {
    let files = crate::tools::txt_files(&args.from)?;
    let pages: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display())))
        .collect::<Result<_, _>>()?;
    let pool: Vec<&str> = pages
        .iter()
        .flat_map(|p| p.lines())
        .map(str::trim)
        .filter(|l| l.split_whitespace().count() >= ARTICLE_LINE_WORDS)
        .collect();
    anyhow::ensure!(
        !pool.is_empty(),
        "{} holds no page dumps",
        args.from.display()
    );
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let limit = args.bytes.unwrap_or(u64::MAX);
    let mut written = 0u64;
    let mut texts: Vec<String> = Vec::new();
    let mut manifest = String::from("file\tkind\tparent\n");
    let mut i = 0;
    while written < limit && (args.bytes.is_some() || i < args.docs) {
        let roll: f64 = rng.random();
        let (kind, parent, text) = if i > 0 && roll < args.exact_share {
            let parent = rng.random_range(0..i);
            ("exact", Some(parent), texts[parent].clone())
        } else if i > 0 && roll < args.exact_share + args.near_share {
            let parent = rng.random_range(0..i);
            let mut lines: Vec<String> = texts[parent].lines().map(str::to_owned).collect();
            near_page(&mut lines, &pool, &mut rng);
            ("near", Some(parent), lines.join("\n"))
        } else {
            let page = &pages[rng.random_range(0..pages.len())];
            let text: Vec<String> = page
                .lines()
                .map(|l| {
                    if l.split_whitespace().count() >= ARTICLE_LINE_WORDS {
                        format!("   {}", pool[rng.random_range(0..pool.len())])
                    } else {
                        l.to_owned()
                    }
                })
                .collect();
            ("new", None, text.join("\n"))
        };
        let (name, bytes) = encode_page(i, &text, &mut rng);
        std::fs::write(args.out.join(&name), &bytes)
            .with_context(|| format!("cannot write {name}"))?;
        written += bytes.len() as u64;
        let parent = parent.map(|p: usize| format!("{p}")).unwrap_or_default();
        manifest.push_str(&format!("{name}\t{kind}\t{parent}\n"));
        texts.push(text);
        i += 1;
    }
    std::fs::write(args.out.join("corpus.tsv"), manifest)?;
    println!(
        "wrote {i} pages, {written} bytes, to {}",
        args.out.display()
    );
    Ok(())
}

fn near_page(lines: &mut Vec<String>, pool: &[&str], rng: &mut ChaCha8Rng) {
    for _ in 0..rng.random_range(1..=3) {
        let article: Vec<usize> = (0..lines.len())
            .filter(|&k| lines[k].split_whitespace().count() >= ARTICLE_LINE_WORDS)
            .collect();
        let Some(&k) = article.choose(rng) else {
            return;
        };
        match rng.random_range(0..3) {
            0 => {
                lines.remove(k);
            }
            1 => lines.insert(k, format!("   {}", pool[rng.random_range(0..pool.len())])),
            _ => lines[k] = lines[k].replacen(" the ", " a ", 1),
        }
    }
}

/// The file name and bytes of page `i`: mostly UTF-8, some in legacy encodings, some
/// UTF-16, some gzip-compressed, and one in five hundred broken on purpose.
fn encode_page(i: usize, text: &str, rng: &mut ChaCha8Rng) -> (String, Vec<u8>) {
    let roll: f64 = rng.random();
    let base = format!("page-{i:06}");
    if roll < 0.002 {
        return (format!("{base}.txt"), Vec::new());
    }
    if roll < 0.004 {
        let mut bytes = vec![0u8; 64];
        bytes.extend(text.as_bytes().iter().take(200));
        return (format!("{base}.txt"), bytes);
    }
    if roll < 0.10 {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        return (format!("{base}.txt"), bytes.into_owned());
    }
    if roll < 0.15 {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        return (format!("{base}.txt"), bytes.into_owned());
    }
    if roll < 0.20 {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        return (format!("{base}.txt"), bytes);
    }
    if roll < 0.30 {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let _ = encoder.write_all(text.as_bytes());
        return (
            format!("{base}.txt.gz"),
            encoder.finish().unwrap_or_default(),
        );
    }
    (format!("{base}.txt"), text.as_bytes().to_vec())
}

/// The byte ranges of the contents of each `<p ...>...</p>` in a page.
fn paragraph_spans(page: &str) -> Vec<(usize, usize)> {
    let lower = page.to_ascii_lowercase();
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(open) = lower[at..].find("<p") {
        let start_tag = at + open;
        let after = lower.as_bytes().get(start_tag + 2).copied();
        if !matches!(after, Some(b'>' | b' ' | b'\t' | b'\n')) {
            at = start_tag + 2;
            continue;
        }
        let Some(gt) = lower[start_tag..].find('>') else {
            break;
        };
        let start = start_tag + gt + 1;
        let Some(close) = lower[start..].find("</p>") else {
            break;
        };
        let end = start + close;
        if !lower[start..end].contains("<p") {
            spans.push((start, end));
        }
        at = end + 4;
    }
    spans
}

/// Pages whose paragraphs are swapped for others drawn from every page's paragraphs.
/// Responses per generated WARC file.
const WARC_PAGES_PER_FILE: usize = 100;

fn warc_pages(args: &GenArgs) -> anyhow::Result<()> {
    let html = args.out.join("html");
    let warc = args.out.join("warc");
    for dir in [&html, &warc] {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut pages = Vec::new();
    html_pages(args, Some(&mut pages))?;
    let mut bytes = 0u64;
    for (n, chunk) in pages.chunks(WARC_PAGES_PER_FILE).enumerate() {
        let mut file = Vec::new();
        for (i, page) in chunk.iter().enumerate() {
            let id = n * WARC_PAGES_PER_FILE + i;
            std::fs::write(html.join(format!("{id:06}.html")), page)?;
            let uri = format!("https://news.example/{id:06}.html");
            let date = "2024-05-01T10:00:00Z";
            let request = format!("GET /{id:06}.html HTTP/1.1\r\nHost: news.example\r\n\r\n");
            let mut response =
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n".to_vec();
            response.extend_from_slice(page.as_bytes());
            for (kind, content, extra) in [
                (
                    "request",
                    request.into_bytes(),
                    "application/http; msgtype=request",
                ),
                ("response", response, "application/http; msgtype=response"),
            ] {
                let mut record = format!(
                    "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{id:06}{:06}>\r\nWARC-Date: {date}\r\nWARC-Target-URI: {uri}\r\nContent-Type: {extra}\r\nContent-Length: {}\r\n\r\n",
                    if kind == "request" { 1 } else { 2 },
                    content.len()
                )
                .into_bytes();
                record.extend_from_slice(&content);
                record.extend_from_slice(b"\r\n\r\n");
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                gz.write_all(&record)?;
                file.extend(gz.finish()?);
            }
        }
        bytes += file.len() as u64;
        std::fs::write(warc.join(format!("crawl-{n:05}.warc.gz")), file)?;
    }
    println!(
        "wrote {} pages as HTML files and as {} WARC files ({bytes} bytes) to {}",
        pages.len(),
        pages.len().div_ceil(WARC_PAGES_PER_FILE),
        args.out.display()
    );
    Ok(())
}

/// Writes the pages, or with `keep`, hands them over instead (for `--kind warc`).
fn html_pages(args: &GenArgs, mut keep: Option<&mut Vec<String>>) -> anyhow::Result<()> {
    let mut pages: Vec<String> = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&args.from)
        .with_context(|| format!("cannot read {}", args.from.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".html") || name.ends_with(".html.gz")
        })
        .collect();
    entries.sort();
    for path in entries {
        let raw =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let bytes = if path.extension().is_some_and(|e| e == "gz") {
            let mut out = Vec::new();
            std::io::Read::read_to_end(
                &mut flate2::read::MultiGzDecoder::new(raw.as_slice()),
                &mut out,
            )
            .with_context(|| format!("cannot decompress {}", path.display()))?;
            out
        } else {
            raw
        };
        pages.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    let pool: Vec<String> = pages
        .iter()
        .flat_map(|p| {
            paragraph_spans(p)
                .into_iter()
                .map(|(a, b)| p[a..b].to_owned())
                .filter(|t| t.split_whitespace().count() >= ARTICLE_LINE_WORDS)
        })
        .collect();
    anyhow::ensure!(
        !pool.is_empty(),
        "{} holds no HTML pages with paragraphs",
        args.from.display()
    );
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let limit = args.bytes.unwrap_or(u64::MAX);
    let (mut written, mut i) = (0u64, 0usize);
    let mut made: Vec<String> = Vec::new();
    let mut manifest = String::from("file\tkind\tparent\n");
    let swap = |page: &str, rng: &mut ChaCha8Rng, every: bool| {
        let spans = paragraph_spans(page);
        let chosen = if spans.is_empty() {
            usize::MAX
        } else {
            rng.random_range(0..spans.len())
        };
        let mut out = String::with_capacity(page.len());
        let mut at = 0;
        for (k, &(a, b)) in spans.iter().enumerate() {
            out.push_str(&page[at..a]);
            let long = page[a..b].split_whitespace().count() >= ARTICLE_LINE_WORDS;
            if long && (every || k == chosen) {
                out.push_str(&pool[rng.random_range(0..pool.len())]);
            } else {
                out.push_str(&page[a..b]);
            }
            at = b;
        }
        out.push_str(&page[at..]);
        out
    };
    while written < limit && (args.bytes.is_some() || i < args.docs) {
        let roll: f64 = rng.random();
        let (kind, parent, page) = if i > 0 && roll < args.exact_share {
            let parent = rng.random_range(0..i);
            ("exact", Some(parent), made[parent].clone())
        } else if i > 0 && roll < args.exact_share + args.near_share {
            let parent = rng.random_range(0..i);
            ("near", Some(parent), swap(&made[parent], &mut rng, false))
        } else {
            let source = &pages[rng.random_range(0..pages.len())];
            ("new", None, swap(source, &mut rng, true))
        };
        let (name, bytes) = if rng.random::<f64>() < 0.1 {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(page.as_bytes())?;
            (format!("{i:06}.html.gz"), gz.finish()?)
        } else {
            (format!("{i:06}.html"), page.as_bytes().to_vec())
        };
        match keep.as_deref_mut() {
            Some(kept) => {
                written += page.len() as u64;
                kept.push(page.clone());
            }
            None => {
                std::fs::write(args.out.join(&name), &bytes)
                    .with_context(|| format!("cannot write {name}"))?;
                written += bytes.len() as u64;
            }
        }
        let parent = parent.map(|p: usize| format!("{p}")).unwrap_or_default();
        manifest.push_str(&format!("{name}\t{kind}\t{parent}\n"));
        made.push(page);
        i += 1;
    }
    if keep.is_some() {
        return Ok(());
    }
    std::fs::write(args.out.join("corpus.tsv"), manifest)?;
    println!(
        "wrote {i} HTML pages, {written} bytes, to {}",
        args.out.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_spans_are_the_contents_of_p_elements_only() {
        let page = "<p>One two</p><pre>x</pre><P class=a>Three</P><param><p>Four";
        let spans: Vec<&str> = paragraph_spans(page)
            .into_iter()
            .map(|(a, b)| &page[a..b])
            .collect();
        assert_eq!(spans, ["One two", "Three"]);
    }
}
