//! Reading back what earlier runs wrote, so that a run can take the documents of
//! unchanged inputs from there instead of decoding them again: the previous output for
//! `newsprep run --incremental`, every shard's output for `newsprep merge`.
//!
//! What is restored comes from two tables written side by side in the same row order:
//! `documents.parquet` (the document as it was written) and `_state/trace.parquet`
//! (the input's fingerprint and what the corpus stages saw of it). The fingerprints
//! are held in memory, a few dozen bytes per input file; the documents are read
//! forward, input file by input file in the run's file order, once per pass.
//!
//! Columns are read by name, as [`crate::schema::documents`] and [`crate::state`]
//! define them, and each is checked for its type when the output is opened, so an
//! output this build cannot read is a [`RestoreError`] naming the file and the column
//! up front (an incremental run then processes everything and says why; a merge fails
//! naming the shard), never a panic half-way.

use std::collections::{BTreeSet, VecDeque};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field};
use newsprep_core::document::{DocId, Document};
use newsprep_core::input::InputFile;
use newsprep_core::runner::{BoxError, KeptDoc, RestoreReader, Restorer};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use rustc_hash::FxHashMap;

use crate::schema::documents;
use crate::schema::{self, quarantine, Column};
use crate::state;
use crate::{DOCUMENTS, QUARANTINE, STATE_DIR, TRACE};

/// Rows read at a time from each table: the runner's batch of work. The reader is the
/// one serial step of a pass that reads a spill, and four times as many rows made each
/// fourth batch wait, and the pass's first, while the workers had nothing to do.
const READ_BATCH_ROWS: usize = 256;

/// Why an earlier output cannot be restored from.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(
        "{path} has no {STATE_DIR}/{TRACE}.parquet: it was written by a run that kept no state"
    )]
    NoState { path: PathBuf },
    #[error("{path} was written with schema version {found}; this build reads version {expected}")]
    OtherSchema {
        path: PathBuf,
        found: String,
        expected: u32,
    },
    #[error(
        "{path} was written with other settings (config hash {found}, this run has {expected})"
    )]
    OtherSettings {
        path: PathBuf,
        found: String,
        expected: String,
    },
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read Parquet file {path}: {source}")]
    Parquet {
        path: PathBuf,
        source: parquet::errors::ParquetError,
    },
    #[error("{path} is not what newsprep writes: {problem}")]
    Column {
        path: PathBuf,
        problem: ColumnProblem,
    },
    #[error("{path} is not what newsprep writes: {reason}")]
    Malformed { path: PathBuf, reason: String },
}

/// What is wrong with one column of a table read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnProblem {
    #[error("it has no column {column}")]
    Missing { column: String },
    #[error("it has a column {column}, which this build does not write there")]
    Unknown { column: String },
    #[error("its column {column} is {found}, where newsprep writes {expected}")]
    Retyped {
        column: String,
        found: String,
        expected: String,
    },
}

/// Computes the content hash of an input as it is now; `None` when it cannot be read.
pub type Fingerprinter = Box<dyn Fn(&InputFile) -> Option<String> + Send + Sync>;

/// The outputs of earlier runs, ready to restore documents from.
pub struct Earlier {
    outputs: Vec<PathBuf>,
    /// By input file (the id of its path): the output that holds its documents, and
    /// the input's size.
    known: FxHashMap<DocId, Known>,
    /// Documents the outputs hold.
    documents: usize,
    /// By input file: its content hash, kept only to check inputs with.
    hashes: FxHashMap<DocId, u128>,
    /// Checks an input's content against the kept hash; without it, path and size are
    /// trusted (a merge of shards made from the same input a moment ago).
    fingerprint: Option<Fingerprinter>,
}

struct Known {
    output: u32,
    size: u64,
}

impl Earlier {
    /// Reads the fingerprints of every document in `outputs`, each written with the
    /// settings whose hash is `config_hash`.
    pub fn open(
        outputs: &[PathBuf],
        config_hash: &str,
        fingerprint: Option<Fingerprinter>,
    ) -> Result<Earlier, RestoreError> {
        let mut known = FxHashMap::default();
        let mut hashes = FxHashMap::default();
        let mut documents = 0;
        for (output, dir) in outputs.iter().enumerate() {
            let state = dir.join(STATE_DIR);
            let files = table_files(&state, TRACE)?;
            if files.is_empty() {
                return Err(RestoreError::NoState { path: dir.clone() });
            }
            for path in &files {
                check_written_alike(path, config_hash)?;
            }
            // The documents are read later, pass by pass: check now that they can be.
            for path in table_files(dir, DOCUMENTS)? {
                check_written_alike(&path, config_hash)?;
                open_projected(&path, &Projection::documents())?;
            }
            let fingerprint_columns = [
                &state::DOC_ID,
                &state::SOURCE_PATH,
                &state::SOURCE_BYTES,
                &state::INPUT_HASH,
            ];
            let mut rows = Rows::open(files, Projection::of(state::TRACE, fingerprint_columns))?;
            while let Some((batch, row)) = rows.current()? {
                rows.doc_id(&batch, row)?;
                let path = rows
                    .column(&batch, &state::SOURCE_PATH)?
                    .as_string::<i32>()
                    .value(row);
                let size = rows.column(&batch, &state::SOURCE_BYTES)?;
                let size = size.as_primitive::<Int64Type>().value(row);
                let hash = rows.column(&batch, &state::INPUT_HASH)?.as_string::<i32>();
                let file = DocId::for_path(path);
                known.insert(
                    file,
                    Known {
                        output: output as u32,
                        size: u64::try_from(size).unwrap_or(0),
                    },
                );
                documents += 1;
                let parsed = (!hash.is_null(row))
                    .then(|| u128::from_str_radix(hash.value(row), 16).ok())
                    .flatten();
                if let (Some(hash), Some(_)) = (parsed, &fingerprint) {
                    hashes.insert(file, hash);
                }
                rows.advance();
            }
        }
        Ok(Earlier {
            outputs: outputs.to_vec(),
            known,
            documents,
            hashes,
            fingerprint,
        })
    }

    /// Documents the earlier outputs hold.
    pub fn len(&self) -> usize {
        self.documents
    }

    pub fn is_empty(&self) -> bool {
        self.documents == 0
    }

    /// How many of the input files the earlier outputs hold documents of are not among
    /// `files`: they were deleted or renamed, and their rows are gone from this run.
    pub fn gone(&self, files: &[InputFile]) -> usize {
        let present = files
            .iter()
            .filter(|f| self.known.contains_key(&DocId::for_path(&f.rel_path)))
            .count();
        self.known.len() - present
    }
}

impl Restorer for Earlier {
    fn holds(&self, file: &InputFile) -> bool {
        let id = DocId::for_path(&file.rel_path);
        let Some(known) = self.known.get(&id) else {
            return false;
        };
        if known.size != file.size {
            return false;
        }
        match &self.fingerprint {
            None => true,
            Some(fingerprint) => {
                let now = fingerprint(file).and_then(|h| u128::from_str_radix(&h, 16).ok());
                now.is_some() && now == self.hashes.get(&id).copied()
            }
        }
    }

    fn reader(&self) -> Result<Box<dyn RestoreReader + '_>, BoxError> {
        let mut cursors = Vec::with_capacity(self.outputs.len());
        for dir in &self.outputs {
            cursors.push(Cursor {
                documents: Rows::open(table_files(dir, DOCUMENTS)?, Projection::documents())?,
                trace: Rows::open(
                    table_files(&dir.join(STATE_DIR), TRACE)?,
                    Projection::of(state::TRACE, state::TRACE),
                )?,
            });
        }
        Ok(Box::new(EarlierReader {
            earlier: self,
            cursors,
        }))
    }
}

struct EarlierReader<'a> {
    earlier: &'a Earlier,
    /// One per earlier output, each moving forward through its own documents.
    cursors: Vec<Cursor>,
}

impl RestoreReader for EarlierReader<'_> {
    fn read(
        &mut self,
        file: &InputFile,
        wanted: &dyn Fn(DocId) -> bool,
        max: usize,
    ) -> Result<(Vec<KeptDoc>, bool), BoxError> {
        match self.earlier.known.get(&DocId::for_path(&file.rel_path)) {
            Some(known) => Ok(self.cursors[known.output as usize].take(file, wanted, max)?),
            None => Ok((Vec::new(), false)),
        }
    }
}

/// The documents and trace tables of one output, read in step.
struct Cursor {
    documents: Rows,
    trace: Rows,
}

impl Cursor {
    /// The wanted documents of `file`, skipping the rows of the files before it (in the
    /// run's order: by path). Each is made from its rows by the worker that takes it.
    fn take(
        &mut self,
        file: &InputFile,
        wanted: &dyn Fn(DocId) -> bool,
        max: usize,
    ) -> Result<(Vec<KeptDoc>, bool), RestoreError> {
        let target = file.rel_path.as_str();
        let mut found = Vec::new();
        loop {
            if found.len() >= max {
                return Ok((found, true));
            }
            let Some((docs, row)) = self.documents.current()? else {
                return Ok((found, false));
            };
            let path = self.documents.column(&docs, &documents::SOURCE_PATH)?;
            let path = path.as_string::<i32>().value(row);
            if path > target {
                return Ok((found, false));
            }
            let Some((trace, trace_row)) = self.trace.current()? else {
                return Err(self
                    .trace
                    .malformed("it has fewer rows than documents.parquet"));
            };
            let id = self.documents.doc_id(&docs, row)?;
            if self.trace.doc_id(&trace, trace_row)? != id {
                return Err(self
                    .trace
                    .malformed("its rows are not those of documents.parquet"));
            }
            if path == target && wanted(id) {
                found.push(KeptDoc::new(id, move || {
                    document(&docs, row, &trace, trace_row)
                }));
            }
            self.documents.advance();
            self.trace.advance();
        }
    }
}

/// Row `row` of a documents table projected on [`state::spill_columns`], with its
/// trace: the document as the earlier run (or a spill) wrote it, its dedup placement
/// and entity mentions included (the stages that place and tag it again overwrite
/// them). Each column sets its own field, in table order; the projections were checked
/// to hold exactly these columns, in this order, when their batches were read.
fn document(docs: &RecordBatch, row: usize, trace: &RecordBatch, trow: usize) -> Document {
    let mut doc = Document::default();
    for (column, array) in state::spill_columns().zip(docs.columns()) {
        if let Some(read) = column.read {
            read(array.as_ref(), row, &mut doc);
        }
    }
    for (column, array) in state::TRACE.iter().zip(trace.columns()) {
        if let Some(read) = column.read {
            read(array.as_ref(), trow, &mut doc);
        }
    }
    doc
}

/// The columns read from a table's files, and every column the table may hold.
struct Projection {
    wanted: Vec<Field>,
    table: Vec<Field>,
}

impl Projection {
    fn of<'a, W: 'a, R: 'a>(
        table: impl IntoIterator<Item = &'a Column<W, R>>,
        wanted: impl IntoIterator<Item = &'a Column<W, R>>,
    ) -> Projection {
        Projection {
            wanted: wanted.into_iter().map(Column::field).collect(),
            table: table.into_iter().map(Column::field).collect(),
        }
    }

    /// What a restored document is made of, from an output or a spill.
    fn documents() -> Projection {
        Projection::of(documents::COLUMNS, state::spill_columns())
    }
}

/// A table's rows, read forward across its files, a batch at a time.
struct Rows {
    files: VecDeque<PathBuf>,
    projection: Projection,
    reading: Option<(PathBuf, ParquetRecordBatchReader)>,
    /// Shared with the documents made from its rows, which may outlive it.
    batch: Option<Arc<RecordBatch>>,
    row: usize,
}

impl Rows {
    fn open(files: Vec<PathBuf>, projection: Projection) -> Result<Rows, RestoreError> {
        Ok(Rows {
            files: files.into(),
            projection,
            reading: None,
            batch: None,
            row: 0,
        })
    }

    /// The current row, loading the next batch or file when needed; `None` at the end.
    fn current(&mut self) -> Result<Option<(Arc<RecordBatch>, usize)>, RestoreError> {
        loop {
            if let Some(batch) = &self.batch {
                if self.row < batch.num_rows() {
                    return Ok(Some((batch.clone(), self.row)));
                }
            }
            self.batch = None;
            self.row = 0;
            if let Some((path, reader)) = &mut self.reading {
                match reader.next() {
                    Some(Ok(batch)) => {
                        // Rows are made by zipping the projection's columns with the
                        // batch's: hold that they are the same, in the same order.
                        let schema = batch.schema();
                        let names = schema.fields().iter().map(|f| f.name());
                        if !names.eq(self.projection.wanted.iter().map(|f| f.name())) {
                            return Err(self.malformed("its columns are not the ones read"));
                        }
                        self.batch = Some(Arc::new(batch));
                        continue;
                    }
                    Some(Err(err)) => {
                        return Err(RestoreError::Parquet {
                            path: path.clone(),
                            source: err.into(),
                        })
                    }
                    None => self.reading = None,
                }
            }
            let Some(path) = self.files.pop_front() else {
                return Ok(None);
            };
            let reader = open_projected(&path, &self.projection)?;
            self.reading = Some((path, reader));
        }
    }

    fn advance(&mut self) {
        self.row += 1;
    }

    /// The column of `batch` that `column` names.
    fn column<'b, W, R>(
        &self,
        batch: &'b RecordBatch,
        column: &Column<W, R>,
    ) -> Result<&'b ArrayRef, RestoreError> {
        batch
            .column_by_name(column.name)
            .ok_or_else(|| RestoreError::Column {
                path: self.path(),
                problem: ColumnProblem::Missing {
                    column: column.name.to_owned(),
                },
            })
    }

    /// The `doc_id` of a row, parsed once, here.
    fn doc_id(&self, batch: &RecordBatch, row: usize) -> Result<DocId, RestoreError> {
        // The documents table and the trace name it alike.
        let hex = self.column(batch, &documents::DOC_ID)?;
        let hex = hex.as_string::<i32>().value(row);
        DocId::parse(hex)
            .ok_or_else(|| self.malformed(&format!("{hex:?} is not a doc_id (16 hex digits)")))
    }

    fn path(&self) -> PathBuf {
        self.reading
            .as_ref()
            .map(|(p, _)| p.clone())
            .unwrap_or_default()
    }

    fn malformed(&self, reason: &str) -> RestoreError {
        RestoreError::Malformed {
            path: self.path(),
            reason: reason.to_owned(),
        }
    }
}

/// A reader over the wanted columns of one Parquet file, in the order wanted, after
/// checking the file against its table: every wanted column present with the type the
/// table gives it (nested fields by name too), and no column the table does not have.
fn open_projected(
    path: &Path,
    projection: &Projection,
) -> Result<ParquetRecordBatchReader, RestoreError> {
    let parquet_err = |source| RestoreError::Parquet {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(|source| RestoreError::Io {
        path: path.to_owned(),
        source,
    })?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_err)?;
    let found = builder.schema().clone();
    let problem = |problem| RestoreError::Column {
        path: path.to_owned(),
        problem,
    };
    for field in found.fields() {
        if !projection.table.iter().any(|f| f.name() == field.name()) {
            return Err(problem(ColumnProblem::Unknown {
                column: field.name().clone(),
            }));
        }
    }
    let mut indices = Vec::with_capacity(projection.wanted.len());
    for expected in &projection.wanted {
        let (index, actual) = found.column_with_name(expected.name()).ok_or_else(|| {
            problem(ColumnProblem::Missing {
                column: expected.name().clone(),
            })
        })?;
        if !same_shape(actual.data_type(), expected.data_type()) {
            return Err(problem(ColumnProblem::Retyped {
                column: expected.name().clone(),
                found: actual.data_type().to_string(),
                expected: expected.data_type().to_string(),
            }));
        }
        indices.push(index);
    }
    // A projection yields the columns in file order; the wanted ones are in table order.
    if indices.windows(2).any(|w| w[0] >= w[1]) {
        return Err(RestoreError::Malformed {
            path: path.to_owned(),
            reason: "its columns are out of order".to_owned(),
        });
    }
    let mask = ProjectionMask::roots(builder.parquet_schema(), indices);
    builder
        .with_projection(mask)
        .with_batch_size(READ_BATCH_ROWS)
        .build()
        .map_err(parquet_err)
}

/// Whether a column of type `found` can be read as `expected`: the same type, and for a
/// struct the same fields by name, each of the same shape (a mention's fields are read
/// by name).
fn same_shape(found: &DataType, expected: &DataType) -> bool {
    match (found, expected) {
        (DataType::List(a), DataType::List(b)) => same_shape(a.data_type(), b.data_type()),
        (DataType::Struct(a), DataType::Struct(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b.iter())
                    .all(|(a, b)| a.name() == b.name() && same_shape(a.data_type(), b.data_type()))
        }
        _ => found.equals_datatype(expected),
    }
}

/// Checks that a Parquet file was written with this build's schema version and with
/// the settings whose hash is `config_hash`, as recorded in its metadata.
fn check_written_alike(path: &Path, config_hash: &str) -> Result<(), RestoreError> {
    let file = File::open(path).map_err(|source| RestoreError::Io {
        path: path.to_owned(),
        source,
    })?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|source| RestoreError::Parquet {
            path: path.to_owned(),
            source,
        })?;
    let get = |key: &str| {
        builder
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .into_iter()
            .flatten()
            .find(|kv| kv.key == key)
            .and_then(|kv| kv.value.clone())
            .unwrap_or_default()
    };
    let version = get("newsprep.schema_version");
    if version != schema::SCHEMA_VERSION.to_string() {
        return Err(RestoreError::OtherSchema {
            path: path.to_owned(),
            found: if version.is_empty() {
                "none".to_owned()
            } else {
                version
            },
            expected: schema::SCHEMA_VERSION,
        });
    }
    let found = get("newsprep.config_hash");
    if found != config_hash {
        return Err(RestoreError::OtherSettings {
            path: path.to_owned(),
            found,
            expected: config_hash.to_owned(),
        });
    }
    Ok(())
}

/// The files of table `stem` in `dir`, in order: `stem.parquet`, or `stem-00000.parquet`...
pub fn table_files(dir: &Path, stem: &str) -> Result<Vec<PathBuf>, RestoreError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(RestoreError::Io {
                path: dir.to_owned(),
                source,
            })
        }
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            crate::is_table_file(&p.file_name().unwrap_or_default().to_string_lossy(), stem)
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The relative paths of the inputs an earlier output read: every document's (from its
/// trace) and every quarantined input's. A merge checks its input folder against them.
pub fn input_paths(output: &Path) -> Result<BTreeSet<String>, RestoreError> {
    let mut paths = BTreeSet::new();
    let trace = Rows::open(
        table_files(&output.join(STATE_DIR), TRACE)?,
        Projection::of(state::TRACE, [&state::SOURCE_PATH]),
    )?;
    let quarantined = Rows::open(
        table_files(output, QUARANTINE)?,
        Projection::of(quarantine::COLUMNS, [&quarantine::SOURCE_PATH]),
    )?;
    // Both tables name the column alike.
    for mut rows in [trace, quarantined] {
        while let Some((batch, row)) = rows.current()? {
            let path = rows.column(&batch, &state::SOURCE_PATH)?;
            paths.insert(path.as_string::<i32>().value(row).to_owned());
            rows.advance();
        }
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FileMetadata, ParquetSink};
    use arrow_array::{ArrayRef, Int32Array};
    use arrow_schema::{DataType, Field, Schema};
    use newsprep_core::config::ExportConfig;
    use newsprep_core::runner::Sink;
    use parquet::arrow::ArrowWriter;
    use parquet::file::metadata::KeyValue;
    use parquet::file::properties::WriterProperties;
    use std::sync::Arc;

    const HASH: &str = "cafe";

    fn doc(path: &str, text: &str) -> Document {
        Document {
            doc_id: DocId::for_path(path),
            source_path: path.to_owned(),
            source_bytes: text.len() as u64,
            text: text.to_owned(),
            ..Document::default()
        }
    }

    fn input(path: &str, size: u64) -> InputFile {
        InputFile {
            path: path.into(),
            rel_path: path.to_owned(),
            size,
            compression: newsprep_core::Compression::None,
        }
    }

    /// An output of two documents, in the run's file order, as the sink writes it.
    fn output() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let meta = FileMetadata {
            config_hash: HASH.into(),
        };
        let mut docs = vec![doc("a.txt", "Osh"), doc("b.txt", "Jalal-Abad")];
        docs.sort_by(|a, b| a.source_path.cmp(&b.source_path));
        let mut sink = ParquetSink::create(dir.path(), &ExportConfig::default(), &meta).unwrap();
        sink.write_documents(docs).unwrap();
        sink.close().unwrap();
        dir
    }

    /// Writes `documents.parquet` again with `change` applied to its columns and
    /// metadata, as another tool (or another version) might have.
    fn rewrite(
        dir: &Path,
        change: impl Fn(&mut Vec<Arc<Field>>, &mut Vec<ArrayRef>, &mut Vec<KeyValue>),
    ) {
        let path = dir.join("documents.parquet");
        let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap()).unwrap();
        let mut kv = builder
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .cloned()
            .unwrap_or_default();
        kv.retain(|e| e.key.starts_with("newsprep."));
        let batch = builder.build().unwrap().next().unwrap().unwrap();
        let mut fields: Vec<Arc<Field>> = batch.schema().fields().iter().cloned().collect();
        let mut columns = batch.columns().to_vec();
        change(&mut fields, &mut columns, &mut kv);
        let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap();
        let props = WriterProperties::builder()
            .set_key_value_metadata(Some(kv))
            .build();
        let mut writer =
            ArrowWriter::try_new(File::create(&path).unwrap(), batch.schema(), Some(props))
                .unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
    }

    #[test]
    fn restores_the_documents_of_a_file_by_its_path() {
        let dir = output();
        let earlier = Earlier::open(&[dir.path().to_owned()], HASH, None).unwrap();
        assert_eq!(earlier.len(), 2);
        let (a, b) = (input("a.txt", 3), input("b.txt", 10));
        assert!(earlier.holds(&a) && earlier.holds(&b));
        assert!(!earlier.holds(&input("a.txt", 4)), "another size");
        let mut files = [a, b];
        files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        let mut reader = earlier.reader().unwrap();
        for file in &files {
            let (kept, _) = reader.read(file, &|_| true, usize::MAX).unwrap();
            assert_eq!(kept.len(), 1);
            assert_eq!(kept[0].doc_id, DocId::for_path(&file.rel_path));
            let doc = kept.into_iter().next().unwrap().into_document();
            assert_eq!(doc.source_path, file.rel_path);
            assert_eq!(doc.doc_id, DocId::for_path(&file.rel_path));
        }
        // A file not wanted is passed over without being read.
        let mut reader = earlier.reader().unwrap();
        assert!(reader.read(&files[0], &|_| false, 10).unwrap().0.is_empty());
        assert_eq!(reader.read(&files[1], &|_| true, 10).unwrap().0.len(), 1);
    }

    #[test]
    fn a_spill_gives_back_language_placement_and_mentions_as_written() {
        use newsprep_core::document::{DedupNote, Label, LanguageNote, Mention};
        let dir = tempfile::tempdir().unwrap();
        let meta = FileMetadata {
            config_hash: HASH.into(),
        };
        let mut written = doc("a.txt", "Bakiyev fled Osh on 7 April with 300 guards.");
        written.language = Some(LanguageNote {
            code: "en".into(),
            score: 0.97,
        });
        written.dedup = Some(DedupNote {
            cluster: DocId::for_path("b.txt"),
            duplicate_of: Some(DocId::for_path("b.txt")),
            similarity: Some(0.91),
            dropped: true,
        });
        let mention = |text: &str, label, start, end| Mention {
            text: text.into(),
            label: Some(label),
            start,
            end,
            canonical: text.into(),
            entity_id: 0x0123_4567_89ab_cdef,
            ..Mention::default()
        };
        written.entities = Some(vec![
            mention("Bakiyev", Label::Person, 0, 7),
            Mention {
                geonames_id: Some(1527534),
                country_code: Some("KG".into()),
                lat: Some(40.53),
                lon: Some(72.79),
                ..mention("Osh", Label::Loc, 13, 16)
            },
            Mention {
                date: Some(14706),
                ..mention("7 April", Label::Date, 20, 27)
            },
            Mention {
                value: Some(300),
                ..mention("300 guards", Label::Count, 33, 43)
            },
        ]);
        let mut sink = ParquetSink::create(dir.path(), &ExportConfig::default(), &meta).unwrap();
        sink.write_documents(vec![written.clone()]).unwrap();
        sink.close().unwrap();

        let earlier = Earlier::open(&[dir.path().to_owned()], HASH, None).unwrap();
        let mut reader = earlier.reader().unwrap();
        let (kept, _) = reader
            .read(&input("a.txt", written.source_bytes), &|_| true, 10)
            .unwrap();
        assert_eq!(kept.len(), 1);
        let docs: Vec<Document> = kept.into_iter().map(KeptDoc::into_document).collect();
        assert_eq!(docs[0].language, written.language);
        assert_eq!(docs[0].dedup, written.dedup);
        assert_eq!(docs[0].entities, written.entities);
    }

    #[test]
    fn a_column_of_another_type_is_an_error_that_names_it_not_a_panic() {
        let dir = output();
        rewrite(dir.path(), |fields, columns, _| {
            let at = fields
                .iter()
                .position(|f| f.name() == "source_bytes")
                .unwrap();
            fields[at] = Arc::new(Field::new("source_bytes", DataType::Int32, false));
            columns[at] = Arc::new(Int32Array::from(vec![3, 10]));
        });
        let err = Earlier::open(&[dir.path().to_owned()], HASH, None)
            .err()
            .expect("an output this build cannot read");
        let message = err.to_string();
        assert!(
            matches!(
                err,
                RestoreError::Column {
                    problem: ColumnProblem::Retyped { .. },
                    ..
                }
            ),
            "{message}"
        );
        assert!(message.contains("source_bytes is Int32"), "{message}");
        assert!(
            message.contains("documents.parquet"),
            "names the file: {message}"
        );
    }

    #[test]
    fn another_schema_version_or_a_missing_column_is_refused() {
        let dir = output();
        rewrite(dir.path(), |_, _, kv| {
            for e in kv.iter_mut().filter(|e| e.key == "newsprep.schema_version") {
                e.value = Some("1".to_owned());
            }
        });
        let err = Earlier::open(&[dir.path().to_owned()], HASH, None)
            .err()
            .unwrap();
        assert!(matches!(err, RestoreError::OtherSchema { .. }), "{err}");
        assert!(err.to_string().contains("schema version 1"), "{err}");

        let dir = output();
        rewrite(dir.path(), |fields, columns, _| {
            let at = fields.iter().position(|f| f.name() == "title").unwrap();
            fields.remove(at);
            columns.remove(at);
        });
        let err = Earlier::open(&[dir.path().to_owned()], HASH, None)
            .err()
            .unwrap();
        assert!(err.to_string().contains("no column title"), "{err}");
    }

    #[test]
    fn an_unknown_column_or_a_renamed_mention_field_is_refused_naming_it() {
        let dir = output();
        rewrite(dir.path(), |fields, columns, _| {
            fields.push(Arc::new(Field::new("surprise", DataType::Int32, false)));
            columns.push(Arc::new(Int32Array::from(vec![1, 2])));
        });
        let err = Earlier::open(&[dir.path().to_owned()], HASH, None)
            .err()
            .unwrap();
        assert!(
            matches!(
                &err,
                RestoreError::Column {
                    problem: ColumnProblem::Unknown { column },
                    ..
                } if column == "surprise"
            ),
            "{err}"
        );

        // A mention's fields are read by name: one renamed is another type.
        let written = crate::schema::mentions::list_type();
        let DataType::List(item) = &written else {
            panic!("entities is a list")
        };
        let DataType::Struct(mention) = item.data_type() else {
            panic!("of structs")
        };
        let renamed: Vec<Field> = mention
            .iter()
            .map(|f| match f.name().as_str() {
                "canonical" => f.as_ref().clone().with_name("name"),
                _ => f.as_ref().clone(),
            })
            .collect();
        let item = item
            .as_ref()
            .clone()
            .with_data_type(DataType::Struct(renamed.into()));
        let other = DataType::List(Arc::new(item));
        assert!(same_shape(&written, &written));
        assert!(!same_shape(&other, &written));
        assert!(
            other.equals_datatype(&written),
            "what arrow alone lets through"
        );
    }
}
