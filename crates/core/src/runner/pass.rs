//! The one loop every pass runs: a feed reads the pass's documents in small batches
//! (from the inputs, an earlier output or a spill), the workers bring each batch
//! through the stages, and the pass's observing stage absorbs the summaries, batch by
//! batch, in input order. Three things overlap: writing what is finished (to a spill
//! or the output), processing the next batch, and reading the one after.
//!
//! The output gets the documents of `batch_size` items at a time (one row group's
//! worth, the grouping it always had); work is done in batches of [`WORK_ITEMS`], so
//! that writing a group overlaps processing the next, and no pass ends with all but
//! one thread idle while the last large batch is written. Spills take every batch as
//! it is done.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use tracing::warn;

use crate::document::{DocId, Document, QuarantineRecord};
use crate::input::InputFile;
use crate::stage::{BoxError, Decode, Entry, Parts, Stage};

use super::execute::{
    guarded, needed, observer_of, panic_message, quarantine, Exec, Item, Outcome, StageStats, What,
};
use super::plan::Pass;
use super::ports::{KeptDoc, Progress, RestoreReader, Sink, Spill};
use super::report::{RunError, RunReport};

/// Items processed at a time: small enough that the work of a batch spreads over every
/// thread and the serial steps between batches (absorbing, handing over for writing)
/// stay short; large enough that those steps are rare.
pub(super) const WORK_ITEMS: usize = 256;

/// What every pass of a run shares.
pub(super) struct Run<'a> {
    pub decode: &'a dyn Decode,
    pub files: &'a [InputFile],
    pub batch_size: usize,
    pub stats: &'a [StageStats],
    pub decodes: &'a AtomicU64,
    pub restored: &'a AtomicU64,
    pub truncated: &'a AtomicU64,
    pub cancel: &'a AtomicBool,
    pub progress: &'a dyn Progress,
}

/// Where a pass's documents come from.
pub(super) enum From<'a> {
    /// The inputs, decoded; with an earlier output, the unchanged ones from there.
    Inputs { earlier: Option<Earlier<'a>> },
    /// A spill, which holds the documents of the files marked in `holds`.
    Spill {
        reader: Box<dyn RestoreReader + 'a>,
        holds: &'a [bool],
        level: usize,
    },
}

/// A reader over an earlier output, which holds the files marked in `holds`; its
/// documents skip the first `skipped` stages.
pub(super) struct Earlier<'a> {
    pub reader: Box<dyn RestoreReader + 'a>,
    pub holds: &'a [bool],
    pub skipped: usize,
}

/// Where a pass's documents go.
pub(super) enum To<'a> {
    Nowhere,
    Spill(Box<dyn Spill>),
    Sink(&'a mut dyn Sink),
}

/// Documents turned away for good in earlier passes: their quarantine rows by input
/// file (written in the final pass, in input order), and their ids, which later passes
/// skip.
#[derive(Default)]
pub(super) struct Settled {
    records: FxHashMap<usize, Vec<QuarantineRecord>>,
    excluded: FxHashSet<DocId>,
}

impl Settled {
    fn add(&mut self, file: usize, doc_id: Option<DocId>, record: QuarantineRecord) {
        self.records.entry(file).or_default().push(record);
        self.excluded.extend(doc_id);
    }
}

/// Runs one pass of the plan.
pub(super) fn run_pass(
    run: &Run<'_>,
    stages: &mut [Stage],
    pass: &Pass,
    from: From<'_>,
    to: &mut To<'_>,
    settled: &mut Settled,
    report: &mut RunReport,
) -> Result<(), RunError> {
    run.progress.begin(&pass.name, run.files.len() as u64);
    let group_size = if pass.output {
        run.batch_size
    } else {
        WORK_ITEMS
    };
    // The next batch stops where the output group it falls in is full.
    let limit = |in_group: usize| WORK_ITEMS.min(group_size.saturating_sub(in_group).max(1));
    let mut feed = Feed::new(run, pass, from);
    let mut next = feed.next_batch(stages, settled, limit(0))?;
    // Items already in the group being filled, before the batch being processed.
    let mut in_group = 0;
    let mut group: (Vec<Document>, Vec<QuarantineRecord>) = Default::default();
    let mut pending: Option<(Vec<Document>, Vec<QuarantineRecord>)> = None;
    loop {
        let current = next.take();
        let to_write = pending.take();
        if current.is_none() && to_write.is_none() {
            break;
        }
        let more = current.is_some();
        let items_after = in_group + current.as_ref().map_or(0, |b| b.items.len());
        // The batch after this one starts a new group when this one fills it.
        let next_in_group = if items_after >= group_size {
            0
        } else {
            items_after
        };
        let shared: &[Stage] = stages;
        let settled_now: &Settled = settled;
        let exec = Exec {
            run,
            stages: shared,
            pass,
        };
        let (written, (outcomes, read)) = rayon::join(
            || to.write(to_write),
            || {
                rayon::join(
                    || {
                        current.map(|batch| {
                            // One item at a time to a thread: a thread that has run out
                            // of work takes the next document rather than waiting for
                            // another to finish a run of them, which rayon's default
                            // split left at the end of every batch.
                            let outcomes: Vec<Outcome> = batch
                                .items
                                .into_par_iter()
                                .with_max_len(1)
                                .map(|i| exec.run(i))
                                .collect();
                            (batch.files, outcomes)
                        })
                    },
                    || match more {
                        true => feed.next_batch(shared, settled_now, limit(next_in_group)),
                        false => Ok(None),
                    },
                )
            },
        );
        written?;
        next = read?;
        let Some((files, outcomes)) = outcomes else {
            continue;
        };
        if run.cancel.load(Ordering::Relaxed) {
            return Err(RunError::Cancelled);
        }
        run.progress.advance(files);
        let mut summaries = Vec::new();
        let mut docs = Vec::new();
        let mut quarantined = Vec::new();
        for outcome in outcomes {
            match outcome {
                Outcome::Done { summary, doc } => {
                    summaries.extend(summary);
                    match doc {
                        Some(doc) if pass.output => {
                            let dedup = doc.dedup.as_ref();
                            if dedup.is_some_and(|d| d.duplicate_of.is_some()) {
                                report.duplicates += 1;
                            } else {
                                report.kept += 1;
                            }
                            if !dedup.is_some_and(|d| d.dropped) {
                                docs.push(*doc);
                            }
                        }
                        Some(doc) => docs.push(*doc),
                        None => {}
                    }
                }
                Outcome::Rejected {
                    file,
                    doc_id,
                    record,
                    for_good: true,
                } => {
                    if pass.output {
                        log_quarantine(&record);
                        quarantined.push(record);
                    } else {
                        settled.add(file, doc_id, record);
                    }
                }
                Outcome::Rejected { .. } | Outcome::Skipped => {}
            }
        }
        if pass.output {
            report.written += docs.len() as u64;
            report.quarantined += quarantined.len() as u64;
        }
        if let Some(observe) = pass.observe {
            if let Stage::Corpus(stage) = &mut stages[observe.stage] {
                let name = stage.name();
                call(name, "took in what it observed", || {
                    stage.absorb(observe.pass, summaries)
                })?;
            }
        }
        in_group = next_in_group;
        if pass.materializes() {
            group.0.extend(docs);
            group.1.extend(quarantined);
            if items_after >= group_size || next.is_none() {
                pending = Some(std::mem::take(&mut group));
            }
        }
    }
    if let Some(observe) = pass.observe {
        if let Stage::Corpus(stage) = &mut stages[observe.stage] {
            let name = stage.name();
            call(name, "decided", || stage.decide(observe.pass))?;
        }
    }
    // A file is opened for good once, in the pass that keeps its documents.
    if pass.materializes() {
        for (reason, n) in feed.skipped {
            *report.records_skipped.entry(reason.to_owned()).or_default() += n;
        }
    }
    run.progress.finish();
    Ok(())
}

/// Runs a corpus stage's `absorb` or `decide`: an error or a panic there fails the run,
/// naming the stage.
fn call(
    stage: &'static str,
    step: &'static str,
    f: impl FnOnce() -> Result<(), BoxError>,
) -> Result<(), RunError> {
    let failed = |message: String| RunError::Stage {
        stage,
        step,
        message,
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(failed(err.to_string())),
        Err(panic) => Err(failed(panic_message(panic.as_ref()))),
    }
}

impl To<'_> {
    fn write(
        &mut self,
        batch: Option<(Vec<Document>, Vec<QuarantineRecord>)>,
    ) -> Result<(), RunError> {
        match (self, batch) {
            (_, None) | (To::Nowhere, _) => Ok(()),
            (To::Spill(spill), Some((docs, _))) => spill.write(docs).map_err(RunError::Spill),
            (To::Sink(sink), Some((docs, quarantined))) => sink
                .write_quarantine(quarantined)
                .and_then(|()| sink.write_documents(docs))
                .map_err(RunError::Sink),
        }
    }
}

/// One batch of items, and how many input files the feed moved past for it.
struct Batch {
    items: Vec<Item>,
    files: u64,
}

/// Reads a pass's documents, file by file in input order, into batches.
struct Feed<'a> {
    decode: &'a dyn Decode,
    files: &'a [InputFile],
    pass: &'a Pass,
    next_file: usize,
    /// The file being read part by part.
    open: Option<(usize, Parts<'a>)>,
    /// The file whose kept documents are being read from the spill, batch by batch.
    restoring: Option<usize>,
    source: From<'a>,
    /// What the files held that is no document, by reason.
    skipped: BTreeMap<&'static str, u64>,
}

impl<'a> Feed<'a> {
    fn new(run: &Run<'a>, pass: &'a Pass, source: From<'a>) -> Feed<'a> {
        Feed {
            decode: run.decode,
            files: run.files,
            pass,
            next_file: 0,
            open: None,
            restoring: None,
            source,
            skipped: BTreeMap::new(),
        }
    }

    /// The next batch of at most `limit` items (the documents an earlier output holds of
    /// one file come whole); `None` once every file was read.
    fn next_batch(
        &mut self,
        stages: &[Stage],
        settled: &Settled,
        limit: usize,
    ) -> Result<Option<Batch>, RunError> {
        let first_file = self.next_file;
        let mut items = Vec::new();
        let pass = self.pass;
        // What the pass reads from a spill: what it needs, never one turned away for good.
        let wanted = |id: DocId| !settled.excluded.contains(&id) && needed(stages, pass, id);
        while items.len() < limit {
            if let (Some(file), From::Spill { reader, level, .. }) =
                (self.restoring, &mut self.source)
            {
                let room = limit - items.len();
                let (docs, more) = reader
                    .read(&self.files[file], &wanted, room)
                    .map_err(RunError::Spill)?;
                let level = *level;
                items.extend(docs.into_iter().map(|doc| Item {
                    file,
                    what: What::Kept {
                        doc,
                        level,
                        earlier: false,
                    },
                }));
                if !more {
                    self.restoring = None;
                }
                continue;
            }
            if let Some((file, parts)) = &mut self.open {
                let file = *file;
                match parts.next() {
                    Some(Entry::Part(part)) if !settled.excluded.contains(&part.doc_id) => {
                        items.push(Item {
                            file,
                            what: What::Part(part),
                        });
                    }
                    Some(Entry::Part(_)) => {}
                    Some(Entry::Unreadable {
                        rejection,
                        url,
                        offset,
                    }) => items.push(Item {
                        file,
                        what: What::Unreadable(quarantine(
                            &self.files[file],
                            "decode",
                            rejection,
                            (url, offset),
                        )),
                    }),
                    Some(Entry::Skipped(reason)) => {
                        *self.skipped.entry(reason).or_default() += 1;
                    }
                    None => self.open = None,
                }
                continue;
            }
            if self.next_file == self.files.len() {
                break;
            }
            let file = self.next_file;
            self.next_file += 1;
            if self.pass.output {
                for record in settled.records.get(&file).into_iter().flatten() {
                    items.push(Item {
                        file,
                        what: What::Settled(record.clone()),
                    });
                }
            }
            let input = &self.files[file];
            let kept = match &mut self.source {
                From::Spill { holds, .. } if holds[file] => {
                    self.restoring = Some(file);
                    Some(Vec::new())
                }
                From::Spill { .. } => Some(Vec::new()),
                From::Inputs {
                    earlier:
                        Some(Earlier {
                            reader,
                            holds,
                            skipped,
                        }),
                } if holds[file] => {
                    // Whole: whether they may be used depends on every one of them.
                    let (kept, _) = reader
                        .read(input, &|_| true, usize::MAX)
                        .map_err(RunError::Restore)?;
                    let docs = kept.into_par_iter().map(KeptDoc::into_document).collect();
                    restored(stages, self.pass, *skipped, docs, settled)
                }
                From::Inputs { .. } => None,
            };
            match kept {
                Some(whats) => items.extend(whats.into_iter().map(|what| Item { file, what })),
                None => self.open = Some((file, self.decode.open(input))),
            }
        }
        let files = (self.next_file - first_file) as u64;
        Ok((!items.is_empty() || files > 0).then_some(Batch { items, files }))
    }
}

/// The items of an unchanged input's documents from the earlier output, or `None` when
/// the input must be decoded again: a stage they skip says its result no longer holds,
/// or the pass's stage cannot recall what it would have observed.
fn restored(
    stages: &[Stage],
    pass: &Pass,
    skipped: usize,
    docs: Vec<Document>,
    settled: &Settled,
) -> Option<Vec<What>> {
    if docs.is_empty() {
        return None;
    }
    let checked = pass.upto.min(skipped);
    let holds = |doc: &Document| {
        stages[..checked].iter().all(|stage| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stage.still_holds(doc)))
                .unwrap_or(false)
        })
    };
    if !docs.iter().all(holds) {
        return None;
    }
    let docs = docs
        .into_iter()
        .filter(|d| !settled.excluded.contains(&d.doc_id));
    match observer_of(stages, pass) {
        Some((_, stage, observing)) if pass.upto < skipped => docs
            .filter(|d| stage.wants(observing, d.doc_id))
            .map(|d| {
                let recalled = guarded(stage.name(), || Ok(stage.recall(observing, &d)));
                recalled.ok().flatten().map(What::Recalled)
            })
            .collect(),
        _ => Some(
            docs.map(|doc| What::Kept {
                doc: KeptDoc::ready(doc),
                level: skipped,
                earlier: true,
            })
            .collect(),
        ),
    }
}

pub(super) fn log_quarantine(record: &QuarantineRecord) {
    warn!(
        path = %record.source_path,
        stage = record.stage,
        reason = %record.reason,
        "Quarantined: {}.",
        record.detail.trim_end_matches('.')
    );
}
