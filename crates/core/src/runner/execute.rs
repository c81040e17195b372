//! One document through one pass: decoded (or taken from where it was kept), brought
//! up to the pass's stage, observed. Every stage call is guarded: a stage that panics
//! on a document is a bug, but one bad document must not end the run, so it is
//! quarantined with reason `stage_failed` and the panic's message.

use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use crate::document::{DocId, Document, QuarantineRecord, Reason, Rejection};
use crate::input::InputFile;
use crate::stage::{ErasedCorpusStage, Part, Stage};

use super::pass::Run;
use super::plan::Pass;
use super::ports::KeptDoc;
use super::report::StageReport;

/// One document on its way through a pass, as the feed hands it over.
pub(super) struct Item {
    /// Index of its input file.
    pub file: usize,
    pub what: What,
}

pub(super) enum What {
    /// A part of an input file, not decoded yet.
    Part(Part),
    /// A document kept before this pass with its first `level` stages applied: in a
    /// spill, or in an earlier run's output (`earlier`).
    Kept {
        doc: KeptDoc,
        level: usize,
        earlier: bool,
    },
    /// From an earlier output, for a stage it skips: what the stage's `observe` would
    /// have made of it, read from its trace.
    Recalled(Box<dyn Any + Send>),
    /// A part its file could not give (a damaged container).
    Unreadable(QuarantineRecord),
    /// Turned away for good in an earlier pass; written out in the final one.
    Settled(QuarantineRecord),
}

/// What became of one item.
pub(super) enum Outcome {
    Done {
        summary: Option<Box<dyn Any + Send>>,
        /// The document, in a pass that keeps documents.
        doc: Option<Box<Document>>,
    },
    Rejected {
        file: usize,
        doc_id: Option<DocId>,
        record: QuarantineRecord,
        /// No later pass would turn it away again (it failed where only this pass
        /// looks, or this pass keeps documents), so the rejection is recorded now.
        for_good: bool,
    },
    /// Not wanted by this pass, or the run is being stopped.
    Skipped,
}

/// Everything a pass's workers share: the run's, and the pass with its stages.
pub(super) struct Exec<'a> {
    pub run: &'a Run<'a>,
    pub stages: &'a [Stage],
    pub pass: &'a Pass,
}

impl Exec<'_> {
    pub fn run(&self, item: Item) -> Outcome {
        if self.run.cancel.load(Ordering::Relaxed) {
            return Outcome::Skipped;
        }
        let file = item.file;
        let input = &self.run.files[file];
        let keeps = self.pass.materializes();
        match item.what {
            What::Settled(record) => Outcome::Rejected {
                file,
                doc_id: None,
                record,
                for_good: true,
            },
            What::Unreadable(record) => {
                if keeps {
                    self.run.stats[0].count_rejected();
                }
                Outcome::Rejected {
                    file,
                    doc_id: None,
                    record,
                    for_good: keeps,
                }
            }
            What::Recalled(summary) => Outcome::Done {
                summary: Some(summary),
                doc: None,
            },
            What::Part(part) => {
                let doc_id = part.doc_id;
                if !needed(self.stages, self.pass, doc_id) {
                    return Outcome::Skipped;
                }
                self.run.decodes.fetch_add(1, Ordering::Relaxed);
                if part.truncated && keeps {
                    self.run.truncated.fetch_add(1, Ordering::Relaxed);
                }
                let at = (part.url.clone(), part.offset);
                let decoded = self.step(0, "decode", || self.run.decode.decode(input, part));
                match decoded {
                    Ok(doc) => self.bring(file, doc, None),
                    Err(r) => Outcome::Rejected {
                        file,
                        doc_id: Some(doc_id),
                        record: quarantine(input, "decode", r, at),
                        for_good: keeps,
                    },
                }
            }
            What::Kept {
                doc,
                level,
                earlier,
            } => {
                if !needed(self.stages, self.pass, doc.doc_id) {
                    return Outcome::Skipped;
                }
                if earlier && keeps {
                    self.run.restored.fetch_add(1, Ordering::Relaxed);
                }
                self.bring(file, doc.into_document(), Some(level))
            }
        }
    }

    /// Applies the stages from `level` (`None`: just decoded) up to the pass's, then
    /// lets the pass's stage observe the document.
    fn bring(&self, file: usize, mut doc: Document, level: Option<usize>) -> Outcome {
        let input = &self.run.files[file];
        let keeps = self.pass.materializes();
        let from = level.unwrap_or(0);
        for k in from..self.pass.upto {
            let stage = &self.stages[k];
            if let Err(r) = self.step(k + 1, stage.name(), || stage.apply(&mut doc)) {
                return Outcome::Rejected {
                    file,
                    doc_id: Some(doc.doc_id),
                    record: quarantine(input, stage.name(), r, origin_of(&doc)),
                    for_good: keeps,
                };
            }
        }
        let summary = match self.observer() {
            Some((k, observer, pass)) if self.wanted(doc.doc_id) => {
                match guarded(observer.name(), || Ok(observer.observe(pass, &doc))) {
                    Ok(summary) => Some(summary),
                    Err(r) => {
                        // No later pass meets this failure. A pass that keeps has
                        // counted the stages the document went through; any other
                        // counts them now, since no later pass will.
                        if !keeps {
                            let first = level.map_or(0, |l| l + 1);
                            for stat in &self.run.stats[first..=self.pass.upto] {
                                stat.count_passed();
                            }
                        }
                        self.run.stats[k + 1].count_rejected();
                        return Outcome::Rejected {
                            file,
                            doc_id: Some(doc.doc_id),
                            record: quarantine(input, observer.name(), r, origin_of(&doc)),
                            for_good: true,
                        };
                    }
                }
            }
            _ => None,
        };
        Outcome::Done {
            summary,
            doc: keeps.then(|| Box::new(doc)),
        }
    }

    /// Runs one stage call, guarded; timed and counted in a pass that keeps documents,
    /// which is the one place each stage runs for good.
    fn step<T>(
        &self,
        stat: usize,
        stage: &str,
        f: impl FnOnce() -> Result<T, Rejection>,
    ) -> Result<T, Rejection> {
        if self.pass.materializes() {
            self.run.stats[stat].time(|| guarded(stage, f))
        } else {
            guarded(stage, f)
        }
    }

    fn observer(&self) -> Option<(usize, &dyn ErasedCorpusStage, usize)> {
        observer_of(self.stages, self.pass)
    }

    fn wanted(&self, doc_id: DocId) -> bool {
        wanted_by(self.stages, self.pass, doc_id)
    }
}

/// The pass's observing stage, its index and which of its passes this is.
pub(super) fn observer_of<'s>(
    stages: &'s [Stage],
    pass: &Pass,
) -> Option<(usize, &'s dyn ErasedCorpusStage, usize)> {
    let observe = pass.observe?;
    match &stages[observe.stage] {
        Stage::Corpus(stage) => Some((observe.stage, stage.as_ref(), observe.pass)),
        Stage::Document(_) => None,
    }
}

/// Whether the pass's observing stage wants the document (every one, without one).
pub(super) fn wanted_by(stages: &[Stage], pass: &Pass, doc_id: DocId) -> bool {
    observer_of(stages, pass).is_none_or(|(_, stage, observing)| stage.wants(observing, doc_id))
}

/// Whether a pass needs the document at all: a pass that keeps documents needs every
/// one, any other only the ones its stage wants.
pub(super) fn needed(stages: &[Stage], pass: &Pass, doc_id: DocId) -> bool {
    pass.materializes() || wanted_by(stages, pass, doc_id)
}

impl Exec<'_> {}

/// The quarantine row for a document of `input` that `stage` turned away; `at` is its
/// address and offset when it is a record of a container.
pub(super) fn quarantine(
    input: &InputFile,
    stage: &'static str,
    r: Rejection,
    at: (Option<String>, Option<u64>),
) -> QuarantineRecord {
    QuarantineRecord {
        source_path: input.rel_path.clone(),
        stage,
        reason: r.reason,
        detail: r.detail,
        source_bytes: input.size,
        url: at.0,
        source_offset: at.1,
    }
}

/// Where a decoded document came from, for its quarantine row.
fn origin_of(doc: &Document) -> (Option<String>, Option<u64>) {
    match &doc.origin {
        Some(origin) => (doc.meta.url.clone(), Some(origin.offset)),
        None => (None, None),
    }
}

/// Runs `f`, turning a panic into a rejection that names the stage and the message.
pub(super) fn guarded<T>(
    stage: &str,
    f: impl FnOnce() -> Result<T, Rejection>,
) -> Result<T, Rejection> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        Err(Rejection::new(
            Reason::StageFailed,
            format!(
                "the {stage} stage failed on this document: {}",
                panic_message(panic.as_ref())
            ),
        ))
    })
}

/// The message a panic carried.
pub(super) fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// Counts and time of one stage, summed over all threads.
#[derive(Default)]
pub(super) struct StageStats {
    docs_in: AtomicU64,
    docs_out: AtomicU64,
    quarantined: AtomicU64,
    busy_ns: AtomicU64,
}

impl StageStats {
    fn time<T, E>(&self, f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let started = Instant::now();
        let result = f();
        self.busy_ns
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        if result.is_ok() {
            self.count_passed();
        } else {
            self.count_rejected();
        }
        result
    }

    fn count_passed(&self) {
        self.docs_in.fetch_add(1, Ordering::Relaxed);
        self.docs_out.fetch_add(1, Ordering::Relaxed);
    }

    fn count_rejected(&self) {
        self.docs_in.fetch_add(1, Ordering::Relaxed);
        self.quarantined.fetch_add(1, Ordering::Relaxed);
    }

    pub fn report(&self, name: &str) -> StageReport {
        StageReport {
            name: name.to_owned(),
            docs_in: self.docs_in.load(Ordering::Relaxed),
            docs_out: self.docs_out.load(Ordering::Relaxed),
            quarantined: self.quarantined.load(Ordering::Relaxed),
            busy_ms: self.busy_ns.load(Ordering::Relaxed) / 1_000_000,
        }
    }
}
