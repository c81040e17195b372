//! The one place that names every output column and its type. `docs/schema.md`
//! describes the same columns for readers; a change here is a schema version bump.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, ListBuilder, StringBuilder, UInt64Builder};
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, ListArray, RecordBatch,
    StringArray, StructArray, TimestampMicrosecondArray,
};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use newsprep_core::document::{DocId, Document, Mention, QuarantineRecord, Signature};
use rayon::prelude::*;

/// Bumped whenever a column is added, removed, renamed or retyped.
pub const SCHEMA_VERSION: u32 = 4;

/// `documents.parquet`: one row per document kept.
pub fn documents() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("doc_id", DataType::Utf8, false),
        Field::new("source_path", DataType::Utf8, false),
        Field::new("source_bytes", DataType::Int64, false),
        Field::new("format", DataType::Utf8, false),
        Field::new("encoding", DataType::Utf8, false),
        Field::new("encoding_source", DataType::Utf8, false),
        Field::new("mojibake_repairs", DataType::Int64, false),
        Field::new("title", DataType::Utf8, true),
        Field::new("published", timestamp_utc(), true),
        Field::new("attribution", DataType::Utf8, true),
        Field::new("author", string_list(), true),
        Field::new("site_name", DataType::Utf8, true),
        Field::new("url", DataType::Utf8, true),
        Field::new("canonical_url", DataType::Utf8, true),
        Field::new("page_language", DataType::Utf8, true),
        Field::new("language", DataType::Utf8, true),
        Field::new("language_score", DataType::Float64, true),
        Field::new("warc_record_id", DataType::Utf8, true),
        Field::new("warc_date", timestamp_utc(), true),
        Field::new("source_offset", DataType::Int64, true),
        Field::new("text", DataType::Utf8, false),
        Field::new("n_chars", DataType::Int64, false),
        Field::new("n_words", DataType::Int64, false),
        Field::new("content_hash", DataType::Utf8, false),
        Field::new("boilerplate_lines", DataType::Int64, true),
        Field::new("removed_words", DataType::Int64, true),
        Field::new("removed_text", DataType::Utf8, true),
        Field::new("dup_cluster", DataType::Utf8, true),
        Field::new("is_duplicate", DataType::Boolean, true),
        Field::new("duplicate_of", DataType::Utf8, true),
        Field::new("dup_similarity", DataType::Float64, true),
        Field::new(
            "entities",
            DataType::List(Arc::new(Field::new(
                "item",
                DataType::Struct(mention_fields()),
                true,
            ))),
            true,
        ),
    ]))
}

/// A list of names, as `author` holds them.
fn string_list() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, false)))
}

/// The `author` column: the names credited on an HTML page; null for text dumps, which
/// say nothing of the kind.
fn author_column(docs: &[Document]) -> Result<ArrayRef, ArrowError> {
    let mut names = ListBuilder::new(StringBuilder::new()).with_field(Arc::new(Field::new(
        "item",
        DataType::Utf8,
        false,
    )));
    for doc in docs {
        if doc.format == newsprep_core::document::Format::Html {
            names.append_value(doc.meta.author.iter().map(Some));
        } else {
            names.append_null();
        }
    }
    Ok(Arc::new(names.finish()))
}

/// The fields of one entity mention, in `documents.entities` and `entities.parquet`.
fn mention_fields() -> Fields {
    Fields::from(vec![
        Field::new("text", DataType::Utf8, false),
        Field::new("label", DataType::Utf8, false),
        Field::new("start", DataType::Int64, false),
        Field::new("end", DataType::Int64, false),
        Field::new("canonical", DataType::Utf8, false),
        Field::new("entity_id", DataType::Utf8, false),
        Field::new("geonames_id", DataType::Int64, true),
        Field::new("country_code", DataType::Utf8, true),
        Field::new("lat", DataType::Float64, true),
        Field::new("lon", DataType::Float64, true),
        Field::new("value", DataType::Int64, true),
        Field::new("date", DataType::Date32, true),
    ])
}

/// `entities.parquet`: one row per mention, `doc_id` first for joins.
pub fn entities() -> SchemaRef {
    let mut fields = vec![Arc::new(Field::new("doc_id", DataType::Utf8, false))];
    fields.extend(mention_fields().iter().cloned());
    Arc::new(Schema::new(fields))
}

/// The mention columns for `mentions`, in the order of [`mention_fields`], built side
/// by side.
fn mention_columns(mentions: &[&Mention]) -> Vec<ArrayRef> {
    mention_fields()
        .iter()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|field| mention_column(field.name(), mentions))
        .collect()
}

/// The column `name` of [`mention_fields`] for `mentions`.
fn mention_column(name: &str, mentions: &[&Mention]) -> ArrayRef {
    let strings = |f: fn(&Mention) -> &str| -> ArrayRef {
        Arc::new(sized_strings(mentions.iter().map(|m| Some(f(m)))))
    };
    match name {
        "text" => strings(|m| &m.text),
        "label" => strings(|m| m.label.map_or("", |l| l.as_str())),
        "start" => Arc::new(Int64Array::from_iter_values(
            mentions.iter().map(|m| to_i64(m.start)),
        )),
        "end" => Arc::new(Int64Array::from_iter_values(
            mentions.iter().map(|m| to_i64(m.end)),
        )),
        "canonical" => strings(|m| &m.canonical),
        "entity_id" => Arc::new(hex_column(mentions.iter().map(|m| Some(m.entity_id)))),
        "geonames_id" => Arc::new(Int64Array::from_iter(
            mentions.iter().map(|m| m.geonames_id),
        )),
        "country_code" => Arc::new(StringArray::from_iter(
            mentions.iter().map(|m| m.country_code.as_deref()),
        )),
        "lat" => Arc::new(Float64Array::from_iter(mentions.iter().map(|m| m.lat))),
        "lon" => Arc::new(Float64Array::from_iter(mentions.iter().map(|m| m.lon))),
        "value" => Arc::new(Int64Array::from_iter(mentions.iter().map(|m| m.value))),
        "date" => Arc::new(Date32Array::from_iter(mentions.iter().map(|m| m.date))),
        other => unreachable!("mention_fields has no column {other}"),
    }
}

/// The mentions of a batch of documents as columns, built once for both places they
/// are written: the `entities` list column of `documents.parquet` and the rows of
/// `entities.parquet`.
pub struct Mentions {
    /// The `doc_id` of each mention's document.
    doc_ids: ArrayRef,
    /// The columns of [`mention_fields`], a row per mention.
    columns: Vec<ArrayRef>,
}

impl Mentions {
    /// The mentions of `docs` in document order, each column built on its own thread.
    pub fn of(docs: &[Document]) -> Mentions {
        let pairs: Vec<(DocId, &Mention)> = docs
            .iter()
            .flat_map(|d| d.entities.iter().flatten().map(move |m| (d.doc_id, m)))
            .collect();
        let mentions: Vec<&Mention> = pairs.iter().map(|(_, m)| *m).collect();
        let (doc_ids, columns) = rayon::join(
            || -> ArrayRef { Arc::new(id_column(pairs.iter().map(|&(id, _)| Some(id)))) },
            || mention_columns(&mentions),
        );
        Mentions { doc_ids, columns }
    }

    pub fn is_empty(&self) -> bool {
        self.doc_ids.is_empty()
    }
}

/// The rows of `entities.parquet` for `mentions`.
pub fn entities_batch(mentions: &Mentions) -> Result<RecordBatch, ArrowError> {
    let mut columns = vec![mentions.doc_ids.clone()];
    columns.extend(mentions.columns.iter().cloned());
    RecordBatch::try_new(entities(), columns)
}

/// The `entities` column: each document's mentions as a list; null where the stage
/// did not run.
fn entities_column(docs: &[Document], mentions: &Mentions) -> Result<ArrayRef, ArrowError> {
    let values = StructArray::try_new(mention_fields(), mentions.columns.clone(), None)?;
    let offsets =
        OffsetBuffer::from_lengths(docs.iter().map(|d| d.entities.as_ref().map_or(0, Vec::len)));
    let nulls = NullBuffer::from_iter(docs.iter().map(|d| d.entities.is_some()));
    let item = Arc::new(Field::new("item", DataType::Struct(mention_fields()), true));
    Ok(Arc::new(ListArray::try_new(
        item,
        offsets,
        Arc::new(values),
        Some(nulls),
    )?))
}

/// Microseconds since the epoch in UTC, which pandas, polars and DuckDB all read as a
/// time-zone-aware timestamp.
fn timestamp_utc() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

/// `_state/trace.parquet`: one row per row of `documents.parquet`, in the same order:
/// what the next run needs to reuse the document (see [`newsprep_core::document::Trace`]).
/// `bands` is the dedup band table, so that cross-shard candidate pairs can also be
/// found by a join in DuckDB or Spark.
pub fn trace() -> SchemaRef {
    let list = |item: DataType| DataType::List(Arc::new(Field::new("item", item, false)));
    Arc::new(Schema::new(vec![
        Field::new("doc_id", DataType::Utf8, false),
        Field::new("source_path", DataType::Utf8, false),
        Field::new("source_bytes", DataType::Int64, false),
        Field::new("input_hash", DataType::Utf8, true),
        Field::new("chrome_lines", list(DataType::UInt64), true),
        Field::new("chrome_recurring", list(DataType::Boolean), true),
        Field::new("exact_hash", DataType::Utf8, true),
        Field::new("dedup_chars", DataType::Int64, true),
        Field::new("published", timestamp_utc(), true),
        Field::new("bands", list(DataType::UInt64), true),
        Field::new("dup_dropped", DataType::Boolean, true),
    ]))
}

/// The rows of `_state/trace.parquet` for `docs`, in their order.
pub fn trace_batch(docs: &[Document]) -> Result<RecordBatch, ArrowError> {
    let item = |t: DataType| Arc::new(Field::new("item", t, false));
    let mut lines = ListBuilder::new(UInt64Builder::new()).with_field(item(DataType::UInt64));
    let mut recurring = ListBuilder::new(BooleanBuilder::new()).with_field(item(DataType::Boolean));
    let mut bands = ListBuilder::new(UInt64Builder::new()).with_field(item(DataType::UInt64));
    for doc in docs {
        match &doc.trace.chrome_lines {
            Some(seen) => {
                lines.append_value(seen.iter().map(|&(h, _)| Some(h)));
                recurring.append_value(seen.iter().map(|&(_, r)| Some(r)));
            }
            None => {
                lines.append_null();
                recurring.append_null();
            }
        }
        match &doc.trace.signature {
            Some(sig) => bands.append_value(sig.bands.iter().map(|&b| Some(b))),
            None => bands.append_null(),
        }
    }
    RecordBatch::try_new(
        trace(),
        vec![
            Arc::new(id_column(docs.iter().map(|d| Some(d.doc_id)))),
            Arc::new(StringArray::from_iter_values(
                docs.iter().map(|d| d.source_path.as_str()),
            )),
            Arc::new(Int64Array::from_iter_values(
                docs.iter()
                    .map(|d| to_i64(d.trace.input_bytes.unwrap_or(d.source_bytes))),
            )),
            Arc::new(StringArray::from_iter(
                docs.iter().map(|d| d.trace.input_hash.as_deref()),
            )),
            Arc::new(lines.finish()),
            Arc::new(recurring.finish()),
            Arc::new(StringArray::from_iter(
                docs.iter()
                    .map(|d| signature(d).map(|s| format!("{:032x}", s.exact))),
            )),
            Arc::new(Int64Array::from_iter(
                docs.iter().map(|d| signature(d).map(|s| to_i64(s.n_chars))),
            )),
            Arc::new(
                TimestampMicrosecondArray::from_iter(
                    docs.iter().map(|d| signature(d).and_then(|s| s.published)),
                )
                .with_timezone("UTC"),
            ),
            Arc::new(bands.finish()),
            // Whether dedup leaves the document out of the output: a spill between
            // dedup and a later corpus stage must hand that on.
            Arc::new(BooleanArray::from_iter(
                docs.iter().map(|d| d.dedup.as_ref().map(|n| n.dropped)),
            )),
        ],
    )
}

fn signature(doc: &Document) -> Option<&Signature> {
    doc.trace.signature.as_ref()
}

/// `quarantine.parquet`: one row per input that was not kept, and why.
pub fn quarantine() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("source_path", DataType::Utf8, false),
        Field::new("stage", DataType::Utf8, false),
        Field::new("reason", DataType::Utf8, false),
        Field::new("detail", DataType::Utf8, false),
        Field::new("source_bytes", DataType::Int64, false),
        Field::new("url", DataType::Utf8, true),
        Field::new("source_offset", DataType::Int64, true),
    ]))
}

/// Columns with few distinct values, worth dictionary encoding; the rest are nearly
/// unique per row, where a dictionary only costs memory and time.
pub const DICTIONARY_COLUMNS: &[&str] = &[
    "format",
    "encoding",
    "encoding_source",
    "attribution",
    "site_name",
    "page_language",
    "language",
    "stage",
    "reason",
    "label",
    "country_code",
];

/// Whether [`documents_batch`] computes the columns derived from the text alone
/// (`n_chars`, `n_words`, `content_hash`): always for the output; a spill, which is
/// read back only for what cannot be derived, leaves them zero and empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derived {
    Compute,
    Skip,
}

/// The rows of `documents.parquet` for `docs`, whose mentions are `mentions`. The
/// columns are built side by side: the batch of a row group is built at the end of a
/// pass, where one thread building thirty columns in turn left the others idle.
pub fn documents_batch(
    docs: &[Document],
    derived: Derived,
    mentions: &Mentions,
) -> Result<RecordBatch, ArrowError> {
    let schema = documents();
    let columns = schema
        .fields()
        .iter()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|field| document_column(field.name(), docs, derived, mentions))
        .collect::<Result<Vec<_>, _>>()?;
    RecordBatch::try_new(schema, columns)
}

/// The column `name` of [`documents`] for `docs`.
fn document_column(
    name: &str,
    docs: &[Document],
    derived: Derived,
    mentions: &Mentions,
) -> Result<ArrayRef, ArrowError> {
    let strings = |f: fn(&Document) -> &str| -> ArrayRef {
        Arc::new(sized_strings(docs.iter().map(|d| Some(f(d)))))
    };
    let ints = |f: fn(&Document) -> u64| -> ArrayRef {
        Arc::new(Int64Array::from_iter_values(
            docs.iter().map(|d| to_i64(f(d))),
        ))
    };
    let optional = |f: fn(&Document) -> Option<&str>| -> ArrayRef {
        Arc::new(sized_strings(docs.iter().map(f)))
    };
    // Counting and hashing every text is the costliest of the columns: spread over the
    // threads too. A spill leaves them zero and empty.
    let count = |f: fn(&Document) -> u64| -> ArrayRef {
        let values: Vec<i64> = match derived {
            Derived::Skip => vec![0; docs.len()],
            Derived::Compute => docs.par_iter().map(|d| to_i64(f(d))).collect(),
        };
        Arc::new(Int64Array::from(values))
    };
    let timestamps = |values: Vec<Option<i64>>| -> ArrayRef {
        Arc::new(TimestampMicrosecondArray::from(values).with_timezone("UTC"))
    };
    Ok(match name {
        "doc_id" => Arc::new(id_column(docs.iter().map(|d| Some(d.doc_id)))),
        "source_path" => strings(|d| &d.source_path),
        "source_bytes" => ints(|d| d.source_bytes),
        "format" => strings(|d| d.format.as_str()),
        "encoding" => strings(|d| &d.encoding),
        "encoding_source" => strings(|d| d.encoding_source.as_str()),
        "mojibake_repairs" => ints(|d| d.mojibake_repairs),
        "title" => optional(|d| d.meta.title.as_deref()),
        "published" => timestamps(docs.iter().map(|d| d.meta.published).collect()),
        "attribution" => optional(|d| d.meta.attribution.as_deref()),
        "author" => author_column(docs)?,
        "site_name" => optional(|d| d.meta.site_name.as_deref()),
        "url" => optional(|d| d.meta.url.as_deref()),
        "canonical_url" => optional(|d| d.meta.canonical_url.as_deref()),
        "page_language" => optional(|d| d.meta.page_language.as_deref()),
        "language" => optional(|d| d.language.as_ref().map(|l| l.code.as_str())),
        "language_score" => Arc::new(Float64Array::from_iter(
            docs.iter().map(|d| d.language.as_ref().map(|l| l.score)),
        )),
        "warc_record_id" => optional(|d| d.origin.as_ref().map(|o| o.record_id.as_str())),
        "warc_date" => timestamps(
            docs.iter()
                .map(|d| d.origin.as_ref().and_then(|o| o.date))
                .collect(),
        ),
        "source_offset" => Arc::new(Int64Array::from_iter(
            docs.iter()
                .map(|d| d.origin.as_ref().map(|o| to_i64(o.offset))),
        )),
        "text" => strings(|d| &d.text),
        "n_chars" => count(Document::n_chars),
        "n_words" => count(Document::n_words),
        "content_hash" => {
            let hashes: Vec<String> = match derived {
                Derived::Skip => vec![String::new(); docs.len()],
                Derived::Compute => docs.par_iter().map(Document::content_hash).collect(),
            };
            Arc::new(StringArray::from_iter_values(hashes))
        }
        "boilerplate_lines" => {
            Arc::new(Int64Array::from_iter(docs.iter().map(|d| {
                d.boilerplate.as_ref().map(|b| to_i64(b.removed_lines))
            })))
        }
        "removed_words" => {
            Arc::new(Int64Array::from_iter(docs.iter().map(|d| {
                d.boilerplate.as_ref().map(|b| to_i64(b.removed_words))
            })))
        }
        "removed_text" => optional(|d| {
            d.boilerplate
                .as_ref()
                .and_then(|b| b.removed_text.as_deref())
        }),
        "dup_cluster" => Arc::new(id_column(
            docs.iter().map(|d| d.dedup.as_ref().map(|n| n.cluster)),
        )),
        "is_duplicate" => Arc::new(BooleanArray::from_iter(
            docs.iter()
                .map(|d| d.dedup.as_ref().map(|n| n.duplicate_of.is_some())),
        )),
        "duplicate_of" => Arc::new(id_column(
            docs.iter()
                .map(|d| d.dedup.as_ref().and_then(|n| n.duplicate_of)),
        )),
        "dup_similarity" => Arc::new(Float64Array::from_iter(
            docs.iter()
                .map(|d| d.dedup.as_ref().and_then(|n| n.similarity)),
        )),
        "entities" => entities_column(docs, mentions)?,
        other => unreachable!("documents() has no column {other}"),
    })
}

/// The rows of `quarantine.parquet` for `records`, in their order.
pub fn quarantine_batch(records: &[QuarantineRecord]) -> Result<RecordBatch, ArrowError> {
    let strings = |f: fn(&QuarantineRecord) -> &str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(records.iter().map(f)))
    };
    RecordBatch::try_new(
        quarantine(),
        vec![
            strings(|r| &r.source_path),
            strings(|r| r.stage),
            strings(|r| r.reason.as_str()),
            strings(|r| &r.detail),
            Arc::new(Int64Array::from_iter_values(
                records.iter().map(|r| to_i64(r.source_bytes)),
            )),
            Arc::new(StringArray::from_iter(
                records.iter().map(|r| r.url.as_deref()),
            )),
            Arc::new(Int64Array::from_iter(
                records.iter().map(|r| r.source_offset.map(to_i64)),
            )),
        ],
    )
}

/// A column of document ids, which leave the program here as 16 hex digits.
fn id_column(ids: impl Iterator<Item = Option<DocId>>) -> StringArray {
    hex_column(ids.map(|id| id.map(|id| id.0)))
}

/// A column of 64-bit ids (documents, entities) as 16 hex digits each.
fn hex_column(ids: impl Iterator<Item = Option<u64>>) -> StringArray {
    let (low, _) = ids.size_hint();
    let mut builder = StringBuilder::with_capacity(low, 16 * low);
    let mut buf = [0u8; 16];
    for id in ids {
        match id {
            Some(id) => builder.append_value(DocId(id).hex(&mut buf)),
            None => builder.append_null(),
        }
    }
    builder.finish()
}

/// A string column sized in one pass before it is filled in another. Grown as it
/// fills, the text column of a batch doubled its buffer again and again and held the
/// old and new copies at once: the run's largest allocation by far.
fn sized_strings<'a>(values: impl Iterator<Item = Option<&'a str>> + Clone) -> StringArray {
    let (rows, bytes) = values.clone().fold((0, 0), |(rows, bytes), v| {
        (rows + 1, bytes + v.map_or(0, str::len))
    });
    let mut builder = StringBuilder::with_capacity(rows, bytes);
    for value in values {
        builder.append_option(value);
    }
    builder.finish()
}

/// Counts are stored as signed 64-bit integers, the integer type every notebook tool
/// and Spark read without surprises; no real count comes near the limit.
fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int64Type;
    use arrow_array::Array;
    use newsprep_core::document::Label;

    fn doc(path: &str, text: &str, names: Option<&[&str]>) -> Document {
        let entities = names.map(|names| {
            names
                .iter()
                .map(|name| Mention {
                    text: (*name).into(),
                    label: Some(Label::Person),
                    canonical: (*name).into(),
                    ..Mention::default()
                })
                .collect()
        });
        Document {
            doc_id: DocId::for_path(path),
            source_path: path.to_owned(),
            text: text.to_owned(),
            entities,
            ..Document::default()
        }
    }

    #[test]
    fn both_tables_get_the_same_mentions_in_document_order() {
        let docs = [
            doc(
                "a.txt",
                "Otunbayeva met Bakiyev.",
                Some(&["Otunbayeva", "Bakiyev"]),
            ),
            doc("b.txt", "No one.", None),
            doc("c.txt", "Atambayev  spoke\tlast", Some(&["Atambayev"])),
        ];
        let mentions = Mentions::of(&docs);
        let batch = documents_batch(&docs, Derived::Compute, &mentions).unwrap();
        assert_eq!(batch.num_columns(), documents().fields().len());

        let lists = batch.column_by_name("entities").unwrap().as_list::<i32>();
        assert!(lists.is_valid(0) && lists.is_null(1) && lists.is_valid(2));
        let names = |row: usize| -> Vec<String> {
            let list = lists.value(row);
            let texts = list.as_struct().column_by_name("text").unwrap().clone();
            let texts = texts.as_string::<i32>();
            texts.iter().map(|t| t.unwrap().to_owned()).collect()
        };
        assert_eq!(names(0), ["Otunbayeva", "Bakiyev"]);
        assert_eq!(names(2), ["Atambayev"]);

        let table = entities_batch(&mentions).unwrap();
        let column = |name: &str| -> Vec<String> {
            let col = table.column_by_name(name).unwrap().as_string::<i32>();
            col.iter().map(|v| v.unwrap().to_owned()).collect()
        };
        let (a, c) = (DocId::for_path("a.txt"), DocId::for_path("c.txt"));
        let mut buf = [0u8; 16];
        let (a, c) = (a.hex(&mut buf).to_owned(), c.hex(&mut buf).to_owned());
        assert_eq!(column("doc_id"), [a.clone(), a, c]);
        assert_eq!(column("text"), ["Otunbayeva", "Bakiyev", "Atambayev"]);

        let words = batch.column_by_name("n_words").unwrap();
        let words: Vec<i64> = words.as_primitive::<Int64Type>().values().to_vec();
        assert_eq!(words, [3, 2, 3]);
        let hashes = batch
            .column_by_name("content_hash")
            .unwrap()
            .as_string::<i32>();
        assert_eq!(hashes.value(0), docs[0].content_hash());
    }

    #[test]
    fn a_spill_leaves_the_derived_columns_zero_and_empty() {
        let docs = [doc("a.txt", "three words here", None)];
        let batch = documents_batch(&docs, Derived::Skip, &Mentions::of(&docs)).unwrap();
        let words = batch.column_by_name("n_words").unwrap();
        assert_eq!(words.as_primitive::<Int64Type>().value(0), 0);
        let hashes = batch
            .column_by_name("content_hash")
            .unwrap()
            .as_string::<i32>();
        assert_eq!(hashes.value(0), "");
        assert!(Mentions::of(&docs).is_empty());
    }
}
