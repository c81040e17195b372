//! The export stage: streams finished documents and quarantine records into Parquet
//! row groups as the runner hands them over, and writes the run manifest.
//!
//! Every file is written under a hidden temporary name and renamed into place only
//! when the whole run succeeded, so a failed run never leaves a half-written file under
//! a final name.

pub mod restore;
pub mod schema;
pub mod state;
mod table;

use table::Table;

use std::fs;
use std::path::{Path, PathBuf};

use newsprep_core::config::ExportConfig;
use newsprep_core::document::{Document, QuarantineRecord};
use newsprep_core::manifest::{Manifest, Tallies};
use newsprep_core::runner::{BoxError, Sink};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;
use rayon::prelude::*;
use schema::documents::{DocumentColumn, Rows};
use schema::mentions::Mentions;

/// The tables, by name: `NAME.parquet`, or `NAME-00000.parquet`, ... when rotated.
pub const DOCUMENTS: &str = "documents";
pub const QUARANTINE: &str = "quarantine";
pub const ENTITIES: &str = "entities";
pub const MANIFEST_FILE: &str = "manifest.json";
/// Where `newsprep report --html` may write its page inside an output folder: a name
/// newsprep owns there, so the next run replaces the folder (and the page, which
/// described the old tables) rather than refusing it as someone else's.
pub const REPORT_FILE: &str = "report.html";
/// What `newsprep report --html` writes the page to before it renames it into place:
/// one killed halfway leaves it behind, which must not make the next run refuse the
/// folder either.
pub const REPORT_PARTIAL: &str = ".report.html.partial";
/// The folder of what the next run needs to reuse this run's documents.
pub const STATE_DIR: &str = "_state";
pub const TRACE: &str = "trace";

/// Whether `name` is one of the files of table `stem`: `STEM.parquet` or
/// `STEM-NNNNN.parquet`.
pub fn is_table_file(name: &str, stem: &str) -> bool {
    let Some(rest) = name.strip_prefix(stem) else {
        return false;
    };
    rest == ".parquet"
        || rest
            .strip_prefix('-')
            .and_then(|n| n.strip_suffix(".parquet"))
            .is_some_and(|n| n.len() == 5 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// What a run writes at the top of an output folder, besides `shards/` (the outputs of
/// `run --shard`, which a swap carries over): everything else there belongs to someone
/// else, and a run refuses to replace such a folder.
pub fn is_output_entry(name: &str, is_dir: bool) -> bool {
    if is_dir {
        return name == STATE_DIR;
    }
    name == MANIFEST_FILE
        || name == REPORT_FILE
        || name == REPORT_PARTIAL
        || [DOCUMENTS, QUARANTINE, ENTITIES]
            .iter()
            .any(|stem| is_table_file(name, stem))
}

/// What a run writes inside `_state/`.
pub fn is_state_entry(name: &str, is_dir: bool) -> bool {
    !is_dir && is_table_file(name, TRACE)
}

/// Arrow string arrays use 32-bit offsets; a batch of texts is split before it nears
/// that limit, whatever `row_group_size` says.
const MAX_TEXT_BYTES_PER_BATCH: usize = 1 << 30;

/// Writing the output failed; the error names the file.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write Parquet file {path}: {source}")]
    Parquet {
        path: PathBuf,
        source: parquet::errors::ParquetError,
    },
    #[error("cannot build rows for {path}: {source}")]
    Arrow {
        path: PathBuf,
        source: arrow_schema::ArrowError,
    },
    #[error("cannot write {path}: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
}

/// What every output file records about the run that wrote it.
#[derive(Debug, Clone)]
pub struct FileMetadata {
    pub config_hash: String,
}

/// The sink that writes an output: `documents.parquet`, `entities.parquet`,
/// `quarantine.parquet` and the trace the next run reads.
pub struct ParquetSink {
    output_dir: PathBuf,
    documents: Table,
    quarantine: Table,
    entities: Table,
    trace: Table,
    tallies: Tallies,
}

impl ParquetSink {
    /// Creates the output directory and opens the tables under temporary names.
    pub fn create(
        output_dir: &Path,
        config: &ExportConfig,
        meta: &FileMetadata,
    ) -> Result<ParquetSink, ExportError> {
        let props = writer_properties(config, meta)?;
        let rows = config.max_rows_per_file;
        let state_dir = create_dirs(output_dir)?;
        Ok(ParquetSink {
            output_dir: output_dir.to_owned(),
            documents: Table::create(
                output_dir,
                DOCUMENTS,
                schema::schema_of(schema::documents::COLUMNS),
                props.clone(),
                rows,
            )?,
            quarantine: Table::create(
                output_dir,
                QUARANTINE,
                schema::schema_of(schema::quarantine::COLUMNS),
                props.clone(),
                rows,
            )?,
            entities: Table::create(
                output_dir,
                ENTITIES,
                schema::schema_of(schema::mentions::COLUMNS),
                props.clone(),
                rows,
            )?,
            trace: Table::create(
                &state_dir,
                TRACE,
                schema::schema_of(state::TRACE),
                props,
                rows,
            )?,
            tallies: Tallies::default(),
        })
    }

    /// Quarantine counts by reason and mention counts by label so far, for the manifest.
    pub fn tallies(&self) -> Tallies {
        self.tallies.clone()
    }

    /// Closes the tables, moves them to their final names and writes the manifest
    /// last, so a manifest on disk always describes complete tables.
    pub fn finish(self, manifest: &Manifest) -> Result<(), ExportError> {
        let output_dir = self.close()?;
        write_json_atomically(&output_dir.join(MANIFEST_FILE), manifest)
    }

    /// Closes the tables under their final names, without a manifest; returns the
    /// folder they are in.
    fn close(self) -> Result<PathBuf, ExportError> {
        let ParquetSink {
            output_dir,
            documents,
            quarantine,
            entities,
            trace,
            ..
        } = self;
        documents.finish()?;
        quarantine.finish()?;
        entities.finish()?;
        trace.finish()?;
        Ok(output_dir)
    }
}

/// Creates an output folder and its state folder; returns the latter.
fn create_dirs(output_dir: &Path) -> Result<PathBuf, ExportError> {
    let state_dir = output_dir.join(STATE_DIR);
    for dir in [output_dir, &state_dir] {
        fs::create_dir_all(dir).map_err(|source| ExportError::Io {
            path: dir.to_owned(),
            source,
        })?;
    }
    Ok(state_dir)
}

/// Writes `docs` into a documents table of `columns` and its trace, and their mentions
/// into `entities` when given, a batch at a time.
fn write_documents(
    docs: &[Document],
    columns: &[&DocumentColumn],
    documents: &mut Table,
    trace: &mut Table,
    mut entities: Option<&mut Table>,
) -> Result<(), ExportError> {
    let trace_columns: Vec<_> = state::TRACE.iter().collect();
    let mut start = 0;
    while start < docs.len() {
        let mut end = start;
        let mut bytes = 0;
        while end < docs.len()
            && (end == start || bytes + docs[end].text.len() < MAX_TEXT_BYTES_PER_BATCH)
        {
            bytes += docs[end].text.len();
            end += 1;
        }
        let part = &docs[start..end];
        let mentions = match Mentions::of(part) {
            Ok(mentions) => mentions,
            Err(source) => {
                return Err(ExportError::Arrow {
                    path: documents.path(),
                    source,
                })
            }
        };
        let rows = Rows {
            docs: part,
            mentions: &mentions,
        };
        // The tables are independent files: built and encoded side by side, each the
        // way it always was, so that writing a batch does not leave the other threads
        // idle.
        let ((written, traced), listed) = rayon::join(
            || {
                rayon::join(
                    || documents.write(schema::batch_of(columns, &rows)),
                    || trace.write(schema::batch_of(&trace_columns, part)),
                )
            },
            || match entities.as_deref_mut() {
                Some(table) if !mentions.is_empty() => table.write(mentions.batch()),
                _ => Ok(()),
            },
        );
        written?;
        traced?;
        listed?;
        start = end;
    }
    Ok(())
}

/// Documents kept on disk between the runner's passes (see
/// [`newsprep_core::runner::Spill`]): a documents table of [`state::spill_columns`] and
/// its trace, written fast and read back with the same code that restores an earlier
/// output. No entities or quarantine table: the documents carry their mentions, and the
/// runner hands quarantine records to the output's sink alone.
pub struct SpillFile {
    dir: PathBuf,
    documents: Table,
    trace: Table,
    columns: Vec<&'static DocumentColumn>,
    config_hash: String,
}

impl SpillFile {
    /// Opens a spill in `dir`, which the caller removes when the run is over.
    pub fn create(
        dir: &Path,
        config: &ExportConfig,
        meta: &FileMetadata,
    ) -> Result<SpillFile, ExportError> {
        // Read back once, moments later, by a reader that filters on nothing: speed
        // over size, and no statistics.
        let props = writer_properties(config, meta)?
            .into_builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_statistics_enabled(EnabledStatistics::None)
            .build();
        let rows = config.max_rows_per_file;
        let state_dir = create_dirs(dir)?;
        let columns: Vec<_> = state::spill_columns().collect();
        Ok(SpillFile {
            dir: dir.to_owned(),
            documents: Table::create(
                dir,
                DOCUMENTS,
                schema::schema_of(columns.iter().copied()),
                props.clone(),
                rows,
            )?,
            trace: Table::create(
                &state_dir,
                TRACE,
                schema::schema_of(state::TRACE),
                props,
                rows,
            )?,
            columns,
            config_hash: meta.config_hash.clone(),
        })
    }
}

impl newsprep_core::runner::Spill for SpillFile {
    fn write(&mut self, docs: Vec<Document>) -> Result<(), BoxError> {
        write_documents(
            &docs,
            &self.columns,
            &mut self.documents,
            &mut self.trace,
            None,
        )?;
        // Freeing a row group's documents is a long loop too.
        docs.into_par_iter().for_each(drop);
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<Box<dyn newsprep_core::runner::Restorer>, BoxError> {
        self.documents.finish()?;
        self.trace.finish()?;
        let earlier = restore::Earlier::open(&[self.dir], &self.config_hash, None)?;
        Ok(Box::new(earlier))
    }
}

impl Sink for ParquetSink {
    fn write_documents(&mut self, docs: Vec<Document>) -> Result<(), BoxError> {
        for mention in docs.iter().filter_map(|d| d.entities.as_ref()).flatten() {
            let label = mention.label.map_or("", |l| l.as_str());
            *self
                .tallies
                .mentions_by_label
                .entry(label.to_owned())
                .or_default() += 1;
        }
        let columns: Vec<&DocumentColumn> = schema::documents::COLUMNS.iter().collect();
        write_documents(
            &docs,
            &columns,
            &mut self.documents,
            &mut self.trace,
            Some(&mut self.entities),
        )?;
        // Freeing a row group's documents is a long loop too.
        docs.into_par_iter().for_each(drop);
        Ok(())
    }

    fn write_quarantine(&mut self, records: Vec<QuarantineRecord>) -> Result<(), BoxError> {
        if records.is_empty() {
            return Ok(());
        }
        for record in &records {
            *self
                .tallies
                .quarantined_by_reason
                .entry(record.reason.as_str().to_owned())
                .or_default() += 1;
        }
        let columns: Vec<_> = schema::quarantine::COLUMNS.iter().collect();
        self.quarantine
            .write(schema::batch_of(&columns, records.as_slice()))?;
        Ok(())
    }
}

fn writer_properties(
    config: &ExportConfig,
    meta: &FileMetadata,
) -> Result<WriterProperties, ExportError> {
    let level =
        ZstdLevel::try_new(config.compression_level).map_err(|source| ExportError::Parquet {
            path: PathBuf::from("[export] compression_level"),
            source,
        })?;
    let mut builder = WriterProperties::builder()
        // zstd: close to gzip's ratio at several times its speed, read by every tool.
        .set_compression(Compression::ZSTD(level))
        .set_max_row_group_row_count(Some(config.row_group_size))
        // Page-level statistics and the page index let DuckDB and polars skip pages
        // when a query filters on a column.
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_dictionary_enabled(false)
        .set_created_by(format!("newsprep {}", newsprep_core::VERSION))
        .set_key_value_metadata(Some(vec![
            KeyValue::new(
                "newsprep.schema_version".to_owned(),
                schema::SCHEMA_VERSION.to_string(),
            ),
            KeyValue::new(
                "newsprep.version".to_owned(),
                newsprep_core::VERSION.to_owned(),
            ),
            KeyValue::new("newsprep.config_hash".to_owned(), meta.config_hash.clone()),
        ]));
    for column in schema::dictionary_columns() {
        builder = builder.set_column_dictionary_enabled(ColumnPath::from(column), true);
    }
    Ok(builder.build())
}

fn write_json_atomically(path: &Path, value: &impl serde::Serialize) -> Result<(), ExportError> {
    let partial = path.with_extension("json.partial");
    let json = serde_json::to_vec_pretty(value).map_err(|source| ExportError::Json {
        path: path.to_owned(),
        source,
    })?;
    let io_err = |source| ExportError::Io {
        path: path.to_owned(),
        source,
    };
    fs::write(&partial, json).map_err(io_err)?;
    fs::rename(&partial, path).map_err(io_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::RecordBatch;
    use arrow_array::{Array, Int64Array, StringArray};
    use newsprep_core::config::Config;
    use newsprep_core::document::{EncodingSource, Reason};
    use newsprep_core::manifest::RunContext;
    use newsprep_core::runner::RunReport;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use std::fs::File;
    use std::time::SystemTime;

    fn doc(path: &str, text: &str) -> Document {
        Document {
            doc_id: newsprep_core::document::DocId::for_path(path),
            source_path: path.to_owned(),
            source_bytes: text.len() as u64,
            encoding: "windows-1252".into(),
            encoding_source: EncodingSource::Detected,
            mojibake_repairs: 2,
            text: text.to_owned(),
            ..Document::default()
        }
    }

    fn manifest() -> Manifest {
        let now = SystemTime::now();
        let ctx = RunContext {
            config: Config::default(),
            schema_version: schema::SCHEMA_VERSION,
            threads: 1,
            started: now,
            finished: now,
            reuse: Default::default(),
            shard: None,
        };
        Manifest::new(ctx, RunReport::default(), Tallies::default())
    }

    fn read_all(path: &Path) -> RecordBatch {
        let file = File::open(path).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        let mut batches: Vec<_> = reader.map(Result::unwrap).collect();
        assert_eq!(batches.len(), 1, "test tables fit in one batch");
        batches.remove(0)
    }

    #[test]
    fn writes_rows_metadata_and_manifest_under_final_names() {
        let dir = tempfile::tempdir().unwrap();
        let meta = FileMetadata {
            config_hash: "abc123".into(),
        };
        let mut sink = ParquetSink::create(dir.path(), &ExportConfig::default(), &meta).unwrap();
        sink.write_documents(vec![doc("a.txt", "Osh and Jalal-Abad"), doc("b.txt", "Ош")])
            .unwrap();
        sink.write_quarantine(vec![QuarantineRecord {
            source_path: "c.txt".into(),
            stage: "decode",
            reason: Reason::Empty,
            detail: "file is empty".into(),
            source_bytes: 0,
            url: None,
            source_offset: None,
        }])
        .unwrap();
        assert_eq!(sink.tallies().quarantined_by_reason["empty"], 1);
        sink.finish(&manifest()).unwrap();

        let docs = read_all(&dir.path().join("documents.parquet"));
        assert_eq!(docs.num_rows(), 2);
        let text = docs.column_by_name("text").unwrap();
        let text = text.as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(text.value(1), "Ош");
        let n_chars = docs.column_by_name("n_chars").unwrap();
        let n_chars = n_chars.as_any().downcast_ref::<Int64Array>().unwrap();
        assert_eq!((n_chars.value(0), n_chars.value(1)), (18, 2));
        assert_eq!(
            read_all(&dir.path().join("quarantine.parquet")).num_rows(),
            1
        );

        let reader =
            SerializedFileReader::new(File::open(dir.path().join("documents.parquet")).unwrap())
                .unwrap();
        let kv = reader
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .unwrap();
        let get = |k: &str| kv.iter().find(|e| e.key == k).and_then(|e| e.value.clone());
        assert_eq!(get("newsprep.config_hash").as_deref(), Some("abc123"));
        assert_eq!(
            get("newsprep.schema_version").as_deref(),
            Some(schema::SCHEMA_VERSION.to_string().as_str())
        );

        let mut names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                STATE_DIR,
                "documents.parquet",
                "entities.parquet",
                MANIFEST_FILE,
                "quarantine.parquet"
            ]
        );
        let trace = read_all(&dir.path().join(STATE_DIR).join("trace.parquet"));
        assert_eq!(trace.num_rows(), 2);
    }

    /// A spill holds only what a restored document is made of, and gives back every
    /// field of the document and its trace as written.
    #[test]
    fn a_spill_gives_back_the_whole_document_and_its_trace() {
        use newsprep_core::document::{DedupNote, DocId, Signature, Trace};
        use newsprep_core::runner::Spill;
        let dir = tempfile::tempdir().unwrap();
        let meta = FileMetadata {
            config_hash: "cafe".into(),
        };
        let mut written = doc("a.txt", "Bakiyev fled Osh.");
        written.meta.attribution = Some("Reuters".into());
        written.dedup = Some(DedupNote {
            cluster: DocId::for_path("b.txt"),
            duplicate_of: Some(DocId::for_path("b.txt")),
            similarity: Some(0.91),
            dropped: true,
        });
        written.trace = Trace {
            input_hash: Some(format!("{:032x}", 7u128)),
            input_bytes: Some(17),
            chrome_lines: Some(vec![(3, true), (5, false)]),
            signature: Some(Signature {
                exact: 42,
                n_chars: 17,
                published: Some(1_111_400_040_000_000),
                bands: vec![9, 8, 7],
            }),
        };
        let spill = SpillFile::create(dir.path(), &ExportConfig::default(), &meta).unwrap();
        let mut spill: Box<dyn Spill> = Box::new(spill);
        spill.write(vec![written.clone()]).unwrap();
        let earlier = spill.finish().unwrap();

        let names = read_all(&dir.path().join("documents.parquet"))
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect::<Vec<_>>();
        assert!(!names.iter().any(|n| n == "n_words" || n == "content_hash"));
        assert!(!dir.path().join("entities.parquet").exists());

        let file = newsprep_core::input::InputFile {
            path: "a.txt".into(),
            rel_path: "a.txt".to_owned(),
            size: written.source_bytes,
            compression: newsprep_core::Compression::None,
        };
        let mut reader = earlier.reader().unwrap();
        let (kept, _) = reader.read(&file, &|_| true, 10).unwrap();
        let read: Vec<Document> = kept
            .into_iter()
            .map(newsprep_core::runner::KeptDoc::into_document)
            .collect();
        assert_eq!(read, [written]);
    }

    #[test]
    fn a_big_table_is_split_into_numbered_files_and_earlier_files_go() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("documents-00007.parquet"),
            "from an earlier run",
        )
        .unwrap();
        let meta = FileMetadata {
            config_hash: String::new(),
        };
        let config = ExportConfig {
            max_rows_per_file: 2,
            ..ExportConfig::default()
        };
        let mut sink = ParquetSink::create(dir.path(), &config, &meta).unwrap();
        let docs: Vec<Document> = (0..5).map(|i| doc(&format!("{i}.txt"), "text")).collect();
        sink.write_documents(docs).unwrap();
        sink.finish(&manifest()).unwrap();
        let mut names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("documents"))
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "documents-00000.parquet",
                "documents-00001.parquet",
                "documents-00002.parquet"
            ]
        );
        let rows: Vec<usize> = names
            .iter()
            .map(|n| read_all(&dir.path().join(n)).num_rows())
            .collect();
        assert_eq!(rows, [2, 2, 1]);
    }

    #[test]
    fn a_sink_dropped_before_finish_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let meta = FileMetadata {
            config_hash: String::new(),
        };
        let mut sink = ParquetSink::create(dir.path(), &ExportConfig::default(), &meta).unwrap();
        sink.write_documents(vec![doc("a.txt", "text")]).unwrap();
        drop(sink);
        let files = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_file() || fs::read_dir(e.path()).unwrap().count() > 0)
            .count();
        assert_eq!(files, 0, "files left behind");
    }
}
