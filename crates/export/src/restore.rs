//! Reading back what earlier runs wrote, so that a run can take the documents of
//! unchanged inputs from there instead of decoding them again: the previous output for
//! `newsprep run --incremental`, every shard's output for `newsprep merge`.
//!
//! What is restored comes from two tables written side by side in the same row order:
//! `documents.parquet` (the document as it was written) and `_state/trace.parquet`
//! (the input's fingerprint and what the corpus stages saw of it). The fingerprints
//! are held in memory, a few dozen bytes per document; the documents are read forward,
//! in `doc_id` order, once per pass over the inputs.

use std::collections::{BTreeSet, VecDeque};
use std::fs::{self, File};
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, TimestampMicrosecondType, UInt64Type};
use arrow_array::{Array, RecordBatch};
use newsprep_core::document::{
    BoilerplateNote, Document, EncodingSource, Format, Metadata, Signature, Trace,
};
use newsprep_core::input::InputFile;
use newsprep_core::runner::{BoxError, RestoreReader, Restorer};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use rustc_hash::FxHashMap;

use crate::{DOCUMENTS, QUARANTINE, STATE_DIR, TRACE};

/// Rows read at a time from each table.
const READ_BATCH_ROWS: usize = 1024;

/// Why an earlier output cannot be restored from.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(
        "{path} has no {STATE_DIR}/{TRACE}.parquet: it was written by a run that kept no state"
    )]
    NoState { path: PathBuf },
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
    #[error("{path} is not what newsprep writes: {reason}")]
    Malformed { path: PathBuf, reason: String },
}

/// Computes the content hash of an input as it is now; `None` when it cannot be read.
pub type Fingerprinter = Box<dyn Fn(&InputFile) -> Option<String> + Send + Sync>;

/// The outputs of earlier runs, ready to restore documents from.
pub struct Earlier {
    outputs: Vec<PathBuf>,
    /// By numeric doc id: the output that holds it, and the input's size.
    known: FxHashMap<u64, Known>,
    /// By numeric doc id: the input's content hash, kept only to check inputs with.
    hashes: FxHashMap<u64, u128>,
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
        for (output, dir) in outputs.iter().enumerate() {
            let state = dir.join(STATE_DIR);
            let files = table_files(&state, TRACE)?;
            if files.is_empty() {
                return Err(RestoreError::NoState { path: dir.clone() });
            }
            for path in &files {
                let found = config_hash_of(path)?;
                if found != config_hash {
                    return Err(RestoreError::OtherSettings {
                        path: dir.clone(),
                        found,
                        expected: config_hash.to_owned(),
                    });
                }
            }
            let mut rows = Rows::open(files, &["doc_id", "source_bytes", "input_hash"])?;
            while let Some((batch, row)) = rows.current()? {
                let id = batch.column(0).as_string::<i32>().value(row);
                let size = batch.column(1).as_primitive::<Int64Type>().value(row);
                let hash = batch.column(2).as_string::<i32>();
                let id = numeric_id(id);
                known.insert(
                    id,
                    Known {
                        output: output as u32,
                        size: u64::try_from(size).unwrap_or(0),
                    },
                );
                let parsed = (!hash.is_null(row))
                    .then(|| u128::from_str_radix(hash.value(row), 16).ok())
                    .flatten();
                if let (Some(hash), Some(_)) = (parsed, &fingerprint) {
                    hashes.insert(id, hash);
                }
                rows.advance();
            }
        }
        Ok(Earlier {
            outputs: outputs.to_vec(),
            known,
            hashes,
            fingerprint,
        })
    }

    /// Documents the earlier outputs hold.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// How many of the documents the earlier outputs hold have no input among `files`:
    /// their inputs were deleted or renamed, and their rows are gone from this run.
    pub fn gone(&self, files: &[InputFile]) -> usize {
        let present = files
            .iter()
            .filter(|f| {
                self.known
                    .contains_key(&numeric_id(&Document::id_for_path(&f.rel_path)))
            })
            .count();
        self.known.len() - present
    }
}

impl Restorer for Earlier {
    fn holds(&self, file: &InputFile) -> bool {
        let id = numeric_id(&Document::id_for_path(&file.rel_path));
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
                documents: Rows::open(table_files(dir, DOCUMENTS)?, DOCUMENT_COLUMNS)?,
                trace: Rows::open(table_files(&dir.join(STATE_DIR), TRACE)?, TRACE_COLUMNS)?,
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
    fn read(&mut self, ids: &[&str]) -> Result<Vec<Option<Document>>, BoxError> {
        let mut docs = Vec::with_capacity(ids.len());
        for id in ids {
            let doc = match self.earlier.known.get(&numeric_id(id)) {
                Some(known) => self.cursors[known.output as usize].seek(id)?,
                None => None,
            };
            docs.push(doc);
        }
        Ok(docs)
    }
}

/// The documents and trace tables of one output, read in step.
struct Cursor {
    documents: Rows,
    trace: Rows,
}

impl Cursor {
    /// The document `id`, skipping the ones before it; `None` if it is not there.
    fn seek(&mut self, id: &str) -> Result<Option<Document>, RestoreError> {
        loop {
            let Some((docs, row)) = self.documents.current()? else {
                return Ok(None);
            };
            let current = docs.column(0).as_string::<i32>().value(row);
            if current > id {
                return Ok(None);
            }
            let Some((trace, trace_row)) = self.trace.current()? else {
                return Err(self
                    .trace
                    .malformed("it has fewer rows than documents.parquet"));
            };
            if trace.column(0).as_string::<i32>().value(trace_row) != current {
                return Err(self
                    .trace
                    .malformed("its rows are not those of documents.parquet"));
            }
            let found = (current == id).then(|| document(&docs, row, &trace, trace_row));
            self.documents.advance();
            self.trace.advance();
            if found.is_some() {
                return Ok(found);
            }
        }
    }
}

/// The columns of `documents.parquet` a restored document is made of, in file order.
const DOCUMENT_COLUMNS: &[&str] = &[
    "doc_id",
    "source_path",
    "source_bytes",
    "format",
    "encoding",
    "encoding_source",
    "mojibake_repairs",
    "title",
    "published",
    "attribution",
    "author",
    "site_name",
    "url",
    "canonical_url",
    "page_language",
    "text",
    "boilerplate_lines",
    "removed_words",
    "removed_text",
];

const TRACE_COLUMNS: &[&str] = &[
    "doc_id",
    "input_hash",
    "chrome_lines",
    "chrome_recurring",
    "exact_hash",
    "dedup_chars",
    "published",
    "bands",
];

/// Row `row` of the projected documents table, with its trace: the document as the
/// earlier run wrote it, before dedup and entity tagging, which a restoring run redoes.
fn document(docs: &RecordBatch, row: usize, trace: &RecordBatch, trow: usize) -> Document {
    // Columns by name: the projection holds exactly DOCUMENT_COLUMNS.
    let column = |name: &str| {
        let index = DOCUMENT_COLUMNS
            .iter()
            .position(|c| *c == name)
            .unwrap_or(0);
        docs.column(index)
    };
    let text = |name: &str| column(name).as_string::<i32>().value(row).to_owned();
    let optional_text = |name: &str| {
        let col = column(name).as_string::<i32>();
        (!col.is_null(row)).then(|| col.value(row).to_owned())
    };
    let int = |name: &str| {
        let col = column(name).as_primitive::<Int64Type>();
        (!col.is_null(row)).then(|| u64::try_from(col.value(row)).unwrap_or(0))
    };
    let published = column("published").as_primitive::<TimestampMicrosecondType>();
    let authors = column("author").as_list::<i32>();
    let author = if authors.is_null(row) {
        Vec::new()
    } else {
        let names = authors.value(row);
        let names = names.as_string::<i32>();
        names.iter().flatten().map(str::to_owned).collect()
    };
    let boilerplate = int("boilerplate_lines").map(|removed_lines| BoilerplateNote {
        removed_lines,
        removed_words: int("removed_words").unwrap_or(0),
        removed_text: optional_text("removed_text"),
    });
    Document {
        doc_id: text("doc_id"),
        source_path: text("source_path"),
        source_bytes: int("source_bytes").unwrap_or(0),
        format: Format::parse(&text("format")).unwrap_or_default(),
        encoding: text("encoding"),
        encoding_source: EncodingSource::parse(&text("encoding_source")).unwrap_or_default(),
        mojibake_repairs: int("mojibake_repairs").unwrap_or(0),
        meta: Metadata {
            title: optional_text("title"),
            published: (!published.is_null(row)).then(|| published.value(row)),
            attribution: optional_text("attribution"),
            author,
            site_name: optional_text("site_name"),
            url: optional_text("url"),
            canonical_url: optional_text("canonical_url"),
            page_language: optional_text("page_language"),
        },
        text: text("text"),
        boilerplate,
        dedup: None,
        entities: None,
        trace: trace_of(trace, trow),
    }
}

fn trace_of(trace: &RecordBatch, row: usize) -> Trace {
    let u64_list = |i: usize| -> Option<Vec<u64>> {
        let col = trace.column(i).as_list::<i32>();
        (!col.is_null(row)).then(|| {
            col.value(row)
                .as_primitive::<UInt64Type>()
                .values()
                .to_vec()
        })
    };
    let input_hash = trace.column(1).as_string::<i32>();
    let recurring = trace.column(3).as_list::<i32>();
    let chrome_lines = u64_list(2).map(|hashes| {
        let flags = recurring.value(row);
        let flags = flags.as_boolean();
        hashes
            .into_iter()
            .enumerate()
            .map(|(i, h)| (h, i < flags.len() && flags.value(i)))
            .collect()
    });
    let exact = trace.column(4).as_string::<i32>();
    let chars = trace.column(5).as_primitive::<Int64Type>();
    let published = trace.column(6).as_primitive::<TimestampMicrosecondType>();
    let signature = (!exact.is_null(row))
        .then(|| u128::from_str_radix(exact.value(row), 16).ok())
        .flatten()
        .map(|exact| Signature {
            exact,
            n_chars: u64::try_from(chars.value(row)).unwrap_or(0),
            published: (!published.is_null(row)).then(|| published.value(row)),
            bands: u64_list(7).unwrap_or_default(),
        });
    Trace {
        input_hash: (!input_hash.is_null(row)).then(|| input_hash.value(row).to_owned()),
        chrome_lines,
        signature,
    }
}

/// A table's rows, read forward across its files, a batch at a time.
struct Rows {
    files: VecDeque<PathBuf>,
    columns: &'static [&'static str],
    reading: Option<(PathBuf, ParquetRecordBatchReader)>,
    batch: Option<RecordBatch>,
    row: usize,
}

impl Rows {
    fn open(files: Vec<PathBuf>, columns: &'static [&'static str]) -> Result<Rows, RestoreError> {
        Ok(Rows {
            files: files.into(),
            columns,
            reading: None,
            batch: None,
            row: 0,
        })
    }

    /// The current row, loading the next batch or file when needed; `None` at the end.
    fn current(&mut self) -> Result<Option<(RecordBatch, usize)>, RestoreError> {
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
                        self.batch = Some(batch);
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
            self.reading = Some((path.clone(), open_projected(&path, self.columns)?));
        }
    }

    fn advance(&mut self) {
        self.row += 1;
    }

    fn malformed(&self, reason: &str) -> RestoreError {
        RestoreError::Malformed {
            path: self
                .reading
                .as_ref()
                .map(|(p, _)| p.clone())
                .unwrap_or_default(),
            reason: reason.to_owned(),
        }
    }
}

/// A reader over the named columns of one Parquet file, in the order named.
fn open_projected(path: &Path, columns: &[&str]) -> Result<ParquetRecordBatchReader, RestoreError> {
    let parquet_err = |source| RestoreError::Parquet {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(|source| RestoreError::Io {
        path: path.to_owned(),
        source,
    })?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_err)?;
    let schema = builder.schema().clone();
    let mut indices = Vec::with_capacity(columns.len());
    for name in columns {
        let index = schema.index_of(name).map_err(|_| RestoreError::Malformed {
            path: path.to_owned(),
            reason: format!("it has no column {name}"),
        })?;
        indices.push(index);
    }
    // A projection yields the columns in file order; the names above are in file order.
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

/// The config hash recorded in a Parquet file's metadata.
fn config_hash_of(path: &Path) -> Result<String, RestoreError> {
    let file = File::open(path).map_err(|source| RestoreError::Io {
        path: path.to_owned(),
        source,
    })?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|source| RestoreError::Parquet {
            path: path.to_owned(),
            source,
        })?;
    Ok(builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .into_iter()
        .flatten()
        .find(|kv| kv.key == "newsprep.config_hash")
        .and_then(|kv| kv.value.clone())
        .unwrap_or_default())
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
    let tables = [
        table_files(&output.join(STATE_DIR), TRACE)?,
        table_files(output, QUARANTINE)?,
    ];
    for files in tables {
        let mut rows = Rows::open(files, &["source_path"])?;
        while let Some((batch, row)) = rows.current()? {
            paths.insert(batch.column(0).as_string::<i32>().value(row).to_owned());
            rows.advance();
        }
    }
    Ok(paths)
}

/// The numeric form of a `doc_id` (16 hex digits).
fn numeric_id(doc_id: &str) -> u64 {
    u64::from_str_radix(doc_id, 16).unwrap_or(0)
}
