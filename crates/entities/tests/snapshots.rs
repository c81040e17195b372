//! Snapshots of the entity stage's mentions in whole texts: a real article, a text
//! with no cue words, and a German one, where only places, dates and counts are tagged.
//! Review a change with `cargo insta review` (docs/testing.md).

mod common;

use std::path::Path;

use newsprep_core::document::LanguageNote;

use common::{stage, tagged, tagged_in};

/// The file at `rel_path` from the repository root.
fn fixture(rel_path: &str) -> String {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join(rel_path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The Hindu's report of the 2010 unrest in Osh (raw/, see its NOTICE.md): titles,
/// a person named again by surname, places of Kyrgyzstan, groups, dates and counts.
#[test]
fn kyrgyz_unrest_article() {
    let text = fixture("raw/000_0b339d3020d50040.txt");
    insta::assert_snapshot!("kyrgyz_unrest_article", tagged(&stage(), &text));
}

/// Banks, politicians and cities with no title or cue word before them, under a
/// headline in capitals (tests/fixtures/entities/).
#[test]
fn markets_report_without_cues() {
    let text = fixture("tests/fixtures/entities/no_cues.txt");
    insta::assert_snapshot!("markets_report_without_cues", tagged(&stage(), &text));
}

/// A German article, identified as German: its capitalised nouns name no one, so no
/// person or organisation; its places, dates and counts stay.
#[test]
fn german_article() {
    let text = fixture("tests/fixtures/language/de.txt");
    let german = LanguageNote {
        code: "de".to_owned(),
        score: 1.0,
    };
    insta::assert_snapshot!("german_article", tagged_in(&stage(), &text, Some(german)));
}
