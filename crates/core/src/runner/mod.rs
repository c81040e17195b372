//! The streaming runner. It turns the configured stages into a [`Plan`] before anything
//! is read (which passes over the corpus, where each reads its documents, what it
//! applies, observes and keeps), then runs each pass with the one loop in `pass`.
//! Only a batch of texts and the corpus stages' summaries are in memory at any time.
//!
//! The modules, in the order a run meets them: [`plan`] (the passes), `pass` (one
//! pass: batching, restoring, write overlap), `execute` (one document through the
//! stages, every call guarded), [`ports`] (what the runner reads and writes: sink,
//! spills, earlier output, progress) and [`report`] (what the manifest records).

mod execute;
mod pass;
pub mod plan;
pub mod ports;
pub mod report;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use rayon::prelude::*;
use tracing::{debug, warn};

use crate::input::{Discovery, InputFile};
use crate::stage::{Decode, Stage};

use execute::StageStats;
use pass::{From, Run, Settled, To};
pub use plan::{Incremental, Plan, Shape};
pub use ports::{
    BoxError, KeptDoc, NoProgress, Progress, RestoreReader, Restorer, Sink, Spill, SpillMaker,
};
use report::PassClock;
pub use report::{PassReport, RunError, RunReport, StageReport};

/// The decode stage, the stages after it in order, and the batch size.
pub struct Pipeline {
    decode: Box<dyn Decode>,
    stages: Vec<Stage>,
    batch_size: usize,
    cancel: Arc<AtomicBool>,
    restorer: Option<Box<dyn Restorer>>,
    spill: Option<SpillMaker>,
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
        }
    }

    /// Keeps documents between passes instead of decoding them again, in spills the
    /// maker opens (numbered from 0, one per corpus stage at most).
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

    /// The passes this pipeline will make, as configured now.
    pub fn plan(&self) -> Plan {
        let shapes: Vec<Shape> = self
            .stages
            .iter()
            .map(|s| Shape {
                name: s.name(),
                passes: s.passes(),
                reapplies: s.reapplies(),
            })
            .collect();
        Plan::new(&shapes, self.spill.is_some(), self.restorer.is_some())
    }

    /// Runs the plan over the discovered inputs and streams the results into `sink`.
    /// Parallel work runs on the current Rayon pool.
    pub fn run(
        &mut self,
        discovery: Discovery,
        sink: &mut dyn Sink,
        progress: &dyn Progress,
    ) -> Result<RunReport, RunError> {
        let Discovery {
            files,
            mut rejected,
            ignored,
        } = discovery;
        let plan = self.plan();
        debug!("Plan: {plan}");
        if let Incremental::Impossible { reason } = &plan.incremental {
            warn!("Cannot build on the earlier output: {reason}; every input is decoded.");
        }
        let mut report = RunReport {
            files_read: (files.len() + rejected.len()) as u64,
            files_ignored: ignored,
            plan: plan.record(),
            ..RunReport::default()
        };
        let earlier = plan.skipped().and(self.restorer.take());
        let earlier_holds = earlier.as_deref().map(|r| holds(r, &files));
        let stats: Vec<StageStats> = self
            .stage_names()
            .iter()
            .map(|_| StageStats::default())
            .collect();
        let (decodes, restored) = (AtomicU64::new(0), AtomicU64::new(0));
        let truncated = AtomicU64::new(0);
        let run = Run {
            decode: self.decode.as_ref(),
            files: &files,
            batch_size: self.batch_size,
            stats: &stats,
            decodes: &decodes,
            restored: &restored,
            truncated: &truncated,
            cancel: &self.cancel,
            progress,
        };
        let threads = rayon::current_num_threads();
        let mut settled = Settled::default();
        // The last spill, and which files it holds documents of.
        let mut spill: Option<(Box<dyn Restorer>, Vec<bool>)> = None;
        for pass in &plan.passes {
            let clock = PassClock::start();
            if pass.output {
                // Inputs turned away before reading (unreadable names, say) come first.
                let rejected = std::mem::take(&mut rejected);
                rejected.iter().for_each(pass::log_quarantine);
                report.quarantined += rejected.len() as u64;
                sink.write_quarantine(rejected).map_err(RunError::Sink)?;
            }
            let mut to = match (pass.output, pass.keep, &self.spill) {
                (true, _, _) => To::Sink(&mut *sink),
                (false, Some(n), Some(maker)) => To::Spill(maker(n).map_err(RunError::Spill)?),
                _ => To::Nowhere,
            };
            let from = match pass.source {
                plan::Source::Inputs => From::Inputs {
                    earlier: match (&earlier, &earlier_holds, plan.skipped()) {
                        (Some(restorer), Some(holds), Some(skipped)) => Some(pass::Earlier {
                            reader: restorer.reader().map_err(RunError::Restore)?,
                            holds,
                            skipped,
                        }),
                        _ => None,
                    },
                },
                plan::Source::Spill { level, .. } => match &spill {
                    Some((restorer, holds)) => From::Spill {
                        reader: restorer.reader().map_err(RunError::Spill)?,
                        holds,
                        level,
                    },
                    None => {
                        return Err(RunError::Spill(
                            format!("the plan's pass {} reads a spill no pass kept", pass.name)
                                .into(),
                        ))
                    }
                },
            };
            pass::run_pass(
                &run,
                &mut self.stages,
                pass,
                from,
                &mut to,
                &mut settled,
                &mut report,
            )?;
            if let To::Spill(kept) = to {
                let restorer = kept.finish().map_err(RunError::Spill)?;
                let held = holds(restorer.as_ref(), &files);
                // The spill before it is dropped here, with what it holds in memory.
                spill = Some((restorer, held));
            }
            if self.cancel.load(Ordering::Relaxed) {
                return Err(RunError::Cancelled);
            }
            report.passes.push(clock.report(&pass.name, threads));
        }
        report.stages = self
            .stage_names()
            .into_iter()
            .zip(&stats)
            .map(|(name, s)| s.report(name))
            .collect();
        report.restored = restored.load(Ordering::Relaxed);
        report.decoded = decodes.load(Ordering::Relaxed);
        report.records_truncated = truncated.load(Ordering::Relaxed);
        // Every document that reached the final pass is kept, a duplicate or quarantined.
        report.read = report.kept + report.duplicates + report.quarantined;
        Ok(report)
    }
}

/// Which of `files` `restorer` holds documents of.
fn holds(restorer: &dyn Restorer, files: &[InputFile]) -> Vec<bool> {
    files.par_iter().map(|f| restorer.holds(f)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{DocId, Document, QuarantineRecord, Reason, Rejection};
    use crate::input::Compression;
    use crate::stage::{CorpusStage, DocStage, Entry, Part};
    use std::collections::HashMap;

    /// Decodes the file name itself into the text, so tests need no files.
    struct NameDecoder;

    impl Decode for NameDecoder {
        fn decode(&self, input: &InputFile, _part: Part) -> Result<Document, Rejection> {
            let text = input.rel_path.trim_end_matches(".txt").to_owned();
            if text.starts_with("bad") {
                return Err(Rejection::new(Reason::Binary, "named bad"));
            }
            Ok(Document {
                doc_id: DocId::for_path(&input.rel_path),
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
        fn absorb(&mut self, _pass: usize, summaries: Vec<String>) -> Result<(), BoxError> {
            for s in summaries {
                *self.counts.entry(s).or_default() += 1;
            }
            Ok(())
        }
        fn decide(&mut self, _pass: usize) -> Result<(), BoxError> {
            Ok(())
        }
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
            Ok(Box::new(MemoryReader(&self.0, 0)))
        }
    }

    /// Reads documents by file, at most `max` at a time, from where it stopped.
    struct MemoryReader<'a>(&'a [Document], usize);

    impl RestoreReader for MemoryReader<'_> {
        fn read(
            &mut self,
            file: &InputFile,
            wanted: &dyn Fn(DocId) -> bool,
            max: usize,
        ) -> Result<(Vec<KeptDoc>, bool), BoxError> {
            let mut found = Vec::new();
            // Files are asked for in the order they were kept, only those kept: the
            // next document is this file's, or the file is done.
            while let Some(doc) = self.0.get(self.1) {
                if doc.source_path != file.rel_path {
                    break;
                }
                if found.len() == max {
                    return Ok((found, true));
                }
                if wanted(doc.doc_id) {
                    found.push(KeptDoc::ready(doc.clone()));
                }
                self.1 += 1;
            }
            Ok((found, false))
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
        fn absorb(&mut self, _pass: usize, summaries: Vec<()>) -> Result<(), BoxError> {
            self.seen += summaries.len();
            Ok(())
        }
        fn decide(&mut self, _pass: usize) -> Result<(), BoxError> {
            Ok(())
        }
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

    /// Keeps what it is given, and the size of every batch of documents.
    #[derive(Default)]
    struct Collect {
        docs: Vec<Document>,
        quarantine: Vec<QuarantineRecord>,
        sizes: Vec<usize>,
    }

    impl Sink for Collect {
        fn write_documents(&mut self, docs: Vec<Document>) -> Result<(), BoxError> {
            self.sizes.push(docs.len());
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

    /// Observes every document, and panics on the one whose text is "b"; or, told so,
    /// fails in `absorb` or panics in `decide`.
    #[derive(Default)]
    struct FragileObserver {
        fail_absorb: bool,
        panic_decide: bool,
        seen: usize,
    }

    impl CorpusStage for FragileObserver {
        type Summary = ();
        fn name(&self) -> &'static str {
            "fragile_observer"
        }
        fn observe(&self, _pass: usize, doc: &Document) {
            assert!(doc.text != "b", "cannot observe b");
        }
        fn absorb(&mut self, _pass: usize, summaries: Vec<()>) -> Result<(), BoxError> {
            if self.fail_absorb {
                return Err("the disk is full".into());
            }
            self.seen += summaries.len();
            Ok(())
        }
        fn decide(&mut self, _pass: usize) -> Result<(), BoxError> {
            assert!(!self.panic_decide, "nothing to decide with");
            Ok(())
        }
        fn apply(&self, doc: &mut Document) -> Result<(), Rejection> {
            doc.text = format!("{}#{}", doc.text, self.seen);
            Ok(())
        }
        fn reapplies(&self) -> bool {
            true
        }
    }

    #[test]
    fn a_panic_while_observing_quarantines_the_document_and_the_run_finishes() {
        for spill in [false, true] {
            let mut pipeline = Pipeline::new(NameDecoder, 2)
                .with_stage(Stage::document(Lower))
                .with_stage(Stage::corpus(FragileObserver::default()))
                .with_stage(Stage::corpus(DropRepeated::default()));
            if spill {
                pipeline = pipeline.with_spill(memory_spills());
            }
            let mut sink = Collect::default();
            let report = pipeline
                .run(inputs(&["a.txt", "b.txt", "c.txt"]), &mut sink, &NoProgress)
                .unwrap();
            let texts: Vec<&str> = sink.docs.iter().map(|d| d.text.as_str()).collect();
            assert_eq!(texts, ["a#2", "c#2"], "b is neither observed nor applied");
            assert_eq!(sink.quarantine.len(), 1, "quarantined once, spill {spill}");
            let record = &sink.quarantine[0];
            assert_eq!(
                (record.source_path.as_str(), record.stage, record.reason),
                ("b.txt", "fragile_observer", Reason::StageFailed)
            );
            assert!(
                record.detail.contains("cannot observe b"),
                "{}",
                record.detail
            );
            assert_eq!(
                report.read,
                report.kept + report.duplicates + report.quarantined
            );
            // Counted once at the stage that failed, and through the stages before it.
            let observer = &report.stages[2];
            assert_eq!(
                (observer.docs_in, observer.quarantined),
                (3, 1),
                "spill {spill}"
            );
            assert_eq!(report.stages[0].docs_in, 3, "spill {spill}");
            assert_eq!(report.stages[1].docs_out, 3, "spill {spill}");
        }
    }

    struct Lower;

    impl DocStage for Lower {
        fn name(&self) -> &'static str {
            "lower"
        }
        fn process(&self, doc: &mut Document) -> Result<(), Rejection> {
            doc.text = doc.text.to_lowercase();
            Ok(())
        }
        fn reapplies(&self) -> bool {
            true
        }
    }

    #[test]
    fn an_error_or_panic_in_absorb_or_decide_fails_the_run_naming_the_stage() {
        let stages = [
            FragileObserver {
                fail_absorb: true,
                ..FragileObserver::default()
            },
            FragileObserver {
                panic_decide: true,
                ..FragileObserver::default()
            },
        ];
        let mut messages = vec![];
        for stage in stages {
            let mut pipeline = Pipeline::new(NameDecoder, 2).with_stage(Stage::corpus(stage));
            let mut sink = Collect::default();
            let err = pipeline
                .run(inputs(&["a.txt", "c.txt"]), &mut sink, &NoProgress)
                .unwrap_err();
            assert!(
                matches!(
                    err,
                    RunError::Stage {
                        stage: "fragile_observer",
                        ..
                    }
                ),
                "{err}"
            );
            assert!(sink.docs.is_empty());
            messages.push(err.to_string());
        }
        assert!(
            messages[0].contains("took in what it observed: the disk is full"),
            "{}",
            messages[0]
        );
        assert!(
            messages[1].contains("decided: nothing to decide with"),
            "{}",
            messages[1]
        );
    }

    /// Decodes "nK.txt" into K documents, one per part, and "broken" parts as
    /// unreadable: a container format as the runner sees one.
    struct Container;

    impl Decode for Container {
        fn open<'a>(&'a self, input: &'a InputFile) -> crate::stage::Parts<'a> {
            let name = input.rel_path.trim_end_matches(".txt");
            let count: u64 = name.trim_start_matches('n').parse().unwrap_or(1);
            Box::new((0..count).map(move |i| {
                if name == "n3" && i == 1 {
                    return Entry::Unreadable {
                        rejection: Rejection::new(Reason::BadWarc, "record 1 is cut off"),
                        url: None,
                        offset: Some(i),
                    };
                }
                if name == "n7" && i == 6 {
                    return Entry::Skipped("request");
                }
                Entry::Part(Part {
                    doc_id: DocId(DocId::for_path(&input.rel_path).0 ^ i),
                    bytes: Some(format!("{name}-{i}").into_bytes()),
                    header: None,
                    truncated: i == 0,
                    url: None,
                    offset: Some(i),
                })
            }))
        }
        fn decode(&self, input: &InputFile, part: Part) -> Result<Document, Rejection> {
            Ok(Document {
                doc_id: part.doc_id,
                source_path: input.rel_path.clone(),
                text: String::from_utf8(part.bytes.unwrap_or_default()).unwrap_or_default(),
                ..Document::default()
            })
        }
    }

    #[test]
    fn a_file_of_many_parts_becomes_many_documents_in_bounded_batches() {
        let names = ["n3.txt", "n40.txt", "n1.txt", "n7.txt"];
        let run = |threads: usize, spill: bool| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let mut pipeline = Pipeline::new(Container, 8)
                    .with_stage(Stage::corpus(Tally::default()))
                    .with_stage(Stage::corpus(DropRepeated::default()));
                if spill {
                    pipeline = pipeline.with_spill(memory_spills());
                }
                let mut sink = Collect::default();
                let report = pipeline
                    .run(inputs(&names), &mut sink, &NoProgress)
                    .unwrap();
                (sink, report)
            })
        };
        let (one, report) = run(1, false);
        assert_eq!(one.docs.len(), 2 + 40 + 1 + 6);
        assert_eq!(one.quarantine.len(), 1);
        assert_eq!(one.quarantine[0].source_path, "n3.txt");
        assert!(one.sizes.iter().all(|&n| n <= 8), "{:?}", one.sizes);
        assert_eq!(report.files_read, 4);
        assert_eq!(report.read, 50, "documents: 49 kept and one quarantined");
        assert_eq!(report.records_skipped["request"], 1);
        assert_eq!(report.records_truncated, 4, "the first part of each file");
        assert_eq!(one.quarantine[0].source_offset, Some(1));
        // Within a file, parts keep their order; files keep the run's order.
        let of_40: Vec<&str> = one
            .docs
            .iter()
            .filter(|d| d.source_path == "n40.txt")
            .map(|d| d.text.as_str())
            .collect();
        assert_eq!(of_40[..3], ["n40-0#49", "n40-1#49", "n40-2#49"]);
        for (threads, spill) in [(4, false), (1, true), (4, true)] {
            let (other, _) = run(threads, spill);
            assert_eq!(one.docs, other.docs, "{threads} threads, spill {spill}");
            assert_eq!(one.quarantine, other.quarantine);
        }
    }

    #[test]
    fn the_output_gets_one_group_per_batch_size_inputs_whatever_the_work_batches() {
        // 700 inputs in groups of 300: work batches of WORK_ITEMS stop at each group's
        // end, so the sink sees exactly the groups a run always handed it.
        let names: Vec<String> = (0..700).map(|i| format!("{i:03}.txt")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        const { assert!(pass::WORK_ITEMS < 300) };
        for spill in [false, true] {
            let mut pipeline =
                Pipeline::new(NameDecoder, 300).with_stage(Stage::corpus(DropRepeated::default()));
            if spill {
                pipeline = pipeline.with_spill(memory_spills());
            }
            let mut sink = Collect::default();
            pipeline
                .run(inputs(&names), &mut sink, &NoProgress)
                .unwrap();
            assert_eq!(sink.sizes, [300, 300, 100], "spill {spill}");
        }
    }
}
