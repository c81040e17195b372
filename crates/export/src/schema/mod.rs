//! The output contract: every column of every table newsprep writes, defined once.
//!
//! A table is a list of [`Column`]s. Each column carries what a notebook sees (its
//! name, Arrow type, nullability, and the line `docs/schema.md` shows for it), how it
//! is stored (dictionary encoding) and how it is written from, and read back into, the
//! pipeline's own types. The writer, the reader of earlier outputs and spills, the
//! writer properties, `docs/schema.md` and `newsprep report` all derive from these
//! lists, so a column's name is written here and nowhere else. Adding a column is one
//! entry in its table plus the stage code that fills the field (docs/schema.md,
//! "Adding a column").
//!
//! Runner state (the trace the next run reads, the spills between passes) has its own
//! columns in [`crate::state`]: it is not public output.

pub mod documents;
pub mod mentions;
pub mod quarantine;

use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef, TimeUnit};
use newsprep_core::document::DocId;
use rayon::prelude::*;

/// Bumped whenever a column is added, removed, renamed or retyped.
pub const SCHEMA_VERSION: u32 = 5;

/// How a column is written for the rows of `S` (a batch of documents, of mentions, of
/// quarantine records).
pub type WriteFn<S> = fn(&S) -> Result<ArrayRef, ArrowError>;

/// One column of a table: `W` writes it for a batch of rows, `R` reads one row of it
/// back into the pipeline's type.
pub struct Column<W, R> {
    pub name: &'static str,
    pub data_type: fn() -> DataType,
    pub nullable: bool,
    /// Few distinct values: dictionary encoded. The rest are nearly unique per row,
    /// where a dictionary only costs memory and time.
    pub dictionary: bool,
    /// What the column holds, as `docs/schema.md` says it (Markdown, one line).
    pub meaning: &'static str,
    /// A value as `docs/schema.md` shows it (Markdown).
    pub example: &'static str,
    pub write: W,
    /// How a restored document gets the value back; `None` for a column derived from
    /// others (counts and hashes of the text), which a spill does not store.
    pub read: Option<R>,
}

impl<W, R> Column<W, R> {
    pub fn field(&self) -> Field {
        Field::new(self.name, (self.data_type)(), self.nullable)
    }
}

/// The Arrow schema of a table of `columns`, in their order.
pub fn schema_of<'a, W: 'a, R: 'a>(
    columns: impl IntoIterator<Item = &'a Column<W, R>>,
) -> SchemaRef {
    Arc::new(Schema::new(
        columns.into_iter().map(Column::field).collect::<Vec<_>>(),
    ))
}

/// The rows `source` gives for `columns`, each column built on its own thread: the
/// batch of a row group is built at the end of a pass, where one thread building
/// thirty columns in turn left the others idle.
pub fn batch_of<S: Sync + ?Sized, R: Sync>(
    columns: &[&Column<WriteFn<S>, R>],
    source: &S,
) -> Result<RecordBatch, ArrowError> {
    let arrays = columns
        .par_iter()
        .map(|column| (column.write)(source))
        .collect::<Result<Vec<_>, _>>()?;
    RecordBatch::try_new(schema_of(columns.iter().copied()), arrays)
}

/// The names of the columns Parquet stores with a dictionary, over every public table.
/// Writer properties name columns by path from the top of a file, and all tables share
/// one set of properties, so a name means the same in every table (a unit test holds it).
pub fn dictionary_columns() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = documents::COLUMNS
        .iter()
        .filter(|c| c.dictionary)
        .map(|c| c.name)
        .chain(
            mentions::COLUMNS
                .iter()
                .filter(|c| c.dictionary)
                .map(|c| c.name),
        )
        .chain(
            quarantine::COLUMNS
                .iter()
                .filter(|c| c.dictionary)
                .map(|c| c.name),
        )
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Microseconds since the epoch in UTC, which pandas, polars and DuckDB all read as a
/// time-zone-aware timestamp.
pub fn timestamp_utc() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

pub(crate) fn utf8() -> DataType {
    DataType::Utf8
}

pub(crate) fn int64() -> DataType {
    DataType::Int64
}

pub(crate) fn float64() -> DataType {
    DataType::Float64
}

/// A column of 64-bit ids (documents, entities) as 16 hex digits each.
pub(crate) fn hex_column(ids: impl Iterator<Item = Option<u64>>) -> StringArray {
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

/// A column of document ids, which leave the program here as 16 hex digits.
pub(crate) fn id_column(ids: impl Iterator<Item = Option<DocId>>) -> StringArray {
    hex_column(ids.map(|id| id.map(|id| id.0)))
}

/// A string column sized in one pass before it is filled in another. Grown as it
/// fills, the text column of a batch doubled its buffer again and again and held the
/// old and new copies at once: the run's largest allocation by far.
pub(crate) fn sized_strings<'a>(
    values: impl Iterator<Item = Option<&'a str>> + Clone,
) -> StringArray {
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
pub(crate) fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

// Reading one row back. The reader checks every column's type against its table when
// it opens a file, so these casts cannot meet another type.

pub(crate) fn read_str(column: &dyn Array, row: usize) -> Option<&str> {
    let column = column.as_string::<i32>();
    column.is_valid(row).then(|| column.value(row))
}

pub(crate) fn read_string(column: &dyn Array, row: usize) -> Option<String> {
    read_str(column, row).map(str::to_owned)
}

pub(crate) fn read_i64(column: &dyn Array, row: usize) -> Option<i64> {
    let column = column.as_primitive::<Int64Type>();
    column.is_valid(row).then(|| column.value(row))
}

/// A count as written by [`to_i64`]; a negative one (no newsprep writes it) reads as 0.
pub(crate) fn read_u64(column: &dyn Array, row: usize) -> Option<u64> {
    read_i64(column, row).map(|v| u64::try_from(v).unwrap_or(0))
}

pub(crate) fn read_f64(column: &dyn Array, row: usize) -> Option<f64> {
    let column = column.as_primitive::<Float64Type>();
    column.is_valid(row).then(|| column.value(row))
}

pub(crate) fn read_timestamp(column: &dyn Array, row: usize) -> Option<i64> {
    let column = column.as_primitive::<TimestampMicrosecondType>();
    column.is_valid(row).then(|| column.value(row))
}

/// How `docs/schema.md` names a type.
fn type_text(data_type: &DataType) -> String {
    match data_type {
        DataType::Utf8 => "string".to_owned(),
        DataType::Int64 => "int64".to_owned(),
        DataType::Float64 => "float64".to_owned(),
        DataType::Boolean => "bool".to_owned(),
        DataType::Date32 => "date".to_owned(),
        DataType::Timestamp(TimeUnit::Microsecond, Some(zone)) => {
            format!("timestamp (µs, {zone})")
        }
        DataType::List(item) => match item.data_type() {
            DataType::Struct(_) => "list of struct".to_owned(),
            other => format!("list of {}", type_text(other)),
        },
        other => other.to_string(),
    }
}

/// The Markdown table `docs/schema.md` shows for `columns`.
pub fn markdown_table<'a, W: 'a, R: 'a>(
    columns: impl IntoIterator<Item = &'a Column<W, R>>,
) -> String {
    let mut out = String::from(
        "| column | type | null | meaning | example |\n| --- | --- | --- | --- | --- |\n",
    );
    for column in columns {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            column.name,
            type_text(&(column.data_type)()),
            if column.nullable { "yes" } else { "no" },
            column.meaning,
            column.example
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/schema.md shows each table as the columns define it: regenerate the
    /// tables with `NEWSPREP_BLESS_SCHEMA_DOC=1 cargo test -p newsprep-export`.
    #[test]
    fn the_schema_doc_shows_each_table_as_its_columns_define_it() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema.md");
        let doc = std::fs::read_to_string(&path).expect("docs/schema.md");
        let tables = [
            ("documents.parquet", markdown_table(documents::COLUMNS)),
            ("entities.parquet", markdown_table(mentions::COLUMNS)),
            ("quarantine.parquet", markdown_table(quarantine::COLUMNS)),
        ];
        let mut updated = doc.clone();
        for (file, table) in &tables {
            let heading = format!("## `{file}`");
            let at = updated
                .find(&heading)
                .unwrap_or_else(|| panic!("no {heading}"));
            let start = at + updated[at..].find("\n| column |").expect("a table") + 1;
            let len = updated[start..]
                .find("\n\n")
                .map_or(updated.len() - start, |n| n + 1);
            updated.replace_range(start..start + len, table);
        }
        if std::env::var_os("NEWSPREP_BLESS_SCHEMA_DOC").is_some() {
            std::fs::write(&path, &updated).expect("write docs/schema.md");
            return;
        }
        assert!(
            doc == updated,
            "docs/schema.md differs from the columns in crates/export/src/schema: \
             NEWSPREP_BLESS_SCHEMA_DOC=1 cargo test -p newsprep-export rewrites its tables"
        );
    }

    #[test]
    fn a_dictionary_name_is_a_dictionary_in_every_table() {
        let dictionary = dictionary_columns();
        let plain = documents::COLUMNS
            .iter()
            .filter(|c| !c.dictionary)
            .map(|c| c.name)
            .chain(
                mentions::COLUMNS
                    .iter()
                    .filter(|c| !c.dictionary)
                    .map(|c| c.name),
            )
            .chain(
                quarantine::COLUMNS
                    .iter()
                    .filter(|c| !c.dictionary)
                    .map(|c| c.name),
            );
        for name in plain {
            assert!(!dictionary.contains(&name), "{name} is both");
        }
    }

    #[test]
    fn no_table_names_a_column_twice() {
        let tables: [Vec<&str>; 3] = [
            documents::COLUMNS.iter().map(|c| c.name).collect(),
            mentions::COLUMNS.iter().map(|c| c.name).collect(),
            quarantine::COLUMNS.iter().map(|c| c.name).collect(),
        ];
        for names in tables {
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), names.len(), "{names:?}");
        }
    }
}
