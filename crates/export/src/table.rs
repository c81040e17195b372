//! One output table being written: Parquet files under hidden temporary names, a new
//! file whenever one reaches `max_rows_per_file`, and the final names given only when
//! the whole run succeeded.
//!
//! A table that fits one file is `NAME.parquet`; a bigger one is `NAME-00000.parquet`,
//! `NAME-00001.parquet`, ..., which polars, DuckDB, pyarrow and Spark read as one
//! table with the glob `NAME*.parquet`. Files of the same table left by an earlier run
//! are removed when the new ones are put in place, so a glob never mixes two runs.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, SchemaRef};
use parquet::arrow::arrow_writer::{compute_leaves, ArrowColumnWriter, ArrowRowGroupWriterFactory};
use parquet::arrow::ArrowWriter;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use rayon::prelude::*;

use crate::ExportError;

pub struct Table {
    dir: PathBuf,
    /// The table's name without extension: `documents`.
    stem: String,
    schema: SchemaRef,
    props: WriterProperties,
    max_rows_per_file: usize,
    /// Temporary files already closed, in order.
    closed: Vec<PathBuf>,
    /// The file being written and its rows so far.
    open: Option<(FileWriter, PathBuf, usize)>,
}

impl Table {
    pub fn create(
        dir: &Path,
        stem: &str,
        schema: SchemaRef,
        props: WriterProperties,
        max_rows_per_file: usize,
    ) -> Result<Table, ExportError> {
        // The file's key-value metadata on the Arrow schema too, so that readers that
        // look there (pyarrow's `read_table(f).schema.metadata`) see it.
        let metadata: std::collections::HashMap<String, String> = props
            .key_value_metadata()
            .into_iter()
            .flatten()
            .filter_map(|kv| Some((kv.key.clone(), kv.value.clone()?)))
            .collect();
        let schema = std::sync::Arc::new(schema.as_ref().clone().with_metadata(metadata));
        let mut table = Table {
            dir: dir.to_owned(),
            stem: stem.to_owned(),
            schema,
            props,
            max_rows_per_file: max_rows_per_file.max(1),
            closed: Vec::new(),
            open: None,
        };
        // Open the first file at once: an empty table is still a file with its schema.
        table.open_next()?;
        Ok(table)
    }

    fn open_next(&mut self) -> Result<(), ExportError> {
        // A leading dot keeps readers that glob `*.parquet` away from files in progress.
        let path = self.dir.join(format!(
            ".{}-{:05}.parquet.partial",
            self.stem,
            self.closed.len()
        ));
        let file = File::create(&path).map_err(|source| ExportError::Io {
            path: path.clone(),
            source,
        })?;
        let writer =
            FileWriter::new(file, self.schema.clone(), self.props.clone()).map_err(|source| {
                ExportError::Parquet {
                    path: path.clone(),
                    source,
                }
            })?;
        self.open = Some((writer, path, 0));
        Ok(())
    }

    fn close_open(&mut self) -> Result<(), ExportError> {
        if let Some((writer, path, _)) = self.open.take() {
            writer.close().map_err(|source| ExportError::Parquet {
                path: path.clone(),
                source,
            })?;
            self.closed.push(path);
        }
        Ok(())
    }

    /// The table's final name, for errors.
    pub fn path(&self) -> PathBuf {
        self.dir.join(format!("{}.parquet", self.stem))
    }

    pub fn write(&mut self, batch: Result<RecordBatch, ArrowError>) -> Result<(), ExportError> {
        let path = || self.path();
        let mut batch = batch
            .and_then(|b| b.with_schema(self.schema.clone()))
            .map_err(|source| ExportError::Arrow {
                path: path(),
                source,
            })?;
        while batch.num_rows() > 0 {
            if self
                .open
                .as_ref()
                .is_some_and(|(_, _, rows)| *rows >= self.max_rows_per_file)
            {
                self.close_open()?;
                self.open_next()?;
            }
            let Some((writer, path, rows)) = self.open.as_mut() else {
                return Ok(());
            };
            let take = (self.max_rows_per_file - *rows).min(batch.num_rows());
            let part = batch.slice(0, take);
            writer.write(&part).map_err(|source| ExportError::Parquet {
                path: path.clone(),
                source,
            })?;
            *rows += take;
            batch = batch.slice(take, batch.num_rows() - take);
        }
        Ok(())
    }

    /// Closes the last file, removes this table's files from an earlier run, and gives
    /// the new files their final names.
    pub fn finish(mut self) -> Result<(), ExportError> {
        self.close_open()?;
        let closed = std::mem::take(&mut self.closed);
        remove_earlier_files(&self.dir, &self.stem)?;
        let single = closed.len() == 1;
        for (i, path) in closed.iter().enumerate() {
            let name = if single {
                format!("{}.parquet", self.stem)
            } else {
                format!("{}-{i:05}.parquet", self.stem)
            };
            let target = self.dir.join(name);
            fs::rename(path, &target).map_err(|source| ExportError::Io {
                path: target.clone(),
                source,
            })?;
        }
        Ok(())
    }
}

fn remove_earlier_files(dir: &Path, stem: &str) -> Result<(), ExportError> {
    let entries = fs::read_dir(dir).map_err(|source| ExportError::Io {
        path: dir.to_owned(),
        source,
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name == format!("{stem}.parquet")
            || (name.starts_with(&format!("{stem}-")) && name.ends_with(".parquet"));
        if ours {
            fs::remove_file(entry.path()).map_err(|source| ExportError::Io {
                path: entry.path(),
                source,
            })?;
        }
    }
    Ok(())
}

/// One Parquet file written as `ArrowWriter` writes it, byte for byte, except that
/// the columns of a row group are encoded side by side on the thread pool rather than
/// one after another: encoding and compressing the columns is most of a run's last
/// pass, and done on one thread it was most of what kept the run from scaling.
struct FileWriter {
    file: SerializedFileWriter<File>,
    factory: ArrowRowGroupWriterFactory,
    schema: SchemaRef,
    max_rows: usize,
    /// The row group being filled: a writer per leaf column, and its rows so far.
    group: Option<(Vec<ArrowColumnWriter>, usize)>,
}

impl FileWriter {
    fn new(
        file: File,
        schema: SchemaRef,
        props: WriterProperties,
    ) -> Result<FileWriter, ParquetError> {
        let max_rows = props.max_row_group_row_count().unwrap_or(usize::MAX).max(1);
        // ArrowWriter sets the file up (the Parquet schema, the Arrow schema in the
        // footer's metadata, the properties); we take over from there.
        let (file, factory) =
            ArrowWriter::try_new(file, schema.clone(), Some(props))?.into_serialized_writer()?;
        Ok(FileWriter {
            file,
            factory,
            schema,
            max_rows,
            group: None,
        })
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<(), ParquetError> {
        let mut rest = batch.clone();
        while rest.num_rows() > 0 {
            let (writers, rows) = match &mut self.group {
                Some(group) => group,
                none => none.insert((
                    self.factory
                        .create_column_writers(self.file.flushed_row_groups().len())?,
                    0,
                )),
            };
            let take = (self.max_rows - *rows).min(rest.num_rows());
            let part = rest.slice(0, take);
            rest = rest.slice(take, rest.num_rows() - take);
            // The leaves in the writers' order: a list or struct column has several.
            let mut leaves = Vec::with_capacity(writers.len());
            for (field, column) in self.schema.fields().iter().zip(part.columns()) {
                leaves.extend(compute_leaves(field.as_ref(), column)?);
            }
            writers
                .par_iter_mut()
                .zip(leaves.par_iter())
                .try_for_each(|(writer, leaf)| writer.write(leaf))?;
            *rows += take;
            if *rows >= self.max_rows {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// Closes the row group being filled: its columns' last pages are encoded side by
    /// side, then the chunks appended in column order.
    fn flush(&mut self) -> Result<(), ParquetError> {
        let Some((writers, _)) = self.group.take() else {
            return Ok(());
        };
        let chunks = writers
            .into_par_iter()
            .map(ArrowColumnWriter::close)
            .collect::<Result<Vec<_>, _>>()?;
        let mut group = self.file.next_row_group()?;
        for chunk in chunks {
            chunk.append_to_row_group(&mut group)?;
        }
        group.close()?;
        Ok(())
    }

    fn close(mut self) -> Result<(), ParquetError> {
        self.flush()?;
        self.file.close()?;
        Ok(())
    }
}

impl Drop for Table {
    /// A table dropped before `finish` belongs to a failed run: its temporary files go.
    fn drop(&mut self) {
        if let Some((_, path, _)) = self.open.take() {
            let _ = fs::remove_file(path);
        }
        for path in self.closed.drain(..) {
            let _ = fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{ArrayRef, Int64Array, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::basic::{Compression, ZstdLevel};

    use super::*;

    /// A thousand rows of text, numbers and a list column, in batches of 256 over row
    /// groups of 300: what the sink's tables look like.
    fn batches() -> (SchemaRef, Vec<RecordBatch>) {
        let schema = Arc::new(Schema::new(vec![
            Field::new("text", DataType::Utf8, false),
            Field::new("n", DataType::Int64, true),
            Field::new(
                "names",
                DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
                true,
            ),
        ]));
        let mut out = Vec::new();
        for start in (0..1000).step_by(256) {
            let rows = start..(start + 256).min(1000);
            let text: ArrayRef = Arc::new(StringArray::from_iter_values(
                rows.clone()
                    .map(|i| format!("article {i} {}", "word ".repeat(i % 37))),
            ));
            let n: ArrayRef = Arc::new(Int64Array::from_iter(
                rows.clone().map(|i| (i % 5 != 0).then_some(i as i64 * 7)),
            ));
            let mut names = ListBuilder::new(StringBuilder::new());
            for i in rows {
                for k in 0..i % 4 {
                    names
                        .values()
                        .append_value(format!("Name {}", (i + k) % 50));
                }
                names.append(i % 9 != 0);
            }
            let names: ArrayRef = Arc::new(names.finish());
            out.push(RecordBatch::try_new(schema.clone(), vec![text, n, names]).unwrap());
        }
        (schema, out)
    }

    #[test]
    fn columns_encoded_side_by_side_give_arrow_writers_bytes() {
        let (schema, batches) = batches();
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(300))
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(3).unwrap()))
            .build();
        let dir = tempfile::tempdir().unwrap();
        let ours = dir.path().join("ours.parquet");
        let theirs = dir.path().join("theirs.parquet");

        let mut writer =
            FileWriter::new(File::create(&ours).unwrap(), schema.clone(), props.clone()).unwrap();
        let mut reference =
            ArrowWriter::try_new(File::create(&theirs).unwrap(), schema, Some(props)).unwrap();
        for batch in &batches {
            writer.write(batch).unwrap();
            reference.write(batch).unwrap();
        }
        writer.close().unwrap();
        reference.close().unwrap();

        let (ours, theirs) = (fs::read(ours).unwrap(), fs::read(theirs).unwrap());
        assert!(ours.len() > 1000);
        assert!(
            ours == theirs,
            "{} bytes against {}",
            ours.len(),
            theirs.len()
        );
    }
}
