//! The contracts every stage implements: how decode creates a document, how a
//! per-document stage changes one, and how a corpus stage looks at all of them first.
//!
//! Prefer [`DocStage`]: it is a pure function of one document and runs under Rayon in
//! any order. Use [`CorpusStage`] only when a decision needs evidence from the whole
//! corpus (dedup's signatures, boilerplate's cross-document line counts).

use std::any::Any;

use crate::document::{DocId, Document, Rejection};
use crate::input::InputFile;

/// Any error a stage or a port reports; it must name what it concerns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The first stage: turns one input file into its documents.
///
/// Required: [`Decode::decode`], which turns one part of a file into a document, or
/// gives the reason it cannot become one (the part is quarantined; the run goes on).
/// [`Decode::open`] says which parts a file holds: by default the file is one part,
/// read by `decode` itself, so that files are read in parallel. A container format
/// (one WARC file, thousands of pages) overrides it and reads its records as the
/// runner iterates, so a file is never held whole; the runner decodes the parts of a
/// batch in parallel and keeps them in file order.
pub trait Decode: Send + Sync {
    fn open<'a>(&'a self, input: &'a InputFile) -> Parts<'a> {
        Part::whole_file(input)
    }

    fn decode(&self, input: &InputFile, part: Part) -> Result<Document, Rejection>;
}

/// The entries of one input file, in file order.
pub type Parts<'a> = Box<dyn Iterator<Item = Entry> + Send + 'a>;

/// What reading an input file finds, one at a time.
pub enum Entry {
    /// A part that becomes a document.
    Part(Part),
    /// A part that cannot be read, quarantined with this reason (and, for a record of
    /// a container, where it was); the iterator may go on after it or end.
    Unreadable {
        rejection: Rejection,
        url: Option<String>,
        offset: Option<u64>,
    },
    /// Something the file holds that is no document (a WARC request record, an image
    /// response), counted under this reason in the manifest's `records_skipped`.
    Skipped(&'static str),
}

/// One document-to-be inside an input file, as [`Decode::open`] found it.
pub struct Part {
    /// The id the document will have; known before decoding, so that a pass can skip
    /// the parts a stage does not want, and restoring can match them.
    pub doc_id: DocId,
    /// The part's bytes; `None` when the part is the whole file, which `decode` reads.
    pub bytes: Option<Vec<u8>>,
    /// Whatever else the container said about the part, for `decode` to read back.
    pub header: Option<Box<dyn Any + Send>>,
    /// The container marks the part as cut short (`WARC-Truncated`): processed as
    /// usual, and counted in the manifest.
    pub truncated: bool,
    /// For a part of a container: its address and its byte offset, for the quarantine
    /// row should it be turned away.
    pub url: Option<String>,
    pub offset: Option<u64>,
}

impl Part {
    /// The entries of a file that is one document: the whole of it, as one part.
    pub fn whole_file(input: &InputFile) -> Parts<'static> {
        Box::new(std::iter::once(Entry::Part(Part::whole(input))))
    }

    /// The whole of `input` as one document.
    pub fn whole(input: &InputFile) -> Part {
        Part {
            doc_id: DocId::for_path(&input.rel_path),
            bytes: None,
            header: None,
            truncated: false,
            url: None,
            offset: None,
        }
    }
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
    fn wants(&self, _pass: usize, _doc_id: DocId) -> bool {
        true
    }

    fn observe(&self, pass: usize, doc: &Document) -> Self::Summary;
    /// An error here (or a panic) fails the run, naming the stage: what the stage
    /// keeps would be incomplete, and every decision after it wrong.
    fn absorb(&mut self, pass: usize, summaries: Vec<Self::Summary>) -> Result<(), BoxError>;
    fn decide(&mut self, pass: usize) -> Result<(), BoxError>;
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
) -> Result<(), BoxError> {
    for pass in 0..stage.passes() {
        let summaries = docs
            .clone()
            .filter(|d| stage.wants(pass, d.doc_id))
            .map(|d| stage.observe(pass, d))
            .collect();
        stage.absorb(pass, summaries)?;
        stage.decide(pass)?;
    }
    Ok(())
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

    /// Observing passes before the stage applies: 0 for a per-document stage.
    pub fn passes(&self) -> usize {
        match self {
            Stage::Document(_) => 0,
            Stage::Corpus(s) => s.passes(),
        }
    }

    /// For a restored document that skipped this stage: whether what it did then is
    /// what it would do now. A per-document stage is a function of the document
    /// alone, and the document is the one it saw, so its result always holds.
    pub fn still_holds(&self, doc: &Document) -> bool {
        match self {
            Stage::Document(_) => true,
            Stage::Corpus(s) => s.still_holds(doc),
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
    fn wants(&self, pass: usize, doc_id: DocId) -> bool;
    fn observe(&self, pass: usize, doc: &Document) -> Box<dyn Any + Send>;
    fn absorb(&mut self, pass: usize, summaries: Vec<Box<dyn Any + Send>>) -> Result<(), BoxError>;
    fn decide(&mut self, pass: usize) -> Result<(), BoxError>;
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

    fn wants(&self, pass: usize, doc_id: DocId) -> bool {
        CorpusStage::wants(self, pass, doc_id)
    }

    fn observe(&self, pass: usize, doc: &Document) -> Box<dyn Any + Send> {
        Box::new(CorpusStage::observe(self, pass, doc))
    }

    fn absorb(&mut self, pass: usize, summaries: Vec<Box<dyn Any + Send>>) -> Result<(), BoxError> {
        // Every box came from `observe` above, so every downcast succeeds.
        let summaries = summaries
            .into_iter()
            .filter_map(|b| b.downcast::<S::Summary>().ok().map(|b| *b))
            .collect();
        CorpusStage::absorb(self, pass, summaries)
    }

    fn decide(&mut self, pass: usize) -> Result<(), BoxError> {
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
