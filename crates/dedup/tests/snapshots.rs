//! Snapshots of where dedup places the documents of a small cluster of copies
//! (`tests/fixtures/cluster/`, described in `tests/fixtures/README.md`): both passes
//! observed and decided as the runner does, then applied to each document.
//! Review a change with `cargo insta review` (docs/testing.md).

use std::fmt::Write;
use std::path::Path;

use newsprep_core::config::DedupConfig;
use newsprep_core::document::{DocId, Document};
use newsprep_core::stage::observe_all;
use newsprep_core::CorpusStage;
use newsprep_dedup::Dedup;

/// The cluster's files in input order (sorted by name, as a run reads them).
fn cluster() -> Vec<Document> {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cluster"
    ));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let path = dir.join(&name);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            Document {
                doc_id: DocId::for_path(&name),
                source_path: name,
                text,
                ..Document::default()
            }
        })
        .collect()
}

/// Each document's placement, the kept document named by its file rather than its id,
/// so the snapshot reads without a table of ids.
fn placed(config: &DedupConfig) -> String {
    let mut docs = cluster();
    let mut stage = Dedup::new(config);
    observe_all(&mut stage, docs.iter()).expect("observing the cluster");
    for doc in &mut docs {
        stage.apply(doc).expect("dedup rejects nothing");
    }
    let name_of = |id: DocId| {
        docs.iter()
            .find(|d| d.doc_id == id)
            .map_or_else(|| format!("unknown {id}"), |d| d.source_path.clone())
    };
    let mut out = String::new();
    for doc in &docs {
        let _ = writeln!(out, "{} ({}):", doc.source_path, doc.doc_id);
        let Some(note) = &doc.dedup else {
            let _ = writeln!(out, "  no placement");
            continue;
        };
        let _ = writeln!(out, "  cluster: {}", name_of(note.cluster));
        if let Some(kept) = note.duplicate_of {
            let _ = writeln!(out, "  duplicate_of: {}", name_of(kept));
        }
        if let Some(similarity) = note.similarity {
            let _ = writeln!(out, "  similarity: {similarity:.4}");
        }
        let _ = writeln!(out, "  dropped: {}", note.dropped);
    }
    out
}

/// An original, an exact copy (the same words wrapped otherwise), two near copies (one
/// reworded with a credit line, one without its last sentence) and another story.
/// The reworded copy is the longest, so it is kept; the original and its exact copy join
/// it. The copy without its last sentence stays apart: the clustering is a star around
/// each kept document (docs/dedup.md), and it is close to the original, not to the
/// reworded copy.
#[test]
fn cluster_of_exact_and_near_copies() {
    insta::assert_snapshot!(
        "cluster_of_exact_and_near_copies",
        placed(&DedupConfig::default())
    );
}

/// The same cluster with `drop_duplicates`: the copies are marked to be left out.
#[test]
fn cluster_with_copies_dropped() {
    let config = DedupConfig {
        drop_duplicates: true,
        ..DedupConfig::default()
    };
    insta::assert_snapshot!("cluster_with_copies_dropped", placed(&config));
}
