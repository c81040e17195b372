//! Snapshots of what the language stage makes of the articles in
//! `tests/fixtures/language/` at the repository root (written for these tests, one
//! language each): the code and score it sets, and whether the document stays.
//! Review a change with `cargo insta review` (docs/testing.md).

use std::path::Path;

use newsprep_core::config::LanguageConfig;
use newsprep_core::document::Document;
use newsprep_core::DocStage;
use newsprep_language::Language;

/// The fixture `name` through a stage that keeps only `keep` (every language when
/// empty): the outcome, the note the stage set, then the text it judged.
fn identified(name: &str, keep: &[&str]) -> String {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/language"
    ))
    .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let config = LanguageConfig {
        keep: keep.iter().map(|c| (*c).to_owned()).collect(),
        ..LanguageConfig::default()
    };
    let stage = Language::new(&config).expect("a valid [language] keep");
    let mut doc = Document {
        text,
        ..Document::default()
    };
    let outcome = match stage.process(&mut doc) {
        Ok(()) => "kept".to_owned(),
        Err(r) => format!("rejected: {} ({})", r.reason.as_str(), r.detail),
    };
    let (code, score) = doc
        .language
        .as_ref()
        .map_or(("none", 0.0), |l| (l.code.as_str(), l.score));
    let mut out = format!("outcome: {outcome}\nlanguage: {code}\nscore: {score}\ntext:\n");
    for line in doc.text.lines() {
        out.push_str(&format!("  {line:?}\n"));
    }
    out
}

#[test]
fn english_article() {
    insta::assert_snapshot!("english_article", identified("en.txt", &[]));
}

#[test]
fn german_article() {
    insta::assert_snapshot!("german_article", identified("de.txt", &[]));
}

/// Cyrillic: the script narrows the choice, the trigrams settle it.
#[test]
fn russian_article() {
    insta::assert_snapshot!("russian_article", identified("ru.txt", &[]));
}

#[test]
fn korean_article() {
    insta::assert_snapshot!("korean_article", identified("ko.txt", &[]));
}

/// Under `min_words` words: `und`, score 0, and kept whatever `keep` says.
#[test]
fn too_short_to_tell() {
    insta::assert_snapshot!("too_short_to_tell", identified("und.txt", &["en"]));
}

/// A language `keep` does not list is turned away, its note still set.
#[test]
fn spanish_article_when_keeping_english() {
    insta::assert_snapshot!(
        "spanish_article_when_keeping_english",
        identified("es.txt", &["en"])
    );
}
