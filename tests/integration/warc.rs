//! WARC files in: records written here as crawlers write them (plain, a gzip member per
//! record, one gzip member for the whole file), every record kind, and the traps.

use std::io::{Read, Write};

use crate::util::{manifest, stderr, Table, TestDir};

/// A page long enough to be an article, with `marker` to tell pages apart.
fn page(marker: &str) -> String {
    let paragraph = format!(
        "Heavy rain flooded the streets of Osh on {marker}, officials said, and more rain is expected across the south of Kyrgyzstan later this week. "
    );
    format!(
        "<html><head><title>Osh floods {marker}</title></head><body><nav><a href=/>Home</a></nav><article><p>{}</p><p>{}</p></article></body></html>",
        paragraph.repeat(3),
        paragraph.repeat(2)
    )
}

/// One WARC record of `kind` with `content` and extra header lines.
fn record(kind: &str, id: u32, uri: &str, extra: &str, content: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{id:012}>\r\nWARC-Date: 2024-05-01T10:00:0{}Z\r\nWARC-Target-URI: {uri}\r\n{extra}Content-Length: {}\r\n\r\n",
        id % 10,
        content.len()
    )
    .into_bytes();
    out.extend_from_slice(content);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn response(id: u32, uri: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut http = format!("HTTP/1.1 200 OK\r\n{headers}\r\n").into_bytes();
    http.extend_from_slice(body);
    record(
        "response",
        id,
        uri,
        "Content-Type: application/http; msgtype=response\r\n",
        &http,
    )
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip")
}

/// Every kind of record a crawl holds: two pages (one served as ISO-8859-1, gzip and
/// chunked), a WET-style text conversion, and what is no document.
fn crawl() -> Vec<Vec<u8>> {
    let latin = page("Tuesday, caf\u{e9}")
        .chars()
        .map(|c| c as u8)
        .collect::<Vec<u8>>();
    let zipped = gzip(page("Wednesday").as_bytes());
    let mut chunked = format!("{:x}\r\n", 10).into_bytes();
    chunked.extend_from_slice(&zipped[..10]);
    chunked.extend_from_slice(format!("\r\n{:x}\r\n", zipped.len() - 10).as_bytes());
    chunked.extend_from_slice(&zipped[10..]);
    chunked.extend_from_slice(b"\r\n0\r\n\r\n");
    vec![
        record(
            "warcinfo",
            1,
            "",
            "Content-Type: application/warc-fields\r\n",
            b"software: test\r\n",
        ),
        record(
            "request",
            2,
            "https://news.example/a",
            "",
            b"GET /a HTTP/1.1\r\n\r\n",
        ),
        response(
            3,
            "https://news.example/a",
            "Content-Type: text/html; charset=ISO-8859-1\r\n",
            &latin,
        ),
        record(
            "metadata",
            4,
            "https://news.example/a",
            "",
            b"fetchTimeMs: 12\r\n",
        ),
        response(
            5,
            "https://news.example/b",
            "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
            &chunked,
        ),
        response(
            6,
            "https://news.example/logo.png",
            "Content-Type: image/png\r\n",
            b"\x89PNG\r\n",
        ),
        record(
            "response",
            7,
            "https://news.example/gone",
            "",
            b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<html>gone</html>",
        ),
        record("revisit", 8, "https://news.example/a", "", b""),
        record(
            "conversion",
            9,
            "https://news.example/c",
            "Content-Type: text/plain\r\nWARC-Truncated: length\r\n",
            "Heavy rain flooded Osh again on Thursday, and officials warned of more. "
                .repeat(5)
                .as_bytes(),
        ),
    ]
}

#[test]
fn every_html_response_and_text_conversion_becomes_a_document_with_its_provenance() {
    let dir = TestDir::new();
    let records = crawl();
    dir.write("plain.warc", records.concat());
    let members: Vec<Vec<u8>> = records.iter().map(|r| gzip(r)).collect();
    dir.write("members.warc.gz", members.concat());
    dir.write("whole.warc.gz", gzip(&records.concat()));
    dir.write(
        "whole.warc.zst",
        zstd::encode_all(&records.concat()[..], 3).expect("zstd"),
    );
    dir.run_pipeline(&["--config", dir.decode_only()]);

    let docs = Table::read(&dir.output().join("documents.parquet"));
    assert_eq!(docs.rows(), 12, "three documents from each of four files");
    let m = manifest(&dir.output());
    let counts = &m.counts;
    assert_eq!(counts.files_read, 4);
    assert_eq!(counts.read, 12);
    assert_eq!(
        counts.records_truncated, 4,
        "the truncated conversion, still a document"
    );
    for (reason, n) in [
        ("warcinfo", 4),
        ("request", 4),
        ("metadata", 4),
        ("revisit", 4),
        ("not_html", 4),
        ("http_status_not_200", 4),
    ] {
        assert_eq!(counts.records_skipped[reason], n, "{reason}");
    }

    let paths = docs.strings("source_path");
    let urls = docs.optional_strings("url");
    let ids = docs.optional_strings("warc_record_id");
    let offsets = docs.optional_ints("source_offset");
    let formats = docs.strings("format");
    let sources = docs.strings("encoding_source");
    let texts = docs.strings("text");
    let dates = docs.timestamps("warc_date");
    let member_offsets = member_starts(&members);
    for i in 0..docs.rows() {
        let id = ids[i].clone().expect("a record id");
        let offset = offsets[i].expect("an offset") as usize;
        let raw = std::fs::read(dir.input().join(&paths[i])).expect("read");
        // The offset fetches the record again: the member itself, or the plain bytes.
        let at = match paths[i].as_str() {
            "members.warc.gz" => {
                assert!(
                    member_offsets.contains(&offset),
                    "a member's start: {offset}"
                );
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&raw[offset..])
                    .read_to_end(&mut out)
                    .expect("gunzip the member");
                out
            }
            "plain.warc" => raw[offset..].to_vec(),
            "whole.warc.zst" => zstd::decode_all(&raw[..]).expect("unzstd")[offset..].to_vec(),
            _ => {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&raw[..])
                    .read_to_end(&mut out)
                    .expect("gunzip");
                out[offset..].to_vec()
            }
        };
        let head = String::from_utf8_lossy(&at[..at.len().min(300)]).into_owned();
        assert!(head.starts_with("WARC/1.1"), "{head}");
        assert!(head.contains(&id), "{head}");
        // record() dates record n at 2024-05-01T10:00:0{n % 10}Z.
        let n: i64 = id
            .trim_end_matches('>')
            .rsplit('-')
            .next()
            .and_then(|digits| digits.parse().ok())
            .expect("the record's number");
        assert_eq!(dates[i], Some((1_714_557_600 + n % 10) * 1_000_000), "{id}");
        let url = urls[i].clone().expect("url");
        match url.as_str() {
            "https://news.example/a" => {
                assert_eq!((formats[i].as_str(), sources[i].as_str()), ("html", "http"));
                assert!(
                    texts[i].contains("Tuesday, café"),
                    "ISO-8859-1 by the HTTP charset"
                );
            }
            "https://news.example/b" => {
                assert_eq!(formats[i], "html");
                assert!(texts[i].contains("Wednesday"), "chunked and gzip undone");
                assert!(!texts[i].contains("Home"), "the article, not the menu");
            }
            "https://news.example/c" => assert_eq!(formats[i], "text"),
            other => panic!("unexpected document {other}"),
        }
    }
    // The same record in the four files: the same text, different ids.
    let of = |url: &str| -> Vec<&String> {
        (0..docs.rows())
            .filter(|&i| urls[i].as_deref() == Some(url))
            .map(|i| &texts[i])
            .collect()
    };
    let a = of("https://news.example/a");
    assert!(a.len() == 4 && a.iter().all(|t| *t == a[0]));
    let doc_ids = docs.strings("doc_id");
    let unique: std::collections::BTreeSet<&String> = doc_ids.iter().collect();
    assert_eq!(unique.len(), 12);
}

/// Where each gzip member starts in their concatenation.
fn member_starts(members: &[Vec<u8>]) -> Vec<usize> {
    members
        .iter()
        .scan(0, |at, m| {
            let start = *at;
            *at += m.len();
            Some(start)
        })
        .collect()
}

#[test]
fn damaged_records_are_quarantined_and_the_records_before_them_kept() {
    let dir = TestDir::new();
    let good = response(
        1,
        "https://news.example/ok",
        "Content-Type: text/html\r\n",
        page("Monday").as_bytes(),
    );
    let big = response(
        2,
        "https://news.example/big",
        "Content-Type: text/html\r\n",
        page(&"x".repeat(3000)).as_bytes(),
    );
    let after = response(
        3,
        "https://news.example/after",
        "Content-Type: text/html\r\n",
        page("Friday").as_bytes(),
    );
    // A record whose Content-Length promises more than the file holds.
    let mut cut = response(
        4,
        "https://news.example/cut",
        "Content-Type: text/html\r\n",
        page("Sunday").as_bytes(),
    );
    cut.truncate(cut.len() / 2);
    dir.write("cut.warc", [good.clone(), big, after, cut].concat());
    // A gzip member cut off half-way, after one good member.
    let mut broken = gzip(&good);
    let second = gzip(&response(
        5,
        "https://news.example/x",
        "Content-Type: text/html\r\n",
        page("Saturday").as_bytes(),
    ));
    broken.extend_from_slice(&second[..second.len() / 2]);
    dir.write("broken.warc.gz", broken);
    dir.write(
        "notwarc.warc",
        "this is not a WARC file at all\n".repeat(10),
    );
    // A page whose gzip Content-Encoding inflates past max_bytes (a bomb) stops at the cap.
    let bomb = gzip(&vec![b'a'; 50_000]);
    let mut http =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
    http.extend_from_slice(&bomb);
    dir.write(
        "bomb.warc",
        record("response", 6, "https://news.example/bomb", "", &http),
    );
    // Files with no record at all are quarantined, never silently empty.
    dir.write("empty.warc", "");
    dir.write("empty.warc.gz", gzip(b""));
    std::fs::write(dir.path().join("small.toml"), "[decode]\nmax_bytes = 5000\n[boilerplate]\nenabled = false\n[dedup]\nenabled = false\n[entities]\nenabled = false\n").expect("config");
    dir.run_pipeline(&["--config", "small.toml"]);

    let docs = Table::read(&dir.output().join("documents.parquet"));
    let mut urls: Vec<String> = docs.optional_strings("url").into_iter().flatten().collect();
    urls.sort();
    assert_eq!(
        urls,
        [
            "https://news.example/after",
            "https://news.example/ok",
            "https://news.example/ok"
        ],
        "the records before the damage, and after a record over max_bytes"
    );
    let quarantine = Table::read(&dir.output().join("quarantine.parquet"));
    let rows: Vec<(String, String)> = quarantine
        .strings("source_path")
        .into_iter()
        .zip(quarantine.strings("reason"))
        .collect();
    let reasons = |path: &str| -> Vec<String> {
        let mut r: Vec<String> = rows
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, r)| r.clone())
            .collect();
        r.sort();
        r
    };
    assert_eq!(reasons("cut.warc"), ["bad_warc", "too_large"]);
    assert_eq!(reasons("broken.warc.gz"), ["bad_warc"]);
    assert_eq!(reasons("notwarc.warc"), ["bad_warc"]);
    assert_eq!(reasons("empty.warc"), ["empty"]);
    assert_eq!(reasons("bomb.warc"), ["too_large"]);
    assert_eq!(reasons("empty.warc.gz"), ["empty"]);
    let details: Vec<(String, String)> = quarantine
        .strings("source_path")
        .into_iter()
        .zip(quarantine.strings("detail"))
        .collect();
    let expected = [
        (
            "bomb.warc",
            "the gzip-encoded page decompresses past max_bytes = 5000; stopped reading there",
        ),
        (
            "broken.warc.gz",
            "unreadable WARC record at offset 387: incomplete deflate stream; the records before it are kept",
        ),
        (
            "cut.warc",
            "the record's content is 18836 bytes, over max_bytes = 5000; skipped over unread",
        ),
        (
            "cut.warc",
            "unreadable WARC record at offset 21330: the record is cut off: its Content-Length says 872 bytes, the file holds 315; the records before it are kept",
        ),
        ("empty.warc", "the WARC file holds no records"),
        ("empty.warc.gz", "the WARC file holds no records"),
        (
            "notwarc.warc",
            "unreadable WARC record at offset 0: expected a WARC version line, found \"this is not a WARC file at all\"; the records before it are kept",
        ),
    ]
    .map(|(path, detail)| (path.to_owned(), detail.to_owned()));
    assert_eq!(details, expected);
    let offsets = quarantine.optional_ints("source_offset");
    let q_urls = quarantine.optional_strings("url");
    let big_row = q_urls
        .iter()
        .position(|u| u.as_deref() == Some("https://news.example/big"))
        .expect("the big record's row");
    // The big record comes right after the good one in cut.warc.
    assert_eq!(offsets[big_row], Some(good.len() as i64));
    let m = manifest(&dir.output());
    let c = &m.counts;
    assert_eq!(c.read, 3 + 7);
    assert_eq!(c.read, c.kept + c.duplicates + c.quarantined);
}

#[test]
fn an_unchanged_warc_file_is_restored_and_a_changed_one_read_again() {
    let dir = TestDir::new();
    let records = crawl();
    let members: Vec<Vec<u8>> = records.iter().map(|r| gzip(r)).collect();
    dir.write("crawl.warc.gz", members.concat());
    dir.write("other.warc", records[..5].concat());
    dir.run_pipeline(&[]);
    let first = Table::read(&dir.output().join("documents.parquet"));

    dir.run_pipeline(&["--incremental"]);
    let m = manifest(&dir.output());
    assert_eq!(m.reuse.decodes, 0, "nothing decoded");
    assert_eq!(m.reuse.restored, first.rows() as u64);
    let again = Table::read(&dir.output().join("documents.parquet"));
    assert_eq!(again.strings("text"), first.strings("text"));
    assert_eq!(
        again.optional_ints("source_offset"),
        first.optional_ints("source_offset")
    );

    // One more record in one file: that file is read again, the other restored.
    let mut grown = members.concat();
    grown.extend(gzip(&response(
        10,
        "https://news.example/d",
        "Content-Type: text/html\r\n",
        page("Monday").as_bytes(),
    )));
    dir.write("crawl.warc.gz", grown);
    dir.run_pipeline(&["--incremental"]);
    let m = manifest(&dir.output());
    // Twice, as any changed input: for boilerplate's pass and for the spill after it.
    assert_eq!(m.reuse.decodes, 8, "the four documents of the grown file");
    assert_eq!(m.reuse.restored, 2, "the other file's two");
    let grown = Table::read(&dir.output().join("documents.parquet"));
    assert_eq!(grown.rows(), first.rows() + 1);
}

#[test]
fn an_input_list_names_the_files_to_read_and_never_lets_the_output_swallow_one() {
    let dir = TestDir::new();
    let records = crawl();
    dir.write(
        "segment/a.warc.gz",
        records.iter().map(|r| gzip(r)).collect::<Vec<_>>().concat(),
    );
    dir.write("segment/b.warc", records[..5].concat());
    dir.write("segment/unlisted.warc", records.concat());
    let absolute = dir.input().join("segment/b.warc");
    std::fs::write(
        dir.input().join("warc.paths"),
        format!(
            "# one segment\nsegment/a.warc.gz\n{}\nsegment/gone.warc.gz\n",
            absolute.display()
        ),
    )
    .expect("list");
    // Beside the list is fine: the output holds none of the listed files.
    let out = dir.run(&[
        "run",
        "-q",
        "--input-list",
        "input/warc.paths",
        "--output",
        "input/processed",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docs = Table::read(&dir.input().join("processed/documents.parquet"));
    let mut paths = docs.strings("source_path");
    paths.sort();
    paths.dedup();
    assert_eq!(
        paths,
        ["segment/a.warc.gz", "segment/b.warc"],
        "the unlisted file is not read"
    );
    let m = manifest(&dir.input().join("processed"));
    assert_eq!(m.counts.files_read, 3);
    let quarantine = Table::read(&dir.input().join("processed/quarantine.parquet"));
    assert_eq!(quarantine.strings("source_path"), ["segment/gone.warc.gz"]);

    // An output folder that holds a listed file is refused before anything is written.
    let out = dir.run(&[
        "run",
        "-q",
        "--input-list",
        "input/warc.paths",
        "--output",
        "input/segment",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("one of the listed inputs"),
        "{}",
        stderr(&out)
    );
    assert!(dir.input().join("segment/a.warc.gz").exists());
    let out = dir.run(&[
        "run",
        "--input",
        "input",
        "--input-list",
        "input/warc.paths",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--input and --input-list conflict"
    );
}

#[test]
fn shards_split_by_warc_file_and_their_merge_is_one_full_run() {
    let dir = TestDir::new();
    let records = crawl();
    for n in 0..6 {
        // The same crawl in every file: copies across files, and so across shards.
        let members: Vec<Vec<u8>> = records.iter().map(|r| gzip(r)).collect();
        dir.write(&format!("crawl-{n}.warc.gz"), members.concat());
    }
    let mut files = 0;
    for k in 0..3 {
        dir.run_pipeline(&["--shard", &format!("{k}/3")]);
        let m = manifest(&dir.output().join("shards").join(format!("{k}-of-3")));
        files += m.counts.files_read;
    }
    assert_eq!(files, 6, "each WARC file in exactly one shard");
    let out = dir.run(&["merge", "-q", "--input", "input", "--output", "output"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(manifest(&dir.output()).counts.read, 18);
    dir.run(&["run", "-q", "--input", "input", "--output", "full"]);
    crate::reuse::assert_same_tables(&dir.output(), &dir.path().join("full"));
}
