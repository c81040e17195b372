//! Snapshots of what boilerplate removal makes of a page dump of the sample corpus
//! (`raw/` at the repository root, see its NOTICE.md): the article it keeps, the lines it
//! removes and the metadata it reads from them. The stage first observes all five dumps,
//! as a run does, so lines that recur across the two Al Jazeera pages count as chrome.
//! Review a change with `cargo insta review` (docs/testing.md).

use std::fmt::Write;
use std::path::Path;

use newsprep_boilerplate::Boilerplate;
use newsprep_core::config::{BoilerplateConfig, DecodeConfig};
use newsprep_core::document::{DocId, Document};
use newsprep_core::stage::observe_all;
use newsprep_core::CorpusStage;
use newsprep_decode::Decoder;

const CORPUS: [&str; 5] = [
    "000_0b339d3020d50040.txt",
    "001_e235f158d9148f5d.txt",
    "002_dc011476645fddff.txt",
    "003_d687500d7c2a08b1.txt",
    "004_7c9b3d24237c106f.txt",
];

/// The sample corpus as decode gives it to the stage.
fn corpus() -> Vec<Document> {
    let raw = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../raw"));
    let decoder = Decoder::new(&DecodeConfig::default());
    CORPUS
        .iter()
        .map(|name| {
            let path = raw.join(name);
            let bytes = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let decoded = decoder
                .decode_bytes(&bytes)
                .unwrap_or_else(|r| panic!("cannot decode {}: {}", path.display(), r.detail));
            Document {
                doc_id: DocId::for_path(name),
                source_path: (*name).to_owned(),
                text: decoded.text,
                ..Document::default()
            }
        })
        .collect()
}

/// The document `name` of the corpus after the stage, rendered by [`render`]; the
/// removed lines are kept, so the snapshot shows them.
fn cleaned(name: &str) -> String {
    let config = BoilerplateConfig {
        keep_removed: true,
        ..BoilerplateConfig::default()
    };
    let mut stage = Boilerplate::new(&config);
    let mut docs = corpus();
    observe_all(&mut stage, docs.iter()).expect("observing the corpus");
    let doc = docs
        .iter_mut()
        .find(|d| d.source_path == name)
        .expect("a document of the corpus");
    match stage.apply(doc) {
        Ok(()) => render(doc),
        Err(r) => format!("rejected: {} ({})\n", r.reason.as_str(), r.detail),
    }
}

/// The fields boilerplate sets: metadata read from the text, what it removed (count
/// and lines), then the article.
fn render(doc: &Document) -> String {
    let mut out = String::new();
    let meta = &doc.meta;
    for (name, value) in [("title", &meta.title), ("attribution", &meta.attribution)] {
        if let Some(value) = value {
            let _ = writeln!(out, "{name}: {value}");
        }
    }
    if let Some(published) = meta.published {
        let _ = writeln!(out, "published: {}", utc(published));
    }
    if !meta.author.is_empty() {
        let _ = writeln!(out, "author: {}", meta.author.join("; "));
    }
    if let Some(note) = &doc.boilerplate {
        let _ = writeln!(
            out,
            "removed: {} lines, {} words",
            note.removed_lines, note.removed_words
        );
        for line in note.removed_text.as_deref().unwrap_or_default().lines() {
            let _ = writeln!(out, "  - {line:?}");
        }
    }
    let _ = writeln!(out, "text:");
    for line in doc.text.split('\n') {
        let _ = writeln!(out, "  {line:?}");
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

/// An Al Jazeera page: a reporter's credit, link lists of related stories and the
/// site's menus (shared with the other Al Jazeera page) around the article.
#[test]
fn al_jazeera_page_dump() {
    insta::assert_snapshot!("al_jazeera_page_dump", cleaned("001_e235f158d9148f5d.txt"));
}

/// A BBC News page: the article between the site's navigation and its footer.
#[test]
fn bbc_page_dump() {
    insta::assert_snapshot!("bbc_page_dump", cleaned("003_d687500d7c2a08b1.txt"));
}
