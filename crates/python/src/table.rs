//! Arrow in and out: the rows of a batch handed in, and the documents table's columns
//! (from the export crate's contract) plus why a row was turned away, handed back.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use newsprep_core::document::{Document, Origin};
use newsprep_export::schema::documents::{self, DocumentColumn, Rows};
use newsprep_export::schema::mentions::Mentions;
use newsprep_export::schema::{batch_of, quarantine};

use crate::stages::{Outcome, Row, Stages};

/// Columns a rejected row keeps: what is known of an input before it is decoded.
const KNOWN_BEFORE_DECODING: [&DocumentColumn; 7] = [
    &documents::DOC_ID,
    &documents::SOURCE_PATH,
    &documents::SOURCE_BYTES,
    &documents::URL,
    &documents::WARC_RECORD_ID,
    &documents::WARC_DATE,
    &documents::SOURCE_OFFSET,
];

/// The documents of `outcomes`, one row each in order, as `Pipeline.process` gives
/// them: every documents column (null for a rejected row but what is known before
/// decoding), then the quarantine table's stage, reason and detail (null for a kept one).
pub fn outcomes_batch(outcomes: Vec<Outcome>) -> Result<RecordBatch, ArrowError> {
    let mut docs = Vec::with_capacity(outcomes.len());
    let mut why = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        match outcome {
            Outcome::Kept(doc) => {
                docs.push(doc);
                why.push(None);
            }
            Outcome::Rejected {
                doc,
                stage,
                rejection,
            } => {
                docs.push(doc);
                why.push(Some((stage, rejection)));
            }
        }
    }
    let columns: Vec<&DocumentColumn> = documents::COLUMNS.iter().collect();
    let batch = documents_batch(&docs, &columns)?;
    let rejected = BooleanArray::from(why.iter().map(Option::is_some).collect::<Vec<_>>());
    let mut fields = Vec::new();
    let mut arrays = Vec::new();
    for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
        if KNOWN_BEFORE_DECODING.iter().any(|c| c.name == field.name()) {
            fields.push(field.as_ref().clone());
            arrays.push(array.clone());
        } else {
            fields.push(field.as_ref().clone().with_nullable(true));
            arrays.push(arrow_select::nullif::nullif(array, &rejected)?);
        }
    }
    let texts = [
        (
            &quarantine::STAGE,
            why.iter()
                .map(|w| w.as_ref().map(|(s, _)| *s))
                .collect::<StringArray>(),
        ),
        (
            &quarantine::REASON,
            why.iter()
                .map(|w| w.as_ref().map(|(_, r)| r.reason.as_str()))
                .collect(),
        ),
        (
            &quarantine::DETAIL,
            why.iter()
                .map(|w| w.as_ref().map(|(_, r)| r.detail.as_str()))
                .collect(),
        ),
    ];
    for (column, array) in texts {
        fields.push(Field::new(column.name, (column.data_type)(), true));
        arrays.push(Arc::new(array) as ArrayRef);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
}

/// `columns` of the documents table for `docs`.
pub fn documents_batch(
    docs: &[Document],
    columns: &[&DocumentColumn],
) -> Result<RecordBatch, ArrowError> {
    let mentions = Mentions::of(docs)?;
    batch_of(
        columns,
        &Rows {
            docs,
            mentions: &mentions,
        },
    )
}

/// Runs every row of `batch` (`source_path`, `content`, and the container's columns
/// when present) through the stages before the `upto`th on the rayon pool, in order.
pub fn process(stages: &Stages, batch: &RecordBatch, upto: usize) -> Result<Vec<Outcome>, String> {
    use rayon::prelude::*;
    let input = Input::of(batch)?;
    Ok((0..batch.num_rows())
        .into_par_iter()
        .map(|i| stages.run_bytes(input.row(i), upto))
        .collect())
}

/// The columns of an input batch, by the documents table's names.
struct Input<'a> {
    source_path: Strings<'a>,
    content: Bytes<'a>,
    url: Option<Strings<'a>>,
    record_id: Option<Strings<'a>>,
    date: Option<&'a arrow_array::PrimitiveArray<TimestampMicrosecondType>>,
    offset: Option<&'a arrow_array::PrimitiveArray<Int64Type>>,
}

enum Strings<'a> {
    Small(&'a StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
}

impl<'a> Strings<'a> {
    fn of(batch: &'a RecordBatch, name: &str, required: bool) -> Result<Option<Self>, String> {
        let Some(array) = batch.column_by_name(name) else {
            return if required {
                Err(format!("the batch has no {name:?} column (string)"))
            } else {
                Ok(None)
            };
        };
        match array.data_type() {
            DataType::Utf8 => Ok(Some(Strings::Small(array.as_string()))),
            DataType::LargeUtf8 => Ok(Some(Strings::Large(array.as_string()))),
            DataType::Utf8View => Ok(Some(Strings::View(array.as_string_view()))),
            other => Err(format!("column {name:?} is {other}, not a string")),
        }
    }

    fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Strings::Small(a) => a.is_valid(i).then(|| a.value(i)),
            Strings::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Strings::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

enum Bytes<'a> {
    Small(&'a arrow_array::BinaryArray),
    Large(&'a arrow_array::LargeBinaryArray),
    View(&'a arrow_array::BinaryViewArray),
}

impl<'a> Bytes<'a> {
    fn get(&self, i: usize) -> &'a [u8] {
        match self {
            Bytes::Small(a) => a.is_valid(i).then(|| a.value(i)),
            Bytes::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Bytes::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
        .unwrap_or_default()
    }
}

/// The input's name for the file's bytes; not an output column.
pub const CONTENT: &str = "content";

impl<'a> Input<'a> {
    fn of(batch: &'a RecordBatch) -> Result<Input<'a>, String> {
        let source_path = Strings::of(batch, documents::SOURCE_PATH.name, true)?
            .ok_or("the batch has no source_path column")?;
        let content = match batch.column_by_name(CONTENT).map(|a| (a.data_type(), a)) {
            Some((DataType::Binary, a)) => Bytes::Small(a.as_binary()),
            Some((DataType::LargeBinary, a)) => Bytes::Large(a.as_binary()),
            Some((DataType::BinaryView, a)) => Bytes::View(a.as_binary_view()),
            Some((other, _)) => return Err(format!("column {CONTENT:?} is {other}, not binary")),
            None => return Err(format!("the batch has no {CONTENT:?} column (binary)")),
        };
        let typed = |column: &DocumentColumn| -> Result<Option<&'a ArrayRef>, String> {
            match batch.column_by_name(column.name) {
                Some(a) if a.data_type() != &(column.data_type)() => Err(format!(
                    "column {:?} is {}, not {}",
                    column.name,
                    a.data_type(),
                    (column.data_type)()
                )),
                other => Ok(other),
            }
        };
        Ok(Input {
            source_path,
            content,
            url: Strings::of(batch, documents::URL.name, false)?,
            record_id: Strings::of(batch, documents::WARC_RECORD_ID.name, false)?,
            date: typed(&documents::WARC_DATE)?.map(|a| a.as_primitive()),
            offset: typed(&documents::SOURCE_OFFSET)?.map(|a| a.as_primitive()),
        })
    }

    fn row(&self, i: usize) -> Row<'a> {
        let get_i64 = |a: Option<&arrow_array::PrimitiveArray<_>>| {
            a.and_then(|a| a.is_valid(i).then(|| a.value(i)))
        };
        let record_id = self.record_id.as_ref().and_then(|a| a.get(i));
        Row {
            source_path: self.source_path.get(i).unwrap_or_default(),
            content: self.content.get(i),
            url: self.url.as_ref().and_then(|a| a.get(i)),
            origin: record_id.map(|record_id| Origin {
                record_id: record_id.to_owned(),
                date: self.date.and_then(|a| a.is_valid(i).then(|| a.value(i))),
                offset: get_i64(self.offset).map_or(0, |o: i64| o.max(0) as u64),
            }),
        }
    }
}

/// `output` with the rows `keep` marks taken from `input` as they were (rows an
/// earlier step rejected, which a later one leaves alone).
pub fn keep_rows(
    input: &RecordBatch,
    output: RecordBatch,
    keep: &[bool],
) -> Result<RecordBatch, ArrowError> {
    if !keep.contains(&true) {
        return Ok(output);
    }
    let indices: Vec<(usize, usize)> = keep
        .iter()
        .enumerate()
        .map(|(row, &k)| (usize::from(!k), row))
        .collect();
    let mut arrays = Vec::new();
    for (field, array) in output.schema().fields().iter().zip(output.columns()) {
        match input.column_by_name(field.name()) {
            Some(before) if before.data_type() == array.data_type() => arrays.push(
                arrow_select::interleave::interleave(&[before.as_ref(), array.as_ref()], &indices)?,
            ),
            _ => arrays.push(array.clone()),
        }
    }
    RecordBatch::try_new(output.schema(), arrays)
}
