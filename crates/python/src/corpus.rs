//! The corpus stages as observe and apply over Arrow: each document's summary as
//! columns, and the stage applied under a decision made elsewhere (by whatever groups
//! the summaries: pyarrow here, Ray or Spark beyond one machine).
//!
//! Documents cross as the documents table's columns and are read back with the export
//! crate's readers, as the runner reads its spills between passes. The decision (the
//! counts a group-by made of the summaries) is handed to the stage's own constructors
//! from counts, so that applying it is the runner's code, not a copy.

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder, UInt64Builder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, UInt64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use newsprep_boilerplate::Boilerplate;
use newsprep_core::config::Config;
use newsprep_core::document::Document;
use newsprep_core::stage::Stage;
use newsprep_entities::link::LinkPeople;
use newsprep_export::schema::documents;

use crate::stages::{Outcome, Stages};

/// Boilerplate's summary: the hashes of a document's chrome-shaped lines, each once.
pub const LINE_HASHES: &str = "line_hashes";
/// Boilerplate's decision: a line's hash and the documents it was seen in.
pub const LINE_HASH: &str = "line_hash";
/// The people linker's summary: the full names a document gives.
pub const NAMES: &str = "names";
/// The people linker's decision: a full name and the times the corpus gives it.
pub const NAME: &str = "name";
/// How many documents hold a line, or give a name, in a decided table.
pub const DOCUMENTS: &str = "documents";

/// The documents of a batch `Pipeline.process` gave: `None` for a rejected row (null
/// text), which no stage observes or applies again.
pub fn documents_of(batch: &RecordBatch) -> Result<Vec<Option<Document>>, String> {
    let mut columns = Vec::new();
    for column in documents::COLUMNS.iter().filter(|c| c.read.is_some()) {
        let array = batch.column_by_name(column.name).ok_or_else(|| {
            format!(
                "the batch has no {:?} column: pass what Pipeline.process gave",
                column.name
            )
        })?;
        if array.data_type() != &(column.data_type)() {
            return Err(format!(
                "column {:?} is {}, not {}",
                column.name,
                array.data_type(),
                (column.data_type)()
            ));
        }
        columns.push((column, array));
    }
    let text = batch
        .column_by_name(documents::TEXT.name)
        .ok_or("the batch has no text column")?;
    Ok((0..batch.num_rows())
        .map(|row| {
            text.is_valid(row).then(|| {
                let mut doc = Document::default();
                for (column, array) in &columns {
                    if let Some(read) = column.read {
                        read(array.as_ref(), row, &mut doc);
                    }
                }
                doc
            })
        })
        .collect())
}

/// Each document's summary for the corpus stage `name`, one row per row.
pub fn observe(stages: &Stages, name: &str, batch: &RecordBatch) -> Result<RecordBatch, String> {
    let stage = corpus_stage(stages, name)?;
    let docs = documents_of(batch)?;
    let doc_id = batch
        .column_by_name(documents::DOC_ID.name)
        .ok_or("the batch has no doc_id column")?
        .clone();
    let summary: ArrayRef = match name {
        "boilerplate" => {
            let mut list = ListBuilder::new(UInt64Builder::new());
            for doc in &docs {
                match doc {
                    Some(doc) => {
                        let hashes = stage.observe(0, doc);
                        let hashes = hashes
                            .downcast::<Vec<u64>>()
                            .map_err(|_| "boilerplate's summary is not line hashes")?;
                        list.values().append_slice(&hashes);
                        list.append(true);
                    }
                    None => list.append(false),
                }
            }
            Arc::new(list.finish())
        }
        "link_people" => {
            let mut list = ListBuilder::new(StringBuilder::new());
            for doc in &docs {
                match doc {
                    Some(doc) => {
                        let names = stage.observe(0, doc);
                        let names = names
                            .downcast::<Vec<String>>()
                            .map_err(|_| "the linker's summary is not names")?;
                        for name in names.iter() {
                            list.values().append_value(name);
                        }
                        list.append(true);
                    }
                    None => list.append(false),
                }
            }
            Arc::new(list.finish())
        }
        other => return Err(unsupported(other)),
    };
    let summary_name = if name == "boilerplate" {
        LINE_HASHES
    } else {
        NAMES
    };
    let schema = Schema::new(vec![
        Field::new(documents::DOC_ID.name, doc_id.data_type().clone(), true),
        Field::new(summary_name, summary.data_type().clone(), true),
    ]);
    RecordBatch::try_new(Arc::new(schema), vec![doc_id, summary]).map_err(|e| e.to_string())
}

/// The documents of `batch` with the corpus stage `name` applied under `decided`, then
/// the stages after it up to `until` (exclusive; all of them when `None`). Rows already
/// rejected stay as they are (their index in `rejected`).
pub fn apply(
    stages: &Stages,
    config: &Config,
    name: &str,
    batch: &RecordBatch,
    decided: &RecordBatch,
    until: Option<&str>,
) -> Result<(Vec<Outcome>, Vec<bool>), String> {
    let stage = decided_stage(config, name, decided)?;
    apply_then(stages, name, until, batch, |doc| {
        stages.apply(doc, std::slice::from_ref(&stage))
    })
}

/// The one loop of every apply over Arrow (boilerplate's, the linker's, dedup's):
/// `first` does what the corpus stage `name` decided to each document, then the stages
/// after `name` run up to `until`. A document refused on the way becomes the row the
/// runner's quarantine gives it: its path and size, and its URL and offset only when
/// it came from a container (a WARC record).
pub fn apply_then<F>(
    stages: &Stages,
    name: &str,
    until: Option<&str>,
    batch: &RecordBatch,
    first: F,
) -> Result<(Vec<Outcome>, Vec<bool>), String>
where
    F: Fn(&mut Document) -> Option<(&'static str, newsprep_core::Rejection)> + Sync,
{
    use rayon::prelude::*;
    let at = stages.position(name)?;
    let end = match until {
        Some(until) => stages.position(until)?,
        None => stages.stages.len(),
    };
    if end <= at {
        return Err(format!("{until:?} does not come after {name:?}"));
    }
    let after = &stages.stages[at + 1..end];
    let docs = documents_of(batch)?;
    let rejected = docs.iter().map(Option::is_none).collect();
    let outcomes = docs
        .into_par_iter()
        .map(|doc| match doc {
            None => Outcome::Rejected {
                doc: Document::default(),
                stage: "",
                rejection: newsprep_core::Rejection::new(newsprep_core::Reason::Empty, ""),
            },
            Some(mut doc) => {
                let placeholder = Document {
                    doc_id: doc.doc_id,
                    source_path: doc.source_path.clone(),
                    source_bytes: doc.source_bytes,
                    origin: doc.origin.clone(),
                    meta: newsprep_core::document::Metadata {
                        url: doc.origin.as_ref().and(doc.meta.url.clone()),
                        ..Default::default()
                    },
                    ..Document::default()
                };
                match first(&mut doc).or_else(|| stages.apply(&mut doc, after)) {
                    None => Outcome::Kept(doc),
                    Some((stage, rejection)) => Outcome::Rejected {
                        doc: placeholder,
                        stage,
                        rejection,
                    },
                }
            }
        })
        .collect();
    Ok((outcomes, rejected))
}

fn corpus_stage<'a>(
    stages: &'a Stages,
    name: &str,
) -> Result<&'a dyn newsprep_core::stage::ErasedCorpusStage, String> {
    match &stages.stages[stages.position(name)?] {
        Stage::Corpus(stage) if name == "boilerplate" || name == "link_people" => {
            Ok(stage.as_ref())
        }
        _ => Err(unsupported(name)),
    }
}

fn unsupported(name: &str) -> String {
    format!("{name:?} has no observe and apply over Arrow: boilerplate, dedup and link_people have")
}

/// A fresh corpus stage decided by what `decided` says: the same counts the runner's
/// observing pass would have given it.
fn decided_stage(config: &Config, name: &str, decided: &RecordBatch) -> Result<Stage, String> {
    let counts = decided
        .column_by_name(DOCUMENTS)
        .ok_or_else(|| format!("the decided table has no {DOCUMENTS:?} column"))?;
    // Documents per key, as observing them would have counted: at most u32::MAX.
    let counts: Vec<u32> = match counts.data_type() {
        DataType::Int64 => counts
            .as_primitive::<Int64Type>()
            .iter()
            .map(|c| c.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32)
            .collect(),
        DataType::UInt64 => counts
            .as_primitive::<UInt64Type>()
            .iter()
            .map(|c| c.unwrap_or(0).min(u64::from(u32::MAX)) as u32)
            .collect(),
        other => return Err(format!("column {DOCUMENTS:?} is {other}, not int64")),
    };
    // Built from the counts in time linear in the decided rows: an apply call over a
    // batch of documents must not cost as much as observing the whole corpus again.
    match name {
        "boilerplate" => {
            let hashes = decided
                .column_by_name(LINE_HASH)
                .filter(|a| a.data_type() == &DataType::UInt64)
                .ok_or_else(|| format!("the decided table has no {LINE_HASH:?} column (uint64)"))?
                .as_primitive::<UInt64Type>();
            let mut stage = Boilerplate::new(&config.boilerplate);
            stage.decide_from_counts(
                hashes
                    .iter()
                    .zip(&counts)
                    .filter_map(|(h, &n)| h.map(|h| (h, n))),
            );
            Ok(Stage::corpus(stage))
        }
        "link_people" => {
            let names = decided
                .column_by_name(NAME)
                .filter(|a| a.data_type() == &DataType::Utf8)
                .ok_or_else(|| format!("the decided table has no {NAME:?} column (string)"))?
                .as_string::<i32>();
            let stage = LinkPeople::from_counts(
                names
                    .iter()
                    .zip(&counts)
                    .filter_map(|(s, &n)| s.map(|s| (s.to_owned(), n))),
            );
            Ok(Stage::corpus(stage))
        }
        other => Err(unsupported(other)),
    }
}
