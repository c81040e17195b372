//! What the runner reads from and writes to, as traits the CLI fills in: the sink that
//! takes finished documents, the spills that keep documents between passes, the
//! earlier output that documents of unchanged inputs come from, and the progress bars.

use crate::document::{DocId, Document, QuarantineRecord};
use crate::input::InputFile;
pub use crate::stage::BoxError;

/// Where finished documents and quarantine records go, batch by batch, in input order.
/// `Send`, because the runner writes one batch while the next is processed.
pub trait Sink: Send {
    fn write_documents(&mut self, docs: Vec<Document>) -> Result<(), BoxError>;
    fn write_quarantine(&mut self, records: Vec<QuarantineRecord>) -> Result<(), BoxError>;
}

/// Documents kept from before this pass: the output of an earlier run (or of the
/// shards of this one), or a spill of this run.
///
/// A document from an earlier output is the one that run wrote. It skips the stages
/// that do not reapply (see [`crate::stage::CorpusStage::reapplies`]) as long as each
/// of them says its earlier result still holds, and goes through the others again, so
/// that the output is the one a run from scratch would write.
pub trait Restorer: Send + Sync {
    /// Whether this holds the documents made from exactly this input (same path, size
    /// and content); may read the file to tell.
    fn holds(&self, file: &InputFile) -> bool;
    /// A reader over the kept documents, for one pass over the inputs.
    fn reader(&self) -> Result<Box<dyn RestoreReader + '_>, BoxError>;
}

/// A kept document as a reader hands it over: its id at once, the document itself
/// made by whichever worker takes it. Turning stored rows back into documents is most
/// of reading a spill; done where the reading is, it kept one thread busy while the
/// others waited for the next batch.
pub struct KeptDoc {
    pub doc_id: DocId,
    make: Box<dyn FnOnce() -> Document + Send>,
}

impl KeptDoc {
    /// A document `make` builds when it is needed.
    pub fn new(doc_id: DocId, make: impl FnOnce() -> Document + Send + 'static) -> KeptDoc {
        KeptDoc {
            doc_id,
            make: Box::new(make),
        }
    }

    /// A document already at hand.
    pub fn ready(doc: Document) -> KeptDoc {
        KeptDoc::new(doc.doc_id, move || doc)
    }

    pub fn into_document(self) -> Document {
        (self.make)()
    }
}

/// Reads kept documents forward, input file by input file, in the run's file order.
pub trait RestoreReader: Send {
    /// At most `max` of the kept documents of `file` that `wanted` accepts, in the
    /// order they were written, and whether more of them may follow: then the same
    /// file is asked for again, so that a file of many documents (a WARC file) comes
    /// in batches. Files are asked for in the run's order.
    fn read(
        &mut self,
        file: &InputFile,
        wanted: &dyn Fn(DocId) -> bool,
        max: usize,
    ) -> Result<(Vec<KeptDoc>, bool), BoxError>;
}

/// Keeps the documents of a pass as the stages before it left them, so that later
/// passes read them back instead of decoding and cleaning every input again. Where a
/// run spills is part of its [`super::Plan`].
pub trait Spill: Send {
    /// Keeps a batch of documents, in input order.
    fn write(&mut self, docs: Vec<Document>) -> Result<(), BoxError>;
    /// Done writing: a restorer over what was kept.
    fn finish(self: Box<Self>) -> Result<Box<dyn Restorer>, BoxError>;
}

/// Opens spill number `n` of a run.
pub type SpillMaker = Box<dyn Fn(usize) -> Result<Box<dyn Spill>, BoxError> + Send + Sync>;

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
