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
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

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
    open: Option<(ArrowWriter<File>, PathBuf, usize)>,
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
        let writer = ArrowWriter::try_new(file, self.schema.clone(), Some(self.props.clone()))
            .map_err(|source| ExportError::Parquet {
                path: path.clone(),
                source,
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

    pub fn write(&mut self, batch: Result<RecordBatch, ArrowError>) -> Result<(), ExportError> {
        let path = || self.dir.join(format!("{}.parquet", self.stem));
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
