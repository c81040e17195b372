//! Runs that build on earlier output: `run --incremental` on a changed input folder,
//! and `run --shard K/N` then `merge`. Each must write exactly what one full run on
//! the same input writes, byte for byte, while decoding only what it has to.

use std::path::Path;

use clap::Parser;
use newsprep_bench::gen::{generate, GenArgs};

use crate::util::{manifest, stderr, Table, TestDir};

/// The tables a run writes, with the state the next run reads.
const TABLES: &[&str] = &[
    "documents.parquet",
    "entities.parquet",
    "quarantine.parquet",
    "_state/trace.parquet",
];

/// Asserts that two outputs hold byte-identical tables.
pub fn assert_same_tables(a: &Path, b: &Path) {
    for table in TABLES {
        let (x, y) = (a.join(table), b.join(table));
        let same = std::fs::read(&x).expect("table a") == std::fs::read(&y).expect("table b");
        assert!(same, "{} and {} differ", x.display(), y.display());
    }
}

/// Page dumps generated from the bench fixture: boilerplate, encodings, near and exact
/// copies and a few bad files. `gen-corpus` is called as a library (the binary belongs
/// to the newsprep-bench package, out of this one's reach), with its own defaults.
fn pages(dir: &TestDir, docs: usize) {
    let from = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/fixture/pages");
    let out = dir.input();
    let docs = docs.to_string();
    let args = GenArgs::parse_from([
        "gen-corpus",
        "--from",
        from,
        "--out",
        out.to_str().expect("temporary folder is UTF-8"),
        "--kind",
        "pages",
        "--docs",
        &docs,
        "--seed",
        "7",
    ]);
    if let Err(err) = generate(&args) {
        panic!("gen-corpus into {}: {err:#}", out.display());
    }
}

fn seeds(dir: &TestDir) {
    let raw = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../raw"));
    for entry in std::fs::read_dir(raw).expect("raw/").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".txt") {
            dir.write(&name, std::fs::read(entry.path()).expect("seed"));
        }
    }
}

const ARTICLE_A: &str = "The regional council approved the new budget for schools and hospitals on Tuesday after a long debate.\n\nCouncillors said the plan would add teachers in the villages of the valley, where classes are crowded.\n\nThe opposition argued that the money should have gone to roads, and promised to raise the matter again next year.";
const ARTICLE_B: &str = "Farmers in the southern districts began the cotton harvest early this year because of the dry summer.\n\nOfficials said yields were lower than last year but prices on the market had risen sharply since spring.\n\nTraders expect exports to the neighbouring countries to grow once the new border crossing opens in the autumn.";

/// A page with a short chrome-shaped line among its paragraphs.
fn page_with(line: &str, article: &str) -> String {
    let (first, rest) = article.split_once("\n\n").expect("paragraphs");
    format!("{first}\n\n{line}\n\n{rest}\n")
}

fn decoded_in_final_pass(m: &newsprep_core::manifest::Manifest) -> u64 {
    m.stages[0].docs_in
}

#[test]
fn an_incremental_run_decodes_only_changed_files_and_writes_what_a_full_run_writes() {
    let dir = TestDir::new();
    seeds(&dir);
    dir.write("gone.txt", ARTICLE_B);
    dir.run_pipeline(&[]);
    assert_eq!(manifest(&dir.output()).reuse.mode, "full");

    // Nothing changed: every document comes from the earlier output.
    dir.run_pipeline(&["--incremental"]);
    let m = manifest(&dir.output());
    assert_eq!(m.reuse.mode, "incremental");
    assert_eq!(m.reuse.restored, 6);
    assert_eq!(m.reuse.decodes, 0);

    // One file changed, one added, one deleted.
    let seed = "000_0b339d3020d50040.txt";
    let mut changed = std::fs::read_to_string(dir.input().join(seed)).expect("seed");
    changed.push_str("\nThe curfew was lifted on Friday morning, officials in the city said.\n");
    dir.write(seed, changed);
    dir.write("new.txt", ARTICLE_A);
    std::fs::remove_file(dir.input().join("gone.txt")).expect("delete");
    dir.run_pipeline(&["--incremental"]);
    let m = manifest(&dir.output());
    assert_eq!(m.reuse.earlier_documents, 6);
    assert_eq!(m.reuse.restored, 4, "{m:?}");
    assert_eq!(m.reuse.removed, 1);
    assert_eq!(
        decoded_in_final_pass(&m),
        2,
        "only the changed and the new file"
    );
    assert_eq!(m.counts.read, 6);

    let docs = Table::read(&dir.output().join("documents.parquet"));
    let paths = docs.strings("source_path");
    assert!(!paths.contains(&"gone.txt".to_owned()), "{paths:?}");
    let text = docs.map("source_path", "text");
    assert!(text[seed].contains("The curfew was lifted on Friday morning"));

    dir.run(&["run", "-q", "--input", "input", "--output", "full"]);
    assert_same_tables(&dir.output(), &dir.path().join("full"));
}

#[test]
fn an_incremental_run_redoes_documents_whose_boilerplate_depended_on_changed_files() {
    let dir = TestDir::new();
    pages(&dir, 120);
    let chrome = "Watch the evening bulletin";
    dir.write("flip/a.txt", page_with(chrome, ARTICLE_A));
    dir.write(
        "flip/gone-1.txt",
        page_with("Listen to the morning show", ARTICLE_B),
    );
    dir.write(
        "flip/gone-2.txt",
        page_with("Listen to the morning show", ARTICLE_A),
    );
    dir.run_pipeline(&[]);
    let before = Table::read(&dir.output().join("documents.parquet")).map("source_path", "text");
    assert!(
        before["flip/a.txt"].contains(chrome),
        "seen once, the line is kept"
    );

    // The line now recurs, so a.txt (unchanged) loses it; and the line gone-1 and
    // gone-2 shared recurs no more. Files are deleted, changed and copied besides.
    dir.write("flip/b.txt", page_with(chrome, ARTICLE_B));
    std::fs::remove_file(dir.input().join("flip/gone-1.txt")).expect("delete");
    let mut names: Vec<String> = std::fs::read_dir(dir.input())
        .expect("input")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    std::fs::remove_file(dir.input().join(&names[0])).expect("delete");
    let copied = std::fs::read(dir.input().join(&names[1])).expect("read");
    dir.write("copy-of-one.txt", &copied);
    let mut changed = std::fs::read(dir.input().join(&names[2])).expect("read");
    changed.extend_from_slice(
        b"\nA paragraph the editors added later in the day, long enough to count.\n",
    );
    dir.write(&names[2], changed);

    dir.run_pipeline(&["--incremental"]);
    let m = manifest(&dir.output());
    let after = Table::read(&dir.output().join("documents.parquet")).map("source_path", "text");
    assert!(
        !after["flip/a.txt"].contains(chrome),
        "recurring now, the line goes"
    );
    let restored = m.reuse.restored;
    let written = m.counts.written;
    assert!(restored + 10 >= written, "{restored} of {written} restored");

    dir.run(&["run", "-q", "--input", "input", "--output", "full"]);
    assert_same_tables(&dir.output(), &dir.path().join("full"));
}

#[test]
fn an_incremental_run_after_a_change_of_settings_processes_everything() {
    let dir = TestDir::new();
    seeds(&dir);
    dir.run_pipeline(&[]);
    std::fs::write(dir.path().join("other.toml"), "[dedup]\nthreshold = 0.7\n").expect("config");
    let out = dir.run_pipeline(&["--incremental", "--config", "other.toml"]);
    let m = manifest(&dir.output());
    assert_eq!(m.reuse.restored, 0);
    assert_eq!(decoded_in_final_pass(&m), 5);
    assert!(stderr(&out).contains("other settings"), "{}", stderr(&out));
}

#[test]
fn four_shards_then_merge_write_what_one_run_writes() {
    let dir = TestDir::new();
    pages(&dir, 120);
    dir.write(
        "flip/a.txt",
        page_with("Watch the evening bulletin", ARTICLE_A),
    );
    dir.write(
        "flip/b.txt",
        page_with("Watch the evening bulletin", ARTICLE_B),
    );
    let mut parts = 0;
    for k in 0..4 {
        let shard = format!("{k}/4");
        dir.run_pipeline(&["--shard", &shard]);
        let out = dir.output().join("shards").join(format!("{k}-of-4"));
        let m = manifest(&out);
        assert_eq!(m.shard, Some(format!("{k}-of-4")));
        parts += m.counts.read;
    }

    // A merge needs every shard.
    let missing = dir.output().join("shards/3-of-4");
    std::fs::rename(&missing, dir.path().join("aside")).expect("move aside");
    let out = dir.run(&["merge", "-q", "--input", "input", "--output", "output"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("3-of-4"), "{}", stderr(&out));
    std::fs::rename(dir.path().join("aside"), &missing).expect("move back");

    let out = dir.run(&["merge", "-q", "--input", "input", "--output", "output"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let m = manifest(&dir.output());
    assert_eq!(m.reuse.mode, "merge");
    assert_eq!(m.reuse.sources.len(), 4);
    assert_eq!(m.counts.read, parts);
    assert!(m.reuse.restored > 0);
    assert!(
        dir.output().join("shards/0-of-4/manifest.json").exists(),
        "shards stay"
    );

    dir.run(&["run", "-q", "--input", "input", "--output", "full"]);
    assert_same_tables(&dir.output(), &dir.path().join("full"));
    let docs = Table::read(&dir.output().join("documents.parquet"));
    let duplicates = docs
        .booleans("is_duplicate")
        .iter()
        .filter(|d| **d == Some(true))
        .count();
    assert!(
        duplicates > 5,
        "the corpus has copies across shards: {duplicates}"
    );
}
