//! The `newsprep._newsprep` extension module: the pipeline's stages callable from
//! Python over Arrow. The Python package (python/newsprep) wraps it; the names users
//! rely on, and their docs, are there.
//!
//! Every call releases the GIL while Rust works, and runs rows on rayon's pool as the
//! CLI does. Arrow crosses in both directions through the C data interface: the
//! content column is read where pyarrow put it, never as one Python object per row.

mod corpus;
mod engine;
mod run;
mod stages;
mod table;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex, OnceLock};

use arrow_array::RecordBatch;
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use newsprep_core::config::Config;
use newsprep_core::document::{DocId, Document, Metadata};
use newsprep_core::input::InputFile;
use newsprep_core::stage::{Decode, Entry, Part, Parts};
use newsprep_decode::{read, warc};
use newsprep_export::schema::documents::{self, DocumentColumn};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use stages::{compression_of, Outcome, Row, Stages};

/// The page file name `extract` decodes under: an HTML name, so the HTML path is
/// taken whatever the bytes start with.
const PAGE_NAME: &str = "page.html";

/// What `extract` returns of a document, by the documents table's names.
const EXTRACTED: [&DocumentColumn; 11] = [
    &documents::TEXT,
    &documents::TITLE,
    &documents::AUTHOR,
    &documents::PUBLISHED,
    &documents::ATTRIBUTION,
    &documents::SITE_NAME,
    &documents::URL,
    &documents::CANONICAL_URL,
    &documents::PAGE_LANGUAGE,
    &documents::LANGUAGE,
    &documents::LANGUAGE_SCORE,
];

/// The settings `config` names: a `pipeline.toml`, or the defaults; read and checked
/// by the run library, so that a bad file gets the CLI's message.
fn load_config(config: Option<PathBuf>) -> PyResult<Config> {
    let source = match config {
        Some(path) => newsprep_run::ConfigSource::File(path),
        None => newsprep_run::ConfigSource::Given(Box::default()),
    };
    newsprep_run::load_config(&newsprep_run::Options {
        config: source,
        ..newsprep_run::Options::default()
    })
    .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// `extract`'s stages: the default ones but the entity tagger, whose mentions it does
/// not return. Built once per `keep_removed`, as the gazetteer and model are not cheap.
fn extract_stages(keep_removed: bool) -> PyResult<&'static Stages> {
    static PLAIN: OnceLock<Stages> = OnceLock::new();
    static KEEPING: OnceLock<Stages> = OnceLock::new();
    let cell = if keep_removed { &KEEPING } else { &PLAIN };
    if let Some(stages) = cell.get() {
        return Ok(stages);
    }
    let mut config = Config::default();
    config.entities.enabled = false;
    config.boilerplate.keep_removed = keep_removed;
    let stages = Stages::new(&config).map_err(PyValueError::new_err)?;
    Ok(cell.get_or_init(|| stages))
}

/// One page in, its article as a one-row batch of the extracted columns, or `None`.
#[pyfunction]
#[pyo3(signature = (html, url=None, keep_removed=false))]
fn extract<'py>(
    py: Python<'py>,
    html: &[u8],
    url: Option<&str>,
    keep_removed: bool,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let stages = extract_stages(keep_removed)?;
    let batch = py.detach(|| {
        let outcome = stages.run_bytes(
            Row {
                source_path: PAGE_NAME,
                content: html,
                url,
                origin: None,
            },
            usize::MAX,
        );
        match outcome {
            Outcome::Kept(doc) => {
                let mut columns: Vec<&DocumentColumn> = EXTRACTED.to_vec();
                if keep_removed {
                    columns.push(&documents::REMOVED_TEXT);
                    columns.push(&documents::REMOVED_RULES);
                }
                table::documents_batch(std::slice::from_ref(&doc), &columns).map(Some)
            }
            Outcome::Rejected { .. } => Ok(None),
        }
    });
    match batch.map_err(|e| PyValueError::new_err(e.to_string()))? {
        Some(batch) => Ok(Some(batch.to_pyarrow(py)?)),
        None => Ok(None),
    }
}

/// The configured stages, run in process over Arrow batches.
#[pyclass(frozen, module = "newsprep._newsprep")]
struct Pipeline {
    stages: Arc<Stages>,
    config: Config,
}

#[pymethods]
impl Pipeline {
    #[new]
    #[pyo3(signature = (config=None))]
    fn new(config: Option<PathBuf>) -> PyResult<Pipeline> {
        let config = load_config(config)?;
        let stages = Stages::new(&config).map_err(PyValueError::new_err)?;
        Ok(Pipeline {
            stages: Arc::new(stages),
            config,
        })
    }

    /// Names of the stages after decode, in order.
    #[getter]
    fn stages(&self) -> Vec<&'static str> {
        self.stages.stages.iter().map(|s| s.name()).collect()
    }

    /// One pyarrow.RecordBatch in, one out, row for row, through the stages before
    /// `until` (all of them when `None`).
    #[pyo3(signature = (batch, until=None))]
    fn process_batch<'py>(
        &self,
        py: Python<'py>,
        batch: &Bound<'py, PyAny>,
        until: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let batch = RecordBatch::from_pyarrow_bound(batch)?;
        let upto = self.upto(until)?;
        let stages = &self.stages;
        let out = py.detach(|| {
            let outcomes = table::process(stages, &batch, upto)?;
            table::outcomes_batch(outcomes).map_err(|e| e.to_string())
        });
        out.map_err(PyValueError::new_err)?.to_pyarrow(py)
    }

    /// Each document's summary for the corpus stage `stage`.
    fn observe<'py>(
        &self,
        py: Python<'py>,
        stage: &str,
        batch: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let batch = RecordBatch::from_pyarrow_bound(batch)?;
        let (stages, config) = (&self.stages, &self.config);
        let out = py.detach(|| match stage {
            "dedup" => engine::observe_dedup(config, &batch),
            _ => corpus::observe(stages, stage, &batch),
        });
        out.map_err(PyValueError::new_err)?.to_pyarrow(py)
    }

    /// The documents with `stage` applied under `decided`, then the stages after it
    /// up to `until`.
    #[pyo3(signature = (stage, batch, decided, until=None))]
    fn apply<'py>(
        &self,
        py: Python<'py>,
        stage: &str,
        batch: &Bound<'py, PyAny>,
        decided: &Bound<'py, PyAny>,
        until: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let batch = RecordBatch::from_pyarrow_bound(batch)?;
        let decided = RecordBatch::from_pyarrow_bound(decided)?;
        let (stages, config) = (&self.stages, &self.config);
        let out = py.detach(|| {
            let (outcomes, rejected) = match stage {
                "dedup" => engine::apply_dedup(stages, config, &batch, &decided, until)?,
                _ => corpus::apply(stages, config, stage, &batch, &decided, until)?,
            };
            let out = table::outcomes_batch(outcomes).map_err(|e| e.to_string())?;
            table::keep_rows(&batch, out, &rejected).map_err(|e| e.to_string())
        });
        out.map_err(PyValueError::new_err)?.to_pyarrow(py)
    }

    /// The documents of the file at `path`, read as the runner reads it, in batches,
    /// through the stages before `until` (all of them when `None`).
    #[pyo3(signature = (path, source_path=None, batch_rows=256, until=None))]
    fn process_path(
        &self,
        path: PathBuf,
        source_path: Option<String>,
        batch_rows: usize,
        until: Option<&str>,
    ) -> PyResult<Batches> {
        let upto = self.upto(until)?;
        let meta = std::fs::metadata(&path)
            .map_err(|e| PyOSError::new_err(format!("cannot read {}: {e}", path.display())))?;
        let rel_path = source_path.unwrap_or_else(|| {
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.to_string_lossy().into_owned())
        });
        let input = InputFile {
            compression: compression_of(&rel_path),
            path,
            rel_path,
            size: meta.len(),
        };
        Ok(Batches::spawn(
            Arc::clone(&self.stages),
            input,
            Source::Path,
            batch_rows.max(1),
            upto,
        ))
    }

    /// Dedup's second look at each document: its shingle set (newsprep.ray confirms
    /// candidate pairs with it).
    fn dedup_shingles<'py>(
        &self,
        py: Python<'py>,
        batch: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let batch = RecordBatch::from_pyarrow_bound(batch)?;
        let config = &self.config;
        let out = py.detach(|| engine::shingles(config, &batch));
        out.map_err(PyValueError::new_err)?.to_pyarrow(py)
    }

    /// The output tables of processed rows, as the CLI's sink writes them: a dict of
    /// `documents`, `entities` and `quarantine` batches, and `counts` (JSON).
    fn tables<'py>(
        &self,
        py: Python<'py>,
        batch: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        let batch = RecordBatch::from_pyarrow_bound(batch)?;
        let config = &self.config;
        let tables = py
            .detach(|| engine::tables(config, &batch))
            .map_err(PyValueError::new_err)?;
        let out = pyo3::types::PyDict::new(py);
        out.set_item("documents", tables.documents.to_pyarrow(py)?)?;
        out.set_item("entities", tables.entities.to_pyarrow(py)?)?;
        out.set_item("quarantine", tables.quarantine.to_pyarrow(py)?)?;
        out.set_item("counts", tables.counts.json().to_string())?;
        Ok(out)
    }

    /// The quarantine rows of inputs a listing turned away before reading:
    /// `(source_path, reason, detail)` each.
    #[staticmethod]
    fn rejected_inputs<'py>(
        py: Python<'py>,
        rows: Vec<(String, String, String)>,
    ) -> PyResult<Bound<'py, PyAny>> {
        engine::rejected_inputs(&rows)
            .map_err(PyValueError::new_err)?
            .to_pyarrow(py)
    }

    /// What a run with this config records (JSON): versions, the config and its
    /// hash, how the Parquet files are written.
    fn describe(&self) -> PyResult<String> {
        engine::describe(&self.config).map_err(PyValueError::new_err)
    }

    /// The documents of the file a Python binary file object reads, named
    /// `source_path` (which tells its format and compression), read in chunks on the
    /// batches' thread and never whole: a WARC file record by record, any other file
    /// as its one document, capped at `max_bytes`. `size`, the file's size when the
    /// caller knows it, is what a rejected file's row says it held.
    #[pyo3(signature = (reader, source_path, size=None, batch_rows=256))]
    fn process_stream(
        &self,
        reader: Py<PyAny>,
        source_path: String,
        size: Option<u64>,
        batch_rows: usize,
    ) -> Batches {
        let input = InputFile {
            compression: compression_of(&source_path),
            path: PathBuf::from(&source_path),
            rel_path: source_path,
            size: size.unwrap_or(0),
        };
        Batches::spawn(
            Arc::clone(&self.stages),
            input,
            Source::Stream(Box::new(PyReader(reader))),
            batch_rows.max(1),
            self.stages.stages.len(),
        )
    }
}

/// Where a file's bytes come from.
enum Source {
    /// Its path, opened as the runner opens it.
    Path,
    /// A stream of its bytes as stored (compressed when its name says so).
    Stream(Box<dyn Read + Send>),
}

impl Source {
    /// The file's entries, as the decoder's `open` gives them for a path.
    fn entries<'a>(self, stages: &'a Stages, input: &'a InputFile) -> Parts<'a> {
        let reader = match self {
            Source::Path => return stages.decoder.open(input),
            Source::Stream(reader) => reader,
        };
        if warc::is_warc(&input.rel_path) {
            return warc::entries_from(
                reader,
                &input.rel_path,
                input.compression,
                stages.max_bytes,
            );
        }
        let entry = match read::read_stream(reader, input.compression, stages.max_bytes) {
            Ok(bytes) => Entry::Part(Part {
                bytes: Some(bytes),
                ..Part::whole(input)
            }),
            Err(rejection) => Entry::Unreadable {
                rejection,
                url: None,
                offset: None,
            },
        };
        Box::new(std::iter::once(entry))
    }
}

/// A Python binary file object as a `Read`: each read takes the GIL for the call to
/// the object's `read`. A Python error becomes an I/O error with its message, which
/// the reader turns into a row with a reason.
struct PyReader(Py<PyAny>);

impl Read for PyReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        Python::attach(|py| {
            let failed =
                |e: PyErr| std::io::Error::other(format!("the file object's read failed: {e}"));
            let chunk = self
                .0
                .bind(py)
                .call_method1("read", (buf.len(),))
                .map_err(failed)?;
            // bytes as file objects return them; bytearray or memoryview copied into bytes.
            let chunk = match chunk.cast_into::<PyBytes>() {
                Ok(bytes) => bytes,
                Err(other) => py
                    .get_type::<PyBytes>()
                    .call1((other.into_inner(),))
                    .and_then(|b| b.cast_into::<PyBytes>().map_err(PyErr::from))
                    .map_err(failed)?,
            };
            let bytes = chunk.as_bytes();
            if bytes.len() > buf.len() {
                return Err(std::io::Error::other(format!(
                    "the file object's read({}) gave {} bytes",
                    buf.len(),
                    bytes.len()
                )));
            }
            buf[..bytes.len()].copy_from_slice(bytes);
            Ok(bytes.len())
        })
    }
}

/// Batches of documents made on a thread of their own, one batch ahead of the reader.
#[pyclass(frozen, module = "newsprep._newsprep")]
struct Batches {
    receiver: Mutex<Receiver<Result<RecordBatch, String>>>,
    tallies: Arc<Mutex<Tallies>>,
}

/// What a WARC file held besides documents, as the manifest counts it: the records
/// that are no document, by reason, and those marked `WARC-Truncated` (processed as
/// usual).
#[derive(Default)]
struct Tallies {
    skipped: BTreeMap<&'static str, u64>,
    truncated: u64,
}

impl Batches {
    fn spawn(
        stages: Arc<Stages>,
        input: InputFile,
        source: Source,
        rows: usize,
        upto: usize,
    ) -> Batches {
        let (sender, receiver) = sync_channel(1);
        let tallies = Arc::new(Mutex::new(Tallies::default()));
        let tally = Arc::clone(&tallies);
        std::thread::spawn(move || {
            let mut chunk = Vec::with_capacity(rows);
            let flush = |chunk: &mut Vec<Entry>| {
                let batch = outcomes_of(&stages, &input, std::mem::take(chunk), upto);
                sender.send(batch).is_ok()
            };
            for entry in source.entries(&stages, &input) {
                match &entry {
                    Entry::Skipped(reason) => {
                        if let Ok(mut t) = tally.lock() {
                            *t.skipped.entry(reason).or_default() += 1;
                        }
                        continue;
                    }
                    Entry::Part(part) if part.truncated => {
                        if let Ok(mut t) = tally.lock() {
                            t.truncated += 1;
                        }
                    }
                    _ => {}
                }
                chunk.push(entry);
                // A reader that went away (the generator was dropped) ends the work.
                if chunk.len() == rows && !flush(&mut chunk) {
                    return;
                }
            }
            if !chunk.is_empty() {
                flush(&mut chunk);
            }
        });
        Batches {
            receiver: Mutex::new(receiver),
            tallies,
        }
    }
}

/// The batch of one chunk of a file's entries, decoded in parallel, in file order.
fn outcomes_of(
    stages: &Stages,
    input: &InputFile,
    entries: Vec<Entry>,
    upto: usize,
) -> Result<RecordBatch, String> {
    use rayon::prelude::*;
    let outcomes = entries
        .into_par_iter()
        .map(|entry| match entry {
            Entry::Part(part) => stages.run(input, part, upto),
            Entry::Unreadable { rejection, url, .. } => Outcome::Rejected {
                doc: Document {
                    doc_id: DocId::for_path(&input.rel_path),
                    source_path: input.rel_path.clone(),
                    source_bytes: input.size,
                    meta: Metadata {
                        url,
                        ..Metadata::default()
                    },
                    ..Document::default()
                },
                stage: "decode",
                rejection,
            },
            Entry::Skipped(_) => unreachable!("skipped entries are left out before"),
        })
        .collect();
    table::outcomes_batch(outcomes).map_err(|e| e.to_string())
}

impl Pipeline {
    /// How many stages run before the stage named `until` (all of them for `None`).
    fn upto(&self, until: Option<&str>) -> PyResult<usize> {
        match until {
            None => Ok(self.stages.stages.len()),
            Some(until) => self.stages.position(until).map_err(PyValueError::new_err),
        }
    }
}

#[pymethods]
impl Batches {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let next = py.detach(|| match self.receiver.lock() {
            Ok(receiver) => receiver.recv().ok(),
            Err(_) => None,
        });
        match next {
            Some(Ok(batch)) => Ok(Some(batch.to_pyarrow(py)?)),
            Some(Err(message)) => Err(PyValueError::new_err(message)),
            None => Ok(None),
        }
    }

    /// The records read so far that are no document, by reason, and the number marked
    /// `WARC-Truncated`: `(records_skipped, records_truncated)` as the manifest counts
    /// them. Complete once the batches are exhausted.
    fn tallies(&self) -> (BTreeMap<&'static str, u64>, u64) {
        match self.tallies.lock() {
            Ok(t) => (t.skipped.clone(), t.truncated),
            Err(_) => (BTreeMap::new(), 0),
        }
    }
}

#[pymodule]
fn _newsprep(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", newsprep_core::VERSION)?;
    // Benchmarks refuse a debug build: `make develop` and `make bench-package` install
    // into the same source folder, and a debug module is many times slower.
    m.add(
        "BUILD_PROFILE",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    )?;
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(run::run, m)?)?;
    m.add("UsageError", m.py().get_type::<run::UsageError>())?;
    m.add("LockedError", m.py().get_type::<run::LockedError>())?;
    m.add("RunError", m.py().get_type::<run::RunError>())?;
    m.add_class::<Pipeline>()?;
    m.add_class::<Batches>()?;
    // What observe gives and apply takes, per corpus stage: (summary column, decided
    // key column, decided count column).
    let corpus_columns = pyo3::types::PyDict::new(m.py());
    corpus_columns.set_item(
        "boilerplate",
        (corpus::LINE_HASHES, corpus::LINE_HASH, corpus::DOCUMENTS),
    )?;
    corpus_columns.set_item(
        "link_people",
        (corpus::NAMES, corpus::NAME, corpus::DOCUMENTS),
    )?;
    m.add("CORPUS_COLUMNS", corpus_columns)?;
    // Files besides the tables that newsprep owns in an output folder (the report's
    // page), so that newsprep.ray's guard refuses exactly what the CLI's refuses.
    m.add(
        "REPORT_FILES",
        (
            newsprep_export::REPORT_FILE,
            newsprep_export::REPORT_PARTIAL,
        ),
    )?;
    Ok(())
}
