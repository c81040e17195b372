//! What a distributed engine needs beyond boilerplate's and the linker's observe and
//! apply (newsprep.ray): dedup's steps over Arrow, the tables a sink writes from
//! processed rows, and what the manifest and the Parquet files record of the run.
//!
//! Dedup's decision is made by the engine (exact groups, band buckets, confirmed
//! pairs, the keep rule per component), so only its per-document parts live here: the
//! signature and the shingle set a document reduces to, as the dedup stage computes
//! them, and the placement applied as the dedup stage applies it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use arrow_array::builder::{FixedSizeBinaryBuilder, Int64Builder, ListBuilder, UInt64Builder};
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch};
use arrow_schema::{Field, Schema};
use newsprep_core::config::Config;
use newsprep_core::document::{DedupNote, DocId};
use newsprep_dedup::minhash::MinHasher;
use newsprep_dedup::text;
use newsprep_export::schema::documents::{self, DocumentColumn};
use newsprep_export::schema::mentions::Mentions;
use newsprep_export::schema::{self, quarantine};

use crate::corpus::{self, documents_of};
use crate::stages::{Outcome, Stages};

/// Dedup's summary columns: the exact hash of the words (16 bytes, little-endian), the
/// length in characters, the publication time and the LSH band hashes.
pub const EXACT_HASH: &str = "exact_hash";
pub const N_CHARS: &str = "n_chars";
pub const PUBLISHED: &str = "published";
pub const BAND_HASHES: &str = "band_hashes";
/// Dedup's second look: the sorted shingle set of the text.
pub const SHINGLES: &str = "shingles";
/// Dedup's decision, per document: the kept document of its cluster, the one it
/// duplicates and their similarity.
pub const CLUSTER: &str = "cluster";
pub const DUPLICATE_OF: &str = "duplicate_of";
pub const SIMILARITY: &str = "similarity";

fn doc_ids(batch: &RecordBatch) -> Result<ArrayRef, String> {
    Ok(batch
        .column_by_name(documents::DOC_ID.name)
        .ok_or("the batch has no doc_id column")?
        .clone())
}

/// Each document's dedup signature, as the dedup stage's first pass computes it (its
/// `entry`, over the text with repeated paragraphs collapsed); null for a rejected row.
pub fn observe_dedup(config: &Config, batch: &RecordBatch) -> Result<RecordBatch, String> {
    let docs = documents_of(batch)?;
    let hasher = MinHasher::new(config.dedup.bands, config.dedup.rows);
    let mut exact = FixedSizeBinaryBuilder::new(16);
    let mut n_chars = UInt64Builder::new();
    let mut published = Int64Builder::new();
    let mut bands = ListBuilder::new(UInt64Builder::new());
    for doc in &docs {
        let Some(doc) = doc else {
            exact.append_null();
            n_chars.append_null();
            published.append_null();
            bands.append(false);
            continue;
        };
        let collapsed = text::collapse_repeated_paragraphs(&doc.text);
        let words = text::word_hashes(&collapsed);
        if !words.is_empty() {
            let shingles = text::shingle_hashes(&words, config.dedup.shingle_size);
            bands
                .values()
                .append_slice(&hasher.band_hashes(&hasher.signature(shingles)));
        }
        bands.append(true);
        exact
            .append_value(text::exact_hash(&words).to_le_bytes())
            .map_err(|e| e.to_string())?;
        n_chars.append_value(collapsed.chars().count() as u64);
        published.append_option(doc.meta.published);
    }
    let columns: Vec<(&str, ArrayRef)> = vec![
        (documents::DOC_ID.name, doc_ids(batch)?),
        (EXACT_HASH, Arc::new(exact.finish())),
        (N_CHARS, Arc::new(n_chars.finish())),
        (PUBLISHED, Arc::new(published.finish())),
        (BAND_HASHES, Arc::new(bands.finish())),
    ];
    batch_from(columns)
}

/// The shingle set of each document's text (repeated paragraphs collapsed), as the
/// dedup stage's second pass takes it to confirm a candidate pair.
pub fn shingles(config: &Config, batch: &RecordBatch) -> Result<RecordBatch, String> {
    let docs = documents_of(batch)?;
    let mut sets = ListBuilder::new(UInt64Builder::new());
    for doc in &docs {
        match doc {
            Some(doc) => {
                let collapsed = text::collapse_repeated_paragraphs(&doc.text);
                sets.values()
                    .append_slice(&text::text_shingles(&collapsed, config.dedup.shingle_size));
                sets.append(true);
            }
            None => sets.append(false),
        }
    }
    batch_from(vec![
        (documents::DOC_ID.name, doc_ids(batch)?),
        (SHINGLES, Arc::new(sets.finish())),
    ])
}

/// The documents with dedup's placements applied as the dedup stage applies them
/// (repeated paragraphs collapsed, the dedup note set; a document `decided` does not
/// name is kept, its own cluster), then the stages after dedup up to `until`.
pub fn apply_dedup(
    stages: &Stages,
    config: &Config,
    batch: &RecordBatch,
    decided: &RecordBatch,
    until: Option<&str>,
) -> Result<(Vec<Outcome>, Vec<bool>), String> {
    let placements = placements_of(decided)?;
    let drop = config.dedup.drop_duplicates;
    corpus::apply_then(stages, "dedup", until, batch, |doc| {
        if let std::borrow::Cow::Owned(collapsed) = text::collapse_repeated_paragraphs(&doc.text) {
            doc.text = collapsed;
        }
        let (cluster, duplicate_of, similarity) = placements
            .get(&doc.doc_id.0)
            .copied()
            .unwrap_or((doc.doc_id, None, None));
        doc.dedup = Some(DedupNote {
            cluster,
            duplicate_of,
            similarity,
            dropped: drop && duplicate_of.is_some(),
        });
        None
    })
}

type Placed = (DocId, Option<DocId>, Option<f64>);

fn placements_of(decided: &RecordBatch) -> Result<HashMap<u64, Placed>, String> {
    let column = |name: &str| {
        decided
            .column_by_name(name)
            .ok_or_else(|| format!("the decided table has no {name:?} column"))
    };
    let ids = column(documents::DOC_ID.name)?
        .as_string_opt::<i32>()
        .ok_or("doc_id is not a string")?;
    let cluster = column(CLUSTER)?
        .as_string_opt::<i32>()
        .ok_or("cluster is not a string")?;
    let dup = column(DUPLICATE_OF)?
        .as_string_opt::<i32>()
        .ok_or("duplicate_of is not a string")?;
    let sim = column(SIMILARITY)?
        .as_primitive_opt::<Float64Type>()
        .ok_or("similarity is not float64")?;
    let mut out = HashMap::new();
    for row in 0..decided.num_rows() {
        let (Some(id), Some(c)) = (
            ids.is_valid(row)
                .then(|| ids.value(row))
                .and_then(DocId::parse),
            cluster
                .is_valid(row)
                .then(|| cluster.value(row))
                .and_then(DocId::parse),
        ) else {
            continue;
        };
        let d = dup
            .is_valid(row)
            .then(|| dup.value(row))
            .and_then(DocId::parse);
        let s = sim.is_valid(row).then(|| sim.value(row));
        out.insert(id.0, (c, d, s));
    }
    Ok(out)
}

/// The output tables of a batch of processed rows, as the CLI's sink writes them:
/// the documents (less the duplicates `drop_duplicates` leaves out), their entity
/// mentions, and the quarantine rows of the rejected ones; with the counts the
/// manifest adds up.
pub fn tables(config: &Config, batch: &RecordBatch) -> Result<Tables, String> {
    let err = |e: arrow_schema::ArrowError| e.to_string();
    let docs = documents_of(batch)?;
    let mut counts = Counts::default();
    let mut written = Vec::new();
    let mut rejected = Vec::with_capacity(docs.len());
    for doc in docs {
        counts.read += 1;
        rejected.push(doc.is_none());
        let Some(doc) = doc else {
            counts.quarantined += 1;
            continue;
        };
        let duplicate = doc.dedup.as_ref().is_some_and(|d| d.duplicate_of.is_some());
        if duplicate {
            counts.duplicates += 1;
        } else {
            counts.kept += 1;
        }
        if duplicate && config.dedup.enabled && config.dedup.drop_duplicates {
            continue;
        }
        counts.written += 1;
        for mention in doc.entities.iter().flatten() {
            let label = mention.label.map_or("", |l| l.as_str());
            *counts
                .mentions_by_label
                .entry(label.to_owned())
                .or_default() += 1;
        }
        written.push(doc);
    }
    let columns: Vec<&DocumentColumn> = documents::COLUMNS.iter().collect();
    let mentions = Mentions::of(&written).map_err(err)?;
    let documents_table = schema::batch_of(
        &columns,
        &documents::Rows {
            docs: &written,
            mentions: &mentions,
        },
    )
    .map_err(err)?;
    let entities = if mentions.is_empty() {
        RecordBatch::new_empty(Arc::new(
            schema::schema_of(schema::mentions::COLUMNS)
                .as_ref()
                .clone(),
        ))
    } else {
        mentions.batch().map_err(err)?
    };
    let quarantine = quarantine_rows(batch, &rejected, &mut counts)?;
    Ok(Tables {
        documents: documents_table,
        entities,
        quarantine,
        counts,
    })
}

/// The rejected rows' quarantine columns, taken by name from the processed batch
/// (which carries every one of them) and typed as the quarantine table types them.
fn quarantine_rows(
    batch: &RecordBatch,
    rejected: &[bool],
    counts: &mut Counts,
) -> Result<RecordBatch, String> {
    let mask = BooleanArray::from(rejected.to_vec());
    let schema = schema::schema_of(quarantine::COLUMNS);
    let mut arrays = Vec::new();
    for field in schema.fields() {
        let column = batch
            .column_by_name(field.name())
            .ok_or_else(|| format!("the batch has no {:?} column", field.name()))?;
        let kept =
            arrow_select::filter::filter(column.as_ref(), &mask).map_err(|e| e.to_string())?;
        if kept.data_type() != field.data_type() {
            return Err(format!(
                "column {:?} is {}, not {}",
                field.name(),
                kept.data_type(),
                field.data_type()
            ));
        }
        arrays.push(kept);
    }
    let out = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| e.to_string())?;
    if let Some(reasons) = out
        .column_by_name(quarantine::REASON.name)
        .and_then(|c| c.as_string_opt::<i32>())
    {
        for reason in reasons.iter().flatten() {
            *counts
                .quarantined_by_reason
                .entry(reason.to_owned())
                .or_default() += 1;
        }
    }
    Ok(out)
}

/// What [`tables`] gives.
pub struct Tables {
    pub documents: RecordBatch,
    pub entities: RecordBatch,
    pub quarantine: RecordBatch,
    pub counts: Counts,
}

/// The manifest's counts of one batch; the engine adds them up.
#[derive(Debug, Default)]
pub struct Counts {
    pub read: u64,
    pub kept: u64,
    pub duplicates: u64,
    pub quarantined: u64,
    pub written: u64,
    pub quarantined_by_reason: BTreeMap<String, u64>,
    pub mentions_by_label: BTreeMap<String, u64>,
}

impl Counts {
    /// The counts by the manifest's names for them.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "read": self.read,
            "kept": self.kept,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "written": self.written,
            "quarantined_by_reason": self.quarantined_by_reason,
            "mentions_by_label": self.mentions_by_label,
        })
    }
}

/// What the manifest and every Parquet file record of a run with `config`: versions,
/// the config and its hash, and how the CLI writes its Parquet files.
pub fn describe(config: &Config) -> Result<String, String> {
    let dictionary: Vec<&str> = schema::dictionary_columns();
    let value = serde_json::json!({
        "newsprep_version": newsprep_core::VERSION,
        "schema_version": schema::SCHEMA_VERSION,
        "config_hash": config.hash(),
        "config": config,
        "parquet": {
            "compression_level": config.export.compression_level,
            "row_group_size": config.export.row_group_size,
            "max_rows_per_file": config.export.max_rows_per_file,
            "dictionary_columns": dictionary,
            // As crates/export writes them into every file's key-value metadata.
            "metadata": {
                "newsprep.schema_version": schema::SCHEMA_VERSION.to_string(),
                "newsprep.version": newsprep_core::VERSION,
                "newsprep.config_hash": config.hash(),
            },
        },
    });
    serde_json::to_string(&value).map_err(|e| e.to_string())
}

fn batch_from(columns: Vec<(&str, ArrayRef)>) -> Result<RecordBatch, String> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, array)| Field::new(*name, array.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .map_err(|e| e.to_string())
}

/// The quarantine rows of inputs turned away before reading (the listing's: links
/// leading outside the input, special files, unreadable entries), as the CLI's walk
/// quarantines them: stage `decode`, nothing read.
pub fn rejected_inputs(rows: &[(String, String, String)]) -> Result<RecordBatch, String> {
    use newsprep_core::document::{QuarantineRecord, Reason};
    let known = [Reason::OutsideInput, Reason::NotAFile, Reason::Unreadable];
    let mut records = Vec::with_capacity(rows.len());
    for (source_path, reason, detail) in rows {
        let reason = known
            .iter()
            .copied()
            .find(|r| r.as_str() == reason)
            .ok_or_else(|| format!("{reason:?} is no reason the input listing gives"))?;
        records.push(QuarantineRecord {
            source_path: source_path.clone(),
            stage: "decode",
            reason,
            detail: detail.clone(),
            source_bytes: 0,
            url: None,
            source_offset: None,
        });
    }
    let columns: Vec<_> = quarantine::COLUMNS.iter().collect();
    schema::batch_of(&columns, records.as_slice()).map_err(|e| e.to_string())
}
