//! Snapshots of what decode makes of one input of each kind: a text dump, an HTML page
//! and a WARC file, read through the stage's public contract ([`Decode::open`] then
//! [`Decode::decode`]) as the runner reads them. Review a change with
//! `cargo insta review` (docs/testing.md).

use std::fmt::Write;
use std::path::Path;

use newsprep_core::config::DecodeConfig;
use newsprep_core::document::Document;
use newsprep_core::input::{discover, InputFile};
use newsprep_core::stage::Entry;
use newsprep_core::Decode;
use newsprep_decode::Decoder;

/// The input at `rel_path` under `dir`, found the way a run finds it (compression from
/// its name, size from the disk).
fn find_input(dir: &Path, rel_path: &str) -> InputFile {
    let extensions = DecodeConfig::default().extensions;
    let found =
        discover(dir, &extensions).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    found
        .files
        .into_iter()
        .find(|f| f.rel_path == rel_path)
        .unwrap_or_else(|| panic!("no input {rel_path} in {}", dir.display()))
}

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

/// Every entry of `input` in file order: a document as [`render`] writes it, or what
/// the file holds instead of one.
fn decode_all(input: &InputFile) -> String {
    let decoder = Decoder::new(&DecodeConfig::default());
    let mut out = String::new();
    for entry in decoder.open(input) {
        match entry {
            Entry::Part(part) => match decoder.decode(input, part) {
                Ok(doc) => out.push_str(&render(&doc)),
                Err(r) => writeln!(out, "rejected: {} ({})", r.reason.as_str(), r.detail)
                    .unwrap_or_default(),
            },
            Entry::Skipped(why) => writeln!(out, "skipped: {why}").unwrap_or_default(),
            Entry::Unreadable {
                rejection, offset, ..
            } => writeln!(
                out,
                "unreadable at {offset:?}: {} ({})",
                rejection.reason.as_str(),
                rejection.detail
            )
            .unwrap_or_default(),
        }
        out.push('\n');
    }
    out
}

/// The fields decode sets, one per line (those it left empty left out), then the text.
fn render(doc: &Document) -> String {
    let mut out = String::new();
    let mut line = |name: &str, value: &dyn std::fmt::Display| {
        writeln!(out, "{name}: {value}").unwrap_or_default();
    };
    line("doc_id", &doc.doc_id);
    line("source_path", &doc.source_path);
    line("source_bytes", &doc.source_bytes);
    line("format", &doc.format.as_str());
    line("encoding", &doc.encoding);
    line("encoding_source", &doc.encoding_source.as_str());
    line("mojibake_repairs", &doc.mojibake_repairs);
    if let Some(origin) = &doc.origin {
        line("record_id", &origin.record_id);
        if let Some(date) = origin.date {
            line("record_date", &utc(date));
        }
        line("record_offset", &origin.offset);
    }
    let meta = &doc.meta;
    let fields = [
        ("title", &meta.title),
        ("attribution", &meta.attribution),
        ("site_name", &meta.site_name),
        ("url", &meta.url),
        ("canonical_url", &meta.canonical_url),
        ("page_language", &meta.page_language),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            line(name, value);
        }
    }
    if let Some(published) = meta.published {
        line("published", &utc(published));
    }
    if !meta.author.is_empty() {
        line("author", &meta.author.join("; "));
    }
    if let Some(removed) = &doc.boilerplate {
        line(
            "removed",
            &format!(
                "{} lines, {} words",
                removed.removed_lines, removed.removed_words
            ),
        );
    }
    if let Some(hash) = &doc.trace.input_hash {
        line("input_hash", hash);
    }
    // Debug form, so that a stray control character or odd space shows.
    writeln!(out, "text:").unwrap_or_default();
    for text_line in doc.text.split('\n') {
        writeln!(out, "  {text_line:?}").unwrap_or_default();
    }
    out
}

/// Microseconds since the epoch as the moment they name, with the number itself.
fn utc(micros: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000) {
        Ok(t) => format!("{t} ({micros})"),
        Err(_) => format!("out of range ({micros})"),
    }
}

/// A dump saved in windows-1252 with CRLF line endings, trailing spaces, a run of blank
/// lines and a form feed: detected, decoded and normalised.
#[test]
fn text_dump_in_windows_1252() {
    let input = find_input(fixtures(), "dump_windows1252.txt");
    insta::assert_snapshot!("text_dump_in_windows_1252", decode_all(&input));
}

/// UTF-8 that was read as windows-1252 and saved again: repaired, and the repairs counted.
#[test]
fn text_dump_with_mojibake() {
    let input = find_input(fixtures(), "dump_mojibake.txt");
    insta::assert_snapshot!("text_dump_with_mojibake", decode_all(&input));
}

/// A real page of the extraction benchmark (tests/fixtures/html/NOTICE.md), gzipped:
/// the article out of the DOM, and the page's metadata.
#[test]
fn html_page_sciencealert() {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/html"
    ));
    let input = find_input(dir, "sciencealert.html.gz");
    insta::assert_snapshot!("html_page_sciencealert", decode_all(&input));
}

/// A WARC file as a crawler writes it: its information record, a request, an HTML
/// response served as UTF-8 and an image. Only the page becomes a document, with the
/// record's address, id, date and offset.
#[test]
fn warc_record_of_a_page() {
    let input = find_input(fixtures(), "crawl.warc");
    insta::assert_snapshot!("warc_record_of_a_page", decode_all(&input));
}
