//! The contracts every stage implements: how decode creates a document, how a
//! per-document stage changes one, and how a corpus stage looks at all of them first.
//!
//! Prefer [`DocStage`]: it is a pure function of one document and runs under Rayon in
//! any order. Use [`CorpusStage`] only when a decision needs evidence from the whole
//! corpus (dedup's signatures, boilerplate's cross-document line counts).

use std::any::Any;

use crate::document::{Document, Rejection};
use crate::input::InputFile;

/// The first stage: turns one input file into a document.
///
/// Required: [`Decode::decode`], which reads the file and returns the decoded document,
/// or the reason it cannot become one. A rejected file is quarantined; the run goes on.
pub trait Decode: Send + Sync {
    fn decode(&self, input: &InputFile) -> Result<Document, Rejection>;
}

/// A stage that needs nothing but the document in front of it.
///
/// Required: [`DocStage::name`], used in progress bars, logs and the manifest, and
/// [`DocStage::process`], which changes the document in place or rejects it.
pub trait DocStage: Send + Sync {
    fn name(&self) -> &'static str;
    fn process(&self, doc: &mut Document) -> Result<(), Rejection>;

    /// Whether `process` may run again on a document it already processed and give
    /// what it gave the first time. Documents restored from an earlier run's output
    /// (incremental runs, shard merges) go through such stages again; a pipeline with a
    /// stage that cannot, restores nothing.
    fn reapplies(&self) -> bool {
        false
    }
}

/// A stage that must see every document before it can decide about any of them.
///
/// The runner calls it in three steps, so that the texts are never all in memory:
/// 1. [`CorpusStage::observe`] reduces each document to a small summary (in parallel),
///    and [`CorpusStage::absorb`] receives the summaries batch by batch, in input
///    order, to fold them into whatever the stage keeps;
/// 2. [`CorpusStage::decide`] is called once every document was absorbed, and settles
///    whatever needs the whole corpus;
/// 3. [`CorpusStage::apply`] then changes or rejects each document, like a
///    [`DocStage`], using what `decide` settled.
///
/// A stage that must look twice (dedup: signatures of all, then the shingles of the
/// few candidate pairs) says so with [`CorpusStage::passes`]; steps 1 and 2 then run
/// once per pass, numbered from 0, and [`CorpusStage::wants`] lets a later pass skip
/// documents it has no use for, which the runner then does not even decode.
///
/// Documents rejected by an earlier stage are neither observed nor applied.
pub trait CorpusStage: Send + Sync {
    /// What one document is reduced to; keep it small and fixed-size.
    type Summary: Send + 'static;

    fn name(&self) -> &'static str;

    /// Passes over the corpus before `apply`; 1 unless the stage says otherwise.
    fn passes(&self) -> usize {
        1
    }

    /// Whether pass `pass` needs the document `doc_id`; every document by default.
    fn wants(&self, _pass: usize, _doc_id: &str) -> bool {
        true
    }

    fn observe(&self, pass: usize, doc: &Document) -> Self::Summary;
    fn absorb(&mut self, pass: usize, summaries: Vec<Self::Summary>);
    fn decide(&mut self, pass: usize);
    fn apply(&self, doc: &mut Document) -> Result<(), Rejection>;

    /// Whether `apply` may run again on a document it already changed, with the result
    /// it would have on a fresh one under this run's decision (dedup's placement is
    /// rewritten, its text left as it is). A document restored from an earlier run's
    /// output is observed and applied again by such stages.
    fn reapplies(&self) -> bool {
        false
    }

    /// For a stage that does not reapply: the summary pass `pass` would have made of a
    /// restored document, read from its [`crate::document::Trace`] since the text the
    /// stage saw is gone. `None`: it cannot tell, and the document is decoded again.
    fn recall(&self, _pass: usize, _doc: &Document) -> Option<Self::Summary> {
        None
    }

    /// For a stage that does not reapply, once decided: whether what it did to the
    /// restored document in the earlier run is what it would do now. `false` sends the
    /// document back to be decoded and processed again.
    fn still_holds(&self, _doc: &Document) -> bool {
        false
    }
}

/// Runs every observing pass of a corpus stage over documents already in memory, the
/// way the runner does over files: for evaluations, benchmarks and tests, where the
/// corpus is small enough to hold.
pub fn observe_all<'a, S: CorpusStage>(
    stage: &mut S,
    docs: impl Iterator<Item = &'a Document> + Clone,
) {
    for pass in 0..stage.passes() {
        let summaries = docs
            .clone()
            .filter(|d| stage.wants(pass, &d.doc_id))
            .map(|d| stage.observe(pass, d))
            .collect();
        stage.absorb(pass, summaries);
        stage.decide(pass);
    }
}

/// A stage of either kind, as the runner holds it.
pub enum Stage {
    Document(Box<dyn DocStage>),
    Corpus(Box<dyn ErasedCorpusStage>),
}

impl Stage {
    pub fn document(stage: impl DocStage + 'static) -> Stage {
        Stage::Document(Box::new(stage))
    }

    pub fn corpus<S: CorpusStage + 'static>(stage: S) -> Stage {
        Stage::Corpus(Box::new(stage))
    }

    pub fn name(&self) -> &'static str {
        match self {
            Stage::Document(s) => s.name(),
            Stage::Corpus(s) => s.name(),
        }
    }

    /// Whether the stage runs again on documents restored from an earlier run.
    pub fn reapplies(&self) -> bool {
        match self {
            Stage::Document(s) => s.reapplies(),
            Stage::Corpus(s) => s.reapplies(),
        }
    }

    /// Runs the per-document part of the stage: `process`, or a corpus stage's `apply`.
    pub fn apply(&self, doc: &mut Document) -> Result<(), Rejection> {
        match self {
            Stage::Document(s) => s.process(doc),
            Stage::Corpus(s) => s.apply(doc),
        }
    }
}

/// [`CorpusStage`] with its summary type hidden, so stages with different summaries sit
/// in one list. Implemented for every `CorpusStage`; not meant to be implemented by hand.
pub trait ErasedCorpusStage: Send + Sync {
    fn name(&self) -> &'static str;
    fn passes(&self) -> usize;
    fn wants(&self, pass: usize, doc_id: &str) -> bool;
    fn observe(&self, pass: usize, doc: &Document) -> Box<dyn Any + Send>;
    fn absorb(&mut self, pass: usize, summaries: Vec<Box<dyn Any + Send>>);
    fn decide(&mut self, pass: usize);
    fn apply(&self, doc: &mut Document) -> Result<(), Rejection>;
    fn reapplies(&self) -> bool;
    fn recall(&self, pass: usize, doc: &Document) -> Option<Box<dyn Any + Send>>;
    fn still_holds(&self, doc: &Document) -> bool;
}

impl<S: CorpusStage> ErasedCorpusStage for S {
    fn name(&self) -> &'static str {
        CorpusStage::name(self)
    }

    fn passes(&self) -> usize {
        CorpusStage::passes(self)
    }

    fn wants(&self, pass: usize, doc_id: &str) -> bool {
        CorpusStage::wants(self, pass, doc_id)
    }

    fn observe(&self, pass: usize, doc: &Document) -> Box<dyn Any + Send> {
        Box::new(CorpusStage::observe(self, pass, doc))
    }

    fn absorb(&mut self, pass: usize, summaries: Vec<Box<dyn Any + Send>>) {
        // Every box came from `observe` above, so every downcast succeeds.
        let summaries = summaries
            .into_iter()
            .filter_map(|b| b.downcast::<S::Summary>().ok().map(|b| *b))
            .collect();
        CorpusStage::absorb(self, pass, summaries)
    }

    fn decide(&mut self, pass: usize) {
        CorpusStage::decide(self, pass)
    }

    fn apply(&self, doc: &mut Document) -> Result<(), Rejection> {
        CorpusStage::apply(self, doc)
    }

    fn reapplies(&self) -> bool {
        CorpusStage::reapplies(self)
    }

    fn recall(&self, pass: usize, doc: &Document) -> Option<Box<dyn Any + Send>> {
        CorpusStage::recall(self, pass, doc).map(|s| Box::new(s) as Box<dyn Any + Send>)
    }

    fn still_holds(&self, doc: &Document) -> bool {
        CorpusStage::still_holds(self, doc)
    }
}
