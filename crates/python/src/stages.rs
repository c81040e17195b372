//! The configured stages run on documents in memory: one page or one batch row at a
//! time, with the decoder and stages the CLI builds from the same config.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use newsprep_core::config::Config;
use newsprep_core::document::{DocId, Document, Metadata, Origin, Reason, Rejection};
use newsprep_core::input::{Compression, InputFile};
use newsprep_core::stage::{Decode, Part, Stage};
use newsprep_decode::{read, warc, Decoder};

/// The decoder and the stages after it, as `newsprep run` builds them from `config`.
pub struct Stages {
    pub decoder: Decoder,
    pub stages: Vec<Stage>,
    pub max_bytes: u64,
}

impl Stages {
    /// The stages `newsprep run` builds for `config` (the run library's builder), in
    /// its order; `config` must be validated.
    pub fn new(config: &Config) -> Result<Stages, String> {
        let (decoder, stages) = newsprep_run::build_stages(config).map_err(|e| e.to_string())?;
        Ok(Stages {
            decoder,
            stages,
            max_bytes: config.decode.max_bytes,
        })
    }

    /// Decodes one part of `input` and runs the stages before the `upto`th on it. A corpus stage applies
    /// what it decided from nothing: its per-document rules only (boilerplate's
    /// repeated, byline and date lines; dedup's collapsed paragraphs, each document
    /// its own cluster; no name links), as in a run over a corpus of this one page.
    pub fn run(&self, input: &InputFile, part: Part, upto: usize) -> Outcome {
        let placeholder = Document {
            doc_id: part.doc_id,
            source_path: input.rel_path.clone(),
            source_bytes: input.size,
            meta: Metadata {
                url: part.url.clone(),
                ..Metadata::default()
            },
            ..Document::default()
        };
        let decoded = guarded(|| self.decoder.decode(input, part));
        let mut doc = match decoded {
            Ok(doc) => doc,
            Err(rejection) => {
                return Outcome::Rejected {
                    doc: placeholder,
                    stage: "decode",
                    rejection,
                }
            }
        };
        self.apply(&mut doc, &self.stages[..upto.min(self.stages.len())])
            .map_or(Outcome::Kept(doc), |(stage, rejection)| Outcome::Rejected {
                doc: placeholder,
                stage,
                rejection,
            })
    }

    /// Where the stage `name` stands in the pipeline's order; the error lists the
    /// stages there are.
    pub fn position(&self, name: &str) -> Result<usize, String> {
        self.stages
            .iter()
            .position(|s| s.name() == name)
            .ok_or_else(|| {
                let names: Vec<_> = self.stages.iter().map(Stage::name).collect();
                format!("no stage {name:?} in this pipeline: its stages are {names:?}")
            })
    }

    /// Runs `stages` on `doc`; the first refusal, with the stage's name.
    pub fn apply(&self, doc: &mut Document, stages: &[Stage]) -> Option<(&'static str, Rejection)> {
        for stage in stages {
            if let Err(rejection) = guarded(|| stage.apply(doc)) {
                return Some((stage.name(), rejection));
            }
        }
        None
    }

    /// One batch row, through the stages before the `upto`th: a whole file's bytes as on disk, with what a container said of
    /// it when the caller knows (`url`, `origin`).
    pub fn run_bytes(&self, row: Row<'_>, upto: usize) -> Outcome {
        let compression = compression_of(row.source_path);
        let input = InputFile {
            path: PathBuf::from(row.source_path),
            rel_path: row.source_path.to_owned(),
            size: row.content.len() as u64,
            compression: Compression::None,
        };
        let doc_id = match &row.origin {
            // The id a WARC record gets from the runner.
            Some(origin) => DocId::for_path(&format!("{}#{}", row.source_path, origin.record_id)),
            None => DocId::for_path(row.source_path),
        };
        let mut outcome = match self.content(row.source_path, row.content, compression) {
            Ok(bytes) => self.run(
                &input,
                Part {
                    doc_id,
                    bytes: Some(bytes),
                    ..Part::whole(&input)
                },
                upto,
            ),
            Err(rejection) => Outcome::Rejected {
                doc: Document {
                    doc_id,
                    source_path: input.rel_path.clone(),
                    source_bytes: input.size,
                    ..Document::default()
                },
                stage: "decode",
                rejection,
            },
        };
        let doc = outcome.doc_mut();
        if let Some(url) = row.url {
            doc.meta = Metadata {
                url: Some(url.to_owned()),
                ..std::mem::take(&mut doc.meta)
            };
        }
        if row.origin.is_some() {
            doc.origin = row.origin;
        }
        outcome
    }

    /// The decompressed bytes of a row, capped at `max_bytes` as the CLI caps a file.
    fn content(
        &self,
        source_path: &str,
        content: &[u8],
        compression: Compression,
    ) -> Result<Vec<u8>, Rejection> {
        if warc::is_warc(source_path) {
            return Err(Rejection::new(
                Reason::Unreadable,
                "a WARC file holds many documents, not one: read it with Pipeline.process_file",
            ));
        }
        if content.len() as u64 > self.max_bytes {
            return Err(Rejection::new(
                Reason::TooLarge,
                format!(
                    "file is {} bytes, over max_bytes = {}",
                    content.len(),
                    self.max_bytes
                ),
            ));
        }
        // decode's reader, as the CLI reads a file: the same cap and rejections.
        read::read_stream(content, compression, self.max_bytes)
    }
}

/// One row of a batch handed to `Pipeline.process`.
pub struct Row<'a> {
    pub source_path: &'a str,
    pub content: &'a [u8],
    pub url: Option<&'a str>,
    pub origin: Option<Origin>,
}

/// What became of one input.
pub enum Outcome {
    Kept(Document),
    /// Turned away by `stage`; `doc` holds what is known without decoding (its id,
    /// path, size, and where a container put it).
    Rejected {
        doc: Document,
        stage: &'static str,
        rejection: Rejection,
    },
}

impl Outcome {
    pub fn doc_mut(&mut self) -> &mut Document {
        match self {
            Outcome::Kept(doc) | Outcome::Rejected { doc, .. } => doc,
        }
    }
}

/// The compression a file's name tells, as the CLI reads it.
pub fn compression_of(name: &str) -> Compression {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".gz") {
        Compression::Gzip
    } else if lower.ends_with(".zst") {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// A stage that panics on one document rejects that document, as in the runner,
/// instead of losing the batch.
fn guarded<T>(step: impl FnOnce() -> Result<T, Rejection>) -> Result<T, Rejection> {
    catch_unwind(AssertUnwindSafe(step)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(Rejection::new(
            Reason::StageFailed,
            format!("the stage panicked: {message}"),
        ))
    })
}
