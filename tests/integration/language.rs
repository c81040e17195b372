//! The language stage end to end: articles in six languages and a short brief go
//! through the whole pipeline, each comes out with its language; `keep` quarantines
//! the others with their code; people are tagged only where the text may be English;
//! an incremental run gives the same languages.

use std::collections::BTreeMap;
use std::path::Path;

use crate::util::{manifest, Table, TestDir};

const LANGUAGES: [&str; 6] = ["en", "de", "fr", "es", "ru", "ko"];

/// A folder with the fixture articles (`<code>.txt`) and `config` as run.toml.
fn corpus(config: &str) -> TestDir {
    let dir = TestDir::new();
    let fixtures = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/language"
    ));
    for code in LANGUAGES.iter().chain(&["und"]) {
        let name = format!("{code}.txt");
        dir.write(&name, std::fs::read(fixtures.join(&name)).expect("fixture"));
    }
    // A short brief needs boilerplate's article minimum lowered to stay a document.
    std::fs::write(
        dir.path().join("run.toml"),
        format!("[boilerplate]\nmin_words = 5\n{config}"),
    )
    .expect("config");
    dir
}

fn languages(docs: &Table) -> BTreeMap<String, (Option<String>, Option<f64>)> {
    docs.strings("source_path")
        .into_iter()
        .zip(
            docs.optional_strings("language")
                .into_iter()
                .zip(docs.optional_floats("language_score")),
        )
        .collect()
}

#[test]
fn every_document_gets_its_language_and_people_only_where_english() {
    let dir = corpus("");
    dir.run_pipeline(&["--config", "run.toml"]);

    let docs = Table::read(&dir.output().join("documents.parquet"));
    let found = languages(&docs);
    for code in LANGUAGES {
        let (language, score) = &found[&format!("{code}.txt")];
        assert_eq!(language.as_deref(), Some(code), "{code}.txt");
        // Each article is long and plain enough for whatlang to be sure.
        assert_eq!(*score, Some(1.0), "{code}.txt score");
    }
    assert_eq!(found["und.txt"], (Some("und".to_owned()), Some(0.0)));

    // The same person in English, in the brief and in German: tagged in the first two.
    let entities = Table::read(&dir.output().join("entities.parquet"));
    let ids: BTreeMap<String, String> = docs
        .strings("doc_id")
        .into_iter()
        .zip(docs.strings("source_path"))
        .collect();
    let mut people: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ((id, label), text) in entities
        .strings("doc_id")
        .into_iter()
        .zip(entities.strings("label"))
        .zip(entities.strings("text"))
    {
        if label == "PERSON" || label == "ORG" {
            people.entry(ids[&id].clone()).or_default().push(text);
        }
    }
    assert!(
        people["en.txt"].contains(&"Angela Morrison".to_owned()),
        "{people:?}"
    );
    assert!(
        people["und.txt"].contains(&"Angela Morrison".to_owned()),
        "{people:?}"
    );
    for code in ["de", "fr", "es", "ru", "ko"] {
        assert!(
            !people.contains_key(&format!("{code}.txt")),
            "{code}: {people:?}"
        );
    }
}

#[test]
fn keep_quarantines_other_languages_with_their_code() {
    let dir = corpus("[language]\nkeep = [\"en\", \"de\"]\n");
    dir.run_pipeline(&["--config", "run.toml"]);

    let docs = Table::read(&dir.output().join("documents.parquet"));
    let mut kept = docs.strings("source_path");
    kept.sort();
    assert_eq!(kept, ["de.txt", "en.txt", "und.txt"]);
    let quarantine = Table::read(&dir.output().join("quarantine.parquet"));
    let rows: BTreeMap<String, (String, String, String)> = quarantine
        .strings("source_path")
        .into_iter()
        .zip(
            quarantine
                .strings("stage")
                .into_iter()
                .zip(quarantine.strings("reason"))
                .zip(quarantine.strings("detail"))
                .map(|((s, r), d)| (s, r, d)),
        )
        .collect();
    for code in ["fr", "es", "ru", "ko"] {
        let row = &rows[&format!("{code}.txt")];
        assert_eq!(
            row,
            &(
                "language".to_owned(),
                "other_language".to_owned(),
                code.to_owned()
            )
        );
    }
    let written = manifest(&dir.output());
    assert_eq!(written.quarantined_by_reason["other_language"], 4);
    let counts = &written.counts;
    assert_eq!(
        counts.read,
        counts.kept + counts.duplicates + counts.quarantined
    );
}

#[test]
fn a_keep_code_the_stage_cannot_give_is_a_config_error() {
    let dir = corpus("[language]\nkeep = [\"english\"]\n");
    let out = dir.run(&[
        "run", "--quiet", "--config", "run.toml", "--input", "input", "--output", "output",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", crate::util::stderr(&out));
    assert!(crate::util::stderr(&out).contains("\"english\""));
    assert!(!dir.output().exists());
}

#[test]
fn an_incremental_run_gives_the_languages_a_full_run_gives() {
    let dir = corpus("");
    dir.run_pipeline(&["--config", "run.toml"]);
    let first = languages(&Table::read(&dir.output().join("documents.parquet")));
    dir.write(
        "late.txt",
        "Port strike ends after nine days\n\nDock workers returned to the port on Friday after their union accepted a pay offer, ending a strike that had left hundreds of containers waiting on the quays for more than a week.\n",
    );
    dir.run_pipeline(&["--config", "run.toml", "--incremental"]);
    let written = manifest(&dir.output());
    assert!(written.reuse.restored == 7, "{:?}", written.reuse);
    let second = languages(&Table::read(&dir.output().join("documents.parquet")));
    for (path, language) in &first {
        assert_eq!(&second[path], language, "{path}");
    }
    assert_eq!(second["late.txt"].0.as_deref(), Some("en"));
}
