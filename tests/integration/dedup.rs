//! Deduplication end to end: a fixture corpus built from the seeds with known exact
//! and near copies must come out with exactly the expected clusters, the same ones
//! whatever the thread count, and with the counts adding up when duplicates are
//! dropped.

use std::collections::BTreeMap;
use std::path::Path;

use crate::util::{manifest, Table, TestDir};

fn seed(name: &str) -> String {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../raw")).join(name);
    std::fs::read_to_string(path).expect("seed")
}

/// The fixture: two stories with copies, one story alone.
fn write_fixture(dir: &TestDir) {
    let hindu = seed("000_0b339d3020d50040.txt");
    let reuters = seed("002_dc011476645fddff.txt");
    dir.write("hindu/original.txt", &hindu);
    // The same words with commas dropped and spacing changed: an exact duplicate once
    // punctuation and whitespace are folded, and shorter, so not the one kept.
    dir.write("mirror/copy.txt", hindu.replace(", ", "  "));
    // The last paragraph cut and a word changed: a near duplicate.
    let cut = hindu
        .rsplit_once("\n\nThe violence is the worst since 1990")
        .map(|(head, _)| head.to_owned())
        .expect("paragraph to cut")
        .replace("Artillery", "Mortar");
    dir.write("wire/trimmed.txt", cut);
    dir.write("reuters/original.txt", &reuters);
    // A rewritten ending: a near duplicate of the Reuters story.
    dir.write(
        "agg/reuters_edit.txt",
        reuters.replace(
            "it is understood he also owns property",
            "he is said to own a villa",
        ),
    );
    dir.write("bbc/original.txt", seed("003_d687500d7c2a08b1.txt"));
}

fn clusters(output: &Path) -> BTreeMap<String, (bool, Option<String>)> {
    let docs = Table::read(&output.join("documents.parquet"));
    let paths = docs.strings("source_path");
    let ids = docs.map("doc_id", "source_path");
    let of = docs.optional_strings("duplicate_of");
    let flags = docs.booleans("is_duplicate");
    paths
        .into_iter()
        .zip(flags.into_iter().zip(of))
        .map(|(path, (flag, of))| {
            (
                path,
                (flag.expect("dedup ran"), of.map(|id| ids[&id].clone())),
            )
        })
        .collect()
}

#[test]
fn known_copies_form_exactly_the_expected_clusters() {
    let dir = TestDir::new();
    write_fixture(&dir);
    dir.run_pipeline(&[]);

    let expected: BTreeMap<String, (bool, Option<String>)> = [
        ("agg/reuters_edit.txt", (true, Some("reuters/original.txt"))),
        ("bbc/original.txt", (false, None)),
        ("hindu/original.txt", (false, None)),
        ("mirror/copy.txt", (true, Some("hindu/original.txt"))),
        ("reuters/original.txt", (false, None)),
        ("wire/trimmed.txt", (true, Some("hindu/original.txt"))),
    ]
    .into_iter()
    .map(|(p, (d, of))| (p.to_owned(), (d, of.map(str::to_owned))))
    .collect();
    assert_eq!(clusters(&dir.output()), expected);

    let docs = Table::read(&dir.output().join("documents.parquet"));
    let similarity = docs.optional_floats("dup_similarity");
    let cluster = docs.optional_strings("dup_cluster");
    let paths = docs.strings("source_path");
    let ids = docs.strings("doc_id");
    for (i, path) in paths.iter().enumerate() {
        match path.as_str() {
            "mirror/copy.txt" => assert_eq!(similarity[i], Some(1.0)),
            "wire/trimmed.txt" => assert_eq!(similarity[i], Some(0.8285163776493256), "{path}"),
            "agg/reuters_edit.txt" => {
                assert_eq!(similarity[i], Some(0.9599271402550091), "{path}")
            }
            _ => {
                assert_eq!(similarity[i], None);
                assert_eq!(
                    cluster[i].as_deref(),
                    Some(ids[i].as_str()),
                    "a kept document leads its cluster"
                );
            }
        }
    }
    let counts = &manifest(&dir.output()).counts;
    assert_eq!((counts.kept, counts.duplicates), (3, 3));
    assert_eq!(counts.written, 6);
}

#[test]
fn clusters_are_the_same_with_one_and_four_threads() {
    let dir = TestDir::new();
    write_fixture(&dir);
    dir.run_threads("one", 1);
    dir.run_threads("four", 4);
    assert_eq!(
        clusters(&dir.path().join("one")),
        clusters(&dir.path().join("four"))
    );
    let one = std::fs::read(dir.path().join("one/documents.parquet")).expect("one");
    let four = std::fs::read(dir.path().join("four/documents.parquet")).expect("four");
    assert!(one == four, "documents.parquet is byte-identical");
}

#[test]
fn dropped_duplicates_are_counted_but_not_written() {
    let dir = TestDir::new();
    write_fixture(&dir);
    std::fs::write(
        dir.path().join("drop.toml"),
        "[dedup]\ndrop_duplicates = true\n",
    )
    .expect("config");
    dir.run_pipeline(&["--config", "drop.toml"]);
    let docs = Table::read(&dir.output().join("documents.parquet"));
    let mut paths = docs.strings("source_path");
    paths.sort();
    assert_eq!(
        paths,
        [
            "bbc/original.txt",
            "hindu/original.txt",
            "reuters/original.txt"
        ]
    );
    let counts = &manifest(&dir.output()).counts;
    assert_eq!(counts.read, 6);
    assert_eq!(counts.written, 3);
    assert_eq!(counts.duplicates, 3);
    assert_eq!(counts.quarantined, 0);
}

#[test]
fn the_seeds_have_no_duplicates() {
    let dir = TestDir::new();
    for name in [
        "000_0b339d3020d50040.txt",
        "001_e235f158d9148f5d.txt",
        "002_dc011476645fddff.txt",
        "003_d687500d7c2a08b1.txt",
        "004_7c9b3d24237c106f.txt",
    ] {
        dir.write(name, seed(name));
    }
    dir.run_pipeline(&[]);
    let docs = Table::read(&dir.output().join("documents.parquet"));
    assert_eq!(docs.booleans("is_duplicate"), vec![Some(false); 5]);
    assert_eq!(manifest(&dir.output()).counts.duplicates, 0);
}
