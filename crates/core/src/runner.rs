//! The streaming runner: reads the inputs in batches, runs the stages over each batch
//! with Rayon, and hands the results to a sink in input order.
//!
//! A corpus stage needs every document observed before any is changed, so the runner
//! makes one observing pass per corpus stage (decoding again and applying the stages
//! before it), lets the stage decide, and then one final pass that applies every stage
//! and streams into the sink. Only one batch of texts and the corpus stages' summaries
//! are in memory at any time. Decoding again is cheap next to keeping every text.

use std::any::Any;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use tracing::warn;

use crate::document::{Document, QuarantineRecord};
use crate::input::{Discovery, InputFile};
use crate::stage::{Decode, Stage};

/// Where finished documents and quarantine records go, batch by batch, in input order.
/// `Send`, because the runner writes one batch while the next is processed.
pub trait Sink: Send {
    fn write_documents(&mut self, docs: Vec<Document>) -> Result<(), BoxError>;
    fn write_quarantine(&mut self, records: Vec<QuarantineRecord>) -> Result<(), BoxError>;
}

/// Any error a sink reports; it must name the file it concerns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The output of an earlier run (or of the shards of this one), from which a run takes
/// the documents of unchanged inputs instead of decoding them again.
///
/// A restored document is the one the earlier run wrote. It skips the stages that do
/// not reapply (see [`crate::stage::CorpusStage::reapplies`]) as long as each of them
/// says its earlier result still holds, and goes through the others again, so that
/// the output is the one a run from scratch would write.
pub trait Restorer: Send + Sync {
    /// Whether the earlier output holds a document made from exactly this input (same
    /// path, size and content); may read the file to tell.
    fn holds(&self, file: &InputFile) -> bool;
    /// A reader over the earlier documents, for one pass over the inputs.
    fn reader(&self) -> Result<Box<dyn RestoreReader + '_>, BoxError>;
}

/// Keeps the documents of an observing pass as the stages before the observing one
/// left them, so that later passes read them back instead of decoding and cleaning
/// every input again. A run spills at the first pass of the first corpus stage (the
/// decoded texts, unless documents come from an earlier output) and at the first pass
/// of the first stage that reapplies (the cleaned texts, which the final pass reads).
pub trait Spill: Send {
    /// Keeps a batch of documents, in input order.
    fn write(&mut self, docs: Vec<Document>) -> Result<(), BoxError>;
    /// Done writing: a restorer over what was kept.
    fn finish(self: Box<Self>) -> Result<Box<dyn Restorer>, BoxError>;
}

/// Opens spill number `n` of a run.
pub type SpillMaker = Box<dyn Fn(usize) -> Result<Box<dyn Spill>, BoxError> + Send + Sync>;

/// Reads earlier documents forward, in `doc_id` order.
pub trait RestoreReader: Send {
    /// The earlier document of each of `ids`, which ascend and come after every id
    /// asked for before; `None` where there is none.
    fn read(&mut self, ids: &[&str]) -> Result<Vec<Option<Document>>, BoxError>;
}

/// Hears how far a run has got. The CLI draws progress bars with it; library code
/// never touches the terminal.
pub trait Progress: Sync {
    /// A pass over `total` input files begins.
    fn begin(&self, pass: &str, total: u64);
    /// `n` more files are done.
    fn advance(&self, n: u64);
    /// The pass is over.
    fn finish(&self);
}

/// A [`Progress`] that shows nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// The run itself failed (as opposed to a document failing, which is quarantined).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("writing output failed: {0}")]
    Sink(BoxError),
    #[error("reading the earlier output failed: {0}")]
    Restore(BoxError),
    #[error("keeping documents between passes failed: {0}")]
    Spill(BoxError),
    #[error("the run was stopped before it finished")]
    Cancelled,
}

/// What happened in a run, for the manifest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunReport {
    /// Input files found, whatever became of them.
    pub read: u64,
    /// Documents handed to the sink: the kept ones, and the duplicates unless dropped.
    pub written: u64,
    /// Documents that are not a duplicate of another.
    pub kept: u64,
    /// Documents marked as a duplicate of a kept one (written or dropped).
    pub duplicates: u64,
    /// Documents quarantined, by any stage or before reading.
    pub quarantined: u64,
    /// Documents taken from an earlier output without decoding their files.
    pub restored: u64,
    /// Times an input file was decoded, over all passes.
    pub decoded: u64,
    /// Files in the input directory whose names are not inputs.
    pub files_ignored: u64,
    /// One entry per stage, decode first.
    pub stages: Vec<StageReport>,
    /// One entry per pass over the inputs.
    pub passes: Vec<PassReport>,
}

/// Counts and time of one stage in the final pass.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StageReport {
    pub name: String,
    pub docs_in: u64,
    pub docs_out: u64,
    pub quarantined: u64,
    /// Time spent inside the stage, summed over all threads.
    pub busy_ms: u64,
}

/// Wall time of one pass over the inputs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PassReport {
    pub name: String,
    pub wall_ms: u64,
}

/// The decode stage, the stages after it in order, and the batch size.
pub struct Pipeline {
    decode: Box<dyn Decode>,
    stages: Vec<Stage>,
    batch_size: usize,
    cancel: Arc<AtomicBool>,
    restorer: Option<Box<dyn Restorer>>,
    spill: Option<SpillMaker>,
    decodes: AtomicU64,
    /// Documents taken from an earlier output instead of decoded.
    restored: AtomicU64,
}

/// Per input, whether it is taken from the earlier output; and how many of the stages,
/// from the first, are skipped for such a document (the ones that do not reapply).
struct Restoring<'a> {
    restorer: Held<'a>,
    restorable: Vec<bool>,
    skipped: usize,
    /// From an earlier run's output (counted as restored), not this run's spill.
    earlier: bool,
}

/// A restorer over an earlier output, which the caller owns, or over this run's spill,
/// dropped (with what it holds in memory) once the next spill replaces it.
enum Held<'a> {
    Earlier(&'a dyn Restorer),
    Spill(Box<dyn Restorer>),
}

impl Held<'_> {
    fn get(&self) -> &dyn Restorer {
        match self {
            Held::Earlier(r) => *r,
            Held::Spill(r) => r.as_ref(),
        }
    }
}

impl Pipeline {
    pub fn new(decode: impl Decode + 'static, batch_size: usize) -> Pipeline {
        Pipeline {
            decode: Box::new(decode),
            stages: Vec::new(),
            batch_size: batch_size.max(1),
            cancel: Arc::new(AtomicBool::new(false)),
            restorer: None,
            spill: None,
            decodes: AtomicU64::new(0),
            restored: AtomicU64::new(0),
        }
    }

    /// Keeps documents between passes instead of decoding them again, in spills the
    /// maker opens (numbered from 0; a run opens at most two).
    pub fn with_spill(mut self, maker: SpillMaker) -> Pipeline {
        self.spill = Some(maker);
        self
    }

    /// Takes the documents of unchanged inputs from an earlier output.
    pub fn with_restorer(mut self, restorer: Box<dyn Restorer>) -> Pipeline {
        self.restorer = Some(restorer);
        self
    }

    /// A flag that, once set (by a signal handler, say), stops the run: documents not
    /// yet started are skipped and `run` returns [`RunError::Cancelled`] within one
    /// document's time per thread.
    pub fn with_cancel(mut self, cancel: Arc<AtomicBool>) -> Pipeline {
        self.cancel = cancel;
        self
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Appends a stage; stages run in the order they are added.
    pub fn with_stage(mut self, stage: Stage) -> Pipeline {
        self.stages.push(stage);
        self
    }

    /// The names of the stages, decode first.
    pub fn stage_names(&self) -> Vec<&'static str> {
        std::iter::once("decode")
            .chain(self.stages.iter().map(Stage::name))
            .collect()
    }

    /// Runs every stage over the discovered inputs and streams the results into `sink`.
    /// Parallel work runs on the current Rayon pool.
    pub fn run(
        &mut self,
        discovery: Discovery,
        sink: &mut dyn Sink,
        progress: &dyn Progress,
    ) -> Result<RunReport, RunError> {
        let Discovery {
            files,
            rejected,
            ignored,
        } = discovery;
        let mut report = RunReport {
            read: (files.len() + rejected.len()) as u64,
            files_ignored: ignored,
            ..RunReport::default()
        };
        let restorer = self.restorer.take();
        let skipped = self.restore_point();
        let mut restoring = match (&restorer, skipped) {
            (Some(r), Some(skipped)) => Some(restorable_by(
                Held::Earlier(r.as_ref()),
                &files,
                skipped,
                true,
            )),
            _ => None,
        };
        let stats: Vec<StageStats> = self
            .stage_names()
            .iter()
            .map(|_| StageStats::default())
            .collect();
        let spill_at = self.spill_points(skipped, restoring.is_some());
        let mut rejected_early: FxHashMap<usize, QuarantineRecord> = FxHashMap::default();

        for k in 0..self.stages.len() {
            let passes = match &self.stages[k] {
                Stage::Corpus(stage) => stage.passes(),
                Stage::Document(_) => 0,
            };
            for pass in 0..passes {
                let spill_number = spill_at.iter().position(|&at| at == k && pass == 0);
                let report_pass = match (spill_number, &self.spill) {
                    (Some(n), Some(maker)) => {
                        let spill = maker(n).map_err(RunError::Spill)?;
                        let (report_pass, restorer) = self.spill_pass(
                            k,
                            &files,
                            restoring.as_ref(),
                            spill,
                            (&stats, &mut rejected_early),
                            progress,
                        )?;
                        let held = Held::Spill(restorer);
                        restoring = Some(restorable_by(held, &files, k, false));
                        report_pass
                    }
                    _ => self.observe_pass(k, pass, &files, restoring.as_ref(), progress)?,
                };
                if self.cancelled() {
                    return Err(RunError::Cancelled);
                }
                report.passes.push(report_pass);
            }
        }

        let started = Instant::now();
        progress.begin(&self.stage_names().join(" → "), files.len() as u64);
        for record in &rejected {
            log_quarantine(record);
        }
        report.quarantined += rejected.len() as u64;
        sink.write_quarantine(rejected).map_err(RunError::Sink)?;

        let mut reader = match &restoring {
            Some(r) => Some(r.restorer.get().reader().map_err(RunError::Restore)?),
            None => None,
        };
        // Writing batch n (compression, on one thread) overlaps processing batch n+1 (on
        // the others), so the serial export does not leave the workers idle.
        // Reading the restored documents of batch n+1 overlaps it too.
        let mut pending: Option<(Vec<Document>, Vec<QuarantineRecord>)> = None;
        let mut batches = files.chunks(self.batch_size).enumerate().peekable();
        let mut next_restored = restored_for(
            reader.as_mut(),
            restoring.as_ref(),
            batches.peek().copied(),
            self.batch_size,
        )?;
        loop {
            let to_write = pending.take();
            let batch = batches.next();
            let upcoming = batches.peek().copied();
            let restored = std::mem::take(&mut next_restored);
            let rejected_early = &rejected_early;
            let (reader, restoring_now) = (reader.as_mut(), restoring.as_ref());
            let (written, (results, read)) = rayon::join(
                || match to_write {
                    Some((docs, quarantined)) => sink
                        .write_quarantine(quarantined)
                        .and_then(|()| sink.write_documents(docs)),
                    None => Ok(()),
                },
                || {
                    rayon::join(
                        || {
                            batch.map(|(i, batch)| {
                                let from = i * self.batch_size;
                                let results: Vec<Option<Result<Document, QuarantineRecord>>> =
                                    batch
                                        .par_iter()
                                        .zip(restored)
                                        .enumerate()
                                        .map(|(j, (file, restored))| {
                                            if self.cancelled() {
                                                return None;
                                            }
                                            if let Some(record) = rejected_early.get(&(from + j)) {
                                                return Some(Err(record.clone()));
                                            }
                                            Some(match (restored, restoring_now) {
                                                (Some(doc), Some(r)) if self.valid(r, &doc) => {
                                                    let all = r.skipped..self.stages.len();
                                                    self.reprocess(
                                                        file, doc, all, r.earlier, &stats,
                                                    )
                                                }
                                                _ => self.process(file, &stats),
                                            })
                                        })
                                        .collect();
                                (batch.len(), results)
                            })
                        },
                        || restored_for(reader, restoring_now, upcoming, self.batch_size),
                    )
                },
            );
            written.map_err(RunError::Sink)?;
            next_restored = read?;
            let Some((batch_len, results)) = results else {
                break;
            };
            if self.cancelled() {
                return Err(RunError::Cancelled);
            }
            progress.advance(batch_len as u64);
            let mut docs = Vec::with_capacity(batch_len);
            let mut quarantined = Vec::new();
            for result in results.into_iter().flatten() {
                match result {
                    Ok(doc) => {
                        let dedup = doc.dedup.as_ref();
                        if dedup.is_some_and(|d| d.duplicate_of.is_some()) {
                            report.duplicates += 1;
                        } else {
                            report.kept += 1;
                        }
                        if !dedup.is_some_and(|d| d.dropped) {
                            docs.push(doc);
                        }
                    }
                    Err(record) => {
                        log_quarantine(&record);
                        quarantined.push(record);
                    }
                }
            }
            report.written += docs.len() as u64;
            report.quarantined += quarantined.len() as u64;
            pending = Some((docs, quarantined));
        }
        progress.finish();

        report.stages = self
            .stage_names()
            .into_iter()
            .zip(&stats)
            .map(|(name, s)| s.report(name))
            .collect();
        report.passes.push(PassReport {
            name: "final".to_owned(),
            wall_ms: started.elapsed().as_millis() as u64,
        });
        report.restored = self.restored.load(Ordering::Relaxed);
        report.decoded = self.decodes.load(Ordering::Relaxed);
        Ok(report)
    }

    /// How many stages, from the first, a restored document skips (the ones that do
    /// not reapply), if this pipeline can restore at all: those stages must all be
    /// corpus stages (which can say whether their earlier result holds) and come
    /// before every stage that reapplies.
    fn restore_point(&self) -> Option<usize> {
        let skipped = self.stages.iter().take_while(|s| !s.reapplies()).count();
        let coherent = self.stages[skipped..].iter().all(Stage::reapplies)
            && self.stages[..skipped]
                .iter()
                .all(|s| matches!(s, Stage::Corpus(_)));
        if !coherent && self.restorer.is_some() {
            warn!("These stages cannot take documents from an earlier output; every input is decoded.");
        }
        coherent.then_some(skipped)
    }

    /// The corpus stages at whose first pass the run spills (see [`Spill`]): the first
    /// corpus stage, unless documents come from an earlier output (which has no
    /// decoded texts to spill), and the first stage that reapplies.
    fn spill_points(&self, skipped: Option<usize>, restoring: bool) -> Vec<usize> {
        let (Some(_), Some(skipped)) = (&self.spill, skipped) else {
            return Vec::new();
        };
        let corpus = |k: usize| matches!(self.stages.get(k), Some(Stage::Corpus(_)));
        let first = (0..self.stages.len()).find(|&k| corpus(k));
        let mut points: Vec<usize> = first
            .filter(|&k| k < skipped && !restoring)
            .into_iter()
            .collect();
        if corpus(skipped) {
            points.push(skipped);
        }
        points
    }

    /// Whether a restored document may be used: always from this run's spill; from an
    /// earlier output, when the stages it skips say their results still hold.
    fn valid(&self, restoring: &Restoring<'_>, doc: &Document) -> bool {
        !restoring.earlier || self.still_valid(doc, restoring.skipped)
    }

    /// Whether every stage before `upto` that a restored document skips says its
    /// earlier result still holds.
    fn still_valid(&self, doc: &Document, upto: usize) -> bool {
        self.stages[..upto].iter().all(|stage| match stage {
            Stage::Corpus(s) => s.still_holds(doc),
            Stage::Document(_) => false,
        })
    }

    /// Decodes every input the pass wants, brings it up to corpus stage `k` and lets
    /// that stage observe and absorb it batch by batch, then lets the stage decide.
    /// A restored document is recalled by a stage it skips, and observed afresh by
    /// one that reapplies.
    fn observe_pass(
        &mut self,
        k: usize,
        pass: usize,
        files: &[InputFile],
        restoring: Option<&Restoring<'_>>,
        progress: &dyn Progress,
    ) -> Result<PassReport, RunError> {
        let started = Instant::now();
        let name = format!("{} (observe, pass {})", self.stages[k].name(), pass + 1);
        progress.begin(&name, files.len() as u64);
        let mut reader = match restoring {
            Some(r) => Some(r.restorer.get().reader().map_err(RunError::Restore)?),
            None => None,
        };
        let skipped = restoring.map_or(0, |r| r.skipped);
        for (i, batch) in files.chunks(self.batch_size).enumerate() {
            let Stage::Corpus(observer) = &self.stages[k] else {
                break;
            };
            let wanted: Vec<bool> = batch
                .iter()
                .map(|f| observer.wants(pass, &Document::id_for_path(&f.rel_path)))
                .collect();
            let restored = match (reader.as_mut(), restoring) {
                (Some(reader), Some(r)) => {
                    let from = i * self.batch_size;
                    let restorable: Vec<bool> = r.restorable[from..from + batch.len()]
                        .iter()
                        .zip(&wanted)
                        .map(|(&r, &w)| r && w)
                        .collect();
                    restore_batch(reader.as_mut(), batch, &restorable)?
                }
                _ => batch.iter().map(|_| None).collect(),
            };
            let observed: Vec<Option<Box<dyn Any + Send>>> = batch
                .par_iter()
                .zip(restored)
                .zip(wanted)
                .map(|((file, restored), wanted)| {
                    if !wanted || self.cancelled() {
                        return None;
                    }
                    let restored = restored.filter(|d| {
                        restoring.is_some_and(|r| !r.earlier) || self.still_valid(d, k.min(skipped))
                    });
                    if let Some(mut doc) = restored {
                        if k < skipped {
                            if let Some(summary) = observer.recall(pass, &doc) {
                                return Some(summary);
                            }
                        } else {
                            for stage in &self.stages[skipped..k] {
                                stage.apply(&mut doc).ok()?;
                            }
                            return Some(observer.observe(pass, &doc));
                        }
                    }
                    self.decodes.fetch_add(1, Ordering::Relaxed);
                    let mut doc = self.decode.decode(file).ok()?;
                    for stage in &self.stages[..k] {
                        stage.apply(&mut doc).ok()?;
                    }
                    Some(observer.observe(pass, &doc))
                })
                .collect();
            progress.advance(batch.len() as u64);
            if self.cancelled() {
                break;
            }
            if let Stage::Corpus(stage) = &mut self.stages[k] {
                stage.absorb(pass, observed.into_iter().flatten().collect());
            }
        }
        if let Stage::Corpus(stage) = &mut self.stages[k] {
            stage.decide(pass);
        }
        progress.finish();
        Ok(PassReport {
            name,
            wall_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// Runs decode and every stage over one input. A stage that panics on a document
    /// is a bug, but one bad document must not end the run: the document is
    /// quarantined with reason `stage_failed` and the panic's message.
    fn process(
        &self,
        file: &InputFile,
        stats: &[StageStats],
    ) -> Result<Document, QuarantineRecord> {
        self.process_until(file, self.stages.len(), stats)
    }

    /// Runs decode and the stages before `upto` over one input, like [`Self::process`].
    fn process_until(
        &self,
        file: &InputFile,
        upto: usize,
        stats: &[StageStats],
    ) -> Result<Document, QuarantineRecord> {
        self.decodes.fetch_add(1, Ordering::Relaxed);
        let reject = |stage: &'static str, r: crate::Rejection| QuarantineRecord {
            source_path: file.rel_path.clone(),
            stage,
            reason: r.reason,
            detail: r.detail,
            source_bytes: file.size,
        };
        let mut doc = stats[0]
            .time(|| guarded("decode", || self.decode.decode(file)))
            .map_err(|r| reject("decode", r))?;
        for (stage, stat) in self.stages[..upto].iter().zip(&stats[1..]) {
            stat.time(|| guarded(stage.name(), || stage.apply(&mut doc)))
                .map_err(|r| reject(stage.name(), r))?;
        }
        Ok(doc)
    }

    /// The first pass of corpus stage `k` when the run spills there: like
    /// [`Self::observe_pass`], and besides, every document brought up to stage `k` goes
    /// to the spill, and every input turned away on the way is added by its index to
    /// the ones known, so that no later pass decodes anything again. Documents restored
    /// from the previous spill go through the stages between the two spills; decode
    /// and every stage before `k` are timed here, once per input.
    fn spill_pass(
        &mut self,
        k: usize,
        files: &[InputFile],
        restoring: Option<&Restoring<'_>>,
        mut spill: Box<dyn Spill>,
        (stats, rejected): (&[StageStats], &mut FxHashMap<usize, QuarantineRecord>),
        progress: &dyn Progress,
    ) -> Result<(PassReport, Box<dyn Restorer>), RunError> {
        let started = Instant::now();
        let name = format!("{} (observe, pass 1)", self.stages[k].name());
        progress.begin(&name, files.len() as u64);
        let mut reader = match restoring {
            Some(r) => Some(r.restorer.get().reader().map_err(RunError::Restore)?),
            None => None,
        };
        // As in the final pass, writing batch n to the spill overlaps processing n+1.
        let mut pending: Option<Vec<Document>> = None;
        let mut batches = files.chunks(self.batch_size).enumerate();
        loop {
            let batch = batches.next();
            let restored = restored_for(reader.as_mut(), restoring, batch, self.batch_size)?;
            let Stage::Corpus(observer) = &self.stages[k] else {
                break;
            };
            let to_write = pending.take();
            let spill = &mut spill;
            let known = &*rejected;
            type Observed = (Option<Box<dyn Any + Send>>, Document);
            let (written, results) = rayon::join(
                || to_write.map_or(Ok(()), |docs| spill.write(docs)),
                || {
                    batch.map(|(i, batch)| {
                        let from = i * self.batch_size;
                        let results: Vec<Option<Result<Observed, QuarantineRecord>>> = batch
                            .par_iter()
                            .zip(restored)
                            .enumerate()
                            .map(|(j, (file, restored))| {
                                if self.cancelled() || known.contains_key(&(from + j)) {
                                    return None;
                                }
                                let doc = match (restored, restoring) {
                                    (Some(doc), Some(r)) if self.valid(r, &doc) => {
                                        self.reprocess(file, doc, r.skipped..k, r.earlier, stats)
                                    }
                                    _ => self.process_until(file, k, stats),
                                };
                                Some(doc.map(|doc| {
                                    let wanted = observer.wants(0, &doc.doc_id);
                                    (wanted.then(|| observer.observe(0, &doc)), doc)
                                }))
                            })
                            .collect();
                        (from, results)
                    })
                },
            );
            written.map_err(RunError::Spill)?;
            let Some((from, results)) = results else {
                break;
            };
            progress.advance(results.len() as u64);
            if self.cancelled() {
                break;
            }
            let mut summaries = Vec::with_capacity(results.len());
            let mut docs = Vec::with_capacity(results.len());
            for (j, result) in results.into_iter().enumerate() {
                match result {
                    Some(Ok((summary, doc))) => {
                        summaries.extend(summary);
                        docs.push(doc);
                    }
                    Some(Err(record)) => {
                        rejected.insert(from + j, record);
                    }
                    None => {}
                }
            }
            pending = Some(docs);
            if let Stage::Corpus(stage) = &mut self.stages[k] {
                stage.absorb(0, summaries);
            }
        }
        if let Stage::Corpus(stage) = &mut self.stages[k] {
            stage.decide(0);
        }
        progress.finish();
        let restorer = spill.finish().map_err(RunError::Spill)?;
        let report = PassReport {
            name,
            wall_ms: started.elapsed().as_millis() as u64,
        };
        Ok((report, restorer))
    }

    /// Runs the stages in `stages` over a restored document, like [`Self::process`];
    /// a document from an earlier output is counted as restored.
    fn reprocess(
        &self,
        file: &InputFile,
        mut doc: Document,
        stages: std::ops::Range<usize>,
        earlier: bool,
        stats: &[StageStats],
    ) -> Result<Document, QuarantineRecord> {
        if earlier {
            self.restored.fetch_add(1, Ordering::Relaxed);
        }
        let (from, upto) = (stages.start, stages.end);
        for (stage, stat) in self.stages[..upto].iter().zip(&stats[1..]).skip(from) {
            stat.time(|| guarded(stage.name(), || stage.apply(&mut doc)))
                .map_err(|r| QuarantineRecord {
                    source_path: file.rel_path.clone(),
                    stage: stage.name(),
                    reason: r.reason,
                    detail: r.detail,
                    source_bytes: file.size,
                })?;
        }
        Ok(doc)
    }
}

/// Which of `files` `restorer` holds.
fn restorable_by<'a>(
    restorer: Held<'a>,
    files: &[InputFile],
    skipped: usize,
    earlier: bool,
) -> Restoring<'a> {
    Restoring {
        restorable: files.par_iter().map(|f| restorer.get().holds(f)).collect(),
        restorer,
        skipped,
        earlier,
    }
}

/// The restored documents of `batch` (its index and inputs), if there is a batch and a
/// restorer; `None` for each input that is decoded as usual.
fn restored_for(
    reader: Option<&mut Box<dyn RestoreReader + '_>>,
    restoring: Option<&Restoring<'_>>,
    batch: Option<(usize, &[InputFile])>,
    batch_size: usize,
) -> Result<Vec<Option<Document>>, RunError> {
    match (batch, reader, restoring) {
        (Some((i, batch)), Some(reader), Some(r)) => {
            let from = i * batch_size;
            restore_batch(
                reader.as_mut(),
                batch,
                &r.restorable[from..from + batch.len()],
            )
        }
        (Some((_, batch)), _, _) => Ok(batch.iter().map(|_| None).collect()),
        (None, _, _) => Ok(Vec::new()),
    }
}

/// The restored documents of a batch, one per input: `None` where the input is not
/// restorable and is decoded as usual.
fn restore_batch(
    reader: &mut dyn RestoreReader,
    batch: &[InputFile],
    restorable: &[bool],
) -> Result<Vec<Option<Document>>, RunError> {
    let ids: Vec<String> = batch
        .iter()
        .zip(restorable)
        .filter(|(_, &r)| r)
        .map(|(f, _)| Document::id_for_path(&f.rel_path))
        .collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut found = reader.read(&ids).map_err(RunError::Restore)?.into_iter();
    Ok(restorable
        .iter()
        .map(|&r| if r { found.next().flatten() } else { None })
        .collect())
}

/// Runs `f`, turning a panic into a rejection that names the stage and the message.
fn guarded<T>(
    stage: &str,
    f: impl FnOnce() -> Result<T, crate::Rejection>,
) -> Result<T, crate::Rejection> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(crate::Rejection::new(
            crate::Reason::StageFailed,
            format!("the {stage} stage failed on this document: {message}"),
        ))
    })
}

fn log_quarantine(record: &QuarantineRecord) {
    warn!(
        path = %record.source_path,
        stage = record.stage,
        reason = %record.reason,
        "Quarantined: {}.",
        record.detail.trim_end_matches('.')
    );
}

#[derive(Default)]
struct StageStats {
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
        self.docs_in.fetch_add(1, Ordering::Relaxed);
        let counter = if result.is_ok() {
            &self.docs_out
        } else {
            &self.quarantined
        };
        counter.fetch_add(1, Ordering::Relaxed);
        result
    }

    fn report(&self, name: &str) -> StageReport {
        StageReport {
            name: name.to_owned(),
            docs_in: self.docs_in.load(Ordering::Relaxed),
            docs_out: self.docs_out.load(Ordering::Relaxed),
            quarantined: self.quarantined.load(Ordering::Relaxed),
            busy_ms: self.busy_ns.load(Ordering::Relaxed) / 1_000_000,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Reason, Rejection};
    use crate::input::Compression;
    use crate::stage::{CorpusStage, DocStage};
    use std::collections::HashMap;

    /// Decodes the file name itself into the text, so tests need no files.
    struct NameDecoder;

    impl Decode for NameDecoder {
        fn decode(&self, input: &InputFile) -> Result<Document, Rejection> {
            let text = input.rel_path.trim_end_matches(".txt").to_owned();
            if text.starts_with("bad") {
                return Err(Rejection::new(Reason::Binary, "named bad"));
            }
            Ok(Document {
                doc_id: Document::id_for_path(&input.rel_path),
                source_path: input.rel_path.clone(),
                source_bytes: input.size,
                text,
                ..Document::default()
            })
        }
    }

    struct Upper;

    impl DocStage for Upper {
        fn name(&self) -> &'static str {
            "upper"
        }
        fn process(&self, doc: &mut Document) -> Result<(), Rejection> {
            doc.text = doc.text.to_uppercase();
            Ok(())
        }
    }

    /// Rejects every document whose text occurs more than once in the corpus.
    #[derive(Default)]
    struct DropRepeated {
        counts: HashMap<String, usize>,
    }

    impl CorpusStage for DropRepeated {
        type Summary = String;
        fn name(&self) -> &'static str {
            "drop_repeated"
        }
        fn observe(&self, _pass: usize, doc: &Document) -> String {
            doc.text.clone()
        }
        fn absorb(&mut self, _pass: usize, summaries: Vec<String>) {
            for s in summaries {
                *self.counts.entry(s).or_default() += 1;
            }
        }
        fn decide(&mut self, _pass: usize) {}
        fn apply(&self, doc: &mut Document) -> Result<(), Rejection> {
            match self.counts.get(&doc.text) {
                Some(&n) if n > 1 => Err(Rejection::new(Reason::Empty, "repeated")),
                _ => Ok(()),
            }
        }
        fn reapplies(&self) -> bool {
            true
        }
    }

    /// A spill that keeps the documents in memory.
    #[derive(Default)]
    struct MemorySpill(Vec<Document>);

    impl Spill for MemorySpill {
        fn write(&mut self, docs: Vec<Document>) -> Result<(), BoxError> {
            self.0.extend(docs);
            Ok(())
        }
        fn finish(self: Box<Self>) -> Result<Box<dyn Restorer>, BoxError> {
            Ok(Box::new(MemoryRestorer(self.0)))
        }
    }

    struct MemoryRestorer(Vec<Document>);

    impl Restorer for MemoryRestorer {
        fn holds(&self, file: &InputFile) -> bool {
            self.0.iter().any(|d| d.source_path == file.rel_path)
        }
        fn reader(&self) -> Result<Box<dyn RestoreReader + '_>, BoxError> {
            Ok(Box::new(MemoryReader(&self.0)))
        }
    }

    struct MemoryReader<'a>(&'a [Document]);

    impl RestoreReader for MemoryReader<'_> {
        fn read(&mut self, ids: &[&str]) -> Result<Vec<Option<Document>>, BoxError> {
            Ok(ids
                .iter()
                .map(|id| self.0.iter().find(|d| d.doc_id == *id).cloned())
                .collect())
        }
    }

    /// Appends to each text the number of documents seen: applying it twice would
    /// append twice, so it must not reapply.
    #[derive(Default)]
    struct Tally {
        seen: usize,
    }

    impl CorpusStage for Tally {
        type Summary = ();
        fn name(&self) -> &'static str {
            "tally"
        }
        fn observe(&self, _pass: usize, _doc: &Document) {}
        fn absorb(&mut self, _pass: usize, summaries: Vec<()>) {
            self.seen += summaries.len();
        }
        fn decide(&mut self, _pass: usize) {}
        fn apply(&self, doc: &mut Document) -> Result<(), Rejection> {
            doc.text = format!("{}#{}", doc.text, self.seen);
            Ok(())
        }
    }

    fn memory_spills() -> SpillMaker {
        Box::new(|_| Ok(Box::new(MemorySpill::default()) as Box<dyn Spill>))
    }

    #[test]
    fn with_spills_every_input_is_decoded_once_and_the_output_is_the_same() {
        let names = ["a.txt", "b.txt", "a", "bad1.txt", "c.txt"];
        let run = |spill: bool| {
            let mut pipeline = Pipeline::new(NameDecoder, 2)
                .with_stage(Stage::corpus(Tally::default()))
                .with_stage(Stage::corpus(DropRepeated::default()));
            if spill {
                pipeline = pipeline.with_spill(memory_spills());
            }
            let mut sink = Collect::default();
            let report = pipeline
                .run(inputs(&names), &mut sink, &NoProgress)
                .unwrap();
            (sink.docs, sink.quarantine, report)
        };
        let (docs, quarantine, plain) = run(false);
        let (spilled_docs, spilled_quarantine, spilled) = run(true);
        assert_eq!(docs, spilled_docs);
        assert_eq!(quarantine, spilled_quarantine);
        let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(
            texts,
            ["b#4", "c#4"],
            "both a's are repeated; tally applied once"
        );
        assert_eq!(quarantine.len(), 3);
        assert_eq!(
            plain.decoded, 15,
            "three times each: tally, drop_repeated, final"
        );
        assert_eq!(spilled.decoded, 5, "once each, the bad one included");
        assert_eq!(spilled.stages[0].docs_in, 5);
        assert_eq!(
            spilled.stages[1].docs_in, 4,
            "tally applied once per document"
        );
        assert_eq!(spilled.restored, 0, "a spill is not an earlier output");
        assert_eq!(spilled.passes.len(), plain.passes.len());
    }

    #[derive(Default)]
    struct Collect {
        docs: Vec<Document>,
        quarantine: Vec<QuarantineRecord>,
    }

    impl Sink for Collect {
        fn write_documents(&mut self, docs: Vec<Document>) -> Result<(), BoxError> {
            self.docs.extend(docs);
            Ok(())
        }
        fn write_quarantine(&mut self, records: Vec<QuarantineRecord>) -> Result<(), BoxError> {
            self.quarantine.extend(records);
            Ok(())
        }
    }

    fn inputs(names: &[&str]) -> Discovery {
        Discovery {
            files: names
                .iter()
                .map(|n| InputFile {
                    path: n.into(),
                    rel_path: n.to_string(),
                    size: 1,
                    compression: Compression::None,
                })
                .collect(),
            ..Discovery::default()
        }
    }

    #[test]
    fn corpus_stage_sees_earlier_stages_and_every_document() {
        // "a" and "A" only collide after `upper` has run, which proves the corpus stage
        // observes documents as the stages before it left them.
        let names = ["a.txt", "A.txt", "b.txt", "bad1.txt", "c.txt"];
        let mut pipeline = Pipeline::new(NameDecoder, 2)
            .with_stage(Stage::document(Upper))
            .with_stage(Stage::corpus(DropRepeated::default()));
        let mut sink = Collect::default();
        let report = pipeline
            .run(inputs(&names), &mut sink, &NoProgress)
            .unwrap();

        let kept: Vec<_> = sink.docs.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(kept, ["B", "C"]);
        let rejected: Vec<_> = sink
            .quarantine
            .iter()
            .map(|q| (q.source_path.as_str(), q.stage))
            .collect();
        assert_eq!(
            rejected,
            [
                ("a.txt", "drop_repeated"),
                ("A.txt", "drop_repeated"),
                ("bad1.txt", "decode")
            ]
        );
        assert_eq!(report.read, 5);
        assert_eq!(
            report.read,
            report.kept + report.duplicates + report.quarantined
        );
        assert_eq!(report.written, report.kept);
        let decode = &report.stages[0];
        assert_eq!(
            (decode.docs_in, decode.docs_out, decode.quarantined),
            (5, 4, 1)
        );
        assert_eq!(report.passes.len(), 2);
    }

    struct PanicsOnB;

    impl DocStage for PanicsOnB {
        fn name(&self) -> &'static str {
            "fragile"
        }
        fn process(&self, doc: &mut Document) -> Result<(), Rejection> {
            assert!(doc.text != "b", "cannot handle b");
            Ok(())
        }
    }

    #[test]
    fn a_stage_that_panics_quarantines_the_document_and_the_run_goes_on() {
        let mut pipeline = Pipeline::new(NameDecoder, 10).with_stage(Stage::document(PanicsOnB));
        let mut sink = Collect::default();
        let report = pipeline
            .run(inputs(&["a.txt", "b.txt", "c.txt"]), &mut sink, &NoProgress)
            .unwrap();
        assert_eq!(sink.docs.len(), 2);
        let record = &sink.quarantine[0];
        assert_eq!(
            (record.source_path.as_str(), record.stage, record.reason),
            ("b.txt", "fragile", Reason::StageFailed)
        );
        assert!(
            record.detail.contains("cannot handle b"),
            "{}",
            record.detail
        );
        assert_eq!(report.quarantined, 1);
    }

    #[test]
    fn a_set_cancel_flag_stops_the_run() {
        let cancel = Arc::new(AtomicBool::new(true));
        let mut pipeline = Pipeline::new(NameDecoder, 10)
            .with_stage(Stage::corpus(DropRepeated::default()))
            .with_cancel(cancel);
        let mut sink = Collect::default();
        let result = pipeline.run(inputs(&["a.txt", "b.txt"]), &mut sink, &NoProgress);
        assert!(matches!(result, Err(RunError::Cancelled)));
        assert!(sink.docs.is_empty());
    }

    #[test]
    fn output_order_is_input_order_whatever_the_threads() {
        let names: Vec<String> = (0..200).map(|i| format!("{i:03}.txt")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let mut sink = Collect::default();
                Pipeline::new(NameDecoder, 7)
                    .run(inputs(&names), &mut sink, &NoProgress)
                    .unwrap();
                sink.docs
            })
        };
        let one = run(1);
        assert_eq!(one, run(4));
        assert_eq!(one.len(), 200);
        assert_eq!(one[0].text, "000");
    }
}
