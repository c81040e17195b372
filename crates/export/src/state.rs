//! Runner state, not public output: the columns of `_state/trace.parquet` (what the
//! next `run --incremental` or `merge` reads to reuse a document without its file) and
//! of the spills that carry documents between the passes of one run. Notebooks never
//! read either. A spill lives for one run of one build; the trace is read by later
//! builds, which check its `newsprep.schema_version` as they do the tables', so a
//! change of its columns bumps `SCHEMA_VERSION` too.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, ListBuilder, UInt64Builder};
use arrow_array::cast::AsArray;
use arrow_array::types::UInt64Type;
use arrow_array::{Array, ArrayRef, BooleanArray, Int64Array, StringArray};
use arrow_schema::{ArrowError, DataType, Field};
use newsprep_core::document::{Document, Signature};

use crate::schema::documents::{self, DocumentColumn};
use crate::schema::{
    id_column, int64, read_i64, read_str, read_string, read_timestamp, read_u64, timestamp_utc,
    to_i64, utf8, Column,
};

pub type Write = fn(&[Document]) -> Result<ArrayRef, ArrowError>;
/// Sets a restored document's trace from one row, after its documents columns.
pub type Read = fn(&dyn Array, usize, &mut Document);
pub type TraceColumn = Column<Write, Read>;

/// The documents columns a spill holds: those a restored document is made of. The
/// counts and hashes derived from the text are left out; the final pass, which
/// writes the output, computes them.
pub fn spill_columns() -> impl Iterator<Item = &'static DocumentColumn> + Clone {
    documents::COLUMNS.iter().filter(|c| c.read.is_some())
}

/// `_state/trace.parquet`: one row per row of `documents.parquet`, in the same order.
/// `bands` is the dedup band table, so that cross-shard candidate pairs can also be
/// found by a join in DuckDB or Spark.
pub static TRACE: &[TraceColumn] = &[
    DOC_ID,
    SOURCE_PATH,
    SOURCE_BYTES,
    INPUT_HASH,
    CHROME_LINES,
    CHROME_RECURRING,
    EXACT_HASH,
    DEDUP_CHARS,
    PUBLISHED,
    BANDS,
    DUP_DROPPED,
];

pub const DOC_ID: TraceColumn = Column {
    name: "doc_id",
    data_type: utf8,
    nullable: false,
    dictionary: false,
    meaning: "the row's document, as in `documents.parquet`",
    example: "",
    write: |docs| Ok(Arc::new(id_column(docs.iter().map(|d| Some(d.doc_id))))),
    read: None,
};

pub const SOURCE_PATH: TraceColumn = Column {
    name: "source_path",
    data_type: utf8,
    nullable: false,
    dictionary: false,
    meaning: "the input file, relative to the input folder",
    example: "",
    write: |docs| {
        let paths = docs.iter().map(|d| d.source_path.as_str());
        Ok(Arc::new(StringArray::from_iter_values(paths)))
    },
    read: None,
};

pub const SOURCE_BYTES: TraceColumn = Column {
    name: "source_bytes",
    data_type: int64,
    nullable: false,
    dictionary: false,
    meaning: "the input file's size on disk: with the path and the hash, its fingerprint",
    example: "",
    write: |docs| {
        let sizes = docs
            .iter()
            .map(|d| to_i64(d.trace.input_bytes.unwrap_or(d.source_bytes)));
        Ok(Arc::new(Int64Array::from_iter_values(sizes)))
    },
    read: Some(|col, row, doc| {
        doc.trace.input_bytes = read_i64(col, row).and_then(|n| u64::try_from(n).ok())
    }),
};

pub const INPUT_HASH: TraceColumn = Column {
    name: "input_hash",
    data_type: utf8,
    nullable: true,
    dictionary: false,
    meaning: "BLAKE3 of the input's bytes after decompression, hex",
    example: "",
    write: |docs| {
        let hashes = docs.iter().map(|d| d.trace.input_hash.as_deref());
        Ok(Arc::new(StringArray::from_iter(hashes)))
    },
    read: Some(|col, row, doc| doc.trace.input_hash = read_string(col, row)),
};

pub const CHROME_LINES: TraceColumn = Column {
    name: "chrome_lines",
    data_type: || list(DataType::UInt64),
    nullable: true,
    dictionary: false,
    meaning: "boilerplate: the hashes of the lines recurrence could judge, sorted",
    example: "",
    write: |docs| {
        let mut lines = ListBuilder::new(UInt64Builder::new()).with_field(item(DataType::UInt64));
        for doc in docs {
            match &doc.trace.chrome_lines {
                Some(seen) => lines.append_value(seen.iter().map(|&(h, _)| Some(h))),
                None => lines.append_null(),
            }
        }
        Ok(Arc::new(lines.finish()))
    },
    read: Some(|col, row, doc| {
        doc.trace.chrome_lines =
            read_u64_list(col, row).map(|hashes| hashes.into_iter().map(|h| (h, false)).collect())
    }),
};

pub const CHROME_RECURRING: TraceColumn = Column {
    name: "chrome_recurring",
    data_type: || list(DataType::Boolean),
    nullable: true,
    dictionary: false,
    meaning: "boilerplate: whether each of those lines was judged recurring chrome",
    example: "",
    write: |docs| {
        let mut recurring =
            ListBuilder::new(BooleanBuilder::new()).with_field(item(DataType::Boolean));
        for doc in docs {
            match &doc.trace.chrome_lines {
                Some(seen) => recurring.append_value(seen.iter().map(|&(_, r)| Some(r))),
                None => recurring.append_null(),
            }
        }
        Ok(Arc::new(recurring.finish()))
    },
    read: Some(|col, row, doc| {
        if let Some(lines) = doc.trace.chrome_lines.as_mut() {
            let flags = col.as_list::<i32>().value(row);
            let flags = flags.as_boolean();
            for (i, (_, recurring)) in lines.iter_mut().enumerate() {
                *recurring = i < flags.len() && flags.value(i);
            }
        }
    }),
};

pub const EXACT_HASH: TraceColumn = Column {
    name: "exact_hash",
    data_type: utf8,
    nullable: true,
    dictionary: false,
    meaning: "dedup: the hash of the folded text, 32 hex digits; null without a signature",
    example: "",
    write: |docs| {
        let hashes = docs
            .iter()
            .map(|d| signature(d).map(|s| format!("{:032x}", s.exact)));
        Ok(Arc::new(StringArray::from_iter(hashes)))
    },
    read: Some(|col, row, doc| {
        doc.trace.signature = read_str(col, row)
            .and_then(|hex| u128::from_str_radix(hex, 16).ok())
            .map(|exact| Signature {
                exact,
                ..Signature::default()
            })
    }),
};

pub const DEDUP_CHARS: TraceColumn = Column {
    name: "dedup_chars",
    data_type: int64,
    nullable: true,
    dictionary: false,
    meaning: "dedup: the text's length, for the rule that keeps the longest",
    example: "",
    write: |docs| {
        let chars = docs.iter().map(|d| signature(d).map(|s| to_i64(s.n_chars)));
        Ok(Arc::new(Int64Array::from_iter(chars)))
    },
    read: Some(|col, row, doc| {
        if let Some(signature) = doc.trace.signature.as_mut() {
            signature.n_chars = read_u64(col, row).unwrap_or(0);
        }
    }),
};

pub const PUBLISHED: TraceColumn = Column {
    name: "published",
    data_type: timestamp_utc,
    nullable: true,
    dictionary: false,
    meaning: "dedup: the publication time, for the rule that keeps the earliest",
    example: "",
    write: |docs| {
        let times = docs.iter().map(|d| signature(d).and_then(|s| s.published));
        Ok(Arc::new(
            arrow_array::TimestampMicrosecondArray::from_iter(times).with_timezone("UTC"),
        ))
    },
    read: Some(|col, row, doc| {
        if let Some(signature) = doc.trace.signature.as_mut() {
            signature.published = read_timestamp(col, row);
        }
    }),
};

pub const BANDS: TraceColumn = Column {
    name: "bands",
    data_type: || list(DataType::UInt64),
    nullable: true,
    dictionary: false,
    meaning: "dedup: the signature's LSH band hashes",
    example: "",
    write: |docs| {
        let mut bands = ListBuilder::new(UInt64Builder::new()).with_field(item(DataType::UInt64));
        for doc in docs {
            match &doc.trace.signature {
                Some(sig) => bands.append_value(sig.bands.iter().map(|&b| Some(b))),
                None => bands.append_null(),
            }
        }
        Ok(Arc::new(bands.finish()))
    },
    read: Some(|col, row, doc| {
        if let Some(signature) = doc.trace.signature.as_mut() {
            signature.bands = read_u64_list(col, row).unwrap_or_default();
        }
    }),
};

pub const DUP_DROPPED: TraceColumn = Column {
    name: "dup_dropped",
    data_type: || DataType::Boolean,
    nullable: true,
    dictionary: false,
    meaning: "dedup leaves the document out of the output: a spill between dedup and a later corpus stage must hand that on",
    example: "",
    write: |docs| {
        let dropped = docs.iter().map(|d| d.dedup.as_ref().map(|n| n.dropped));
        Ok(Arc::new(BooleanArray::from_iter(dropped)))
    },
    read: Some(|col, row, doc| {
        if let Some(note) = doc.dedup.as_mut() {
            let dropped = col.as_boolean();
            note.dropped = dropped.is_valid(row) && dropped.value(row);
        }
    }),
};

fn signature(doc: &Document) -> Option<&Signature> {
    doc.trace.signature.as_ref()
}

fn item(data_type: DataType) -> Arc<Field> {
    Arc::new(Field::new("item", data_type, false))
}

fn list(data_type: DataType) -> DataType {
    DataType::List(item(data_type))
}

fn read_u64_list(column: &dyn Array, row: usize) -> Option<Vec<u64>> {
    let lists = column.as_list::<i32>();
    lists.is_valid(row).then(|| {
        lists
            .value(row)
            .as_primitive::<UInt64Type>()
            .values()
            .to_vec()
    })
}
