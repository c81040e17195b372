//! The whole output for fixed inputs, byte for byte: the committed tables in
//! tests/golden/ (how they were made and when to replace them: its README.md).

use std::path::{Path, PathBuf};

use crate::util::{stderr, TestDir};

const TABLES: [&str; 3] = [
    "documents.parquet",
    "entities.parquet",
    "quarantine.parquet",
];

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// Copies the files of `from` whose names end in `suffix` into the test's input.
fn copy_inputs(dir: &TestDir, from: &Path, suffix: &str) {
    let mut copied = 0;
    for entry in std::fs::read_dir(from)
        .expect("read fixture folder")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(suffix) {
            dir.write(&name, std::fs::read(entry.path()).expect("read fixture"));
            copied += 1;
        }
    }
    assert!(copied > 0, "no {suffix} files in {}", from.display());
}

/// Runs the pipeline with its defaults on the test's input and compares each table
/// with the golden one of `case`.
fn assert_same_tables(dir: &TestDir, case: &str) {
    let out = dir.run(&["run", "--quiet", "--input", "input", "--output", "output"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for table in TABLES {
        let written = std::fs::read(dir.output().join(table)).expect("table written");
        let golden = std::fs::read(repo("tests/golden").join(case).join(table))
            .expect("golden table committed");
        assert!(
            written == golden,
            "{case}/{table} differs from tests/golden/{case}/{table} ({} bytes against {}): \
             if the change means to change the output, run `make goldens` and say why",
            written.len(),
            golden.len()
        );
    }
}

#[test]
fn the_sample_corpus_gives_the_golden_tables() {
    let dir = TestDir::new();
    copy_inputs(&dir, &repo("raw"), ".txt");
    assert_same_tables(&dir, "raw");
}

#[test]
fn the_html_fixtures_give_the_golden_tables() {
    let dir = TestDir::new();
    copy_inputs(&dir, &repo("tests/fixtures/html"), ".html.gz");
    assert_same_tables(&dir, "html");
}
